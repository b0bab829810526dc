"""``account add|list|test|remove|set`` (DESIGN.md §4): SMTP accounts; passwords only in the keyring."""

from __future__ import annotations

import sys

from ..services import accounts as service
from ..services.account_presets import PRESETS
from ..services.accounts import AccountError
from ..services.send_pace import limits_note
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("account", "add", add, help="add an SMTP account (no --user: no login; security none only to "
                "this computer)")
    p.add_argument("name")
    p.add_argument("--preset", default="other", choices=sorted(PRESETS),
                   help="a known provider: fills in host, port, security and its sending limits")
    p.add_argument("--host", metavar="H")
    p.add_argument("--port", metavar="P", type=int)
    p.add_argument("--security", choices=("starttls", "tls", "none"))
    p.add_argument("--user", default="", metavar="U", help="login name; the password is read from stdin")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    _limits(p)

    p = cli.add("account", "set", edit, help="change an account (only the options given)")
    p.add_argument("name")
    p.add_argument("--rename", metavar="NEW")
    p.add_argument("--host", metavar="H")
    p.add_argument("--port", metavar="P", type=int)
    p.add_argument("--security", choices=("starttls", "tls", "none"))
    p.add_argument("--user", metavar="U")
    p.add_argument("--password-stdin", action="store_true", help="read a new password from standard input")
    _limits(p)

    cli.add("account", "list", list_accounts, help="show the accounts")
    p = cli.add("account", "test", test, help="connect, encrypt and log in (nothing is sent)")
    p.add_argument("name")
    p = cli.add("account", "remove", remove, help="remove an account and its stored password")
    p.add_argument("name")


def _limits(p) -> None:
    p.add_argument("--connections", type=int, metavar="N", help="connections used in parallel")
    p.add_argument("--rate", type=float, metavar="PER_SECOND", help="messages per second (0: no limit)")
    p.add_argument("--per-hour", type=int, metavar="N", help="messages per hour (0: no limit)")
    p.add_argument("--per-day", type=int, metavar="N", help="messages per day (0: no limit)")


def _password(args) -> str | None:
    if not args.password_stdin:
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise CliError("--password-stdin was given but standard input had no password")
    return line


def _describe(a) -> dict:
    return {"id": a.id, "name": a.name, "preset": a.preset, "host": a.host, "port": a.port,
            "security": a.security, "user": a.username, "connections": a.pool_size,
            "rate_per_second": a.rate_per_second, "rate_per_hour": a.rate_per_hour,
            "rate_per_day": a.rate_per_day, "builtin": a.builtin}


def add(args, ctx: Context) -> int:
    if args.preset == "other" and (args.host is None or args.port is None or args.security is None):
        raise CliError("give --host, --port and --security (or a --preset)")
    if args.password_stdin and not args.user:
        raise CliError("--password-stdin needs --user")
    if args.user and not args.password_stdin:
        raise CliError("--user needs --password-stdin (the password is never taken from the command line)")
    try:
        account = service.add_account(
            ctx.app, args.name, host=args.host, port=args.port, security=args.security, username=args.user,
            password=_password(args), preset_key=args.preset, pool_size=args.connections,
            rate_per_second=args.rate, rate_per_hour=args.per_hour, rate_per_day=args.per_day)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    given = {k for k, v in {"pool_size": args.connections, "rate_per_second": args.rate,
                            "rate_per_hour": args.per_hour, "rate_per_day": args.per_day}.items() if v is not None}
    note = limits_note(account, given)
    if ctx.json:
        ctx.emit({**_describe(account), "limits": note})
    else:
        ctx.say(f"added account {account.name} ({account.host}:{account.port}, {account.security})\n{note}")
    return 0


def edit(args, ctx: Context) -> int:
    changes = {k: v for k, v in {
        "name": args.rename, "host": args.host, "port": args.port, "security": args.security,
        "username": args.user, "pool_size": args.connections, "rate_per_second": args.rate,
        "rate_per_hour": args.per_hour, "rate_per_day": args.per_day}.items() if v is not None}
    try:
        account = service.edit_account(ctx.app, args.name, password=_password(args), **changes)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit(_describe(account))
    else:
        ctx.say(f"updated account {account.name}")
    return 0


def list_accounts(args, ctx: Context) -> int:
    for a in service.list_accounts(ctx.app):
        if ctx.json:
            ctx.emit(_describe(a))
        else:
            login = f" as {a.username}" if a.username else ""
            ctx.say(f"{a.name}: {a.host}:{a.port} {a.security}{login}, {a.pool_size} connections, "
                    f"{a.rate_per_second:g}/s" + (" (built-in)" if a.builtin else ""))
    return 0


def test(args, ctx: Context) -> int:
    try:
        report = service.test_connection(ctx.app, args.name)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({"ok": report.ok, "kind": report.kind, "message": report.message, "steps": report.steps})
    elif report.ok:
        ctx.say(report.message)
    if not report.ok:
        raise CliError(report.message)
    return 0


def remove(args, ctx: Context) -> int:
    try:
        service.remove_account(ctx.app, args.name)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    if not ctx.json:
        ctx.say(f"removed account {args.name}")
    return 0
