"""app_meta and settings tables."""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any

from ..config import SETTINGS, setting
from .db import now_iso


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM app_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO app_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def read_install_id(conn: sqlite3.Connection) -> str | None:
    """The data folder's install id, without writing anything (None when it has none yet)."""
    return get_meta(conn, "install_id")


def ensure_install_id(conn: sqlite3.Connection) -> str:
    """The random id naming this data folder's secrets in the keyring (created once)."""
    value = get_meta(conn, "install_id")
    if value is None:
        value = secrets.token_hex(8)
        conn.execute("INSERT OR IGNORE INTO app_meta(key, value) VALUES ('install_id', ?)", (value,))
        conn.execute("INSERT OR IGNORE INTO app_meta(key, value) VALUES ('created_at', ?)", (now_iso(),))
        value = get_meta(conn, "install_id")
    return value  # type: ignore[return-value]


class SettingsStore:
    """Typed access to the settings declared in config.SETTINGS; unset keys give the default."""

    def __init__(self, conn_provider, transaction=None):
        self._conn = conn_provider  # callable returning this thread's connection
        # Database.transaction: a setting saved while a long write runs is refused at once on the
        # window's thread instead of waiting for it (storage/write_gate.py)
        self._transaction = transaction

    def get(self, key: str) -> Any:
        decl = setting(key)
        row = self._conn().execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return decl.default
        return json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        decl = setting(key)
        value = coerce(decl.default, value, key)
        if decl.choices and value not in decl.choices:
            raise ValueError(f"setting {key}: {value!r} is not one of {', '.join(decl.choices)}")
        sql = "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
        if self._transaction is None:
            self._conn().execute(sql, (key, json.dumps(value)))
            return
        with self._transaction() as conn:
            conn.execute(sql, (key, json.dumps(value)))

    def all(self) -> dict[str, Any]:
        stored = {r[0]: json.loads(r[1]) for r in self._conn().execute("SELECT key, value FROM settings")}
        return {k: stored.get(k, s.default) for k, s in SETTINGS.items()}


def coerce(default: Any, value: Any, key: str = "") -> Any:
    """Convert ``value`` to the type of the setting's default, or raise ValueError."""
    kind = type(default)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    try:
        if kind is bool:
            if isinstance(value, str):
                low = value.strip().lower()
                if low in ("1", "true", "yes", "on"):
                    return True
                if low in ("0", "false", "no", "off"):
                    return False
                raise ValueError
            return bool(value)
        if kind is int:
            return int(value)
        if kind is float:
            return float(value)
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"setting {key}: {value!r} is not a valid {kind.__name__}") from None
