"""Bulk SQL of contact imports.

An import stages the cleaned rows in a scratch database attached to its own connection
(:data:`STAGE_DB`, a file beside the database that only the import uses; nothing in the
database file changes while the file is read), then applies them in one ``BEGIN IMMEDIATE``
transaction with set-based statements: match staged rows to existing contacts, insert the new
ones in key order, write their consent events and list memberships.

A large insert into a small table drops the table's secondary indexes whose new entries land
all over the index and builds them again afterwards (sorting once beats a million random
B-tree inserts); the indexes in which every new row sorts after the existing ones, in the order
the rows are inserted (:data:`APPENDED_INDEXES`), are kept and filled as the rows go in, which
costs less than sorting them again. Bulk inserts also bypass the
per-row search-index trigger (``contacts_search_ai``) and fill the
FTS index with one ``INSERT … SELECT`` instead, which is many times faster; likewise the
token-id trigger (``contacts_token_id``, idle for rows that carry their token id, yet run once
per row). The triggers are dropped and re-created inside the same transaction, so a crash or
kill leaves them as they were.
A big import into a small table, with no other connection open, writes that transaction with a
rollback journal instead of the write-ahead log (:func:`bulk_journal`). A big first import (into
an empty table) builds the FTS index on the other core while the rows go in
(:class:`SearchIndexBuild`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from .contacts import TOKEN_ID_SQL, max_contact_id

log = logging.getLogger(__name__)

_SEARCH_TRIGGER = "contacts_search_ai"
# Gives a token id to a contact inserted without one; the bulk insert computes every token id
# itself, yet the trigger would still run (its WHEN tested in a sub-program) once per row.
_TOKEN_TRIGGER = "contacts_token_id"
# Below this many new rows the trigger is cheaper than re-creating it.
BULK_SEARCH_THRESHOLD = 2000
BULK_INDEX_THRESHOLD = 50_000
# New contacts are inserted in key order with ascending ids and one created/updated time (now):
# in these indexes each new entry goes after the previous one (at the end of the index, or of
# its status's part of it), so keeping them during the insert is cheaper than rebuilding them.
APPENDED_INDEXES = frozenset({"contacts_by_created", "contacts_by_updated", "contacts_by_status_created",
                              "contacts_by_id_email_key", "contacts_by_status"})
# A big import into a small table writes with a rollback journal (see :func:`bulk_journal`).
BULK_JOURNAL_MIN_ROWS = 50_000
FTS_HASH_BYTES = 32 * 1024 * 1024
FTS_DEFAULT_HASH_BYTES = 1024 * 1024  # SQLite's documented default for FTS5 'hashsize'


# The staged rows live in a scratch database of their own, attached to the import's connection:
# a file beside the database (so that a second connection can read it, see SearchIndexBuild),
# named after this process, removed at the end; for a database that is no file, a private
# temporary one. Detaching it at the end discards a million staged rows at once (a DROP TABLE
# reads every page to free it: a quarter of a second). Its writes need no sync (nothing
# survives a crash; a file left by a killed import is removed by the next one).
STAGE_DB = "import_work"
_STAGE = f"{STAGE_DB}.import_stage"
STAGE_PREFIX = ".import-work-"


def _attached(conn: sqlite3.Connection) -> dict[str, str]:
    """name -> file of the connection's databases ('' for one that is no file)."""
    return {row[1]: row[2] or "" for row in conn.execute("PRAGMA database_list")}


def stage_file(conn: sqlite3.Connection) -> str:
    """The file of the staged rows ('' when they live in a private temporary database)."""
    return _attached(conn).get(STAGE_DB, "")


def _new_stage_file(conn: sqlite3.Connection) -> str:
    main = _attached(conn).get("main", "")
    if not main:
        return ""
    folder = Path(main).parent
    for old in folder.glob(STAGE_PREFIX + "*.sqlite3"):  # left by an import that was killed
        pid = old.name[len(STAGE_PREFIX):].partition("-")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            with contextlib.suppress(OSError):
                old.unlink()
    return str(folder / f"{STAGE_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.sqlite3")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        # os.kill would end the process there; a file another import still has open cannot be
        # removed on Windows, so trying to remove it is the test (see _new_stage_file)
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:  # alive, someone else's
        return True
    return True


def create_stage(conn: sqlite3.Connection) -> None:
    if STAGE_DB not in _attached(conn):
        path = _new_stage_file(conn)
        conn.execute(f"ATTACH DATABASE ? AS {STAGE_DB}", (path,))
        conn.execute(f"PRAGMA {STAGE_DB}.synchronous = OFF")
        # Scratch rows: no journal (an import that fails discards the file, it never rolls it
        # back), and bigger pages (fewer of them to fill, read and sort): half a second less
        # on a million rows.
        conn.execute(f"PRAGMA {STAGE_DB}.journal_mode = OFF")
        conn.execute(f"PRAGMA {STAGE_DB}.page_size = 16384")
    conn.execute(f"DROP TABLE IF EXISTS {_STAGE}")
    conn.execute(
        f"CREATE TABLE {_STAGE} (seq INTEGER PRIMARY KEY, row_no INTEGER NOT NULL, email TEXT NOT NULL,"
        " email_key TEXT NOT NULL, name TEXT NOT NULL, fields TEXT NOT NULL, contact_id INTEGER)")


def drop_stage(conn: sqlite3.Connection) -> None:
    path = _attached(conn).get(STAGE_DB)
    if path is None:
        return
    if conn.in_transaction:  # cannot detach now: empty it (the next import's create_stage reuses it)
        conn.execute(f"DROP TABLE IF EXISTS {_STAGE}")
        return
    conn.execute(f"DETACH DATABASE {STAGE_DB}")
    if path and Path(path).name.startswith(STAGE_PREFIX):
        with contextlib.suppress(OSError):
            Path(path).unlink()


def stage_rows(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """rows: (row_no, email, email_key, name, fields_json); staged rows are numbered (seq) 1, 2, 3 …
    in the order they are staged."""
    conn.executemany(f"INSERT INTO {_STAGE} (row_no, email, email_key, name, fields) VALUES (?,?,?,?,?)", rows)


def staged(conn: sqlite3.Connection, seqs: Sequence[int]) -> dict[int, tuple[str, str]]:
    """seq -> (name, fields JSON) of some staged rows (one query: the seqs go in as a JSON array)."""
    rows = conn.execute(f"SELECT seq, name, fields FROM {_STAGE}"
                        " WHERE seq IN (SELECT value FROM json_each(?))", (json.dumps(list(seqs)),))
    return {seq: (name, fields) for seq, name, fields in rows}


def restage(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, int]]) -> None:
    """rows: (name, fields_json, seq) — merged values of rows that had duplicates in the file."""
    conn.executemany(f"UPDATE {_STAGE} SET name = ?, fields = ? WHERE seq = ?", rows)


def iter_staged_keys(conn: sqlite3.Connection, batch: int = 5000) -> Iterator[list[tuple[int, int, str]]]:
    """(seq, row_no, email_key) of all staged rows, in batches."""
    cur = conn.execute(f"SELECT seq, row_no, email_key FROM {_STAGE} ORDER BY seq")
    while rows := cur.fetchmany(batch):
        yield rows


def unstage(conn: sqlite3.Connection, seqs: Sequence[int]) -> None:
    conn.executemany(f"DELETE FROM {_STAGE} WHERE seq = ?", [(s,) for s in seqs])


def suppression_hashes(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT hash FROM suppressions")}


def suppression_state(conn: sqlite3.Connection) -> tuple[int, str | None]:
    return tuple(conn.execute("SELECT count(*), max(created_at) FROM suppressions").fetchone())


def link_existing(conn: sqlite3.Connection) -> int:
    """Fill contact_id of staged rows whose key is already a contact; returns how many."""
    if conn.execute("SELECT NOT EXISTS (SELECT 1 FROM main.contacts)").fetchone()[0]:
        return 0  # the first import into an empty table: nothing to look up
    cur = conn.execute(
        f"UPDATE {_STAGE} SET contact_id = c.id FROM main.contacts AS c"
        f" WHERE c.email_key = {_STAGE}.email_key")
    return cur.rowcount


def iter_matches(conn: sqlite3.Connection, batch: int = 5000) -> Iterator[list[tuple]]:
    """(seq, row_no, staged name, staged fields, contact id, status, name, fields) of staged rows
    that match existing contacts, in batches."""
    cur = conn.execute(
        "SELECT s.seq, s.row_no, s.name, s.fields, c.id, c.status, c.name, c.fields, s.email"
        f" FROM {_STAGE} s JOIN main.contacts c ON c.id = s.contact_id ORDER BY s.seq")
    while rows := cur.fetchmany(batch):
        yield rows


def update_contacts(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, int]]) -> None:
    """rows: (name, fields_json, now, contact_id)."""
    conn.executemany("UPDATE contacts SET name = ?, fields = ?, updated_at = ? WHERE id = ?", rows)


def count_new(conn: sqlite3.Connection) -> int:
    return conn.execute(f"SELECT count(*) FROM {_STAGE} WHERE contact_id IS NULL").fetchone()[0]


def staged_count(conn: sqlite3.Connection) -> int:
    return conn.execute(f"SELECT count(*) FROM {_STAGE}").fetchone()[0]


@contextlib.contextmanager
def bulk_journal(conn: sqlite3.Connection, staged_rows: int) -> Iterator[bool]:
    """Around the one transaction of a big import into a small table (at least
    :data:`BULK_JOURNAL_MIN_ROWS` staged rows, more than the contacts table holds): write it with
    a rollback journal instead of the write-ahead log, when no other connection has the file open.

    In WAL mode every new page is written twice, to the log and then by the checkpoint into
    the file (a third of the import's database time on a million rows). With a rollback
    journal the new pages, which lie past the file's old end, are written once; only the few
    pages that existed before go to the journal. The transaction stays atomic: a kill or a crash
    leaves a hot journal that the next connection rolls back before it reads anything, so the
    file is exactly as before. The price: other connections cannot read during those seconds
    (they wait, up to their busy timeout) — hence only when no other connection is open (the
    switch fails at once otherwise, and the import then writes through the log as always).
    Yields whether the journal was switched; WAL mode is restored afterwards."""
    if staged_rows < BULK_JOURNAL_MIN_ROWS or conn.in_transaction:
        yield False
        return
    if staged_rows <= max_contact_id(conn):
        yield False
        return
    try:
        switched = conn.execute("PRAGMA main.journal_mode = DELETE").fetchone()[0].lower() == "delete"
    except sqlite3.OperationalError:  # another connection has the file open
        switched = False
    try:
        yield switched
    finally:
        if switched:
            try:
                conn.execute("PRAGMA main.journal_mode = WAL")
            except sqlite3.OperationalError as exc:  # opening the database again puts it back as well
                log.warning("could not switch the database back to WAL mode after the import: %s", exc)


@contextlib.contextmanager
def bulk_links_unchecked(conn: sqlite3.Connection, staged_rows: int) -> Iterator[bool]:
    """Around the one transaction of a big import (at least :data:`BULK_JOURNAL_MIN_ROWS` staged
    rows): foreign keys are not checked row by row while it runs, and are checked again from its
    end on (``PRAGMA foreign_keys`` changes only outside a transaction, for this connection only).

    What the import writes links only to rows that exist by construction: consent events and
    list rows take their contact ids from the contacts table in the same statement (the new
    ones) or from the contacts matched in it (the existing ones), and the list's id from the
    list created or found in the same transaction; it deletes no contact. The checks would find
    nothing, at a price: half a second on a million rows (a lookup of the contact, and of the
    list, for every row). Yields whether they were switched off."""
    if staged_rows < BULK_JOURNAL_MIN_ROWS or conn.in_transaction \
            or not conn.execute("PRAGMA foreign_keys").fetchone()[0]:
        yield False
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield True
    finally:
        try:
            conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:  # opening the database again switches them on as well
            log.warning("could not switch foreign key checks back on after the import: %s", exc)


def _secondary_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the contacts table's own indexes that a bulk insert rebuilds
    (not the UNIQUE key's, not the appended ones)."""
    return [tuple(r) for r in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL")
        if r[0] not in APPENDED_INDEXES]


def _trigger_sql(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
    return row[0] if row else None


class SearchIndexBuild:
    """The search index of a big first import, built on the other core while the importing
    connection adds the contacts and sorts their indexes.

    When the contacts table is empty, the new contacts get the ids 1, 2, 3 … in key order, so
    the full-text index they need is known from the staged rows alone. A second connection
    reads the staged rows from their file and builds that index in a private scratch database
    of its own (nothing of the database file is touched, and no lock on it is needed); the
    importing connection then puts the finished index in place of the empty one, in its own
    transaction — two table copies instead of tokenising a million rows. Anything unexpected
    (an error, a stage that is no file, ids that came out otherwise) and the caller builds the
    index as before: :meth:`take` says whether it did the job."""

    _ROWS = (f"SELECT row_number() OVER (ORDER BY email_key), email, name FROM {STAGE_DB}.import_stage"
             " WHERE contact_id IS NULL ORDER BY email_key")

    def __init__(self, stage: str, create_sql: str):
        self._stage, self._create_sql = stage, create_sql
        self._conn: sqlite3.Connection | None = None
        self._error: BaseException | None = None
        self._count = 0
        self._thread = threading.Thread(target=self._build, name="import-search-index", daemon=True)

    @classmethod
    def start_for(cls, conn: sqlite3.Connection, new: int) -> SearchIndexBuild | None:
        """Started when ``new`` staged rows go into an empty contacts table and the staged rows
        are in a file; else None."""
        stage = stage_file(conn)
        if new < BULK_INDEX_THRESHOLD or not stage or max_contact_id(conn) \
                or conn.execute("SELECT EXISTS (SELECT 1 FROM contacts)").fetchone()[0]:
            return None
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'contacts_search'").fetchone()
        if not row or not row[0].startswith("CREATE VIRTUAL TABLE contacts_search "):
            return None
        build = cls(stage, row[0])
        build._thread.start()
        return build

    def _build(self) -> None:
        try:
            self._conn = conn = sqlite3.connect(":memory:", uri=True, isolation_level=None, check_same_thread=False)
            conn.execute(f"ATTACH DATABASE ? AS {STAGE_DB}", (Path(self._stage).as_uri() + "?mode=ro",))
            conn.execute("ATTACH DATABASE '' AS search_work")
            conn.execute(self._create_sql.replace("CREATE VIRTUAL TABLE contacts_search ",
                                                  "CREATE VIRTUAL TABLE search_work.contacts_search ", 1))
            conn.execute("INSERT INTO search_work.contacts_search(contacts_search, rank) VALUES ('hashsize', ?)",
                         (FTS_HASH_BYTES,))
            self._count = conn.execute(f"INSERT INTO search_work.contacts_search(rowid, email, name) {self._ROWS}"
                                       ).rowcount
        except BaseException as exc:  # reported by take(); the caller builds the index itself
            self._error = exc

    def take(self, conn: sqlite3.Connection, first_id: int, inserted: int) -> bool:
        """Wait for the build and put its index in place (inside the caller's transaction);
        False when it cannot be used."""
        self._thread.join()
        if self._error is not None:
            log.warning("the search index was not built beside the import (%s): building it now", self._error)
            return False
        if first_id != 1 or self._count != inserted or max_contact_id(conn) != inserted:
            log.warning("the new contacts' ids are not the ones the search index was built for: building it now")
            return False
        built = self._conn
        conn.execute("DELETE FROM contacts_search_data")
        conn.execute("DELETE FROM contacts_search_idx")
        for table, columns in (("contacts_search_data", "id, block"), ("contacts_search_idx", "segid, term, pgno")):
            cur = built.execute(f"SELECT {columns} FROM search_work.{table}")
            marks = ",".join("?" * (columns.count(",") + 1))
            while rows := cur.fetchmany(2000):
                conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        return True

    def __enter__(self) -> SearchIndexBuild:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the build (if it still runs) and let go of its connection."""
        if self._conn is not None:
            self._conn.interrupt()
        self._thread.join()
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def insert_new(conn: sqlite3.Connection, *, status: str, basis: str | None, expires: str | None,
               source: str, now: str, on_step: Callable[[str], None] = lambda _text: None) -> tuple[int, int]:
    """Insert the staged rows that match no contact (in key order, which keeps the unique
    index appending). Returns (first new id - 1, number inserted). ``on_step(text)`` hears of
    each long step before it starts (and may raise to stop: the caller rolls back). The staged
    rows must not have changed in the caller's transaction (a :class:`SearchIndexBuild` reads
    them as they were committed)."""
    before = max_contact_id(conn)
    new = count_new(conn)
    trigger_sql = _trigger_sql(conn, _SEARCH_TRIGGER) if new >= BULK_SEARCH_THRESHOLD else None
    search = SearchIndexBuild.start_for(conn, new) if trigger_sql else None
    with search or contextlib.nullcontext():  # the build beside is stopped, whatever happens
        if trigger_sql:
            conn.execute(f"DROP TRIGGER {_SEARCH_TRIGGER}")
        token_trigger_sql = _trigger_sql(conn, _TOKEN_TRIGGER) if new >= BULK_SEARCH_THRESHOLD else None
        if token_trigger_sql:
            conn.execute(f"DROP TRIGGER {_TOKEN_TRIGGER}")
        indexes = _secondary_indexes(conn) if new >= BULK_INDEX_THRESHOLD and new > before else []
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        threads = conn.execute("PRAGMA threads").fetchone()[0]
        conn.execute("PRAGMA threads = 2")  # the key-order sort and CREATE INDEX sort with a helper thread
        try:
            on_step("Adding new contacts")
            cur = conn.execute(
                "INSERT INTO contacts (email, email_key, name, fields, status, consent_basis, consent_expires_at,"
                " source, created_at, updated_at, status_changed_at, token_id)"
                f" SELECT email, email_key, name, fields, ?, ?, ?, ?, ?, ?, ?, {TOKEN_ID_SQL} FROM {_STAGE}"
                " WHERE contact_id IS NULL ORDER BY email_key",
                (status, basis, expires, source, now, now, now))
            inserted = cur.rowcount
            if token_trigger_sql:
                conn.execute(token_trigger_sql)
            for number, (_name, create_sql) in enumerate(indexes, start=1):
                on_step(f"Sorting the contacts for the contact list ({number} of {len(indexes)})")
                conn.execute(create_sql)
        finally:
            conn.execute(f"PRAGMA threads = {int(threads)}")
        if trigger_sql:
            on_step("Building the search index")
            if search is None or not search.take(conn, before + 1, inserted):
                # A bigger in-memory term hash for this one bulk insert: fewer, larger index segments
                # to write and merge (about a third faster); the default is put back before commit.
                conn.execute("INSERT INTO contacts_search(contacts_search, rank) VALUES ('hashsize', ?)",
                             (FTS_HASH_BYTES,))
                conn.execute("INSERT INTO contacts_search(rowid, email, name) SELECT id, email, name FROM contacts"
                             " WHERE id > ?", (before,))
                conn.execute("INSERT INTO contacts_search(contacts_search, rank) VALUES ('hashsize', ?)",
                             (FTS_DEFAULT_HASH_BYTES,))
            conn.execute(trigger_sql)
    return before, inserted


def insert_creation_events(conn: sqlite3.Connection, after_id: int, kind: str, now: str, channel: str,
                           wording: str, evidence: str) -> None:
    conn.execute(
        "INSERT INTO consent_events (contact_id, kind, at, channel, wording, evidence, status_before,"
        " status_after) SELECT id, ?, ?, ?, ?, ?, NULL, status FROM contacts WHERE id > ? ORDER BY id",
        (kind, now, channel, wording, evidence, after_id))


def add_new_to_list(conn: sqlite3.Connection, list_id: int, after_id: int, now: str) -> None:
    conn.execute("INSERT OR IGNORE INTO list_members (list_id, contact_id, added_at)"
                 " SELECT ?, id, ? FROM contacts WHERE id > ?", (list_id, now, after_id))


def add_existing_to_list(conn: sqlite3.Connection, list_id: int, contact_ids: Sequence[int],
                         now: str) -> list[int]:
    """Add existing contacts to a list; returns the ids that were not members before."""
    added = []
    for cid in contact_ids:
        cur = conn.execute("INSERT OR IGNORE INTO list_members (list_id, contact_id, added_at) VALUES (?,?,?)",
                           (list_id, cid, now))
        if cur.rowcount:
            added.append(cid)
    return added


def custom_field_keys(conn: sqlite3.Connection) -> list[str]:
    """Every custom-field key in use, sorted (the columns of a CSV export)."""
    rows = conn.execute("SELECT DISTINCT j.key FROM contacts, json_each(contacts.fields) AS j ORDER BY j.key")
    return [r[0] for r in rows]
