"""``campaign send`` and ``campaign status``.

``campaign send`` exits 0 when the campaign is done, 3 when it stopped short (paused: the
reason is printed; deferred messages; the daily limit), 1 on bad input. Run it again to resume:
nobody marked sent is sent again. SIGTERM, SIGINT or SIGHUP (logging out, ``timeout``, a service
manager, Ctrl+C) stop it cleanly: the messages in flight finish or are given up, the campaign is
left paused (exit 3).
"""

from __future__ import annotations

from ..services.sending.control import SendControl, stop_on_signals
from ..services.sending.engine import SendError, campaign_status, resend_uncertain, send_campaign
from .base import Cli, CliError, Context, StderrProgress, progress_for

INCOMPLETE = 3


def register(cli: Cli) -> None:
    p = cli.add("campaign", "send", send, help="send (or resume) a campaign through an account")
    p.add_argument("id", type=int)
    p.add_argument("--account", metavar="NAME", help="the account to send with (default: the campaign's last one)")
    p.add_argument("--resend-uncertain", action="store_true",
                   help="also resend messages cut off mid-send by a crash (they may arrive twice)")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")
    p = cli.add("campaign", "status", status, help="how far a campaign got: sent, failed, deferred, skipped")
    p.add_argument("id", type=int)


def _human(st: dict) -> str:
    skipped = ", ".join(f"{k} {v}" for k, v in st["skipped"].items()) or "none"
    line = (f"campaign {st['id']} {st['state']}: {st['sent']} sent, {st['failed']} failed, "
            f"{st['deferred']} deferred, {st['uncertain']} uncertain, {st['queued']} queued; skipped: {skipped}")
    if st.get("reason"):
        line += f"\n{st['reason']}"
    if st.get("pace"):
        line += f"\nthrough {st['pace']['account']}: {st['pace']['words']}"
    return line


def send(args, ctx: Context) -> int:
    app = ctx.app
    try:
        if args.resend_uncertain:
            resend_uncertain(app, args.id)
        progress = progress_for(ctx, args.quiet)
        control = SendControl()
        with stop_on_signals(control, f" Run `campaign send {args.id}` to continue."):
            st = send_campaign(app, args.id, args.account, progress=progress, control=control)
    except SendError as exc:
        raise CliError(str(exc)) from None
    if isinstance(progress, StderrProgress):
        progress.finish()
    if ctx.json:
        ctx.emit(st)
    else:
        ctx.say(_human(st))
    if st["state"] != "done":
        if ctx.json and st.get("reason"):
            ctx.err.write(st["reason"] + "\n")
        return INCOMPLETE
    return 0


def status(args, ctx: Context) -> int:
    try:
        st = campaign_status(ctx.app, args.id)
    except SendError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit(st)
    else:
        ctx.say(_human(st))
    return 0
