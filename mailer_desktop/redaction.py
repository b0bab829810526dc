"""Secrets never reach a log: every secret this process handled is replaced by '***'.

A module of its own (no keyring in it), so that logging is set up without loading the keyring.
"""

from __future__ import annotations

import logging
import threading

_redact_lock = threading.Lock()
_known_secrets: set[str] = set()


def redact(text: str) -> str:
    """Replace every secret this process has handled by '***' (used by the log filter)."""
    with _redact_lock:
        known = list(_known_secrets)
    for value in known:
        if value and value in text:
            text = text.replace(value, "***")
    return text


def remember(*values: str | None) -> None:
    """Redact these values from logs too (a stored secret, or parts of one, such as the tokens
    inside an account's OAuth2 sign-in)."""
    with _redact_lock:
        _known_secrets.update(value for value in values if value and len(value) >= 4)


class RedactingFilter(logging.Filter):
    """Log filter: no secret handled by a SecretStore ever reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:
            return True
        cleaned = redact(msg)
        if cleaned != msg:
            record.msg, record.args = cleaned, None
        return True
