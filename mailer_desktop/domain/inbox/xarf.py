"""X-ARF version 4 abuse reports (JSON, https://xarf.org): a spam report in a JSON attachment.

Abuse desks and reporting services that use it send the report as an ``application/json`` part
(``"ReportClass": "Messaging"``, ``"ReportType": "Spam"``) with the reported message as a base64
sample inside. It is read as the RFC 5965 report it stands for: a Feedback-Type, the recipient
who reported it (``SmtpRcptToAddress``) and the reported message, so that the rest of the
classifier (recipients, our Message-ID and tokens in the copy) treats it like any feedback report.
"""

from __future__ import annotations

import base64
import binascii
import json

# X-ARF report types of the Messaging class, as RFC 5965 feedback types.
_TYPES = {"spam": "abuse", "phishing": "fraud", "fraud": "fraud", "virus": "virus", "malware": "virus"}


def report(text: str) -> tuple[str, bytes] | None:
    """(the report's fields as an RFC 5965 block, the reported message) for an X-ARF 4 JSON report
    of the Messaging class; None for any other JSON."""
    if '"ReportClass"' not in text[:20000]:
        return None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):  # (a report nested thousands deep is no report)
        return None
    body = obj.get("Report") if isinstance(obj, dict) else None
    if not isinstance(body, dict) or str(body.get("ReportClass", "")).lower() != "messaging":
        return None
    ftype = _TYPES.get(str(body.get("ReportType", "")).lower(), "other")
    fields = [f"Feedback-Type: {ftype}", "User-Agent: X-ARF 4"]
    for name, key in (("Original-Rcpt-To", "SmtpRcptToAddress"), ("Original-Mail-From", "SmtpMailFromAddress"),
                      ("Source-IP", "SourceIp"), ("Arrival-Date", "Date")):
        value = body.get(key)
        if isinstance(value, str) and value and "\n" not in value:
            fields.append(f"{name}: {value}")
    return "\n".join(fields) + "\n", _sample(body.get("Samples"))


def _sample(samples) -> bytes:
    """The first reported message among the report's samples (decoded), or b''."""
    for sample in samples if isinstance(samples, list) else []:
        if not isinstance(sample, dict) or "rfc822" not in str(sample.get("ContentType", "")).lower():
            continue
        payload = sample.get("Payload")
        if not isinstance(payload, str):
            continue
        if sample.get("Base64Encoded") not in (True, "true", "True"):
            return payload.encode("utf-8", "replace")
        try:
            return base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError):
            continue
    return b""
