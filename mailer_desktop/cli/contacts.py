"""``contacts list|add|status|export|erase|purge|lists`` and ``suppress add|list|remove``.

``contacts import`` lives in cli/contacts_import.py.
"""

from __future__ import annotations

import json

from ..domain import consent
from ..private_files import write_private_text
from ..services.contacts import people as contact_service
from ..services.contacts import rights, suppression
from ..services.contacts.errors import ContactError
from ..services.contacts.suppression import SuppressionError
from ..storage.contacts import ContactQuery
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("contacts", "list", list_contacts, help="list contacts (one per line)")
    p.add_argument("--status", choices=consent.STATUSES, help="only contacts with this consent status")
    p.add_argument("--list", dest="list_name", metavar="NAME", help="only members of this list")
    p.add_argument("--search", default="", metavar="TEXT", help="address or name words starting with TEXT")

    p = cli.add("contacts", "add", add_contact, help="add one contact (pending unless --proof is given)")
    p.add_argument("email")
    p.add_argument("--name", default="")
    p.add_argument("--list", dest="lists", action="append", default=[], metavar="NAME",
                   help="add to this list (created when missing); may be repeated")
    p.add_argument("--field", dest="fields", action="append", default=[], metavar="NAME=VALUE",
                   help="a custom field; may be repeated")
    p.add_argument("--proof", default="", metavar="TEXT",
                   help="proof of consent (who agreed, when, how): adds the contact as confirmed")
    p.add_argument("--source", default="", metavar="TEXT", help="where the address comes from")

    p = cli.add("contacts", "status", set_status, help="record a consent event: confirmed, unsubscribed, "
                "bounced or complained")
    p.add_argument("email")
    p.add_argument("event", choices=consent.STATUS_EVENTS)
    p.add_argument("--evidence", default="", metavar="TEXT", help="required for 'confirmed'")
    p.add_argument("--wording", default="", metavar="TEXT", help="the exact wording the person saw")

    p = cli.add("contacts", "export", export_contact, help="everything held about one person, as JSON")
    p.add_argument("email")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of standard output")

    p = cli.add("contacts", "erase", erase_contact,
                help="erase one person: all personal data removed, a keyed hash kept so they are never re-added")
    p.add_argument("email")

    p = cli.add("contacts", "purge", purge_pending, help="remove pending contacts older than the retention period")
    p.add_argument("--days", type=int, metavar="N", help="override the setting consent.pending_retention_days")

    cli.add("contacts", "lists", show_lists, help="show the lists and their member counts")

    p = cli.add("suppress", "add", suppress_add, help="add addresses or whole domains to the suppression list")
    p.add_argument("entries", nargs="*", metavar="ADDRESS_OR_DOMAIN")
    p.add_argument("--file", metavar="FILE", help="one address or domain per line (CSV: first column)")
    p.add_argument("--note", default="", metavar="TEXT")

    p = cli.add("suppress", "list", suppress_list, help="show the suppression list")
    p.add_argument("--search", default="", metavar="TEXT")

    p = cli.add("suppress", "remove", suppress_remove, help="remove an address or domain from the suppression list")
    p.add_argument("entry", metavar="ADDRESS_OR_DOMAIN_OR_HASH")


def list_contacts(args, ctx: Context) -> None:
    app = ctx.app
    list_id = None
    if args.list_name:
        found = contact_service.find_list(app, args.list_name)
        if found is None:
            raise CliError(f"no list named {args.list_name!r}")
        list_id = found.id
    query = ContactQuery(search=args.search, status=args.status, list_id=list_id)
    for c in contact_service.iter_contacts(app, query):
        if ctx.json:
            ctx.emit({"email": c.email, "name": c.name, "status": c.status, "lists": list(c.lists),
                      "id": c.id, "consent_basis": c.consent_basis, "consent_expires_at": c.consent_expires_at,
                      "created_at": c.created_at})
        else:
            ctx.say("\t".join([c.email, c.name, c.status, ", ".join(c.lists)]))


def _fields(items: list[str]) -> dict:
    out = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise CliError(f"--field {item!r}: expected NAME=VALUE")
        out[name.strip()] = value
    return out


def add_contact(args, ctx: Context) -> None:
    try:
        c = contact_service.add_contact(ctx.app, args.email, args.name, _fields(args.fields), source=args.source,
                                        channel="cli", lists=args.lists, confirmed=bool(args.proof.strip()),
                                        evidence=args.proof)
    except ContactError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit(c.as_dict())
    else:
        ctx.say(f"Added {c.email} ({c.status}).")


def _require(ctx: Context, email: str):
    found = contact_service.find_by_email(ctx.app, email)
    if found is None:
        raise CliError(f"no contact with the address {email}")
    return found


def set_status(args, ctx: Context) -> None:
    c = _require(ctx, args.email)
    try:
        c = contact_service.change_status(ctx.app, c.id, args.event, "cli", args.wording, args.evidence)
    except (consent.ConsentError, ContactError) as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit(c.as_dict())
    else:
        ctx.say(f"{c.email} is now {c.status}.")


def export_contact(args, ctx: Context) -> None:
    c = _require(ctx, args.email)
    data = rights.export_person(ctx.app, c.id, channel="cli")
    text = json.dumps(data, ensure_ascii=False, indent=None if ctx.json else 2)
    if args.out:
        try:
            write_private_text(args.out, text + "\n")
        except OSError as exc:
            raise CliError(f"{args.out}: cannot write ({exc.strerror or exc})") from None
        if not ctx.json:
            ctx.say(f"Wrote everything held about {c.email} to {args.out}.")
        else:
            ctx.emit({"file": args.out})
    else:
        ctx.say(text)


def erase_contact(args, ctx: Context) -> None:
    c = _require(ctx, args.email)
    report = rights.erase_person(ctx.app, c.id, channel="cli")
    if ctx.json:
        ctx.emit({"erased": True, "compacted": report.compacted})
    else:
        ctx.say("Erased. The address is kept only as a keyed hash on the suppression list.")
        if not report.compacted:
            ctx.say("The database file could not be compacted now (another program has it open); "
                    "it will be at the next erasure.")


def purge_pending(args, ctx: Context) -> None:
    if args.days is not None and args.days <= 0:
        raise CliError("--days must be a positive number of days")
    n = rights.purge_pending(ctx.app, days=args.days, compact_file=True)
    if ctx.json:
        ctx.emit({"purged": n})
    else:
        ctx.say(f"Removed {n} pending contact(s).")


def show_lists(args, ctx: Context) -> None:
    for lst in contact_service.all_lists(ctx.app):
        if ctx.json:
            ctx.emit({"id": lst.id, "name": lst.name, "description": lst.description, "members": lst.members})
        else:
            ctx.say(f"{lst.name}\t{lst.members}")


def suppress_add(args, ctx: Context) -> None:
    if not args.entries and not args.file:
        raise CliError("name at least one address or domain, or --file FILE")
    try:
        report = suppression.suppress_lines(ctx.app, args.entries, note=args.note) if args.entries else None
        from_file = suppression.suppress_file(ctx.app, args.file, note=args.note) if args.file else None
    except SuppressionError as exc:
        raise CliError(str(exc)) from None
    total = {"added": 0, "already": 0, "invalid": []}
    for part, source in ((report, "argument"), (from_file, args.file)):
        if part is None:
            continue
        d = part.as_dict()
        total["added"] += d["added"]
        total["already"] += d["already"]
        total["invalid"] += [dict(i, source=source) for i in d["invalid"]]
    if ctx.json:
        ctx.emit(total)
    else:
        ctx.say(f"Added {total['added']}, already listed {total['already']}, invalid {len(total['invalid'])}.")
        for bad in total["invalid"]:
            where = f"{bad['source']} line {bad['line']}" if bad["source"] != "argument" else "argument"
            ctx.say(f"  {where}: {bad['reason']}")
    if total["invalid"] and not total["added"] and not total["already"]:
        first = total["invalid"][0]
        raise CliError(first["reason"])


def suppress_list(args, ctx: Context) -> None:
    offset = 0
    while True:
        page = suppression.list_suppressions(ctx.app, offset, 1000, args.search)
        for s in page:
            if ctx.json:
                ctx.emit({"hash": s.hash, "scope": s.scope, "reason": s.reason, "created_at": s.created_at,
                          "display": s.display, "note": s.note})
            else:
                ctx.say("\t".join([s.display or "(erased)", s.scope, s.reason, s.created_at]))
        if len(page) < 1000:
            return
        offset += 1000


def suppress_remove(args, ctx: Context) -> None:
    try:
        removed = suppression.unsuppress(ctx.app, args.entry)
    except SuppressionError as exc:
        raise CliError(str(exc)) from None
    if not removed:
        raise CliError(f"{args.entry} is not on the suppression list")
    if ctx.json:
        ctx.emit({"removed": True})
    else:
        ctx.say("Removed from the suppression list.")
