"""``inbox classify`` / ``inbox import`` / ``inbox imap-set`` / ``inbox review`` / ``inbox decide``.

``classify`` needs no data folder: it reads mail files (an .eml, an mbox, a Maildir or a
folder of .eml files) and prints what each message is. ``import`` also applies the results to
the contacts (see :mod:`mailer_desktop.services.inbox.processor`).
"""

from __future__ import annotations

import sys

from ..domain.inbox import classify as classify_message
from ..services.inbox.sources import SourceError, iter_paths
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("inbox", "review", review, help="list the returned mail that waits for your decision, and why")
    p = cli.add("inbox", "decide", decide, help="decide on a message of the review list")
    p.add_argument("id", type=int, metavar="ID", help="the message's id from 'inbox review'")
    p.add_argument("decision", choices=("unsubscribe", "confirm", "ignore"))
    p.add_argument("--contact", metavar="EMAIL", help="the contact it is about, when the message names none")
    p = cli.add("inbox", "classify", classify, help="say what returned mail is (bounce, complaint, unsubscribe ...);"
                " needs no data folder")
    p.add_argument("files", nargs="+", metavar="FILE", help=".eml file, mbox file, Maildir or folder of .eml files")

    p = cli.add("inbox", "import", import_mail, help="process returned mail: bounces, complaints, unsubscribes,"
                " confirmations")
    p.add_argument("files", nargs="*", metavar="FILE", help=".eml file, mbox file, Maildir or folder")
    p.add_argument("--imap", metavar="ACCOUNT", help="fetch from the IMAP folder of this account instead")
    p.add_argument("--folder", metavar="NAME", help="IMAP folder (default: the account's inbox folder)")
    p.add_argument("--authserv-id", metavar="SERVER",
                   help="trust the Authentication-Results headers this server wrote (RFC 8601; default: the "
                        "account's, or for files the inbox.authserv_id setting)")

    p = cli.add("inbox", "trust-cert", trust_cert, help="show the certificate of an account's IMAP server and trust"
                " it for that account (your own server's self-signed certificate)")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--fingerprint", metavar="SHA256",
                   help="trust the certificate if the server shows exactly this one (from a first run without it)")
    p.add_argument("--forget", action="store_true", help="stop trusting the certificate trusted for the account")

    p = cli.add("inbox", "imap-set", imap_set, help="set the IMAP mailbox of an account (where replies and bounces"
                " arrive)")
    p.add_argument("account", metavar="ACCOUNT")
    p.add_argument("--host", metavar="H")
    p.add_argument("--port", type=int, metavar="P")
    p.add_argument("--security", choices=("tls", "starttls", "none"))
    p.add_argument("--user", metavar="U")
    p.add_argument("--password-stdin", action="store_true", help="read the IMAP password from standard input")
    p.add_argument("--folder", metavar="NAME", help="folder to read (default INBOX)")
    p.add_argument("--done-folder", metavar="NAME", help="move processed mail here ('' flags it instead)")
    p.add_argument("--authserv-id", metavar="SERVER",
                   help="the mailbox's own server as named in its Authentication-Results headers (e.g. "
                        "mx.google.com); only its SPF/DKIM/DMARC verdicts are trusted ('' trusts none)")


def review(args, ctx: Context) -> int:
    from ..services.inbox import processor

    items = processor.review_items(ctx.app)
    for item in items:
        if ctx.json:
            ctx.emit({"id": item["id"], "kind": item["kind"], "sender": item["sender"], "subject": item["subject"],
                      "received_at": item["received_at"], "why": item["outcome"], "contact_id": item["contact_id"],
                      "source": item["source"]})
        else:
            ctx.say(f"{item['id']:>6}  {item['kind']:<12} {item['sender'] or '(no sender)'}: {item['outcome']}")
    if not items and not ctx.json:
        ctx.say("Nothing waits for a decision.")
    return 0


def decide(args, ctx: Context) -> int:
    from ..services.contacts import people as contacts
    from ..services.inbox import processor

    try:
        done = processor.decide_review(ctx.app, args.id, args.decision, args.contact)
    except (processor.InboxError, contacts.ContactError) as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({"id": args.id, "decision": args.decision, "result": done})
    else:
        ctx.say(f"{args.decision}: {done}")
    return 0


def _result_json(r) -> dict:
    return {"recipient": r.recipient, "kind": r.kind, "status": r.status, "reason": r.reason,
            "category": r.category, "policy": r.policy, "review": r.review, "tokens": list(r.tokens),
            "reference": r.reference, "original_message_id": r.original_message_id}


def classify(args, ctx: Context) -> int:
    read = 0
    try:
        for message in iter_paths(args.files):
            read += 1
            results = classify_message(message.raw)
            if ctx.json:
                ctx.emit({"file": message.name, "results": [_result_json(r) for r in results]})
            else:
                ctx.say(message.name)
                for r in results:
                    extra = " [about the sender]" if r.policy else ""
                    ctx.say(f"  {r.kind:<12} {r.recipient or '(unknown recipient)'} {r.status} {r.reason[:100]}{extra}")
    except SourceError as exc:
        raise CliError(str(exc)) from None
    if not read:  # an empty folder or mbox: say so (on stderr; stdout stays the results, none)
        ctx.err.write(f"no mail found in {', '.join(str(f) for f in args.files)}\n")
    return 0


def import_mail(args, ctx: Context) -> int:
    from ..services.inbox import processor

    if bool(args.files) == bool(args.imap):
        raise CliError("give either mail files/folders or --imap ACCOUNT (not both, not neither)")
    if args.folder and not args.imap:
        raise CliError("--folder only applies with --imap ACCOUNT")
    try:
        if args.imap:
            report = processor.import_imap(ctx.app, args.imap, folder=args.folder, authserv_id=args.authserv_id)
        else:
            report = processor.import_paths(ctx.app, args.files, authserv_id=args.authserv_id)
    except (SourceError, processor.InboxError) as exc:
        raise CliError(str(exc)) from None
    summary = report.summary()
    if ctx.json:
        ctx.emit(summary)
    else:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(summary["by_kind"].items())) or "nothing"
        ctx.say(f"Processed {summary['processed']} message(s), {summary['unchanged']} already seen; {kinds}.")
        if summary["review"]:
            ctx.say(f"{summary['review']} message(s) need your decision (Inbox page, review list).")
        if report.not_mail:
            shown = ", ".join(report.not_mail[:10]) + (f" and {len(report.not_mail) - 10} more"
                                                       if len(report.not_mail) > 10 else "")
            ctx.say(f"Skipped {len(report.not_mail)} file(s) that are not mail messages: {shown}.")
        for line in report.warnings:
            ctx.say(f"Warning: {line}")
    return 0


def trust_cert(args, ctx: Context) -> int:
    from ..services.inbox import processor

    try:
        if args.forget:
            had = processor.forget_certificate(ctx.app, args.account)
            if ctx.json:
                ctx.emit({"account": args.account, "forgotten": had})
            else:
                ctx.say("No certificate is trusted for the account any more." if had else
                        "No certificate was trusted for the account.")
            return 0
        cert, trusted = processor.trust_certificate(ctx.app, args.account, args.fingerprint)
    except (SourceError, processor.InboxError) as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({"account": args.account, "fingerprint": cert.fingerprint, "certificate": cert.describe(),
                  "trusted": trusted})
    elif trusted:
        ctx.say(f"Trusted for {args.account}: {cert.describe()}, SHA-256 {cert.fingerprint}. Only this certificate "
                "is accepted beyond the usual checks; if the server's certificate changes, the connection is "
                "refused until you trust the new one.")
    else:
        ctx.say(f"The server shows: {cert.describe()}")
        ctx.say(f"SHA-256 fingerprint: {cert.fingerprint}")
        ctx.say("Compare it with the fingerprint your mail server shows (ask whoever runs it). If they are the same, "
                f"trust it: inbox trust-cert {args.account} --fingerprint {cert.fingerprint}")
    return 0


def imap_set(args, ctx: Context) -> int:
    from ..services.inbox import processor

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CliError("--password-stdin was given but standard input had no password")
    try:
        settings = processor.configure_imap(ctx.app, args.account, host=args.host, port=args.port,
                                            security=args.security, username=args.user, folder=args.folder,
                                            done_folder=args.done_folder, password=password,
                                            authserv_id=args.authserv_id)
    except (SourceError, processor.InboxError) as exc:
        raise CliError(str(exc)) from None
    out = {"account": settings.account_name, "host": settings.host, "port": settings.port,
           "security": settings.security, "user": settings.username, "folder": settings.folder,
           "done_folder": settings.done_folder, "authserv_id": settings.authserv_id}
    if ctx.json:
        ctx.emit(out)
    else:
        ctx.say(f"IMAP for {settings.account_name}: {settings.host}:{settings.port} ({settings.security}), "
                f"folder {settings.folder}" + (f", processed mail moved to {settings.done_folder}"
                                               if settings.done_folder else ", processed mail flagged"))
    return 0
