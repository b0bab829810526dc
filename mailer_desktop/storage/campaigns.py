"""SQL for campaigns, their attachments, and the contact reads that previews need."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from .db import update_columns

CAMPAIGN_COLUMNS = (
    "c.id, c.name, c.kind, c.template_id, c.list_id, c.account_id, c.subject, c.preheader, c.source_format, "
    "c.source, c.text, c.state, c.state_reason, c.created_at, c.started_at, c.finished_at, "
    "l.name AS list_name"
)
_CONTENT = {"name", "subject", "preheader", "source_format", "source", "text", "list_id", "template_id",
            "account_id"}


def insert_campaign(conn: sqlite3.Connection, *, name: str, kind: str, template_id: int | None,
                    list_id: int | None, subject: str, preheader: str, source_format: str, source: str,
                    text: str, now: str) -> int:
    cur = conn.execute(
        "INSERT INTO campaigns (name, kind, template_id, list_id, subject, preheader, source_format, source,"
        " text, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (name, kind, template_id, list_id, subject, preheader, source_format, source, text, now),
    )
    return int(cur.lastrowid)


def campaign_by_id(conn: sqlite3.Connection, campaign_id: int) -> sqlite3.Row | None:
    return conn.execute(
        f"SELECT {CAMPAIGN_COLUMNS} FROM campaigns c LEFT JOIN lists l ON l.id = c.list_id WHERE c.id = ?",
        (campaign_id,),
    ).fetchone()


def all_campaigns(conn: sqlite3.Connection, kinds: Iterable[str] | None = None) -> list[sqlite3.Row]:
    sql = f"SELECT {CAMPAIGN_COLUMNS} FROM campaigns c LEFT JOIN lists l ON l.id = c.list_id"
    params: list = []
    if kinds is not None:
        kinds = list(kinds)
        sql += f" WHERE c.kind IN ({','.join('?' * len(kinds))})"
        params += kinds
    return conn.execute(sql + " ORDER BY c.id DESC", params).fetchall()


def update_content(conn: sqlite3.Connection, campaign_id: int, **columns) -> None:
    update_columns(conn, "campaigns", campaign_id, columns, _CONTENT)


def delete_campaign(conn: sqlite3.Connection, campaign_id: int) -> None:
    conn.execute("DELETE FROM campaigns WHERE id = ?", (campaign_id,))


# -- attachments ---------------------------------------------------------------------------------
def insert_attachment(conn: sqlite3.Connection, campaign_id: int, filename: str, mime_type: str,
                      data: bytes) -> int:
    cur = conn.execute(
        "INSERT INTO campaign_attachments (campaign_id, filename, mime_type, data) VALUES (?,?,?,?)",
        (campaign_id, filename, mime_type, data),
    )
    return int(cur.lastrowid)


def attachments_of(conn: sqlite3.Connection, campaign_id: int, with_data: bool = True) -> list[sqlite3.Row]:
    data = "data" if with_data else "length(data) AS size"
    return conn.execute(
        f"SELECT id, filename, mime_type, {data} FROM campaign_attachments WHERE campaign_id = ? ORDER BY id",
        (campaign_id,),
    ).fetchall()


def copy_attachments(conn: sqlite3.Connection, from_campaign: int, to_campaign: int) -> None:
    conn.execute("INSERT INTO campaign_attachments (campaign_id, filename, mime_type, data)"
                 " SELECT ?, filename, mime_type, data FROM campaign_attachments WHERE campaign_id = ? ORDER BY id",
                 (to_campaign, from_campaign))


def delete_attachment(conn: sqlite3.Connection, campaign_id: int, attachment_id: int) -> bool:
    cur = conn.execute("DELETE FROM campaign_attachments WHERE campaign_id = ? AND id = ?",
                       (campaign_id, attachment_id))
    return cur.rowcount > 0


# -- reads for previews and preflight --------------------------------------------------------------
def list_id_by_name(conn: sqlite3.Connection, name: str) -> int | None:
    row = conn.execute("SELECT id FROM lists WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else None


def list_names(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM lists ORDER BY name COLLATE NOCASE")]


def contact_row_by_key(conn: sqlite3.Connection, email_key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT id, email, name, fields, status, token_id FROM contacts WHERE email_key = ?",
                        (email_key,)).fetchone()


def sample_contacts(conn: sqlite3.Connection, list_id: int | None, limit: int = 50) -> list[sqlite3.Row]:
    """Contacts to preview with: confirmed first, then the rest, oldest first."""
    if list_id is None:
        sql = "SELECT id, email, name, fields, status, token_id FROM contacts c"
        params: tuple = ()
    else:
        sql = ("SELECT c.id, c.email, c.name, c.fields, c.status, c.token_id FROM contacts c"
               " JOIN list_members m ON m.contact_id = c.id AND m.list_id = ?")
        params = (list_id,)
    return conn.execute(sql + " ORDER BY c.status != 'confirmed', c.id LIMIT ?", (*params, limit)).fetchall()


def field_names(conn: sqlite3.Connection, list_id: int | None) -> set[str]:
    """Every custom field key some contact (of the list) has."""
    if list_id is None:
        sql = "SELECT DISTINCT j.key FROM contacts c, json_each(c.fields) j"
        params: tuple = ()
    else:
        sql = ("SELECT DISTINCT j.key FROM list_members m JOIN contacts c ON c.id = m.contact_id,"
               " json_each(c.fields) j WHERE m.list_id = ?")
        params = (list_id,)
    return {r[0] for r in conn.execute(sql, params)}


def count_status(conn: sqlite3.Connection, list_id: int | None, status: str) -> int:
    if list_id is None:
        return conn.execute("SELECT count(*) FROM contacts WHERE status = ?", (status,)).fetchone()[0]
    return conn.execute(
        "SELECT count(*) FROM list_members m JOIN contacts c ON c.id = m.contact_id"
        " WHERE m.list_id = ? AND c.status = ?", (list_id, status)).fetchone()[0]


def count_non_ascii_local(conn: sqlite3.Connection, list_id: int | None, status: str) -> int:
    """Contacts with this status (in the list) whose address has non-ASCII characters before the @
    (the key's domain is always ASCII, so any non-ASCII character is in the local part)."""
    where = "c.status = ? AND c.email_key GLOB '*[^ -~]*'"
    if list_id is None:
        return conn.execute(f"SELECT count(*) FROM contacts c WHERE {where}", (status,)).fetchone()[0]
    return conn.execute(
        f"SELECT count(*) FROM list_members m JOIN contacts c ON c.id = m.contact_id WHERE m.list_id = ? AND {where}",
        (list_id, status)).fetchone()[0]


def open_deliveries(conn: sqlite3.Connection, campaign_id: int | None) -> int | None:
    """How many of a campaign's recipients still wait to be sent; None when it has no send log yet."""
    if campaign_id is None:
        return None
    row = conn.execute("SELECT COUNT(*), SUM(state IN ('queued', 'deferred', 'sending', 'uncertain'))"
                       " FROM deliveries WHERE campaign_id = ?", (campaign_id,)).fetchone()
    return int(row[1] or 0) if row[0] else None
