"""Amazon SES notifications mailed as JSON (directly or inside an SNS envelope).

SES reports bounces, complaints and deliveries as JSON documents; when a topic delivers them
by mail, the body is that JSON (or an SNS ``Notification`` whose ``Message`` is the JSON).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

_DECODER = json.JSONDecoder()


@dataclass
class SesRecipient:
    address: str
    kind_hint: str           # "bounce", "complaint", "delivery"
    status: str = ""
    diagnostic: str = ""
    permanent: bool | None = None
    subtype: str = ""


def _load(text: str) -> dict | None:
    start = text.find("{")
    if start < 0:
        return None
    try:
        obj, _ = _DECODER.raw_decode(text[start:])
    except ValueError:
        return None
    return obj if isinstance(obj, dict) else None


def notification(text: str) -> dict | None:
    """The SES notification in ``text`` or None."""
    if '"notificationType"' not in text and '"eventType"' not in text and '"Type"' not in text:
        return None
    obj = _load(text)
    if obj is None:
        # Mail transports wrap long lines; JSON strings cannot hold raw line breaks, so join them.
        obj = _load(text.split("\n--\n", 1)[0].replace("\r", "").replace("\n", ""))
    if obj is None:
        return None
    if obj.get("Type") == "Notification" and isinstance(obj.get("Message"), str):
        try:
            obj = json.loads(obj["Message"])
        except ValueError:
            return None
    if not isinstance(obj, dict):
        return None
    kind = obj.get("notificationType") or obj.get("eventType")
    return obj if kind in ("Bounce", "Complaint", "Delivery") else None


def recipients(obj: dict) -> list[SesRecipient]:
    kind = obj.get("notificationType") or obj.get("eventType")
    out: list[SesRecipient] = []
    if kind == "Bounce":
        bounce = obj.get("bounce") or {}
        permanent = {"Permanent": True, "Transient": False}.get(bounce.get("bounceType"))
        subtype = str(bounce.get("bounceSubType") or "")
        for r in bounce.get("bouncedRecipients") or []:
            if isinstance(r, dict) and r.get("emailAddress"):
                out.append(SesRecipient(str(r["emailAddress"]), "bounce", str(r.get("status") or ""),
                                        str(r.get("diagnosticCode") or ""), permanent, subtype))
    elif kind == "Complaint":
        complaint = obj.get("complaint") or {}
        for r in complaint.get("complainedRecipients") or []:
            if isinstance(r, dict) and r.get("emailAddress"):
                out.append(SesRecipient(str(r["emailAddress"]), "complaint",
                                        subtype=str(complaint.get("complaintFeedbackType") or "abuse")))
    elif kind == "Delivery":
        for addr in (obj.get("delivery") or {}).get("recipients") or []:
            out.append(SesRecipient(str(addr), "delivery"))
    return out


def original_header(obj: dict, name: str) -> str:
    for h in (obj.get("mail") or {}).get("headers") or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name.lower():
            return str(h.get("value", ""))
    return ""
