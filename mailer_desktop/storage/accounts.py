"""SQL for the ``accounts`` and ``account_usage`` tables (SMTP accounts and their daily budget)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from typing import Any

from .db import now_iso, update_columns


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    preset: str
    host: str
    port: int
    security: str
    username: str
    pool_size: int
    rate_per_second: float
    rate_per_hour: int
    rate_per_day: int
    builtin: bool
    created_at: str
    oauth: str = ""       # '' (password login) or the OAuth2 sign-in as JSON, see services.oauth_providers

    @property
    def uses_oauth(self) -> bool:
        return bool(self.oauth)

    @property
    def is_sandbox(self) -> bool:
        return bool(self.builtin) and self.preset == "sandbox"


EDITABLE = ("name", "preset", "host", "port", "security", "username", "pool_size",
            "rate_per_second", "rate_per_hour", "rate_per_day", "oauth")
_COLUMNS = ", ".join(f.name for f in fields(AccountRow))


def _row(r: sqlite3.Row | None) -> AccountRow | None:
    if r is None:
        return None
    data = dict(r)
    data["builtin"] = bool(data["builtin"])
    return AccountRow(**data)


def all_accounts(conn: sqlite3.Connection) -> list[AccountRow]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY builtin DESC, name COLLATE NOCASE")
    return [_row(r) for r in rows]  # type: ignore[misc]


def by_name(conn: sqlite3.Connection, name: str) -> AccountRow | None:
    return _row(conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE name = ? COLLATE NOCASE", (name,)).fetchone())


def by_id(conn: sqlite3.Connection, account_id: int) -> AccountRow | None:
    return _row(conn.execute(f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", (account_id,)).fetchone())


def sandbox(conn: sqlite3.Connection) -> AccountRow | None:
    return _row(conn.execute(
        f"SELECT {_COLUMNS} FROM accounts WHERE builtin = 1 AND preset = 'sandbox' ORDER BY id LIMIT 1"
    ).fetchone())


def insert(conn: sqlite3.Connection, values: dict[str, Any]) -> int:
    cols = [c for c in EDITABLE if c in values]
    sql = (f"INSERT INTO accounts ({', '.join(cols)}, builtin, created_at) "
           f"VALUES ({', '.join('?' for _ in cols)}, 0, ?)")
    cur = conn.execute(sql, [values[c] for c in cols] + [now_iso()])
    return int(cur.lastrowid)


def update(conn: sqlite3.Connection, account_id: int, values: dict[str, Any]) -> None:
    update_columns(conn, "accounts", account_id, {c: values[c] for c in EDITABLE if c in values}, EDITABLE)


def delete(conn: sqlite3.Connection, account_id: int) -> None:
    conn.execute("DELETE FROM accounts WHERE id = ? AND builtin = 0", (account_id,))


def usage_today(conn: sqlite3.Connection, account_id: int, day: str) -> int:
    row = conn.execute("SELECT sent FROM account_usage WHERE account_id = ? AND day = ?",
                       (account_id, day)).fetchone()
    return int(row[0]) if row else 0


def add_usage(conn: sqlite3.Connection, account_id: int, day: str, count: int) -> None:
    if count <= 0:
        return
    conn.execute(
        "INSERT INTO account_usage(account_id, day, sent) VALUES (?, ?, ?) "
        "ON CONFLICT(account_id, day) DO UPDATE SET sent = sent + excluded.sent",
        (account_id, day, count),
    )
