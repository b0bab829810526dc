"""Returned mail in IMAP folders: connecting, reading what waits, marking it processed.

IMAP uses implicit TLS by default (STARTTLS or plain text on request; plain text only to a
loopback address) with certificate checks; the password comes from the keyring. An account that
signs in with OAuth2 authenticates with its access token instead (AUTHENTICATE OAUTHBEARER where
the server offers it, XOAUTH2 otherwise), refreshed once more when the server refuses it.
"""

from __future__ import annotations

import dataclasses
import email.utils
import imaplib
import re
import socket
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from ..progress import NO_PROGRESS, Progress
from .sources import PROCESSED_KEYWORD, SourceError, SourceMessage


@dataclass(frozen=True)
class ImapSettings:
    account_id: int
    account_name: str
    host: str
    port: int
    security: str        # tls | starttls | none
    username: str
    folder: str
    done_folder: str     # '' → flag instead of moving
    authserv_id: str = ""  # the server whose Authentication-Results are trusted (RFC 8601); '' → none


def _loopback(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(i[4][0].startswith("127.") or i[4][0] == "::1" for i in infos)


def connect_imap(settings: ImapSettings, password: str | None, *, timeout: float = 30.0,
                 tls_context: ssl.SSLContext | None = None, oauth=None, pinned: str | None = None) -> imaplib.IMAP4:
    """A logged-in IMAP connection (TLS by default); SourceError with the reason otherwise.
    ``pinned``: the fingerprint of a certificate the user trusts for this account (imap_connect)."""
    where = f"IMAP {settings.host}:{settings.port} ({settings.account_name})"
    if not settings.host:
        raise SourceError(f"account {settings.account_name!r} has no IMAP server configured")
    if settings.security == "none" and not _loopback(settings.host):
        raise SourceError(f"{where}: refusing a plain-text connection to a non-loopback server; use tls or starttls")
    from .imap import ImapConnectError, open_connection

    try:
        conn = open_connection(settings.host, settings.port, settings.security, where=where, timeout=timeout,
                               tls_context=tls_context, pinned=pinned, account=settings.account_name)
    except ImapConnectError as exc:
        raise SourceError(str(exc).replace(f"IMAP {settings.host}:{settings.port}:", f"{where}:", 1)) from exc
    if oauth is not None:
        _authenticate_oauth(conn, settings, oauth, where)
    try:
        if settings.username and oauth is None:
            if password is None:
                raise SourceError(f"{where}: no password stored in the keyring for {settings.username!r}")
            conn.login(settings.username, password)
    except imaplib.IMAP4.error as exc:
        _quiet_logout(conn)
        raise SourceError(f"{where}: login refused for {settings.username!r} ({_text(exc)})") from exc
    try:
        # Servers announce extensions such as MOVE only after login.
        typ, data = conn.capability()
        if typ == "OK" and data and data[-1]:
            conn.capabilities = tuple(data[-1].decode("ascii", "replace").upper().split())
    except (imaplib.IMAP4.error, OSError):
        pass
    return conn


def _authenticate_oauth(conn: imaplib.IMAP4, settings: ImapSettings, source, where: str) -> None:
    """AUTHENTICATE with an OAuth2 access token (``source``: an oauth_tokens.TokenSource); a refused
    token is refreshed once. When the sign-in is gone the SourceError says "Sign in to <account>
    again" (see oauth_tokens.sign_in_needed)."""
    from ...domain.sasl import oauthbearer, xoauth2
    from ..accounts.oauth_tokens import SignInRequired, TokenEndpointError

    offered = {c.upper() for c in getattr(conn, "capabilities", ())}
    mechanism = "OAUTHBEARER" if "AUTH=OAUTHBEARER" in offered else "XOAUTH2"
    user = settings.username
    if not user:
        _quiet_logout(conn)
        raise SourceError(f"{where}: the account has no address to sign in with")

    def attempt(token: str) -> None:
        initial = (oauthbearer(user, token, settings.host, settings.port) if mechanism == "OAUTHBEARER"
                   else xoauth2(user, token))
        answers = iter([initial])
        # After a refused token the server sends an error challenge; an empty answer ends it.
        conn.authenticate(mechanism, lambda _challenge: next(answers, b""))

    try:
        token = source.access_token()
        try:
            attempt(token)
        except imaplib.IMAP4.error:
            attempt(source.access_token(force_refresh=True, rejected=token))
    except SignInRequired as exc:
        _quiet_logout(conn)
        raise SourceError(f"{where}: {exc}") from exc
    except TokenEndpointError as exc:
        _quiet_logout(conn)
        raise SourceError(f"{where}: a new access token could not be fetched ({exc})") from exc
    except imaplib.IMAP4.error as exc:
        _quiet_logout(conn)
        again = SignInRequired(settings.account_name, f"the IMAP server refused the sign-in of {user}: {_text(exc)}")
        raise SourceError(f"{where}: {again}") from exc


def _text(exc: Exception) -> str:
    arg = exc.args[0] if exc.args else exc
    return arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)


def _quiet_logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except Exception:
        pass


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


_MESSAGE_ID_LINE = re.compile(rb"(?im)^message-id:[ \t]*(?:\r?\n[ \t]+)?<?([^>\s]+)>?")
_UID_ITEM = re.compile(rb"UID (\d+)")


def _known_uids(conn: imaplib.IMAP4, uids: list[bytes], known: Callable[[str], bool]) -> dict[bytes, str]:
    """UID -> Message-ID of the messages processed before (headers only are fetched, in chunks)."""
    out: dict[bytes, str] = {}
    for start in range(0, len(uids), 500):
        chunk = b",".join(uids[start:start + 500]).decode()
        typ, data = conn.uid("FETCH", chunk, "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if typ != "OK":
            continue
        for item in data or []:
            if not isinstance(item, tuple) or len(item) < 2:
                continue
            uid = _UID_ITEM.search(item[0])
            mid = _MESSAGE_ID_LINE.search(item[1] or b"")
            message_id = mid.group(1).decode("utf-8", "replace") if mid else ""
            if uid and message_id and known(message_id):
                out[uid.group(1)] = message_id
    return out


_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


def oldest_waiting(conn: imaplib.IMAP4, settings: ImapSettings, folder: str | None = None,
                   known: Callable[[str], bool] | None = None) -> datetime | None:
    """When the oldest message still waiting for processing arrived (IMAP INTERNALDATE), or None.

    Messages flagged processed, and those ``known(message_id)`` says were processed, do not
    count (unrecognised mail stays unflagged for the user but is not waiting any more)."""
    folder = folder or settings.folder or "INBOX"
    typ, _ = conn.select(_quote(folder), readonly=True)
    if typ != "OK":
        raise SourceError(f"IMAP folder {folder!r} of {settings.account_name!r} cannot be opened")
    typ, data = conn.uid("SEARCH", None, "NOT", "KEYWORD", PROCESSED_KEYWORD)
    uids = [u for u in (data[0] or b"").split() if u] if typ == "OK" else []
    skip = _known_uids(conn, uids, known) if known is not None and uids else {}
    oldest: datetime | None = None
    waiting = [u for u in uids if u not in skip]
    for start in range(0, len(waiting), 500):
        typ, items = conn.uid("FETCH", b",".join(waiting[start:start + 500]).decode(), "(UID INTERNALDATE)")
        for item in items or []:
            line = item[0] if isinstance(item, tuple) else item
            m = _INTERNALDATE.search(line or b"")
            if not m:
                continue
            try:
                when = email.utils.parsedate_to_datetime(m.group(1).decode().replace("-", " ", 2))
            except (TypeError, ValueError):
                continue
            when = when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
            oldest = when if oldest is None or when < oldest else oldest
    return oldest


def iter_imap(conn: imaplib.IMAP4, settings: ImapSettings, folder: str | None = None,
              progress: Progress = NO_PROGRESS, known: Callable[[str], bool] | None = None) -> Iterator[SourceMessage]:
    """Messages of one folder not yet marked processed (fetched with PEEK: reading them does
    not mark them seen; only ``mark_processed()`` does).

    ``known(message_id)`` says whether a message was processed before; those are not fetched
    again but yielded with ``known=True`` (mail nobody recognised is left unflagged in the
    mailbox for the user, so it comes up in every search)."""
    folder = folder or settings.folder or "INBOX"
    typ, data = conn.select(_quote(folder))
    if typ != "OK":
        raise SourceError(f"IMAP folder {folder!r} of {settings.account_name!r} cannot be opened ({_text(Exception(*data))})")
    typ, data = conn.uid("SEARCH", None, "NOT", "KEYWORD", PROCESSED_KEYWORD)
    if typ != "OK":
        raise SourceError(f"IMAP search in {folder!r} failed")
    uids = [u for u in (data[0] or b"").split() if u]
    capabilities = {c.upper() for c in getattr(conn, "capabilities", ())}
    if uids and settings.done_folder:
        _check_done_folder(conn, settings)
    skip = _known_uids(conn, uids, known) if known is not None and uids else {}
    for i, uid in enumerate(uids):
        progress.check()
        progress.update(i, len(uids), f"Fetching {i + 1} of {len(uids)} from {folder}")
        if uid in skip:
            # Processed before, but its keyword is gone (another program, a restored mailbox):
            # the keyword is set again so that it is not looked up on every run.
            yield SourceMessage(b"", f"imap:{settings.account_name}/{folder}#UID {uid.decode()}",
                                f"{folder} UID {uid.decode()}", _imap_marker(conn, uid, settings, capabilities),
                                known=True, message_id=skip[uid])
            continue
        typ, fetched = conn.uid("FETCH", uid, "(BODY.PEEK[])")
        raw = next((item[1] for item in fetched or [] if isinstance(item, tuple) and len(item) > 1), None)
        if typ != "OK" or raw is None:
            continue
        label = f"imap:{settings.account_name}/{folder}#UID {uid.decode()}"
        yield SourceMessage(raw, label, f"{folder} UID {uid.decode()}", _imap_marker(conn, uid, settings, capabilities))


def _imap_marker(conn: imaplib.IMAP4, uid: bytes, settings: ImapSettings, capabilities: set[str]):
    def mark(keep_unread: bool) -> None:
        flags = PROCESSED_KEYWORD if keep_unread else f"\\Seen {PROCESSED_KEYWORD}"
        typ, _ = conn.uid("STORE", uid, "+FLAGS", f"({flags})")
        if typ != "OK":
            raise SourceError(f"IMAP: could not flag message UID {uid.decode()} as processed")
        if settings.done_folder and not keep_unread:
            if "MOVE" in capabilities:
                typ, answer = conn.uid("MOVE", uid, _quote(settings.done_folder))
            else:
                typ, answer = conn.uid("COPY", uid, _quote(settings.done_folder))
            if typ != "OK":
                raise SourceError(f"IMAP: could not move message UID {uid.decode()} to {settings.done_folder!r} "
                                  f"({_text(Exception(*(answer or [b'no reason given'])))}); it is flagged as "
                                  "processed where it is")
    return mark


def _check_done_folder(conn: imaplib.IMAP4, settings: ImapSettings) -> None:
    """The folder for processed mail must exist before anything is processed."""
    try:
        typ, data = conn.list('""', _quote(settings.done_folder))
    except (imaplib.IMAP4.error, OSError):
        return  # LIST itself failed: the move reports its own reason
    if typ == "OK" and not any(data or []):
        raise SourceError(
            f"IMAP ({settings.account_name}): the folder {settings.done_folder!r} for processed mail does not exist "
            f"in the mailbox; create it in your mail program, or choose another with 'inbox imap-set "
            f"{settings.account_name} --done-folder NAME' ('' flags processed mail instead of moving it)")


def imap_settings(app, account: str | int) -> ImapSettings:
    """The IMAP side of an account (by name or id); SourceError when it has none."""
    from ...storage import inbox as store

    row = store.imap_account(app.db.conn, account)
    if row is None:
        raise SourceError(f"there is no account {account!r}")
    return ImapSettings(**row)


def open_imap(app, account: str | int, *, timeout: float = 30.0,
              tls_context: ssl.SSLContext | None = None) -> tuple[imaplib.IMAP4, ImapSettings]:
    from ...secrets import SecretStore

    settings = imap_settings(app, account)
    pinned = trusted_certificate(app, settings.account_id)
    oauth, account = _token_source(app, settings.account_id, timeout)
    if oauth is not None:
        if not settings.username:  # the address that signed in
            settings = dataclasses.replace(settings, username=account.username)
        return connect_imap(settings, None, timeout=timeout, tls_context=tls_context, oauth=oauth,
                            pinned=pinned), settings
    password = app.secrets.get(SecretStore.imap_name(settings.account_id)) if settings.username else None
    return connect_imap(settings, password, timeout=timeout, tls_context=tls_context, pinned=pinned), settings


def trusted_certificate(app, account_id: int) -> str | None:
    """The fingerprint of the certificate the user trusts for this account's IMAP server, or None."""
    from ...storage.meta import get_meta
    from .imap import pin_key

    return get_meta(app.db.conn, pin_key(account_id)) or None


def _token_source(app, account_id: int, timeout: float):
    """The account's OAuth2 tokens when it signs in with OAuth2 (its IMAP side too), else None."""
    from ..accounts.manage import get_account, token_source

    account = get_account(app, account_id)
    return token_source(app, account, timeout=timeout), account


def close_imap(conn: imaplib.IMAP4) -> None:
    """Leave the folder without expunging anything, then log out."""
    # CLOSE would expunge messages other programs flagged \Deleted; UNSELECT or LOGOUT do not.
    try:
        if conn.state == "SELECTED" and "UNSELECT" in {c.upper() for c in conn.capabilities}:
            conn.unselect()
    except Exception:
        pass
    _quiet_logout(conn)


