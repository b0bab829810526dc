"""SQL for stored templates."""

from __future__ import annotations

import sqlite3

from .db import update_columns

TEMPLATE_COLUMNS = "id, name, subject, preheader, source_format, source, text, created_at, updated_at"
_EDITABLE = {"name", "subject", "preheader", "source_format", "source", "text"}


def insert_template(conn: sqlite3.Connection, *, name: str, subject: str, preheader: str, source_format: str,
                    source: str, text: str, now: str) -> int:
    cur = conn.execute(
        "INSERT INTO templates (name, subject, preheader, source_format, source, text, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?)", (name, subject, preheader, source_format, source, text, now, now))
    return int(cur.lastrowid)


def template_by_id(conn: sqlite3.Connection, template_id: int) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {TEMPLATE_COLUMNS} FROM templates WHERE id = ?", (template_id,)).fetchone()


def all_templates(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(f"SELECT {TEMPLATE_COLUMNS} FROM templates ORDER BY name COLLATE NOCASE, id").fetchall()


def update_template(conn: sqlite3.Connection, template_id: int, now: str, **columns) -> None:
    update_columns(conn, "templates", template_id, {**columns, "updated_at": now}, {*_EDITABLE, "updated_at"})


def delete_template(conn: sqlite3.Connection, template_id: int) -> bool:
    return conn.execute("DELETE FROM templates WHERE id = ?", (template_id,)).rowcount > 0
