"""Words for the names the program keeps internally: consent trail events, the channels they
came from and contact fields, as the window shows them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

EVENT_LABELS = {
    "created": "Added by hand",
    "imported": "Imported",
    "confirmed": "Confirmed",
    "unsubscribed": "Unsubscribed",
    "bounced": "Bounced",
    "complained": "Complained (marked as spam)",
    "confirmation_requested": "Confirmation request sent",
    "edited": "Details changed",
    "exported": "Personal data exported",
    "list_added": "Added to a list",
    "list_removed": "Removed from a list",
    "note": "Note",
    "erased": "Erased",
    "purged": "Removed (never confirmed)",
}

CHANNEL_LABELS = {
    "gui": "this program",
    "cli": "command line",
    "import": "import",
    "email_reply": "email reply",
    "https": "web page",
    "inbox": "returned mail",
    "send": "sending",
    "system": "automatic",
}

# Fields every contact has, by the names merge fields and imports use for them.
BUILTIN_FIELD_LABELS = {
    "email": "Email address",
    "name": "Full name",
    "first_name": "First name",
    "last_name": "Last name",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def event_label(kind: str) -> str:
    return _tr(EVENT_LABELS.get(kind, kind.replace("_", " ").capitalize()))


def channel_label(channel: str) -> str:
    return _tr(CHANNEL_LABELS.get(channel, channel.replace("_", " ")))


def field_label(name: str) -> str:
    """``first_name`` → "First name"; a custom field keeps its words ("shoe size")."""
    if name in BUILTIN_FIELD_LABELS:
        return _tr(BUILTIN_FIELD_LABELS[name])
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name
