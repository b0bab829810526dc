"""SQL for the suppression list (keyed hashes; see domain/suppression.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

COLUMNS = "hash, scope, reason, created_at, display, note"


def find_any(conn: sqlite3.Connection, hashes: Sequence[str]) -> sqlite3.Row | None:
    """The first entry whose hash is one of ``hashes`` (address hash first, then domain)."""
    for h in hashes:
        row = conn.execute(f"SELECT {COLUMNS} FROM suppressions WHERE hash = ?", (h,)).fetchone()
        if row is not None:
            return row
    return None


def get(conn: sqlite3.Connection, hash_: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {COLUMNS} FROM suppressions WHERE hash = ?", (hash_,)).fetchone()


def insert(conn: sqlite3.Connection, hash_: str, scope: str, reason: str, now: str,
           display: str | None, note: str = "") -> bool:
    """Add an entry; an existing entry is kept as it is. True when a row was added."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO suppressions (hash, scope, reason, created_at, display, note)"
        " VALUES (?,?,?,?,?,?)", (hash_, scope, reason, now, display, note))
    return cur.rowcount > 0


def mark_erased(conn: sqlite3.Connection, hash_: str, now: str) -> None:
    """The entry of an erased address: reason 'erased', nothing readable left."""
    conn.execute(
        "INSERT INTO suppressions (hash, scope, reason, created_at, display, note)"
        " VALUES (?, 'address', 'erased', ?, NULL, '')"
        " ON CONFLICT(hash) DO UPDATE SET reason = 'erased', display = NULL, note = ''",
        (hash_, now))


def clear_display(conn: sqlite3.Connection, display: str) -> None:
    conn.execute("UPDATE suppressions SET display = NULL, note = '' WHERE display = ? COLLATE NOCASE",
                 (display,))


def delete(conn: sqlite3.Connection, hash_: str) -> bool:
    return conn.execute("DELETE FROM suppressions WHERE hash = ?", (hash_,)).rowcount > 0


def delete_with_reasons(conn: sqlite3.Connection, hash_: str, reasons: Sequence[str]) -> bool:
    marks = ",".join("?" * len(reasons))
    cur = conn.execute(f"DELETE FROM suppressions WHERE hash = ? AND reason IN ({marks})", (hash_, *reasons))
    return cur.rowcount > 0


def _filter(search: str, reason: str | None) -> tuple[str, list]:
    clauses, params = [], []
    if search:
        clauses.append("display LIKE ? ESCAPE '\\'")
        esc = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{esc}%")
    if reason:
        clauses.append("reason = ?")
        params.append(reason)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def page(conn: sqlite3.Connection, offset: int, limit: int, search: str = "",
         reason: str | None = None) -> list[sqlite3.Row]:
    """One window of the list, newest first. The window's keys come from the created_at index
    (suppressions_by_created, or suppressions_by_reason with a reason) in its order, so no
    window sorts the whole list."""
    where, params = _filter(search, reason)
    return conn.execute(
        f"SELECT {COLUMNS} FROM suppressions WHERE hash IN (SELECT hash FROM suppressions{where} "
        f"ORDER BY created_at DESC, hash DESC LIMIT ? OFFSET ?) ORDER BY created_at DESC, hash DESC",
        (*params, limit, offset)).fetchall()


def count(conn: sqlite3.Connection, search: str = "", reason: str | None = None) -> int:
    where, params = _filter(search, reason)
    return conn.execute(f"SELECT count(*) FROM suppressions{where}", params).fetchone()[0]


