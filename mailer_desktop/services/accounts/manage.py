"""SMTP accounts: add, edit, remove, test. Passwords and OAuth2 tokens live only in the keyring.

An account logs in with a password, with an OAuth2 sign-in (Microsoft, Google, another
provider: see :mod:`.oauth_providers` and :mod:`.oauth_flow`), or not at all.

The built-in ``sandbox`` account (created by the first migration) always exists and cannot be
removed; only its port may change. Every other account is checked against the rules of
:mod:`..sending.smtp` (security ``none`` only to loopback, no password over plain text).
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass, field

from ...storage import accounts as store
from ...storage.accounts import AccountRow
from ..app import App
from ..sending.smtp import Endpoint, SmtpSetupError, check_policy, classify, open_session
from .oauth_providers import OAuthConfig, account_config
from .presets import PRESETS, preset

__all__ = ["AccountError", "AccountRow", "ConnectionReport", "add_account", "edit_account", "remove_account",
           "list_accounts", "get_account", "endpoint_for", "test_connection", "test_sandbox", "PRESETS",
           "password_of", "sign_in", "token_source"]


class AccountError(ValueError):
    """Bad account input or a refused change; the message says what is wrong."""


def list_accounts(app: App) -> list[AccountRow]:
    return store.all_accounts(app.db.conn)


def get_account(app: App, ref: str | int) -> AccountRow:
    """An account by id or (case-insensitive) name; AccountError if there is none."""
    conn = app.db.conn
    row = store.by_id(conn, ref) if isinstance(ref, int) else store.by_name(conn, str(ref))
    if row is None:
        names = ", ".join(a.name for a in store.all_accounts(conn))
        raise AccountError(f"there is no account {ref!r} (accounts: {names})")
    return row


def _validate(values: dict, *, sandbox: bool = False) -> dict:
    out = dict(values)
    if "name" in out:
        out["name"] = (out["name"] or "").strip()
        if not out["name"]:
            raise AccountError("the account needs a name")
    if "host" in out:
        out["host"] = (out["host"] or "").strip()
        if not out["host"]:
            raise AccountError("the account needs a server host name (e.g. smtp.example.com)")
        if any(c.isspace() for c in out["host"]) or "/" in out["host"]:
            raise AccountError(f"{out['host']!r} is not a host name (no spaces, no https://, just smtp.example.com)")
    if "port" in out:
        try:
            out["port"] = int(out["port"])
        except (TypeError, ValueError):
            raise AccountError(f"port {out['port']!r} is not a number") from None
        if not 1 <= out["port"] <= 65535:
            raise AccountError(f"port {out['port']} is outside 1-65535")
    if "security" in out and out["security"] not in ("starttls", "tls", "none"):
        raise AccountError(f"security must be starttls, tls or none, not {out['security']!r}")
    if "preset" in out and out["preset"] not in PRESETS and not sandbox:
        raise AccountError(f"unknown provider preset {out['preset']!r}; choose one of {', '.join(PRESETS)}")
    if "pool_size" in out:
        out["pool_size"] = int(out["pool_size"])
        if not 1 <= out["pool_size"] <= 32:
            raise AccountError("connections per account must be between 1 and 32")
    for key in ("rate_per_second", "rate_per_hour", "rate_per_day"):
        if key in out:
            value = float(out[key]) if key == "rate_per_second" else int(out[key])
            if value < 0:
                raise AccountError(f"{key.replace('_', ' ')} cannot be negative (0 means no limit)")
            out[key] = value
    return out


def _check_security(host: str, security: str, username: str) -> None:
    try:
        check_policy(host, security, username)
    except SmtpSetupError as exc:
        raise AccountError(str(exc)) from None


def add_account(app: App, name: str, *, host: str | None = None, port: int | None = None,
                security: str | None = None, username: str = "", password: str | None = None,
                preset_key: str = "other", pool_size: int | None = None, rate_per_second: float | None = None,
                rate_per_hour: int | None = None, rate_per_day: int | None = None,
                oauth: OAuthConfig | None = None) -> AccountRow:
    """Add an account; unspecified values come from the preset. The password goes to the keyring.

    With ``oauth`` the account signs in with OAuth2 instead of a password (sign in afterwards with
    :func:`sign_in`); its IMAP side, when set up, signs in with the same tokens."""
    try:
        p = preset(preset_key)
    except KeyError as exc:
        raise AccountError(str(exc.args[0])) from None
    values = _validate({
        "name": name, "preset": preset_key, "host": host if host is not None else p.host,
        "port": port if port is not None else p.port, "security": security or p.security,
        "username": (username or "").strip(),
        "pool_size": pool_size if pool_size is not None else p.pool_size,
        "rate_per_second": rate_per_second if rate_per_second is not None else p.rate_per_second,
        "rate_per_hour": rate_per_hour if rate_per_hour is not None else p.rate_per_hour,
        "rate_per_day": rate_per_day if rate_per_day is not None else p.rate_per_day,
    })
    _check_security(values["host"], values["security"], values["username"])
    if oauth is not None:
        if password:
            raise AccountError("an account signs in with OAuth2 or with a password, not both")
        if not values["username"]:
            raise AccountError("an OAuth2 account needs the address that signs in (the user name)")
        values["oauth"] = oauth.to_json()
        app.secrets.check()  # tokens go to the keyring: fail before writing anything without one
    elif values["username"] and not password:
        raise AccountError("a user name needs a password (or leave the user name empty for no login)")
    if password and not values["username"]:
        raise AccountError("a password was given without a user name")
    if password is not None:
        app.secrets.check()  # fail before writing anything when no keyring exists
    conn = app.db.conn
    with app.db.transaction():
        if store.by_name(conn, values["name"]) is not None:
            raise AccountError(f"an account named {values['name']!r} already exists")
        try:
            account_id = store.insert(conn, values)
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"could not add the account: {exc}") from None
        if password:
            app.secrets.set(app.secrets.smtp_name(account_id), password)
        if oauth is not None and p.imap_host:  # the same sign-in reads the provider's IMAP inbox
            from ...storage.inbox import set_imap

            set_imap(conn, account_id, imap_host=p.imap_host, imap_port=p.imap_port,
                     imap_security=p.imap_security, imap_username=values["username"])
    return get_account(app, account_id)


def edit_account(app: App, ref: str | int, *, password: str | None = None, **changes) -> AccountRow:
    """Change fields of an account (any of storage.accounts.EDITABLE); ``password`` replaces the stored one."""
    account = get_account(app, ref)
    unknown = set(changes) - set(store.EDITABLE)
    if unknown:
        raise AccountError(f"cannot change {', '.join(sorted(unknown))} of an account")
    if account.is_sandbox and set(changes) - {"port", "pool_size"}:
        raise AccountError("the built-in sandbox account only lets you change its port and connections")
    values = _validate(changes, sandbox=account.is_sandbox)
    merged = {**{k: getattr(account, k) for k in store.EDITABLE}, **values}
    _check_security(merged["host"], merged["security"], merged["username"])
    conn = app.db.conn
    with app.db.transaction():
        if "name" in values:
            other = store.by_name(conn, values["name"])
            if other is not None and other.id != account.id:
                raise AccountError(f"an account named {values['name']!r} already exists")
        store.update(conn, account.id, values)
        if password and account.uses_oauth:
            raise AccountError(f"{account.name!r} signs in with OAuth2; it has no password to change")
        if password:
            app.secrets.set(app.secrets.smtp_name(account.id), password)
        elif "username" in values and not values["username"]:
            app.secrets.delete(app.secrets.smtp_name(account.id))
    return get_account(app, account.id)


def remove_account(app: App, ref: str | int) -> None:
    account = get_account(app, ref)
    if account.builtin:
        raise AccountError(f"the built-in {account.name!r} account cannot be removed")
    with app.db.transaction():
        store.delete(app.db.conn, account.id)
    if account.username:
        app.secrets.delete(app.secrets.smtp_name(account.id))
    if account.uses_oauth:
        from . import oauth_tokens

        oauth_tokens.forget(app, account.id)


def password_of(app: App, account: AccountRow) -> str | None:
    if not account.username:
        return None
    return app.secrets.get(app.secrets.smtp_name(account.id))


def token_source(app: App, account: AccountRow, *, tls_context=None, timeout: float = 30.0):
    """The OAuth2 token source of an account (None for a password login)."""
    if not account.uses_oauth:
        return None
    from .oauth_tokens import source_for

    return source_for(app, account, tls_context=tls_context, timeout=timeout)


def endpoint_for(app: App, account: AccountRow, *, timeout: float = 30.0, tls_context=None,
                 oauth_tls_context=None) -> Endpoint:
    if account.uses_oauth:
        return Endpoint(account.host, account.port, account.security, account.username, None, timeout,
                        tls_context, token_source(app, account, tls_context=oauth_tls_context, timeout=timeout))
    password = password_of(app, account)
    if account.username and not password:
        raise AccountError(f"the password of account {account.name!r} is not in the keyring; enter it again "
                           "in Settings > Accounts (or `account add` again)")
    return Endpoint(account.host, account.port, account.security, account.username, password, timeout,
                    tls_context, sandbox_key=_sandbox_key(app, account))


def _sandbox_key(app: App, account: AccountRow) -> bytes | None:
    """The sandbox account only talks to a server that proves it is this data folder's sandbox."""
    if not account.is_sandbox:
        return None
    from ..sandbox.seal import key_for

    return key_for(app.paths.home)


@dataclass
class ConnectionReport:
    ok: bool
    kind: str            # 'ok' or a SmtpSetupError kind
    message: str
    steps: list[str] = field(default_factory=list)
    signed_in_as: str = ""     # OAuth2 accounts: the address that signed in
    token_expires: str = ""    # OAuth2 accounts: when the current access token expires (UTC, ISO 8601)


async def test_endpoint(ep: Endpoint, *, check_sender: str = "") -> ConnectionReport:
    """Connect, EHLO, STARTTLS/TLS, AUTH, and (with ``check_sender``) MAIL FROM + RCPT TO + RSET to
    find out whether the server lets this login relay. Nothing is sent."""
    steps: list[str] = []
    try:
        smtp = await open_session(ep)
    except SmtpSetupError as exc:
        return ConnectionReport(False, exc.kind, str(exc), steps)
    steps.append(f"connected to {ep.host}:{ep.port}")
    steps.append("encrypted (TLS)" if ep.security != "none" else "unencrypted (loopback only)")
    if ep.username:
        steps.append(f"logged in as {ep.username}")
    try:
        if check_sender:
            await smtp.mail(check_sender)
            await smtp.rcpt(check_sender)
            await smtp.rset()
            steps.append(f"the server accepts mail from {check_sender}")
        await smtp.quit()
    except Exception as exc:  # any reply here is the server's verdict on relaying/sender
        smtp.close()
        kind, message = classify(exc, ep)
        if kind == "other" and getattr(exc, "code", 0) >= 500:
            kind = "relay_denied"
            message = (f"{ep.host} refuses mail from {check_sender} ({exc}). The From address may not be "
                       "allowed for this login, or the server needs you to log in.")
        return ConnectionReport(False, kind, message, steps)
    return ConnectionReport(True, "ok", "Connection works: " + ", ".join(steps) + ".", steps)


def test_connection(app: App, ref: str | int | AccountRow, *, password: str | None = None,
                    timeout: float = 15.0, check_sender: str | None = None, tls_context=None,
                    oauth_tls_context=None) -> ConnectionReport:
    """Blocking 'Test connection' for GUI jobs and the CLI. ``password`` overrides the stored one
    (the GUI tests before saving). ``check_sender`` defaults to the configured From address."""
    account = ref if isinstance(ref, AccountRow) else get_account(app, ref)
    if account.is_sandbox:
        return test_sandbox(app, account, timeout=timeout)
    sender = check_sender if check_sender is not None else (app.settings.get("sender.from_address") or "")
    if account.uses_oauth:
        return _test_oauth(app, account, timeout=timeout, check_sender=sender, tls_context=tls_context,
                           oauth_tls_context=oauth_tls_context)
    stored = password if password is not None else (password_of(app, account) if account.username else None)
    if account.username and not stored:
        return ConnectionReport(False, "auth", f"no password is stored for {account.name!r}; enter it first")
    ep = Endpoint(account.host, account.port, account.security, account.username, stored, timeout, tls_context,
                  sandbox_key=_sandbox_key(app, account))
    return asyncio.run(test_endpoint(ep, check_sender=sender))


def test_sandbox(app: App, account: AccountRow, *, timeout: float = 15.0) -> ConnectionReport:
    """'Test connection' for the sandbox: this data folder's sandbox answers and proves itself
    (started for the test when none runs; on a free port when another program holds its own)."""
    from ..sandbox.server import SandboxError, open_sandbox

    try:
        port, server = open_sandbox(app, account.port)
    except SandboxError as exc:
        return ConnectionReport(False, "other", str(exc))
    try:
        ep = Endpoint(account.host, port, account.security, "", None, timeout,
                      sandbox_key=_sandbox_key(app, account))
        report = asyncio.run(test_endpoint(ep))
    finally:
        if server is not None:
            server.stop()
    if report.ok and port != account.port:
        report.message += (f" Another program listens on port {account.port}, so sends to the sandbox use a "
                           "free port instead; nothing is handed to that program.")
    return report


def _test_oauth(app: App, account: AccountRow, *, timeout: float, check_sender: str, tls_context,
                oauth_tls_context) -> ConnectionReport:
    """Test an OAuth2 account: the signed-in address and the token's expiry, then the server."""
    from datetime import UTC, datetime

    from .oauth_tokens import SignInRequired, TokenEndpointError, load

    source = token_source(app, account, tls_context=oauth_tls_context, timeout=timeout)
    try:
        source.access_token()
    except SignInRequired as exc:
        return ConnectionReport(False, "signin", str(exc))
    except TokenEndpointError as exc:
        return ConnectionReport(False, "timeout", f"A new access token could not be fetched: {exc}.")
    except ValueError as exc:  # no client ID configured
        return ConnectionReport(False, "signin", str(exc))
    ep = Endpoint(account.host, account.port, account.security, account.username, None, timeout, tls_context,
                  source)
    report = asyncio.run(test_endpoint(ep, check_sender=check_sender))
    tokens = load(app, account.id)  # after the server's verdict: a refused token was replaced
    expires = datetime.fromtimestamp(tokens.expires_at, UTC)
    signed_in = f"signed in as {tokens.user or account.username}"
    report.signed_in_as = tokens.user or account.username
    report.token_expires = expires.isoformat(timespec="seconds")
    report.steps.insert(0, f"{signed_in} ({account_config(account).label}); access token valid until "
                           f"{expires:%Y-%m-%d %H:%M:%S} UTC")
    if report.ok:
        report.message = "Connection works: " + ", ".join(report.steps) + "."
    else:
        report.message = f"{signed_in}, but: {report.message}"
    return report


def sign_in(app: App, ref: str | int | AccountRow, open_browser, *, timeout: float | None = None,
            progress=None, tls_context=None):
    """Run the browser sign-in for an OAuth2 account and keep its tokens (see oauth_flow.sign_in)."""
    from ..progress import NO_PROGRESS
    from . import oauth_flow

    account = ref if isinstance(ref, AccountRow) else get_account(app, ref)
    if not account.uses_oauth:
        raise AccountError(f"account {account.name!r} logs in with a password, not with OAuth2")
    return oauth_flow.sign_in(app, account, open_browser, timeout=timeout or oauth_flow.DEFAULT_TIMEOUT,
                              progress=progress or NO_PROGRESS, tls_context=tls_context)


