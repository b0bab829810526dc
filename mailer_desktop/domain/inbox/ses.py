"""Relay services' notifications mailed as JSON: Amazon SES, SendGrid, Mailgun.

SES reports bounces, complaints, deliveries and delivery delays (``DeliveryDelay``: still
trying) as JSON documents; when a topic delivers them
by mail, the body is that JSON (or an SNS ``Notification`` whose ``Message`` is the JSON).
SendGrid's event notifications are a list of events (``{"email", "event": "bounce" |
"dropped" | "deferred" | "spamreport" | "delivered", "status", "reason", "type"}``); Mailgun's
are ``{"event-data": {"event": "failed" | "complained" | "delivered", "severity", "recipient",
"delivery-status": {"code", "enhanced-code", "message", "description"}}}``. All of them are
read into the same per-recipient form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

_DECODER = json.JSONDecoder()


@dataclass
class SesRecipient:
    address: str
    kind_hint: str           # "bounce", "complaint", "delivery", "delayed", "event" (none of these)
    status: str = ""
    diagnostic: str = ""
    permanent: bool | None = None
    subtype: str = ""


def _load(text: str) -> dict | list | None:
    starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
    if not starts:
        return None
    try:
        obj, _ = _DECODER.raw_decode(text[min(starts):])
    except ValueError:
        return None
    return obj if isinstance(obj, (dict, list)) else None


def _relay_events(obj: dict | list) -> dict | None:
    """SendGrid's list of events or Mailgun's event, in the form :func:`recipients` reads."""
    events = obj if isinstance(obj, list) else [obj]
    sendgrid = [e for e in events if isinstance(e, dict) and isinstance(e.get("email"), str)
                and e.get("event") in _SENDGRID_EVENTS]
    if sendgrid:
        return {"notificationType": "Relay", "relay": [_from_sendgrid(e) for e in sendgrid]}
    mailgun = []
    for e in events:
        data = e.get("event-data", e) if isinstance(e, dict) else None
        if isinstance(data, dict) and data.get("event") in _MAILGUN_EVENTS and isinstance(data.get("recipient"), str):
            mailgun.append(_from_mailgun(data))
    return {"notificationType": "Relay", "relay": mailgun} if mailgun else None


_SENDGRID_EVENTS = {"bounce", "dropped", "deferred", "spamreport", "spam", "delivered", "blocked"}  # ("spam": Mailjet's)
_MAILGUN_EVENTS = {"failed", "complained", "delivered", "bounced", "dropped"}


def _from_sendgrid(e: dict) -> SesRecipient:
    event = e["event"]
    if event in ("spamreport", "spam"):
        return SesRecipient(e["email"], "complaint", subtype="abuse")
    if event == "delivered":
        return SesRecipient(e["email"], "delivery")
    if event == "deferred":
        return SesRecipient(e["email"], "delayed", str(e.get("status") or ""), str(e.get("response") or e.get("reason") or ""))
    status = str(e.get("status") or "")
    # (services that write SendGrid's shape name the far side's reply otherwise: Mailjet's
    # "comment" and "error", others' "smtp_response" or "diag")
    reason = " ".join(dict.fromkeys(str(e.get(k)) for k in ("reason", "response", "smtp_response", "diag", "comment", "error")
                                    if e.get(k)))
    permanent = None if event == "dropped" else not status.startswith("4")
    if isinstance(e.get("hard_bounce"), bool):  # Mailjet's own verdict on the bounce's permanence
        permanent = e["hard_bounce"]
    return SesRecipient(e["email"], "bounce", status, reason, permanent, str(e.get("bounce_classification") or e.get("type") or ""))


def _from_mailgun(data: dict) -> SesRecipient:
    event = data["event"]
    if event == "complained":
        return SesRecipient(data["recipient"], "complaint", subtype="abuse")
    if event == "delivered":
        return SesRecipient(data["recipient"], "delivery")
    ds = data.get("delivery-status") if isinstance(data.get("delivery-status"), dict) else {}
    severity = str(data.get("severity") or "")
    if severity == "temporary":
        return SesRecipient(data["recipient"], "delayed", str(ds.get("enhanced-code") or ""), str(ds.get("message") or ""))
    text = " ".join(str(ds.get(k) or "") for k in ("code", "message", "description")).strip()
    return SesRecipient(data["recipient"], "bounce", str(ds.get("enhanced-code") or ""), text or str(data.get("reason") or ""),
                        severity != "temporary" if severity else None, str(data.get("reason") or ""))


# SES's other event types, mailed by the same topic when a configuration set publishes them: none
# is about an address's fate (a send accepted, a rejected send, an open, a click, a template that
# failed to render, a subscription preference changed) — and their SNS footer's "unsubscribe" is
# nobody's request.
_OTHER_EVENTS = ("Send", "Reject", "Open", "Click", "Rendering Failure", "RenderingFailure", "Subscription")


def notification(text: str) -> dict | None:
    """The SES, SendGrid or Mailgun notification in ``text`` or None."""
    # SNS folds its long JSON lines for mail: the line ends in "!" and goes on after a space.
    text = text.replace("!\r\n ", "").replace("!\n ", "") if "!\n " in text or "!\r\n " in text else text
    if '"event"' in text:
        obj = _load(text)
        if obj is not None:
            relay = _relay_events(obj)
            if relay is not None:
                return relay
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
    return obj if kind in ("Bounce", "Complaint", "Delivery", "DeliveryDelay", *_OTHER_EVENTS) else None



def recipients(obj: dict) -> list[SesRecipient]:
    kind = obj.get("notificationType") or obj.get("eventType")
    out: list[SesRecipient] = []
    if kind == "Relay":
        return list(obj["relay"])
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
    elif kind in _OTHER_EVENTS:
        out.append(SesRecipient("", "event", subtype=str(kind)))
    elif kind == "DeliveryDelay":
        delay = obj.get("deliveryDelay") or {}
        for r in delay.get("delayedRecipients") or []:
            if isinstance(r, dict) and r.get("emailAddress"):
                out.append(SesRecipient(str(r["emailAddress"]), "delayed", str(r.get("status") or ""),
                                        str(r.get("diagnosticCode") or delay.get("delayType") or "")))
    return out


def original_header(obj: dict, name: str) -> str:
    for h in (obj.get("mail") or {}).get("headers") or []:
        if isinstance(h, dict) and str(h.get("name", "")).lower() == name.lower():
            return str(h.get("value", ""))
    return ""
