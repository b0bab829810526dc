"""Answering a sandbox message as the person it was sent to, so the whole loop can be tried
without a real mailbox: a confirmation request answered "yes", an unsubscribe through the
message's own List-Unsubscribe address, or any reply in the person's words.

Replies are written as mail files to a Maildir in the data folder (``sandbox-replies``); the
Inbox page's *Process inbox* offers to process them when no mailbox account is set up, through
the same inbox processing as real returned mail (so a reply that says no does not confirm).
"""

from __future__ import annotations

import os
import time
import urllib.parse
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path

from . import server as sandbox

FOLDER = "sandbox-replies"
KINDS = ("confirm", "unsubscribe", "text")
CONFIRM_WORDS = "Yes, please subscribe me."


class ReplyError(ValueError):
    pass


def folder(app) -> Path:
    return app.paths.home / FOLDER


def waiting(app) -> int:
    """Replies written and not processed yet."""
    new = folder(app) / "new"
    return sum(1 for p in new.iterdir() if not p.name.startswith(".")) if new.is_dir() else 0


def recipient_of(msg: EmailMessage) -> str:
    """The person a captured message was for (the envelope's recipient, else To)."""
    delivered = msg.get_all("Delivered-To") or []
    if delivered:
        return str(delivered[0]).strip()
    return parseaddr(str(msg.get("To", "")))[1]


def _reply_address(msg: EmailMessage) -> str:
    for header in ("Reply-To", "From"):
        found = [addr for _name, addr in getaddresses([str(v) for v in msg.get_all(header, [])]) if addr]
        if found:
            return found[0]
    raise ReplyError("the message has no sender to reply to")


def _re(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _base(person: str, to: str, subject: str, body: str, original: EmailMessage | None) -> EmailMessage:
    reply = EmailMessage()
    reply["From"] = person
    reply["To"] = to
    reply["Subject"] = subject
    reply["Date"] = formatdate(localtime=True)
    domain = person.rpartition("@")[2] or "sandbox.invalid"
    reply["Message-ID"] = make_msgid(domain=domain.encode("idna").decode("ascii") if not domain.isascii() else domain)
    if original is not None and original.get("Message-ID"):
        reply["In-Reply-To"] = str(original["Message-ID"])
        reply["References"] = str(original["Message-ID"])
    reply.set_content(body)
    return reply


def build_reply(msg: EmailMessage, kind: str, text: str = "") -> EmailMessage:
    """The reply ``kind`` from the message's recipient: ``confirm`` (yes to a confirmation
    request), ``unsubscribe`` (to the List-Unsubscribe mailto) or ``text`` (a reply saying
    ``text``)."""
    if kind not in KINDS:
        raise ReplyError(f"unknown kind of reply {kind!r} (expected one of {', '.join(KINDS)})")
    person = recipient_of(msg)
    if not person:
        raise ReplyError("the message names no recipient")
    subject = str(msg.get("Subject", ""))
    if kind == "unsubscribe":
        mailto = next((p.strip(" <>") for p in str(msg.get("List-Unsubscribe", "")).split(",")
                       if "mailto:" in p), None)
        if mailto is None:
            raise ReplyError("the message has no unsubscribe address (List-Unsubscribe mailto)")
        return reply_from_mailto(msg, mailto)
    if kind == "text" and not text.strip():
        raise ReplyError("write what the person answers")
    body = CONFIRM_WORDS if kind == "confirm" else text
    return _base(person, _reply_address(msg), _re(subject), body + "\n", msg)


def reply_from_mailto(msg: EmailMessage, mailto: str) -> EmailMessage:
    """What a mail program sends when the recipient clicks a ``mailto:`` link in the message
    (address, subject and body as the link gives them)."""
    parts = urllib.parse.urlsplit(mailto)
    if parts.scheme.lower() != "mailto":
        raise ReplyError(f"not a mail link: {mailto}")
    to = urllib.parse.unquote(parts.path)
    query = urllib.parse.parse_qs(parts.query)
    if not to:
        raise ReplyError("the mail link names no address")
    subject = query.get("subject", [_re(str(msg.get("Subject", "")))])[0]
    body = query.get("body", [""])[0]  # a mail program sends what the link gives: often nothing
    return _base(recipient_of(msg), to, subject, body + "\n", msg)


def save(app, reply: EmailMessage) -> Path:
    """Write ``reply`` to the replies Maildir (new/), where processing finds it."""
    root = folder(app)
    for sub in ("tmp", "new", "cur"):
        (root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{time.time_ns()}.{os.getpid()}.sandbox"
    tmp = root / "tmp" / name
    tmp.write_bytes(bytes(reply))
    os.chmod(tmp, 0o600)
    target = root / "new" / name
    tmp.replace(target)
    return target


def reply_to_captured(app, path: Path, kind: str, text: str = "") -> Path:
    """Answer the captured message at ``path`` as its recipient; returns the reply's file."""
    return save(app, build_reply(sandbox.read_message(app, path), kind, text))


def reply_by_link(app, path: Path, mailto: str) -> Path:
    """The recipient of the captured message at ``path`` clicked ``mailto`` in it."""
    return save(app, reply_from_mailto(sandbox.read_message(app, path), mailto))


def _waiting_messages(root: Path):
    from ..inbox.sources import SourceMessage

    new = root / "new"
    for entry in sorted(new.iterdir()) if new.is_dir() else []:
        if entry.is_file() and not entry.name.startswith("."):
            def done(_keep_unread: bool, entry: Path = entry) -> None:
                # processed (or waiting for the user's decision on the Inbox page): not waiting here
                entry.replace(root / "cur" / f"{entry.name}:2,S")
            yield SourceMessage(entry.read_bytes(), f"{FOLDER}/{entry.name}", entry.name, done)


def process(app, progress=None, into=None):
    """Process the replies waiting, like mail from a real mailbox (see inbox_processor). With
    ``into`` (the report of a mailbox processed just before) the figures are added to it."""
    from ..inbox.processor import process_messages
    from ..progress import NO_PROGRESS

    report = process_messages(app, _waiting_messages(folder(app)), progress or NO_PROGRESS, total=waiting(app))
    if into is None:
        return report
    into.processed += report.processed
    into.unchanged += report.unchanged
    into.review += report.review
    into.by_kind.update(report.by_kind)
    into.outcomes.extend(report.outcomes)
    into.warnings.extend(report.warnings)
    return into
