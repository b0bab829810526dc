"""``account add|list|test|remove|set|signin``: SMTP accounts; passwords and OAuth2
tokens only in the keyring.

``account add NAME --preset microsoft365|outlook|gmail|google_workspace --user ADDR`` (no
``--password-stdin``) signs in with OAuth2: the system browser opens the provider's sign-in page
(the address is printed too, for a machine without a browser) and the command waits for it.
``--preset oauth2`` does the same for another provider, given ``--authorize-url``, ``--token-url``,
``--scope`` and ``--client-id``. With ``--password-stdin`` those presets log in with a password
(an app password) as before. ``account signin NAME`` signs in again.
"""

from __future__ import annotations

import sys

from ..services.accounts import manage as service
from ..services.accounts.manage import AccountError
from ..services.accounts.oauth_providers import OAuthSetupError, client_id, config_for, is_oauth_preset
from ..services.accounts.presets import PRESETS
from ..services.sending.pace import limits_note
from .base import Cli, CliError, Context, StderrProgress


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
    _oauth_options(p)
    p.add_argument("--client-id", metavar="ID", help="OAuth2 client ID (default: Settings > Accounts or the "
                   "provider's MAILER_DESKTOP_*_CLIENT_ID environment variable)")
    p.add_argument("--tenant", metavar="T", help="Microsoft tenant: common, organizations, consumers, a tenant ID or "
                   "domain (default: organizations for microsoft365, consumers for outlook)")
    p.add_argument("--authorize-url", metavar="URL", help="OAuth2 authorize endpoint (preset oauth2)")
    p.add_argument("--token-url", metavar="URL", help="OAuth2 token endpoint (preset oauth2)")
    p.add_argument("--revoke-url", metavar="URL", help="OAuth2 revocation endpoint (optional)")
    p.add_argument("--scope", action="append", metavar="SCOPE", help="OAuth2 scope to ask for (repeat it; "
                   "preset oauth2)")

    p = cli.add("account", "signin", signin, help="sign in to an OAuth2 account again in the browser")
    p.add_argument("name")
    _oauth_options(p)

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


def _oauth_options(p) -> None:
    p.add_argument("--no-browser", action="store_true", help="do not open a browser; only print the sign-in "
                   "address (open it on this computer: the browser must reach 127.0.0.1)")
    p.add_argument("--timeout", type=float, default=300.0, metavar="SECONDS",
                   help="how long to wait for the browser sign-in (default 300)")


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
            "rate_per_day": a.rate_per_day, "builtin": a.builtin,
            "login": "oauth2" if a.uses_oauth else ("password" if a.username else "none")}


def add(args, ctx: Context) -> int:
    if args.preset in ("other", "oauth2") and (args.host is None or args.port is None or args.security is None):
        raise CliError("give --host, --port and --security (or a --preset)")
    if args.password_stdin and not args.user:
        raise CliError("--password-stdin needs --user")
    oauth = bool(args.user) and not args.password_stdin and is_oauth_preset(args.preset)
    if args.preset == "oauth2" and not oauth:
        raise CliError("preset oauth2 signs in in the browser: give --user without --password-stdin")
    if args.user and not args.password_stdin and not oauth:
        raise CliError("--user needs --password-stdin (the password is never taken from the command line); "
                       "microsoft365, outlook, gmail, google_workspace and oauth2 can sign in in the browser "
                       "instead")
    given = [o for o in ("client_id", "tenant", "authorize_url", "token_url", "revoke_url", "scope")
             if getattr(args, o)]
    if given and not oauth:
        raise CliError(f"--{given[0].replace('_', '-')} is for accounts that sign in with OAuth2 "
                       "(an OAuth2 preset with --user and no --password-stdin)")
    config = None
    if oauth:
        try:
            config = config_for(args.preset, tenant=args.tenant or "", client_id=args.client_id or "",
                                authorize_url=args.authorize_url or "", token_url=args.token_url or "",
                                scopes=[s for v in args.scope or () for s in v.split()],
                                revoke_url=args.revoke_url or "")
            client_id(ctx.app, config, args.name)  # say now, before anything is stored, when there is none
        except OAuthSetupError as exc:
            raise CliError(str(exc)) from None
    try:
        account = service.add_account(
            ctx.app, args.name, host=args.host, port=args.port, security=args.security, username=args.user,
            password=_password(args), preset_key=args.preset, pool_size=args.connections,
            rate_per_second=args.rate, rate_per_hour=args.per_hour, rate_per_day=args.per_day, oauth=config)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    given = {k for k, v in {"pool_size": args.connections, "rate_per_second": args.rate,
                            "rate_per_hour": args.per_hour, "rate_per_day": args.per_day}.items() if v is not None}
    note = limits_note(account, given)
    described = {**_describe(account), "limits": note}
    if config is not None:
        try:
            tokens = _sign_in(args, ctx, account)
        except CliError:
            service.remove_account(ctx.app, account.id)  # a first sign-in that failed leaves nothing behind
            raise
        described.update(_signed_in(tokens, account))
    if ctx.json:
        ctx.emit(described)
    else:
        how = f", signed in as {described['signed_in_as']}" if config is not None else ""
        ctx.say(f"added account {account.name} ({account.host}:{account.port}, {account.security}{how})\n{note}")
    return 0


def _sign_in(args, ctx: Context, account):
    """The browser sign-in of an OAuth2 account; CliError (nothing stored) when it does not finish."""
    from ..services.accounts.oauth_flow import SignInError

    def open_browser(url: str) -> None:
        ctx.err.write(f"Sign in to {account.name} in your browser. If no browser opens, open this address on "
                      f"this computer:\n{url}\n")
        ctx.err.flush()
        if not args.no_browser:
            import threading
            import webbrowser

            # Some browsers keep the call until they close: the listener must be waiting meanwhile.
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()

    progress = StderrProgress(ctx.err) if not ctx.json else None
    try:
        return service.sign_in(ctx.app, account, open_browser, timeout=args.timeout, progress=progress)
    except (SignInError, AccountError, OAuthSetupError) as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress is not None:
            progress.finish()


def _signed_in(tokens, account) -> dict:
    from datetime import UTC, datetime

    return {"signed_in_as": tokens.user or account.username,
            "token_expires": datetime.fromtimestamp(tokens.expires_at, UTC).isoformat(timespec="seconds")}


def signin(args, ctx: Context) -> int:
    try:
        account = service.get_account(ctx.app, args.name)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    if not account.uses_oauth:
        raise CliError(f"account {account.name!r} logs in with a password, not in the browser")
    done = _signed_in(_sign_in(args, ctx, account), account)
    if ctx.json:
        ctx.emit({**_describe(account), **done})
    else:
        ctx.say(f"signed in to {account.name} as {done['signed_in_as']}")
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
            login += " (OAuth2 sign-in)" if a.uses_oauth else ""
            ctx.say(f"{a.name}: {a.host}:{a.port} {a.security}{login}, {a.pool_size} connections, "
                    f"{a.rate_per_second:g}/s" + (" (built-in)" if a.builtin else ""))
    return 0


def test(args, ctx: Context) -> int:
    try:
        report = service.test_connection(ctx.app, args.name)
    except AccountError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        out = {"ok": report.ok, "kind": report.kind, "message": report.message, "steps": report.steps}
        if report.signed_in_as or report.token_expires:
            out.update(signed_in_as=report.signed_in_as, token_expires=report.token_expires)
        ctx.emit(out)
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
