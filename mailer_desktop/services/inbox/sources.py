"""Where returned mail comes from: .eml files, mbox files, Maildir folders, IMAP folders (those in
:mod:`.mailbox`).

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
"""

from __future__ import annotations

import email.utils
import os
import re
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
