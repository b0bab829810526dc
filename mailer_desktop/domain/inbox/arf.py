"""Complaints: ARF feedback reports (RFC 5965) and the older feedback-loop layouts.

The complaining recipient is often redacted, so what matters most for matching is what the
returned copy of our own message still carries: the ``X-Mailer-Desktop-Ref`` header and the
tokens in ``List-Unsubscribe`` and the footer.
"""

from __future__ import annotations

import re

from .message import ADDRESS_RE, Mail, field_blocks
from .replies import ANSWER_PREFIX, REPLY_PREFIX
from .rules import Rules

_COMPLAINT_SUBJECT = Rules("detect:complaint-subject", [
    r"complaint about message", r"abuse report", r"feedback report", r"spam report", r"email feedback", r"fbl report",
    r"complaint notification", r"scomp", r"tos notification"], re.I)
# Feedback loops that send the complained-about message with a header of their own instead of a
# report part (Microsoft's JMRP/SNDS copies).
_PROVIDER_FEEDBACK_HEADERS = Rules("provider:feedback-header", [r"^x-hmxmroriginalrecipient$"], re.M)
# The mailboxes feedback loops and abuse desks send from (the local part of the From address).
_COMPLAINT_SENDER = Rules("detect:complaint-sender", [
    r"fbl", r"feedback(?:[-_.]?loop)?", r"feedback[-_.]?reports?", r"complaints?", r"abuse(?:[-_.]?reports?)?",
    r"scomp", r"spam[-_.]?reports?", r"arf"], re.I, r"^(?:<<ALTERNATIVES>>)(?:[-_.+][\w.+-]*)?@")
# Microsoft's older feedback loop writes from staff@ of its own domains only (a "staff@" mailbox
# elsewhere is some business's).
_MICROSOFT_STAFF = Rules("detect:complaint-sender-microsoft", [r"hotmail", r"msn", r"live", r"outlook"], re.I,
                         r"^staff@(?:<<ALTERNATIVES>>)\.")
# Complaint services that report spam to the senders' networks in a layout of their own
# (SpamCop: "[ SpamCop V5.x ]" on top, the reported message inline below "[ Offending message ]",
# where the text was split into notice and returned copy).
_COMPLAINT_SERVICE = Rules("detect:complaint-service", [r"spamcop\.net"], re.I, r"@(?:[\w-]+\.)*(?:<<ALTERNATIVES>>)>?$")
_REPORTED_INLINE = Rules("detect:reported-message-marker", [r"\[ ?offending message ?\]"], re.I | re.M,
                         r"^[ \t]*(?:<<ALTERNATIVES>>)[ \t]*$")
# The opening sentence of a complaint in its own words (RFC 5965's human-readable part and the
# older feedback loops that copy it), without the machine-readable report.
_COMPLAINT_OPENING = Rules("detect:complaint-opening", [
    r"this is an? (?:e-?mail |spam |message )?(?:abuse|spam|feedback|complaint) report",
    r"(?:abuse|spam|feedback) report for an? (?:e-?mail )?message",
    r"(?:a |the )?(?:recipient|user|subscriber|customer|member)s? (?:has |have )?(?:reported|marked|flagged|"
    r"complained about) (?:the |this |your |a )?(?:attached |following |enclosed )?(?:e-?mail|message|mail)",
    r"(?:reported|marked|flagged) (?:it |(?:this|the|your) (?:attached |following |enclosed )?(?:e-?mail|message|mail) )?"
    r"as (?:spam|junk|abuse|unsolicited)",
    r"\b(?:spam|abuse) complaint", r"feedback[- ]loop",
], re.I)
_REDACTED = re.compile(r"(?i)redacted|^x+@|\*{3,}|undisclosed")
_RECIPIENT_HEADERS = ("x-hmxmroriginalrecipient", "x-original-to", "delivered-to", "to")


_FEEDBACK_FIELD = re.compile(r"(?im)^feedback-type:[ \t]*[\w-]+\b")


# RFC 5965's other fields of a report; with Feedback-Type in one block they make a report
# even where no part is typed message/feedback-report.
_REPORT_FIELDS = frozenset({"user-agent", "version", "original-mail-from", "original-rcpt-to", "arrival-date",
                            "source-ip", "reported-domain", "removal-recipient", "reported-uri", "auth-failure"})


def _report_in_text(text: str) -> str:
    """The field block of a feedback report written into a text part ('' when none)."""
    if not _FEEDBACK_FIELD.search(text):
        return ""
    for block in field_blocks(text):
        if "feedback-type" in block and _REPORT_FIELDS & block.keys():
            return "\n".join(f"{k}: {v}" for k, v in block.items())
    return ""


def is_complaint(mail: Mail) -> bool:
    if mail.feedback_text:
        return True
    if mail.report_type == "feedback-report":
        # A report whose feedback part is mistyped (text/plain): its fields are still there.
        mail.feedback_text = _report_in_text(mail.notice[:20000])
        return True
    if _FEEDBACK_FIELD.search(mail.notice[:20000]):
        # A feedback report whose fields arrived in a text part (older feedback loops): with the
        # returned message, or with the other fields of a report around Feedback-Type.
        report = _report_in_text(mail.notice[:20000])
        if mail.returned.headers or report:
            mail.feedback_text = report or mail.notice
            return True
    if _PROVIDER_FEEDBACK_HEADERS.search("\n".join(mail.returned.headers)):
        return True
    if mail.returned.headers and _REPORTED_INLINE.search(mail.body_text[len(mail.notice):len(mail.notice) + 100]):
        return True  # a complaint service's report: the reported message inline below its marker
    return bool(_COMPLAINT_SUBJECT.search(mail.subject)) and bool(mail.returned.headers) \
        and not REPLY_PREFIX.match(mail.subject)  # (an abuse desk's answer: "Re: your abuse report")


def complaint_by_words(mail: Mail) -> bool:
    """A feedback-loop or abuse-desk mail without a report part that says what it is in its
    opening words, the complained-about message (or its headers) attached. The caller has made
    sure it is no delivery report."""
    if not mail.returned.headers:
        return False
    if REPLY_PREFIX.match(mail.subject) or mail.header("In-Reply-To") or _FIRST_PERSON.search(mail.notice[:300]):
        # A person answering or passing on the message, or writing about their own mailbox ("Gmail
        # marked it as spam, I moved it to my inbox"): no feedback loop speaks so.
        return False
    head = mail.notice[:1500].lower() + "\n" + mail.subject.lower()
    if not any(word in head for word in _OPENING_WORDS):
        return False  # (a quick look first: most mail has none of the words the openings need)
    return bool(_COMPLAINT_OPENING.search(head))


_FIRST_PERSON = re.compile(r"(?i)\b(?:i|i'm|i've|my|me)\b")
_OPENING_WORDS = ("report", "spam", "junk", "abuse", "complain", "feedback", "unsolicited", "marked", "flagged")


def complaint_by_sender(mail: Mail, sender: str) -> bool:
    """The same from the mailbox feedback loops write from (``fbl@``, ``feedbackloop@``,
    ``complaints@`` ...) or a complaint service's domain (SpamCop's), for a mail that is no bounce."""
    if not mail.returned.headers or not sender or ANSWER_PREFIX.match(mail.subject) or mail.header("In-Reply-To"):
        # A person answering: feedback loops forward the complained-about message, they never
        # answer it (a reply from a feedback@ or abuse@ mailbox of some business is a reply).
        return False
    return bool(_COMPLAINT_SENDER.search(sender) or _MICROSOFT_STAFF.search(sender)
                or _COMPLAINT_SERVICE.search(sender))


def fields(mail: Mail) -> dict[str, str]:
    merged: dict[str, str] = {}
    for block in field_blocks(mail.feedback_text):
        for k, v in block.items():
            merged.setdefault(k, v)
    return merged


def recipients(mail: Mail) -> list[str | None]:
    """The complaining recipients; [None] when they are redacted or unknown."""
    out: list[str] = []
    seen: set[str] = set()
    for name in ("original-rcpt-to", "removal-recipient"):
        # every occurrence: RFC 5965 repeats the field once per recipient
        for value in re.findall(rf"(?im)^{name}[ \t]*:[ \t]*(.*)$", mail.feedback_text):
            for addr in ADDRESS_RE.findall(value):
                if addr.lower() not in seen:
                    seen.add(addr.lower())
                    out.append(addr)
    redacted: list[str] = []
    if not out:
        for name in _RECIPIENT_HEADERS:
            value = mail.returned.get(name)
            addrs = ADDRESS_RE.findall(value)
            if len(addrs) == 1:
                if is_redacted(addrs[0]):
                    redacted.append(addrs[0])  # ("redacted@…"): a real one below is better
                    continue
                if _ABUSE_DESK.match(addrs[0]):
                    # a person's complaint to an abuse desk, passed on by it: the person complained
                    author = ADDRESS_RE.findall(mail.returned.get("from"))
                    if len(author) == 1 and not _ABUSE_DESK.match(author[0]):
                        out.append(author[0])
                        break
                out.append(addrs[0])
                break
    if not out:
        # The envelope recipient the complained-about copy's own Received line names.
        m = _FOR_CLAUSE.search(mail.returned.get("received"))
        if m and not is_redacted(m.group(1)):
            out.append(m.group(1))
    return list(out) or redacted[:1] or [None]


_FOR_CLAUSE = re.compile(r"(?i)\bfor\s+<(" + ADDRESS_RE.pattern + r")>")
_ABUSE_DESK = re.compile(r"(?i)(?:abuse|postmaster|spam|reports?|noc|security|fbl)(?:[+-][^@]*)?@")


def feedback_type(mail: Mail) -> str:
    m = re.match(r"[\w-]+", fields(mail).get("feedback-type", "").strip().lower())
    return m.group(0) if m else "abuse"


# Feedback types that are not a recipient's complaint: RFC 6591 authentication-failure reports
# (DMARC/DKIM/SPF forensic reports about the sending domain, sent whoever the recipient was) and
# RFC 6650's "not-spam" (a recipient taking a message *out* of the spam folder).
NOT_COMPLAINTS = frozenset({"auth-failure", "not-spam"})


def is_redacted(address: str | None) -> bool:
    return address is None or bool(_REDACTED.search(address))
