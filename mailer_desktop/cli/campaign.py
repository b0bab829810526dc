"""``campaign create|preview|list|rename|duplicate|delete|preflight``. Sending lives in cli/campaign_send.py."""

from __future__ import annotations

from pathlib import Path

from ..domain.addresses import AddressError, key_of
from ..domain.templates import TemplateError
from ..services import campaigns
from ..services.campaigns import CampaignError
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("campaign", "create", create, help="create a draft campaign from an HTML or Markdown file")
    p.add_argument("--name", required=True, metavar="N")
    p.add_argument("--subject", required=True, metavar="S", help="may contain merge fields")
    p.add_argument("--list", dest="list_name", required=True, metavar="L")
    body = p.add_mutually_exclusive_group(required=True)
    body.add_argument("--html", metavar="FILE")
    body.add_argument("--markdown", metavar="FILE")
    p.add_argument("--text", metavar="FILE", help="plain-text body (default: generated from the HTML)")
    p.add_argument("--preheader", default="", metavar="TEXT")
    p.add_argument("--attach", action="append", default=[], metavar="FILE", help="attach a file; may be repeated")

    p = cli.add("campaign", "preview", preview, help="print the exact MIME message one contact would get")
    p.add_argument("id", type=int)
    p.add_argument("--contact", metavar="EMAIL", help="default: the first contact of the campaign's list")

    cli.add("campaign", "list", list_campaigns, help="list campaigns")

    p = cli.add("campaign", "rename", rename, help="give a campaign a new name")
    p.add_argument("id", type=int)
    p.add_argument("name")

    p = cli.add("campaign", "duplicate", duplicate,
                help="a new draft with a campaign's content, list and attachments")
    p.add_argument("id", type=int)
    p.add_argument("--name", metavar="N", help="default: the name with “(copy)”")

    p = cli.add("campaign", "delete", delete, help="delete a draft that was never sent")
    p.add_argument("id", type=int)

    p = cli.add("campaign", "preflight", preflight, help="check a campaign before sending (errors and warnings)")
    p.add_argument("id", type=int)
    p.add_argument("--account", metavar="NAME", help="the account it will be sent with")
    p.add_argument("--no-dns", action="store_true", help="skip the SPF/DKIM/DMARC look-ups")


def _read(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    p = Path(path)
    try:
        return p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"{p}: {what} file not found") from None
    except UnicodeDecodeError as exc:
        raise CliError(f"{p}: {what} file is not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise CliError(f"{p}: cannot read the {what} file ({exc.strerror or exc})") from None


def create(args, ctx: Context) -> int:
    html = _read(args.html, "HTML")
    markdown = _read(args.markdown, "Markdown")
    text = _read(args.text, "text")
    app = ctx.app
    try:
        cid = campaigns.create_campaign(app, args.name, args.subject, args.list_name, html=html, markdown=markdown,
                                        text=text, preheader=args.preheader)
        for path in args.attach:
            campaigns.add_attachment(app, cid, path)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({"id": cid, "name": args.name, "list": args.list_name, "state": "draft"})
    else:
        ctx.say(f"Created campaign {cid} ({args.name}).")
    return 0


def preview(args, ctx: Context) -> int:
    from ..services.compose.preview import preview_contact
    from ..services.compose.renderer import CampaignRenderer

    app = ctx.app
    try:
        campaign = campaigns.require_campaign(app, args.id)
        if args.contact:
            key_of(args.contact)
        contact = preview_contact(app, campaign, args.contact)
        data, _ = CampaignRenderer(app, args.id).bytes_for(contact)
    except (CampaignError, TemplateError, LookupError) as exc:
        raise CliError(str(exc)) from None
    except AddressError as exc:
        raise CliError(f"--contact {args.contact!r}: {exc}") from None
    ctx.out.write(data.decode("ascii").replace("\r\n", "\n"))
    return 0


def list_campaigns(args, ctx: Context) -> int:
    for c in campaigns.list_campaigns(ctx.app):
        if ctx.json:
            ctx.emit({"id": c.id, "name": c.name, "kind": c.kind, "list": c.list_name, "state": c.state,
                      "subject": c.subject, "created_at": c.created_at})
        else:
            ctx.say(f"{c.id:>5}  {c.state:<9} {c.kind:<12} {c.name}  [{c.list_name or '-'}]")
    return 0


def rename(args, ctx: Context) -> int:
    try:
        c = campaigns.rename_campaign(ctx.app, args.id, args.name)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    ctx.emit({"id": c.id, "name": c.name}) if ctx.json else ctx.say(f"campaign {c.id} is now named {c.name!r}")
    return 0


def duplicate(args, ctx: Context) -> int:
    try:
        new_id = campaigns.duplicate_campaign(ctx.app, args.id, args.name)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    c = campaigns.require_campaign(ctx.app, new_id)
    ctx.emit({"id": c.id, "name": c.name}) if ctx.json else ctx.say(f"created draft campaign {c.id} ({c.name})")
    return 0


def delete(args, ctx: Context) -> int:
    try:
        campaigns.delete_draft(ctx.app, args.id)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    ctx.emit({"id": args.id, "deleted": True}) if ctx.json else ctx.say(f"deleted draft campaign {args.id}")
    return 0


def preflight(args, ctx: Context) -> int:
    from ..services.compose.preflight import run_preflight

    try:
        report = run_preflight(ctx.app, args.id, account_name=args.account, check_dns=not args.no_dns)
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit(report.as_dict())
    else:
        for item in report.items:
            ctx.say(f"{item.level.upper():<8} {item.message}")
        if not report.ok:
            ctx.say("Sending is blocked until the errors are fixed.")
        elif report.warnings:
            count = len(report.warnings)
            ctx.say(f"Ready to send; read the {count} warning{'s' if count != 1 else ''} above first.")
        else:
            ctx.say("Ready to send.")
    return 0 if report.ok else 1
