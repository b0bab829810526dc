"""Where returned mail comes from: .eml files, mbox files, Maildir folders, IMAP folders.

Every source yields :class:`SourceMessage` objects (the raw bytes, a label naming where the
mail is, and ``mark_processed()``). Marking never deletes anything:

- files and mbox archives are left untouched (re-importing them is harmless: the processor
  remembers every mail it has seen);
- a Maildir message moves from ``new/`` to ``cur/`` and gets the standard ``S`` (seen) flag;
- an IMAP message gets ``\\Seen`` plus the keyword :data:`PROCESSED_KEYWORD`, or is moved to
  the account's ``imap_done_folder`` when one is set (IMAP MOVE; without MOVE support it is
  copied there and flagged, never expunged);
- mail nobody recognised (maybe a customer's letter) is only marked with the keyword: it stays
  unread and where it is, for the user's own mail program (``mark_processed(keep_unread=True)``).

IMAP uses implicit TLS by default (STARTTLS or plain text on request; plain text only to a
loopback address) with certificate checks; the password comes from the keyring. An account that
signs in with OAuth2 authenticates with its access token instead (AUTHENTICATE OAUTHBEARER where
the server offers it, XOAUTH2 otherwise), refreshed once more when the server refuses it.
"""

from __future__ import annotations

import dataclasses
import email.utils
import imaplib
import os
import re
import socket
import ssl
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..file_kinds import not_a_file
from ..progress import NO_PROGRESS, Progress

PROCESSED_KEYWORD = "MailerDesktopProcessed"
# "From <sender> <date>": a body line starting "From " without a time of day is no separator.
_MBOX_SEPARATOR = re.compile(rb"^From \S* .*\d\d?:\d\d.*$", re.M)
_MBOXRD_ESCAPE = re.compile(rb"^>(>*From )", re.M)
_HEADER_DATE = re.compile(rb"(?im)^Date:[ \t]*(.+(?:\r?\n[ \t].+)*)")


class SourceError(Exception):
    """A source that cannot be read; the message names it and says why."""


@dataclass
class SourceMessage:
    raw: bytes
    label: str            # where it is: "bounces/x.eml", "archive.mbox#12", "imap:shop/INBOX#UID 42"
    name: str             # short name for reports (a file's base name)
    _mark: Callable[[bool], None] | None = field(default=None, repr=False)
    known: bool = False   # already processed earlier (only its Message-ID was fetched; raw is empty)
    not_mail: bool = False  # a file that is no mail message (a PDF, a picture, notes): skipped
    message_id: str = ""  # of a known message: how the processor finds what it did with it

    def mark_processed(self, keep_unread: bool = False) -> None:
        """Record in the mailbox that the message was processed. ``keep_unread``: a message for
        the user to read (nobody recognised it) keeps its unread state and its folder; in IMAP
        it only gets the processed keyword, elsewhere nothing changes."""
        if self._mark is not None:
            self._mark(keep_unread)
            self._mark = None

    @property
    def date(self) -> datetime | None:
        """The mail's Date header (UTC), for the age of the oldest unprocessed mail."""
        m = _HEADER_DATE.search(self.raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0])
        if not m:
            return None
        try:
            parsed = email.utils.parsedate_to_datetime(m.group(1).decode("ascii", "replace").strip())
        except (TypeError, ValueError, IndexError):
            return None
        if parsed is None:
            return None
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- files, mbox, Maildir ---------------------------------------------------------------------------

def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
    except OSError:
        return False
    return head == b"From "


MESSAGE_LIMIT = 64 * 1024 * 1024  # bytes of one message kept for reading; the rest is skipped
_LINE_PIECE = 1024 * 1024


def iter_mbox(path: Path, label: str | None = None) -> Iterator[SourceMessage]:
    """Messages of an mbox file (mboxo/mboxrd; ``>From`` lines are unescaped), read as a stream:
    one message at a time is in memory, and at most :data:`MESSAGE_LIMIT` bytes of it."""
    label = label or path.name
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    with fh:
        message: list[bytes] | None = None
        size = 0
        number = 0
        blank_before = True   # a "From " line separates messages only at the start or after a blank line
        line_start = True     # long lines arrive in pieces: only a piece starting a line can be a separator
        try:
            while piece := fh.readline(_LINE_PIECE):
                whole_line = piece.endswith(b"\n")
                if line_start and blank_before and piece.startswith(b"From ") and _MBOX_SEPARATOR.match(piece):
                    if message is not None:
                        yield _mbox_message(message, label, path.name, number)
                    number += 1
                    message, size = [], 0
                elif message is not None and size < MESSAGE_LIMIT:
                    message.append(piece)
                    size += len(piece)
                blank_before = line_start and piece in (b"\n", b"\r\n")
                line_start = whole_line
        except OSError as exc:
            raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        if message is not None:
            yield _mbox_message(message, label, path.name, number)


def _mbox_message(lines: list[bytes], label: str, name: str, number: int) -> SourceMessage:
    body = b"".join(lines)
    if b">From " in body:
        body = _MBOXRD_ESCAPE.sub(rb"\1", body)
    return SourceMessage(body, f"{label}#{number}", f"{name}#{number}")


def iter_maildir(path: Path) -> Iterator[SourceMessage]:
    """Messages in ``new/`` and ``cur/``; processed ones are moved to ``cur/`` with the S flag."""
    for sub in ("new", "cur"):
        folder = path / sub
        for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
            if not entry.is_file() or entry.name.startswith("."):
                continue
            yield SourceMessage(_read(entry), f"{path.name}/{sub}/{entry.name}", entry.name,
                                _maildir_marker(path, entry))


def _maildir_marker(root: Path, entry: Path) -> Callable[[bool], None]:
    def mark(keep_unread: bool) -> None:
        if keep_unread:
            return
        name = entry.name
        base, sep, info = name.partition(":2,")
        flags = set(info) if sep else set()
        if "S" in flags and entry.parent.name == "cur":
            return
        flags.add("S")
        target = root / "cur" / f"{base}:2,{''.join(sorted(flags))}"
        try:
            os.replace(entry, target)
        except OSError as exc:
            raise SourceError(f"{entry}: could not mark the message as seen ({exc.strerror or exc})") from exc
    return mark


def _read(path: Path) -> bytes:
    """A message file, at most :data:`MESSAGE_LIMIT` bytes of it."""
    try:
        with path.open("rb") as fh:
            return fh.read(MESSAGE_LIMIT)
    except OSError as exc:
        raise SourceError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def iter_paths(paths: Iterable[str | os.PathLike[str]], progress: Progress = NO_PROGRESS) -> Iterator[SourceMessage]:
    """Messages from files and folders: a Maildir, a folder of .eml files (searched recursively),
    an mbox file, or a single message file."""
    for given in paths:
        path = Path(given)
        progress.check()
        problem = not_a_file(path, folders=True)
        if problem:
            raise SourceError(problem)
        if is_maildir(path):
            yield from iter_maildir(path)
        elif path.is_dir():
            for entry in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield from _file_messages(entry)
        else:
            yield from _file_messages(path)


def _file_messages(path: Path) -> Iterator[SourceMessage]:
    if is_mbox(path) and path.suffix.lower() != ".eml":
        yield from iter_mbox(path)
    else:
        raw = _read(path)
        yield SourceMessage(raw, str(path), path.name, not_mail=not looks_like_mail(raw))


_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_MAIL_HEADERS = re.compile(rb"(?im)^(?:from|to|subject|date|received|return-path|message-id|mime-version|"
                           rb"content-type|delivered-to|x-failed-recipients)[ \t]*:")


def looks_like_mail(raw: bytes) -> bool:
    """Whether a file starts as a mail message does: with a header field (after an mbox "From "
    line, if any), and its header block holds at least one of the usual ones."""
    text = raw[:16384].lstrip(b"\r\n")
    if text.startswith(b"From "):
        text = text.split(b"\n", 1)[1] if b"\n" in text else b""
    end = re.search(rb"\r?\n\r?\n", text)
    head = text[:end.start()] if end else text
    return bool(_HEADER_LINE.match(head)) and bool(_MAIL_HEADERS.search(head))


# --- IMAP -------------------------------------------------------------------------------------------

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


