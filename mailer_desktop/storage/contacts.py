"""SQL for contacts, lists, list members and the consent trail. No rules here: services decide."""

from __future__ import annotations

import sqlite3
import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .db import update_columns

CONTACT_COLUMNS = (
    "id, email, email_key, name, fields, status, consent_basis, consent_expires_at, source, "
    "created_at, updated_at, status_changed_at, confirm_sent_at, confirm_sent_count, token_id"
)
# A new contact's token id (see migration 0007): random, 2^32 .. 2^32 + 2^59, never a legacy id.
TOKEN_ID_SQL = "((random() & 576460752303423487) + 4294967296)"
_EDITABLE = {"email", "email_key", "name", "fields", "source", "consent_basis", "consent_expires_at",
             "confirm_sent_at", "confirm_sent_count"}

# Sort keys the contact table offers; each is backed by an index (see 0001 and the search migration).
SORTS = {
    "email": "c.email_key",
    "name": "c.name COLLATE NOCASE",
    "status": "c.status",
    "created": "c.created_at",
    "updated": "c.updated_at",
}


# -- contacts ------------------------------------------------------------------------------
def insert_contact(conn: sqlite3.Connection, *, email: str, email_key: str, name: str, fields: str,
                   status: str, basis: str | None, expires: str | None, source: str, now: str) -> int:
    cur = conn.execute(
        "INSERT INTO contacts (email, email_key, name, fields, status, consent_basis, consent_expires_at,"
        f" source, created_at, updated_at, status_changed_at, token_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,{TOKEN_ID_SQL})",
        (email, email_key, name, fields, status, basis, expires, source, now, now, now),
    )
    return int(cur.lastrowid)


def contact_by_id(conn: sqlite3.Connection, contact_id: int) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?", (contact_id,)).fetchone()


def contact_by_token_id(conn: sqlite3.Connection, token_id: int) -> sqlite3.Row | None:
    """The contact a token names: by its token id, or by its id for contacts that existed before
    token ids (their token id is NULL). None when nobody, or more than one contact, has it."""
    rows = conn.execute(
        f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE token_id = ?1"
        f" UNION ALL SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?1 AND token_id IS NULL LIMIT 2",
        (token_id,)).fetchall()
    return rows[0] if len(rows) == 1 else None


def contact_by_key(conn: sqlite3.Connection, email_key: str) -> sqlite3.Row | None:
    return conn.execute(f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE email_key = ?", (email_key,)).fetchone()


def contacts_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[sqlite3.Row]:
    out: list[sqlite3.Row] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        out.extend(conn.execute(f"SELECT {CONTACT_COLUMNS} FROM contacts WHERE id IN ({marks})", chunk))
    return out


def update_contact(conn: sqlite3.Connection, contact_id: int, now: str, **columns) -> None:
    if columns:  # an edit that changes nothing leaves updated_at alone
        update_columns(conn, "contacts", contact_id, {**columns, "updated_at": now}, {*_EDITABLE, "updated_at"})


def set_status(conn: sqlite3.Connection, contact_id: int, status: str, now: str, **columns) -> None:
    extra = "".join(f", {k} = ?" for k in columns)
    conn.execute(
        f"UPDATE contacts SET status = ?, status_changed_at = ?, updated_at = ?{extra} WHERE id = ?",
        (status, now, now, *columns.values(), contact_id),
    )


def delete_contact(conn: sqlite3.Connection, contact_id: int) -> None:
    conn.execute("DELETE FROM contacts WHERE id = ?", (contact_id,))


def pending_created_before(conn: sqlite3.Connection, cutoff: str, limit: int = 1000) -> list[int]:
    rows = conn.execute(
        "SELECT id FROM contacts WHERE status = 'pending' AND created_at < ? ORDER BY id LIMIT ?",
        (cutoff, limit),
    )
    return [r[0] for r in rows]


def confirmed_ids(conn: sqlite3.Connection, list_id: int | None = None) -> list[int]:
    if list_id is None:
        rows = conn.execute("SELECT id FROM contacts WHERE status = 'confirmed' ORDER BY id")
    else:
        rows = conn.execute(
            "SELECT c.id FROM contacts c JOIN list_members m ON m.contact_id = c.id"
            " WHERE m.list_id = ? AND c.status = 'confirmed' ORDER BY c.id", (list_id,))
    return [r[0] for r in rows]


# -- windowed queries for the contact table ----------------------------------------------
@dataclass(frozen=True)
class ContactQuery:
    """What the contact table shows: search text, status and list filters, sort order."""

    search: str = ""
    status: str | None = None
    list_id: int | None = None
    sort: str = "email"
    descending: bool = False


# How a word search is joined to the table (both give the same rows):
# - "lookup": every hit is looked up and the hits are sorted; cost grows with the hits.
# - "walk": the sort index is walked and each row probed against the hit set; cheap when hits
#   are spread through the sort order, slow when they cluster late in it (a first name near
#   the end of the alphabet). Windows of large hit sets try the walk within an instruction
#   budget a little below what the lookup would cost, and fall back to the lookup.
SMALL_SEARCH = 5000
BIG_SEARCH = 100_000  # counts with other filters use the walk above this many hits
WALK_OPS_PER_HIT = 10
# A list filter walks the sort order while the rows it would meet stay under this many times
# the list's size (measured on a million contacts with a list of a third of them: up to there
# the walk costs less than reading the list and sorting it).
WALK_LIST_FACTOR = 1
# From this offset on, a window in the second half of a list is read from the list's far end.
REVERSE_MIN_OFFSET = 10_000
# Sorts whose lookup plan reads the hits' sort keys from a narrow (id, key) index (migration 0003)
# rather than from the wide contact rows: far fewer pages for tens of thousands of hits.
LOOKUP_INDEXES = {"email": "contacts_by_id_email_key"}


def address_prefix(text: str) -> str | None:
    """Search text with an ``@`` after some characters is the start of an address: it is matched
    against the start of the de-duplication key through its index (instant even for full addresses)."""
    t = text.strip().lower()
    local, at, _domain = t.partition("@")
    if not at or not local or " " in t:
        return None
    return t


def _where(q: ContactQuery, walk: bool = False, list_probe: bool = False, joined: bool = False,
           ) -> tuple[str, list]:
    """The WHERE clause of ``q``. ``walk``: the search-hit set is probed per row (+c.id) rather
    than driving the query. ``list_probe``: list membership is one primary-key probe per row
    (EXISTS) rather than reading the whole list first (IN) — cheap when the rows to test are few
    or the list is dense, costly for a small list among many contacts. ``joined``: the word
    search is the outer table of a join (``contacts_search s``, see :func:`_lookup_source`)."""
    clauses, params = [], []
    if q.status:
        clauses.append("c.status = ?")
        params.append(q.status)
    if q.list_id is not None:
        clauses.append("EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = ? AND m.contact_id = c.id)"
                       if list_probe else "c.id IN (SELECT contact_id FROM list_members WHERE list_id = ?)")
        params.append(q.list_id)
    prefix = address_prefix(q.search)
    if prefix:
        clauses.append("c.email_key >= ? AND c.email_key < ?")
        params += [prefix, prefix + "\U0010ffff"]
    else:
        match = fts_query(q.search)
        if match and joined:
            clauses.append("contacts_search MATCH ?")
            params.append(match)
        elif match:
            probe = "+c.id" if walk else "c.id"
            clauses.append(f"{probe} IN (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?)")
            params.append(match)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def search_hits(conn: sqlite3.Connection, q: ContactQuery) -> int | None:
    """How many contacts the search text alone matches (None: no full-text search in ``q``)."""
    if address_prefix(q.search):
        return None
    match = fts_query(q.search)
    if not match:
        return None
    return conn.execute("SELECT count(*) FROM contacts_search WHERE contacts_search MATCH ?", (match,)).fetchone()[0]


def fts_query(text: str) -> str:
    """Turn what the user typed into an FTS5 query: every word must start a word of the
    address or the name (``anna ex`` finds ``anna.smith@example.com``)."""
    words = []
    for raw in text.replace("@", " ").replace(".", " ").replace("+", " ").replace("-", " ").split():
        word = "".join(ch for ch in raw if ch.isalnum() or ch == "_")
        if word:
            words.append('"' + word.replace('"', "") + '"*')
    return " ".join(words)


def _lookup_source(q: ContactQuery, hits: int | None) -> str:
    """The table clause of the lookup plan. A word search drives it: each hit of the full-text
    index is joined to its contact (without first collecting the hits into a temporary set, as
    ``IN (…)`` would: a few milliseconds per ten thousand hits). With no status filter, sorted by
    a key in :data:`LOOKUP_INDEXES`, only that index is read (everything it touches is in it)."""
    if hits is None:
        return "contacts c"
    index = LOOKUP_INDEXES.get(q.sort if q.sort in SORTS else "email")
    table = f"contacts c INDEXED BY {index}" if index and not q.status else "contacts c"
    return f"contacts_search s CROSS JOIN {table} ON c.id = s.rowid"


def _order(q: ContactQuery) -> str:
    col = SORTS.get(q.sort, SORTS["email"])
    direction = "DESC" if q.descending else "ASC"
    return f" ORDER BY {col} {direction}, c.id {direction}"


class _Budget:
    """Interrupts the connection's running statement after about ``ops`` VM instructions."""

    STEP = 1000

    def __init__(self, conn: sqlite3.Connection, ops: int):
        self.conn, self.left = conn, max(1, ops // self.STEP)

    def _tick(self) -> int:
        self.left -= 1
        return 1 if self.left < 0 else 0

    def __enter__(self):
        self.conn.set_progress_handler(self._tick, self.STEP)
        return self

    def __exit__(self, *exc):
        self.conn.set_progress_handler(None, 0)
        return False


def query_contact_ids(conn: sqlite3.Connection, q: ContactQuery, offset: int, limit: int,
                      hits: int | None = None) -> list[int]:
    """Ids of one window of the table (a covering-index scan, so deep offsets stay cheap).
    ``hits`` (from :func:`search_hits`) lets a word search pick its plan without counting again."""
    if hits is None:
        hits = search_hits(conn, q)
    order = _order(q)
    if _list_only(q, hits):
        # A list without a word search: walk the sort order probing membership when the window
        # is reached within about the list's size in rows; otherwise read the list first,
        # from its far end when the window lies in the second half (the sort keeps fewer rows).
        members = list_size(conn, q.list_id)
        walk = _walk_list(conn, members, offset + limit)
        if not walk and offset >= REVERSE_MIN_OFFSET:
            total = members if not q.status else count_contacts(conn, q)
            if offset > total // 2:
                return _window_from_the_end(conn, q, offset, limit, total)
        where, params = _where(q, list_probe=walk)
        return [r[0] for r in conn.execute(f"SELECT c.id FROM contacts c{where}{order} LIMIT ? OFFSET ?",
                                           (*params, limit, offset))]
    if hits is not None and hits > SMALL_SEARCH:
        where, params = _where(q, walk=True, list_probe=True)
        try:
            with _Budget(conn, WALK_OPS_PER_HIT * hits):
                rows = conn.execute(f"SELECT c.id FROM contacts c{where}{order} LIMIT ? OFFSET ?",
                                    (*params, limit, offset)).fetchall()
            return [r[0] for r in rows]
        except sqlite3.OperationalError as exc:
            if "interrupt" not in str(exc):
                raise
    # each hit (or prefix match) probes the list
    where, params = _where(q, list_probe=True, joined=hits is not None)
    source = _lookup_source(q, hits)
    return [r[0] for r in conn.execute(f"SELECT c.id FROM {source}{where}{order} LIMIT ? OFFSET ?",
                                       (*params, limit, offset))]


def ordered_contact_ids(conn: sqlite3.Connection, q: ContactQuery) -> array:
    """Every id of a list filter's rows (no word search) in the query's order: the list is read
    once and sorted, so a view can then take any window of it without sorting again. One
    statement step does all of it (the ids come back as one text), so a background thread
    running it hardly competes with the window's thread for the interpreter."""
    where, params = _where(q)
    # An aggregate over an ordered subquery reads the rows in that order (SQLite never flattens
    # such a subquery into an aggregate); callers still compare the start with a window.
    # Each id as 16 hex digits (big-endian), so the text turns into machine integers without one
    # Python object per id.
    row = conn.execute("SELECT group_concat(printf('%016x', id), '') FROM"
                       f" (SELECT c.id AS id FROM contacts c{where}{_order(q)})", params).fetchone()
    ids = array("q")
    if row and row[0]:
        ids.frombytes(bytes.fromhex(row[0]))
        if sys.byteorder == "little":
            ids.byteswap()
    return ids


def max_contact_id(conn: sqlite3.Connection) -> int:
    """The largest contact id (0 without contacts): about the number of contacts, cheaply."""
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM contacts").fetchone()[0]


def _list_only(q: ContactQuery, hits: int | None) -> bool:
    """A list filter (maybe with a status) and no word or address search."""
    return hits is None and q.list_id is not None and not address_prefix(q.search)


def list_size(conn: sqlite3.Connection, list_id: int) -> int:
    """Members of a list (each is a contact: memberships go with their contact)."""
    return conn.execute("SELECT count(*) FROM list_members WHERE list_id = ?", (list_id,)).fetchone()[0]


def _walk_list(conn: sqlite3.Connection, members: int, rows_needed: int) -> bool:
    """Whether walking the sort order (probing each row's membership) reaches ``rows_needed``
    rows of a list of ``members`` cheaper than reading the whole list and sorting it: the walk
    meets about rows_needed * contacts / members rows, reading the list costs about its size."""
    if not members:
        return False
    return rows_needed * max_contact_id(conn) <= WALK_LIST_FACTOR * members * members


def _window_from_the_end(conn: sqlite3.Connection, q: ContactQuery, offset: int, limit: int,
                         total: int) -> list[int]:
    """Rows offset..offset+limit of ``q`` (``total`` rows in all) read in the reverse order:
    the sort then keeps only the rows after the window. The order is total (ties go by id),
    so the reverse order is its exact mirror."""
    start = total - offset - limit
    count = limit + min(0, start)
    if count <= 0:
        return []
    reverse = replace(q, descending=not q.descending)
    where, params = _where(reverse)
    rows = conn.execute(f"SELECT c.id FROM contacts c{where}{_order(reverse)} LIMIT ? OFFSET ?",
                        (*params, count, max(0, start))).fetchall()
    return [r[0] for r in reversed(rows)]


def count_contacts(conn: sqlite3.Connection, q: ContactQuery, hits: int | None = None) -> int:
    if hits is None:
        hits = search_hits(conn, q)
    if hits is not None and not q.status and q.list_id is None:
        return hits  # every indexed row is a contact
    if _list_only(q, hits):
        if not q.status:
            return list_size(conn, q.list_id)
        return conn.execute("SELECT count(*) FROM list_members m JOIN contacts c ON c.id = m.contact_id"
                            " WHERE m.list_id = ? AND c.status = ?", (q.list_id, q.status)).fetchone()[0]
    if hits is not None and q.list_id is not None and not q.status:
        # Word search within a list: one membership probe per hit, the contact rows untouched.
        return conn.execute("SELECT count(*) FROM contacts_search s WHERE contacts_search MATCH ? AND EXISTS"
                            " (SELECT 1 FROM list_members m WHERE m.list_id = ? AND m.contact_id = s.rowid)",
                            (fts_query(q.search), q.list_id)).fetchone()[0]
    where, params = _where(q, walk=hits is not None and hits > BIG_SEARCH, list_probe=True)
    return conn.execute(f"SELECT count(*) FROM contacts c{where}", params).fetchone()[0]


def set_cache_size(conn: sqlite3.Connection, megabytes: int) -> None:
    conn.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")


def has_contacts(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM contacts LIMIT 1").fetchone() is not None


def status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {r[0]: r[1] for r in conn.execute("SELECT status, count(*) FROM contacts GROUP BY status")}


# -- consent trail ---------------------------------------------------------------------------
def insert_event(conn: sqlite3.Connection, contact_id: int | None, kind: str, at: str, channel: str,
                 wording: str = "", evidence: str = "", before: str | None = None,
                 after: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO consent_events (contact_id, kind, at, channel, wording, evidence, status_before,"
        " status_after) VALUES (?,?,?,?,?,?,?,?)",
        (contact_id, kind, at, channel, wording, evidence, before, after),
    )
    return int(cur.lastrowid)


def insert_events(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """rows: (contact_id, kind, at, channel, wording, evidence, before, after)."""
    conn.executemany(
        "INSERT INTO consent_events (contact_id, kind, at, channel, wording, evidence, status_before,"
        " status_after) VALUES (?,?,?,?,?,?,?,?)", rows)


def events_of(conn: sqlite3.Connection, contact_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT id, contact_id, kind, at, channel, wording, evidence, status_before, status_after"
        " FROM consent_events WHERE contact_id = ? ORDER BY id", (contact_id,)).fetchall()


# -- lists ---------------------------------------------------------------------------------
def insert_list(conn: sqlite3.Connection, name: str, description: str, now: str) -> int:
    cur = conn.execute("INSERT INTO lists (name, description, created_at) VALUES (?,?,?)",
                       (name, description, now))
    return int(cur.lastrowid)


def list_by_id(conn: sqlite3.Connection, list_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT id, name, description, created_at FROM lists WHERE id = ?",
                        (list_id,)).fetchone()


def list_by_name(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT id, name, description, created_at FROM lists WHERE name = ?",
                        (name,)).fetchone()


def all_lists(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT l.id, l.name, l.description, l.created_at,"
        " (SELECT count(*) FROM list_members m WHERE m.list_id = l.id) AS members"
        " FROM lists l ORDER BY l.name COLLATE NOCASE").fetchall()


def rename_list(conn: sqlite3.Connection, list_id: int, name: str, description: str | None) -> None:
    if description is None:
        conn.execute("UPDATE lists SET name = ? WHERE id = ?", (name, list_id))
    else:
        conn.execute("UPDATE lists SET name = ?, description = ? WHERE id = ?", (name, description, list_id))


def delete_list(conn: sqlite3.Connection, list_id: int) -> None:
    conn.execute("DELETE FROM lists WHERE id = ?", (list_id,))


def add_member(conn: sqlite3.Connection, list_id: int, contact_id: int, now: str) -> bool:
    cur = conn.execute("INSERT OR IGNORE INTO list_members (list_id, contact_id, added_at) VALUES (?,?,?)",
                       (list_id, contact_id, now))
    return cur.rowcount > 0


def remove_member(conn: sqlite3.Connection, list_id: int, contact_id: int) -> bool:
    cur = conn.execute("DELETE FROM list_members WHERE list_id = ? AND contact_id = ?", (list_id, contact_id))
    return cur.rowcount > 0


def list_names_of(conn: sqlite3.Connection, contact_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT l.name FROM list_members m JOIN lists l ON l.id = m.list_id WHERE m.contact_id = ?"
        " ORDER BY l.name COLLATE NOCASE", (contact_id,))
    return [r[0] for r in rows]


def list_names_for(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT m.contact_id, l.name FROM list_members m JOIN lists l ON l.id = m.list_id"
            f" WHERE m.contact_id IN ({marks}) ORDER BY l.name COLLATE NOCASE", chunk)
        for cid, name in rows:
            out[cid].append(name)
    return out


# -- what else is held about a contact (rights export) ----------------------------------
def deliveries_of(conn: sqlite3.Connection, contact_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT d.*, c.name AS campaign_name, c.subject AS campaign_subject FROM deliveries d"
        " LEFT JOIN campaigns c ON c.id = d.campaign_id WHERE d.contact_id = ? ORDER BY d.id",
        (contact_id,)).fetchall()


def bounce_events_of(conn: sqlite3.Connection, contact_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM bounce_events WHERE contact_id = ? ORDER BY id", (contact_id,)).fetchall()


def inbox_messages_of(conn: sqlite3.Connection, contact_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM inbox_messages WHERE contact_id = ? ORDER BY id", (contact_id,)).fetchall()


def delete_unlinked_inbox_mentions(conn: sqlite3.Connection, needle: str) -> int:
    """Inbox rows not linked to any contact that still name the address (sender, subject, snippet)."""
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    cur = conn.execute(
        "DELETE FROM inbox_messages WHERE contact_id IS NULL AND (sender LIKE ? ESCAPE '\\'"
        " OR subject LIKE ? ESCAPE '\\' OR snippet LIKE ? ESCAPE '\\')", (pattern, pattern, pattern))
    return cur.rowcount


def iter_contact_rows(conn: sqlite3.Connection, q: ContactQuery, batch: int = 1000):
    """Every contact matching ``q`` in the query's order, fetched in batches (CLI listing)."""
    where, params = _where(q)
    cur = conn.execute(f"SELECT {', '.join('c.' + c.strip() for c in CONTACT_COLUMNS.split(','))}"
                       f" FROM contacts c{where}{_order(q)}", params)
    while True:
        rows = cur.fetchmany(batch)
        if not rows:
            return
        yield rows
