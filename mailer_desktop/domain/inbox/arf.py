"""Complaints: ARF feedback reports (RFC 5965) and the older feedback-loop layouts.

The complaining recipient is often redacted, so what matters most for matching is what the
returned copy of our own message still carries: the ``X-Mailer-Desktop-Ref`` header and the
tokens in ``List-Unsubscribe`` and the footer.
"""

from __future__ import annotations

import re

from .message import ADDRESS_RE, Mail, field_blocks
from .rules import Rules

_COMPLAINT_SUBJECT = Rules("detect:complaint-subject", [
    r"complaint about message", r"abuse report", r"feedback report", r"spam report", r"email feedback", r"fbl report",
    r"complaint notification", r"scomp", r"tos notification"], re.I)
# Feedback loops that send the complained-about message with a header of their own instead of a
# report part (Microsoft's JMRP/SNDS copies).
_PROVIDER_FEEDBACK_HEADERS = Rules("provider:feedback-header", [r"^x-hmxmroriginalrecipient$"], re.M)
_REDACTED = re.compile(r"(?i)redacted|^x+@|\*{3,}|undisclosed")
_RECIPIENT_HEADERS = ("x-hmxmroriginalrecipient", "x-original-to", "delivered-to", "to")


_FEEDBACK_FIELD = re.compile(r"(?im)^feedback-type:[ \t]*[\w-]+[ \t]*$")


def is_complaint(mail: Mail) -> bool:
    if mail.report_type == "feedback-report" or mail.feedback_text:
        return True
    if mail.returned.headers and _FEEDBACK_FIELD.search(mail.notice[:20000]):
        # A feedback report whose fields arrived in a text part (older feedback loops).
        mail.feedback_text = mail.notice
        return True
    if _PROVIDER_FEEDBACK_HEADERS.search("\n".join(mail.returned.headers)):
        return True
    return bool(_COMPLAINT_SUBJECT.search(mail.subject)) and bool(mail.returned.headers)


def fields(mail: Mail) -> dict[str, str]:
    merged: dict[str, str] = {}
    for block in field_blocks(mail.feedback_text):
        for k, v in block.items():
            merged.setdefault(k, v)
    return merged


def recipients(mail: Mail) -> list[str | None]:
    """The complaining recipients; [None] when they are redacted or unknown."""
    report = fields(mail)
    out: list[str] = []
    for name in ("original-rcpt-to", "removal-recipient"):
        for addr in ADDRESS_RE.findall(report.get(name, "")):
            if addr.lower() not in {o.lower() for o in out}:
                out.append(addr)
    if not out:
        for name in _RECIPIENT_HEADERS:
            value = mail.returned.get(name)
            addrs = ADDRESS_RE.findall(value)
            if len(addrs) == 1:
                out.append(addrs[0])
                break
    return list(out) or [None]


def feedback_type(mail: Mail) -> str:
    return fields(mail).get("feedback-type", "abuse").strip().lower() or "abuse"


# Feedback types that are not a recipient's complaint: RFC 6591 authentication-failure reports
# (DMARC/DKIM/SPF forensic reports about the sending domain, sent whoever the recipient was) and
# RFC 6650's "not-spam" (a recipient taking a message *out* of the spam folder).
NOT_COMPLAINTS = frozenset({"auth-failure", "not-spam"})


def is_redacted(address: str | None) -> bool:
    return address is None or bool(_REDACTED.search(address))
