"""Lenient reading of one raw mail into the pieces the classifier looks at.

Returned mail is often broken (missing boundaries, wrong charsets, bodies cut off), so every
step here tolerates garbage and falls back to the raw text rather than raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header

from ..messages import REF_HEADER
from . import mime, xarf
from .mime import Part
from .rules import Rules

# Letters of the alphabets written without spaces around an address only when they belong to
# it: Latin (with accents), Greek, Cyrillic (RFC 6531 local parts, IDN labels in their Unicode
# form). Scripts written without spaces between words (Japanese, Chinese) stay out: there a word
# glued to an address is text, not part of it.
INTL_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u052f"
_INTL_TLDS = ("(?:\u0440\u0444|\u0440\u0443\u0441|\u0431\u0433|\u0441\u0440\u0431|\u0443\u043a\u0440|"
              "\u049b\u0430\u0437|\u043c\u043a\u0434|\u043c\u043e\u043d|\u0431\u0435\u043b|\u0435\u044e|"
              "\u03b5\u03bb|\u03b5\u03c5)")  # рф рус бг срб укр қаз мкд мон бел ею ελ ευ
ADDRESS_RE = re.compile(
    # A quote may sit inside a local part but not at its ends: 'anna@x' is a quoted address.
    rf"""(?<![A-Za-z0-9{INTL_LETTERS}!#$%&*+/=?^_`{{|}}~.\-])(?:"[^"\r\n<>@]{{1,64}}"|[A-Za-z0-9{INTL_LETTERS}!#$%&*+/=?^_`{{|}}~\-](?:[A-Za-z0-9{INTL_LETTERS}!#$%&'*+/=?^_`{{|}}~.\-]{{0,126}}[A-Za-z0-9{INTL_LETTERS}!#$%&*+/=?^_`{{|}}~\-])?)"""
    rf"""@(?:[A-Za-z0-9{INTL_LETTERS}](?:[A-Za-z0-9{INTL_LETTERS}\-]{{0,62}}[A-Za-z0-9{INTL_LETTERS}])?\.)+"""
    # the top-level domain: ASCII or its xn-- form, or one of the Cyrillic and Greek ones in use (a
    # Latin word glued after an address, "anna@example.de.Überprüfen", is no top-level domain)
    rf"""(?:(?:xn--[A-Za-z0-9\-]{{1,59}}|[A-Za-z]{{1,63}})(?![A-Za-z0-9\-])|{_INTL_TLDS}(?![\w\-]))"""
)
_FOLD_RE = re.compile(r"\r?\n[ \t]+")
_BLANK_SPLIT_RE = re.compile(r"\n[ \t]*\n")
_FIELD_RE = re.compile(r"^([A-Za-z][A-Za-z0-9\-]*)[ \t]*:[ \t]*(.*)$")
_TAG_RE = re.compile(r"<[^>]*>")
_INLINE_TAG = re.compile(r"(?i)</?(?:span|b|i|u|a|font|strong|em|small|big|sup|sub|wbr)\b[^<>]{0,500}>")
_HTML_SKIP_OPEN = re.compile(r"(?i)<(style|script|head)\b")
_HTML_SKIP_CLOSE = {name: re.compile(rf"(?i)</{name}\s*>") for name in ("style", "script", "head")}

# Lines after which a non-MIME bounce quotes the message it returns.
RETURNED_MARKERS = Rules("layout:returned-copy-marker", [
    r"-+ ?this is a copy of (?:the|your) message",
    r"-* ?below this line is a copy of the message",
    r"-+ ?(?:the )?original message(?: header| headers)?(?: follows| is attached)?",
    r"(?:-+ ?)?original message (?:follows|headers?)",
    r"-+ ?(?:returned|undelivered|unsent) (?:mail|message)(?: follows| below| header)?",
    r"-* ?(?:message|original) headers? follow",
    r"-+ ?(?:the )?headers? of (?:the |your )?(?:original |returned )?message",
    r"-+ ?(?:the )?(?:message|mail) (?:you sent|that you sent)",
    r"original message headers:",
    r"-* ?(?:a copy of )?(?:the )?(?:original|your|returned) message(?: as received)? (?:is )?(?:as )?"
    r"(?:below|attached|follows|included)",
    r"-+ ?begin (?:of )?(?:returned|original) message",
    r"-+ ?copy of (?:the|your) (?:original )?message",
    r"-+ ?(?:this is the |here is the )?(?:original|returned) (?:message|text)",
    r"content-type: (?:message/rfc822|text/rfc822-headers)",
    r"\[ ?offending message ?\]",  # SpamCop's report: the reported message follows inline
    # an abuse desk's ticket forwarding the complained-about message inline
    r"-+ ?forwarded (?:complaint|spam|abuse report|report)\b",
    r"received: ?from \S+ .*(?:\n[ \t].*)*\n(?:[\w-]+: ?.*\n)",
], re.I | re.M, r"^[ \t>]*(?:<<ALTERNATIVES>>)")


def decode_words(value: str | None) -> str:
    """An RFC 2047 header value as text; undecodable parts are kept as they are."""
    if not value:
        return ""
    value = _FOLD_RE.sub(" ", str(value))
    if "=?" not in value:
        return value.strip()
    try:
        return str(make_header(decode_header(value))).strip()
    except Exception:
        return value.strip()


def _without_hidden_blocks(html: str) -> str:
    """``html`` with each <style>, <script> and <head> block made a space (one left open stays).

    (One pass: a kind of block found without its end is not looked for again, so a page of
    thousands of unclosed tags is read in linear time.)"""
    out: list[str] = []
    done, unclosed = 0, set()
    for m in _HTML_SKIP_OPEN.finditer(html):
        name = m.group(1).lower()
        if m.start() < done or name in unclosed:
            continue
        close = _HTML_SKIP_CLOSE[name].search(html, m.end())
        if close is None:
            unclosed.add(name)
            continue
        out.extend((html[done:m.start()], " "))
        done = close.end()
    out.append(html[done:])
    return "".join(out)


def html_to_text(html: str) -> str:
    import html as html_lib

    text = _without_hidden_blocks(html)
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>|</h\d>", "\n", text)
    # (an inline tag joins what it marks up: "<span>anna</span>@<span>example.org</span>")
    text = _INLINE_TAG.sub("", text)
    # No tag runs past the last ">": what follows it is text (read apart, a page of unclosed "<"
    # stays linear)
    last = text.rfind(">") + 1
    text = _TAG_RE.sub(" ", text[:last]) + text[last:]
    return html_lib.unescape(text)


_RECIPIENT_FIELDS = ("final-recipient", "original-recipient")


def field_blocks(text: str) -> list[dict[str, str]]:
    """``Name: value`` blocks separated by blank lines (delivery-status, feedback-report).

    Names are lowercased; continuation lines are unfolded; the first occurrence of a name wins.
    """
    blocks: list[dict[str, str]] = []
    for chunk in _BLANK_SPLIT_RE.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        fields: dict[str, str] = {}
        last = None
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            if line[0] in " \t" and last is not None:
                fields[last] += " " + line.strip()
                continue
            m = _FIELD_RE.match(line)
            if m:
                last = m.group(1).lower()
                if last in _RECIPIENT_FIELDS and last in fields:
                    # Some servers forget the blank line between two recipients' blocks.
                    blocks.append(fields)
                    fields = {}
                fields.setdefault(last, m.group(2).strip())
                if fields[last] != m.group(2).strip():
                    last = None  # a repeated name: keep the first value, ignore its continuation
            else:
                last = None
        if fields:
            blocks.append(fields)
    return blocks


@dataclass
class Returned:
    """What we could recover of the message that was returned to us (headers, text)."""

    headers: dict[str, str] = field(default_factory=dict)  # lowercased names, first value
    text: str = ""
    attached: bool = False  # a MIME part of its own (message/rfc822 or its headers), not quoted in a text

    def get(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass
class Mail:
    top: Part
    subject: str = ""
    from_addr: str = ""
    notice: str = ""                 # the human-readable part written by the reporting server
    status_text: str = ""            # message/delivery-status contents
    feedback_text: str = ""          # message/feedback-report contents
    returned: Returned = field(default_factory=Returned)
    body_text: str = ""              # all text of the top message (for replies)
    content_type: str = ""
    report_type: str = ""
    disposition: str = ""            # an RFC 8098 notification's Disposition field, lowercased
    returned_report: bytes = b""     # a report returned by this report (a double bounce): the raw mail

    def header(self, name: str) -> str:
        try:
            return decode_words(self.top.get(name))
        except Exception:
            return ""

    def header_all(self, name: str) -> list[str]:
        try:
            return [decode_words(v) for v in (self.top.get_all(name) or [])]
        except Exception:
            return []


def parse_headers_text(text: str) -> dict[str, str]:
    """Header block at the start of ``text`` (after leading blank/marker lines)."""
    headers: dict[str, str] = {}
    last = None
    started = False
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] == ">":
            # a copy quoted with '>' before every line, as in a reply
            line = line[2:] if line[1:2] == " " and _FIELD_RE.match(line[2:]) else line[1:]
        if not line.strip():
            if started:
                break
            continue
        if line[0] in " \t" and last is not None:
            if last:  # (the folded lines of a repeated field, "" below, are passed over with it)
                headers[last] += " " + line.strip()
            continue
        m = _FIELD_RE.match(line)
        if m:
            started = True
            last = m.group(1).lower()
            if last not in headers:
                headers[last] = m.group(2).strip()
            else:
                last = ""  # a repeated field (a second Received:): the first one is kept
        elif started:
            break
    return headers


_INDENTED_FIELD = re.compile(r"([ \t]+)[A-Za-z][\w-]{0,40}:[ \t]?\S")
# The fields that make an indented block a copy of a message's header (not a signature or an
# address block): its identity or route, and whom it was from and to.
_COPY_FIELDS = frozenset({"received", "message-id", "return-path", "list-unsubscribe", REF_HEADER.lower()})


def _indented_copy(text: str) -> Returned | None:
    """The header block of a message pasted into a text with every line indented (an abuse desk
    quoting the complained-about message: "  Received: from …" / "  From: …" / "  To: …"): a
    run of indented fields, with From and To, and a Received, Message-ID or the like among them.
    (Each line is looked at once: a run that is no copy is passed over whole.)"""
    lines = text[:20000].split("\n")
    i = 0
    while i < len(lines):
        m = _INDENTED_FIELD.match(lines[i])
        if not m:
            i += 1
            continue
        indent, end = m.group(1), i + 1
        while end < len(lines) and lines[end].startswith(indent) and lines[end].strip():
            end += 1
        block = "\n".join(line[len(indent):] for line in lines[i:end])
        fields = parse_headers_text(block)
        if {"from", "to"} <= fields.keys() and _COPY_FIELDS & fields.keys():
            return Returned(fields, block)
        i = end
    return None


def _returned_from_part(msg: Part) -> Returned:
    headers: dict[str, str] = {}
    for k, v in msg.headers:
        headers.setdefault(k, v)
    texts: list[str] = []
    stack = [msg]
    while stack and len(texts) < 20:
        sub = stack.pop(0)
        if sub.parts:
            stack[:0] = sub.parts
        elif sub.main_type == "text":
            texts.append(sub.text())
    return Returned(headers, "\n".join(texts))


_RETURNED_TYPES = ("message/rfc822", "message/global")
_HEADER_TYPES = ("text/rfc822-headers", "message/rfc822-headers", "text/rfc822-header", "message/global-headers")
_STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
_SUBJECT_READ = 2000


def _wrapped_report(msg: Part, depth: int = 0) -> Part | None:
    """``msg`` where it is a report, else the report inside it when it forwards one (a message
    whose only attached message holds the report, a few levels deep at most); None else."""
    if msg.content_type == "multipart/report":
        return msg
    if depth >= 3 or not msg.is_multipart:
        return None
    attached = [p for p in msg.parts if p.content_type in _RETURNED_TYPES and p.parts]
    return _wrapped_report(attached[0].parts[0], depth + 1) if len(attached) == 1 else None


def read(raw: bytes, *, nested: bool = False) -> Mail:
    top = mime.parse(raw)
    mail = Mail(top=top)
    # (a subject is a line; a megabyte of one is not read word by word by every rule)
    mail.subject = mail.header("Subject")[:_SUBJECT_READ]
    mail.from_addr = first_address(mail.header("From")) or ""
    mail.content_type = top.content_type
    mail.report_type = top.params.get("report-type", "").strip().lower()

    notices: list[str] = []
    htmls: list[str] = []
    status: list[str] = []
    feedback: list[str] = []
    returned: Returned | None = None

    def visit(part: Part, depth: int) -> None:
        nonlocal returned
        if depth > mime.MAX_DEPTH:
            return
        ctype = part.content_type
        if ctype in _RETURNED_TYPES:
            inner = part.parts[0] if part.parts else None
            forwarded = _wrapped_report(inner) if inner is not None and not status and not feedback else None
            if forwarded is not None:
                # A report forwarded as an attachment (gateways, users forwarding a bounce; a relay's
                # forward of it wrapped again by a gateway): read it.
                visit(forwarded, depth + 1)
                return
            if (inner is not None and status and not nested and inner.content_type == "multipart/report"
                    and inner.params.get("report-type", "").strip().lower() == "delivery-status"):
                # A report that returns a report (a bounce that could not reach us): read apart.
                mail.returned_report = part.body
            if returned is None and inner is not None:
                returned = _returned_from_part(inner)
            return
        if ctype in _HEADER_TYPES:
            if returned is None:
                text = part.text()
                returned = Returned(parse_headers_text(text), text)
            return
        if ctype in _STATUS_TYPES:
            status.append(part.text())
            return
        if ctype == "message/feedback-report":
            feedback.append(part.text())
            return
        if ctype == "application/json" and not feedback:
            xarf_report = xarf.report(part.text())
            if xarf_report is not None:  # an X-ARF 4 spam report: read as the feedback report it is
                feedback.append(xarf_report[0])
                if returned is None and xarf_report[1]:
                    returned = _returned_from_part(mime.parse(xarf_report[1]))
                return
        if ctype == "message/disposition-notification":
            mail.disposition = parse_headers_text(part.text()).get("disposition", "").lower()
            return
        if part.is_multipart:
            if part.preamble.strip() and not any(p.main_type == "text" for p in part.parts):
                notices.append(mime.plain_lines(part.preamble.decode("utf-8", "replace")))
            for sub in part.parts:
                visit(sub, depth + 1)
            return
        if ctype == "text/html":
            htmls.append(part.text())
        elif (part.main_type in ("text", "multipart") or ctype == "application/json"
              or ctype == "application/octet-stream" and not part.has_filename):
            notices.append(part.text())

    visit(top, 0)
    if returned is not None:
        returned.attached = True  # (every copy the parts give is one of its own)
    text = "\n".join(notices)
    if htmls and (not text.strip() or len(text) < 300 and "@" not in text):
        # no text part, or one that only says to read the HTML ("This message is in HTML format")
        text = (text + "\n" if text.strip() else "") + "\n".join(html_to_text(h) for h in htmls)
    mail.body_text = text
    # A bounce without MIME structure quotes the returned message inline: split it off.
    m = RETURNED_MARKERS.search(text)
    pasted = _pasted_report(text, m.start()) if m and not (status or feedback or nested) else None
    if pasted is not None:  # a whole bounce pasted below a forwarding note: its report decides
        mail.notice, mail.status_text, mail.feedback_text = pasted.notice, pasted.status_text, pasted.feedback_text
        mail.body_text, mail.returned = text, pasted.returned
        return mail
    if m:
        mail.notice = text[: m.start()]
        if returned is None:
            if m.group(0).lstrip(" \t>").lower().startswith("received:"):
                rest = text[m.start():]  # the marker is the copy's own first header lines
            else:
                rest = text[m.end():]
                rest = rest.split("\n", 1)[1] if "\n" in rest else ""
            returned = Returned(parse_headers_text(rest), rest)
    else:
        mail.notice = text
        if returned is None and not (status or feedback):
            returned = _indented_copy(text)
    mail.status_text = "\n\n".join(status)
    mail.feedback_text = "\n\n".join(feedback)
    mail.returned = returned or Returned()
    return mail


def _pasted_report(text: str, at: int) -> Mail | None:
    """The delivery report whose header block holds offset ``at`` of a text part, when the
    text holds a whole report message (headers and MIME body) rather than a returned copy."""
    start = at  # walk back over the header lines above the marker
    while start > 0:
        line_start = text.rfind("\n", 0, start - 1) + 1
        line = text[line_start:start - 1]
        if not (_FIELD_RE.match(line) or line[:1] in " \t" and line.strip() or line.startswith("From ")):
            break
        start = line_start
    piece = text[start:]
    if not re.search(r"(?im)^content-type:\s*multipart/report", piece[:5000]):
        return None
    inner = read(piece.encode("utf-8", "replace"), nested=True)
    return inner if inner.status_text or inner.feedback_text else None


def first_address(text: str | None) -> str | None:
    if not text:
        return None
    m = ADDRESS_RE.search(text)
    return m.group(0) if m else None


def all_addresses(text: str | None) -> list[str]:
    return ADDRESS_RE.findall(text or "")
