"""Opening one SMTP session for an account, and explaining failures in words a user can act on.

Rules kept here, for every connection the program makes:
- certificates are always verified (the system's trust store);
- security ``none`` is only allowed to a loopback host (the sandbox, a local relay);
- a password is never sent over an unencrypted connection unless the host is loopback.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
from dataclasses import dataclass

import aiosmtplib

from ...domain.hosts import is_loopback
from ..accounts.presets import USUAL_PORTS
from ..sandbox import seal as sandbox_seal


@dataclass(frozen=True)
class Endpoint:
    """What is needed to open a session (independent of the database row)."""

    host: str
    port: int
    security: str
    username: str = ""
    password: str | None = None
    timeout: float = 30.0
    tls_context: ssl.SSLContext | None = None   # tests: a context trusting a local test CA
    oauth: object | None = None   # an oauth_tokens.TokenSource: sign in with XOAUTH2 instead of a password
    sandbox_key: bytes | None = None  # the sandbox: the server must prove it is this data folder's


class SmtpSetupError(Exception):
    """Connecting, TLS or AUTH failed. ``kind`` names the failure, the message explains it.

    kinds: unknown_host, refused, timeout, wrong_port, certificate, tls, auth, auth_unavailable,
    relay_denied, insecure, disconnected, not_sandbox, signin (the OAuth2 sign-in must be renewed), other.
    """

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def check_policy(host: str, security: str, username: str) -> None:
    """Refuse the combinations that would expose mail or passwords; raises SmtpSetupError."""
    if security not in ("starttls", "tls", "none"):
        raise SmtpSetupError("insecure", f"unknown security mode {security!r}: use starttls, tls or none")
    if security == "none" and not is_loopback(host):
        raise SmtpSetupError(
            "insecure",
            f"security 'none' sends everything unencrypted, so it is only allowed to this computer "
            f"(127.0.0.1 or localhost), not to {host}. Use starttls (usually port 587) or tls (port 465).")
    if security == "none" and username and not is_loopback(host):
        raise SmtpSetupError("insecure", "a password is never sent over an unencrypted connection")


@functools.lru_cache(maxsize=1)
def _system_context() -> ssl.SSLContext:
    """The system trust store, loaded once (loading it is slow enough to matter per connection)."""
    return ssl.create_default_context()


async def open_session(ep: Endpoint) -> aiosmtplib.SMTP:
    """Connect, EHLO, STARTTLS (or implicit TLS) and AUTH; returns a ready session."""
    check_policy(ep.host, ep.security, ep.username)
    context = ep.tls_context or (_system_context() if ep.security != "none" else None)
    challenge = sandbox_seal.new_challenge() if ep.sandbox_key else None
    smtp = aiosmtplib.SMTP(hostname=ep.host, port=ep.port, use_tls=ep.security == "tls", start_tls=False,
                           timeout=ep.timeout, tls_context=context if ep.security != "none" else None,
                           local_hostname=challenge or ("localhost" if is_loopback(ep.host) else None))
    try:
        await smtp.connect()
        await smtp.ehlo()
        if challenge is not None and ep.sandbox_key is not None:
            answer = smtp.esmtp_extensions.get(sandbox_seal.EXTENSION.lower())
            if not sandbox_seal.verify(ep.sandbox_key, challenge, answer):
                raise SmtpSetupError(
                    "not_sandbox", f"{ep.host}:{ep.port} is not this data folder's sandbox (another program "
                    "listens there); nothing was handed to it. Close that program or choose another sandbox "
                    "port in Settings > Accounts.")
        if ep.security == "starttls":
            if not smtp.supports_extension("starttls"):
                raise SmtpSetupError(
                    "tls", f"{ep.host}:{ep.port} does not offer STARTTLS, so the connection would stay "
                    "unencrypted. Choose security 'tls' (port 465) or ask your provider for the right port.")
            await smtp.starttls(tls_context=context)
            await smtp.ehlo()
        if ep.username:
            if ep.security == "none" and not is_loopback(ep.host):
                raise SmtpSetupError("insecure", "a password is never sent over an unencrypted connection")
            if not smtp.supports_extension("auth"):
                raise SmtpSetupError(
                    "auth_unavailable", f"{ep.host} does not offer authentication on port {ep.port}. "
                    "Check the port (submission is usually 587 or 465) or leave the user name empty.")
            if ep.oauth is not None:
                await authenticate_oauth(smtp, ep)
            else:
                await smtp.login(ep.username, ep.password or "")
        return smtp
    except BaseException as exc:
        smtp.close()
        if isinstance(exc, SmtpSetupError):
            raise
        if isinstance(exc, Exception):
            raise SmtpSetupError(*classify(exc, ep)) from exc
        raise


async def authenticate_oauth(smtp: aiosmtplib.SMTP, ep: Endpoint) -> None:
    """AUTH XOAUTH2 (OAUTHBEARER, RFC 7628, where only that is offered) with the account's access
    token; on 535/454 once more with a refreshed one.

    A refused refresh (or no sign-in at all) is SmtpSetupError ``signin``; a token endpoint that
    cannot be reached is ``timeout`` (a temporary failure)."""
    from ..accounts.oauth_tokens import SignInRequired, TokenEndpointError

    offered = smtp.server_auth_methods
    if "xoauth2" in offered:
        def auth(token: str):
            return smtp.auth_xoauth2(ep.username, token)
    elif "oauthbearer" in offered:
        def auth(token: str):
            return _auth_oauthbearer(smtp, ep, token)
    else:
        names = " ".join(m.upper() for m in offered) or "none"
        raise SmtpSetupError("auth_unavailable", f"{ep.host} does not offer OAuth2 sign-in (AUTH XOAUTH2 or "
                             f"OAUTHBEARER) on port {ep.port}; it offers {names}.")
    source = ep.oauth
    try:
        token = await asyncio.to_thread(source.access_token)
        try:
            await auth(token)
        except aiosmtplib.SMTPResponseException as exc:
            if exc.code not in (535, 454):
                raise
            token = await asyncio.to_thread(source.access_token, force_refresh=True, rejected=token)
            await auth(token)
    except SignInRequired as exc:
        raise SmtpSetupError("signin", str(exc)) from None
    except TokenEndpointError as exc:
        raise SmtpSetupError("timeout", f"Signing in to {ep.host} needs a new access token, but {exc}.") from None
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code in (535, 454, 530, 534):
            name = getattr(source, "account_name", ep.username)
            raise SmtpSetupError("signin", f"{ep.host} refused the OAuth2 sign-in of {ep.username} "
                                 f"({exc.code} {exc.message.strip()}). Sign in to {name} again.") from None
        raise


async def _auth_oauthbearer(smtp: aiosmtplib.SMTP, ep: Endpoint, token: str) -> None:
    """AUTH OAUTHBEARER; a refusal comes as a 334 error challenge, answered with ^A (RFC 7628 §3.2.3)."""
    import base64

    from ...domain.sasl import oauthbearer

    initial = base64.b64encode(oauthbearer(ep.username, token, ep.host, ep.port))
    response = await smtp.execute_command(b"AUTH", b"OAUTHBEARER", initial)
    if response.code == 334:
        response = await smtp.execute_command(base64.b64encode(b"\x01"))
    if response.code != 235:
        raise aiosmtplib.SMTPAuthenticationError(response.code, response.message)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return seen


def _port_hint(ep: Endpoint) -> str:
    if ep.security == "tls" and ep.port in USUAL_PORTS["starttls"]:
        return (f" Port {ep.port} usually expects STARTTLS (plain connection upgraded to TLS), not implicit "
                "TLS: choose security 'starttls' or port 465.")
    if ep.security == "starttls" and ep.port in USUAL_PORTS["tls"]:
        return (f" Port {ep.port} usually expects implicit TLS from the first byte: choose security 'tls' "
                "or port 587.")
    return ""


def host_not_found(host: str, exc: socket.gaierror) -> str:
    """A name that could not be looked up: no network (the name server does not answer) is told
    apart from a name that does not exist (a misspelt host)."""
    if exc.errno in (socket.EAI_AGAIN, getattr(socket, "EAI_FAIL", socket.EAI_AGAIN)):
        return (f"The server name {host!r} could not be looked up: no name server answered. Is this computer "
                "online? Check the network connection and try again.")
    return f"The server name {host!r} is unknown (DNS found nothing). Check the spelling."


def classify(exc: BaseException, ep: Endpoint) -> tuple[str, str]:
    """(kind, message) for a failure while setting up a session."""
    where = f"{ep.host}:{ep.port}"
    chain = _chain(exc)
    for e in chain:
        if isinstance(e, ssl.SSLCertVerificationError):
            return "certificate", (
                f"The certificate of {ep.host} could not be verified ({e.verify_message or e}). The server may "
                "be misconfigured or someone may be intercepting the connection; the password was not sent. "
                "Check the host name (it must match the certificate, e.g. smtp.example.com, not an IP address).")
    for e in chain:
        if isinstance(e, socket.gaierror):
            return "unknown_host", host_not_found(ep.host, e)
        if isinstance(e, ssl.SSLError):
            reason = getattr(e, "reason", "") or str(e)
            if "WRONG_VERSION_NUMBER" in reason.upper() or "wrong version" in str(e).lower():
                return "wrong_port", (f"{where} does not speak implicit TLS." + (_port_hint(ep) or
                                      " Choose security 'starttls' (usually port 587)."))
            return "tls", f"The TLS handshake with {where} failed ({reason})."
        if isinstance(e, ConnectionRefusedError):
            return "refused", (f"Nothing accepts connections on {where}. Check the host and port"
                               f"{' (is the sandbox running?)' if is_loopback(ep.host) else ''}.")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return "auth", (f"{ep.host} refused the user name or password ({exc.code} {exc.message.strip()}). "
                        "Check both; Gmail, Outlook, Zoho and Fastmail need an app password, not your "
                        "normal one.")
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code in (530, 534, 535, 538):
        return "auth", f"{ep.host} refused authentication ({exc.code} {exc.message.strip()})."
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code in (550, 551, 553, 554) and \
            "relay" in exc.message.lower():
        return "relay_denied", (f"{ep.host} refuses to relay mail for you ({exc.code} {exc.message.strip()}). "
                                "Usually this means you must log in (enter the user name and password) or "
                                "the From address is not allowed for this account.")
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError, aiosmtplib.SMTPTimeoutError)):
        return "timeout", (f"{where} did not answer in time." + (_port_hint(ep) or
                           " A firewall may block the port, or the port is wrong."))
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        return "disconnected", (f"{where} closed the connection." + (_port_hint(ep) or ""))
    if isinstance(exc, aiosmtplib.SMTPConnectError):
        return "refused", f"Could not connect to {where}: {exc}"
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return "other", f"{ep.host} answered {exc.code} {exc.message.strip()}"
    return "other", f"{type(exc).__name__}: {exc}"
