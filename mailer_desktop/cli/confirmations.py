"""``confirmations send [--list L | --contact EMAIL] --account NAME``: double opt-in requests.

Without ``--contact``: to every pending contact that is due. With it: to that one person, started
by you — someone pending, or someone who opted out and asked to come back (``--note`` says how
they asked; it goes into their consent trail)."""

from __future__ import annotations

from ..services.inbox.confirmations import due_contacts, request_again, send_confirmations
from ..services.sending.control import SendControl, stop_on_signals
from ..services.sending.engine import SendError
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("confirmations", "send", send, help="mail a confirmation request to each pending contact "
                "(once, and one reminder after the configured days)")
    p.add_argument("--list", dest="list_name", metavar="L", help="only pending members of this list")
    p.add_argument("--account", required=True, metavar="NAME")
    p.add_argument("--contact", metavar="EMAIL", help="one person only, also someone who opted out and asked "
                   "to come back (their reply to this request confirms them)")
    p.add_argument("--note", metavar="TEXT", default="", help="with --contact: how they asked (kept in their "
                   "consent trail)")
    p = cli.add("confirmations", "due", due, help="how many pending contacts would get a request now")
    p.add_argument("--list", dest="list_name", metavar="L")


def send(args, ctx: Context) -> int:
    from ..services.contacts.errors import ContactError

    if args.contact and args.list_name:
        raise CliError("give either --list or --contact, not both")
    if args.note and not args.contact:
        raise CliError("--note only applies with --contact")
    try:
        if args.contact:
            st = request_again(ctx.app, args.contact, args.account, note=args.note, channel="cli")
        else:
            control = SendControl()  # SIGTERM, SIGINT, SIGHUP: stop cleanly, the requests left stay due
            with stop_on_signals(control, " Run `confirmations send` again to continue."):
                st = send_confirmations(ctx.app, args.account, args.list_name, control=control)
    except (SendError, ContactError) as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit(st)
    else:
        ctx.say(f"{st['sent']} confirmation requests sent ({st['requested']} were due), {st['failed']} failed, "
                f"{st['deferred']} deferred" + (f"\n{st['reason']}" if st.get("reason") else ""))
    return 0 if st["state"] == "done" else 3


def due(args, ctx: Context) -> int:
    try:
        n = len(due_contacts(ctx.app, args.list_name))
    except SendError as exc:
        raise CliError(str(exc)) from None
    ctx.emit({"due": n}) if ctx.json else ctx.say(f"{n} pending contacts are due for a confirmation request")
    return 0
