"""Opening, checking and upgrading the database file.

Rules:
- The file is created with mode 0600 (where the OS has modes), in WAL mode, foreign keys on.
- Our files carry ``PRAGMA application_id`` = :data:`APPLICATION_ID` and a ``schema_migrations``
  table. A file that is not SQLite, is SQLite but not ours, or fails the integrity check is
  refused with a clear message and never written to.
- Migrations are the numbered ``migrations/NNNN_name.sql`` files, applied in order, each in
  its own transaction, at start-up. Old migrations are never edited; changes get a new file.
- The start-up check (``PRAGMA quick_check``, seconds on a big file) is skipped when the file is
  exactly as the last clean close left it: :meth:`Database.close` records the file's size and
  modification time in ``<db>-clean`` after the last connection closed (so the write-ahead log
  is folded in); opening removes that record before anything can write, so a crash, another
  program or any later write makes the next start check again. The window may instead defer the
  check (``defer_check``) and run :meth:`Database.verify` in the background while the write gate
  holds every write back (ui/startup_check.py); nothing writes to an unchecked file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

from .schema import load_migrations, split_sql
from .write_gate import INTERACTIVE_BUSY_MS, WriteGate

APPLICATION_ID = 0x4D4C4452  # "MLDR"
SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseError(Exception):
    """A database file we cannot use. The message is meant for the user."""


class ForeignDatabaseError(DatabaseError):
    pass


class CorruptDatabaseError(DatabaseError):
    pass


class NewerDatabaseError(DatabaseError):
    pass


class BusyDatabaseError(DatabaseError):
    """Another connection holds the file locked for longer than opening waits (a big import
    being saved with a rollback journal, see storage/importing.py); nothing is wrong with it."""


# How long opening the file waits for another connection's lock (seconds).
OPEN_BUSY_TIMEOUT = 10.0
# The start-up check waits longer: the lock of a big import's save lasts seconds.
CHECK_BUSY_TIMEOUT = 60.0


def _is_busy(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class Interrupted(Exception):
    """A check stopped on request before it finished."""


_stamp: tuple[int, str] = (-1, "")


def connect_read_only(path: Path, timeout: float = 5) -> sqlite3.Connection:
    """A read-only connection to the database file at ``path`` (nothing is created or changed;
    sqlite3.Error when it cannot be opened)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def now_iso() -> str:
    """UTC timestamp as stored in every *_at column (ISO 8601, seconds, 'Z'); formatted once
    per second (the send engine asks twice per message)."""
    global _stamp
    second = int(time.time())
    if second != _stamp[0]:
        _stamp = (second, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(second)))
    return _stamp[1]


def update_columns(conn: sqlite3.Connection, table: str, row_id: int, columns: Mapping[str, object],
                   allowed: Collection[str], *, what: str = "columns") -> None:
    """``UPDATE table SET ... WHERE id = ?`` for the given columns, which must all be in ``allowed``
    (column names are never taken from user input). Nothing happens when there is nothing to set."""
    bad = set(columns) - set(allowed)
    if bad:
        raise ValueError(f"not editable {what} of {table}: {sorted(bad)}")
    if columns:
        sets = ", ".join(f"{name} = ?" for name in columns)
        conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*columns.values(), row_id))


_databases: weakref.WeakSet[Database] = weakref.WeakSet()


def release_thread_connections() -> None:
    """Close the calling thread's connections to every open database (see
    :meth:`Database.release_thread`); for worker threads that are about to end."""
    for db in list(_databases):
        db.release_thread()


@contextlib.contextmanager
def working_with_databases() -> Iterator[None]:
    """:meth:`Database.working` for every open database: the calling thread (not the window's)
    is about to use its connections, and closing a database waits until it is done."""
    with contextlib.ExitStack() as stack:
        for db in list(_databases):
            stack.enter_context(db.working())
        yield


def _configure(conn: sqlite3.Connection) -> sqlite3.Connection:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class Database:
    """One SQLite file. ``conn`` gives each thread its own connection (sqlite3 needs that).

    Connections are in autocommit mode; write with ``with db.transaction() as conn:`` which
    wraps ``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any exception).
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._busy = 0  # threads inside working(): their connection may be in use right now
        self._idle = threading.Condition(self._lock)
        self.gate = WriteGate()
        self.checked = False      # passed its start-up check this session (or was closed cleanly)
        self.damaged: str | None = None  # the deferred check's complaint
        _databases.add(self)

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, migrate: bool = True, defer_check: bool = False) -> Database:
        """Check the file (creating it if absent) and bring its schema up to date. With
        ``defer_check`` and no migration due, the integrity check is left to :meth:`verify`
        (``checked`` stays False until it has passed)."""
        db = cls(path)
        db._check_and_create(defer_check and not (migrate and cls.upgrade_pending(path)))
        if migrate:
            db.migrate()
        return db

    # -- the clean-close record ------------------------------------------------------------
    @property
    def clean_record(self) -> Path:
        return Path(str(self.path) + "-clean")

    def _file_state(self) -> str | None:
        """The main file's size and modification time, or None while a write-ahead log holds data."""
        try:
            wal = Path(str(self.path) + "-wal")
            if wal.exists() and wal.stat().st_size > 0:
                return None
            st = self.path.stat()
        except OSError:
            return None
        return f"{st.st_size} {st.st_mtime_ns}\n"

    def _closed_cleanly(self) -> bool:
        try:
            recorded = self.clean_record.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError):
            return False
        return recorded == self._file_state()

    def _forget_clean_close(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.clean_record.unlink()

    def _record_clean_close(self) -> None:
        state = self._file_state() if self.checked and not self.damaged else None
        if state is None:
            return
        with contextlib.suppress(OSError):
            fd = os.open(self.clean_record, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(state)

    def verify(self, stop=None) -> str | None:
        """The deferred start-up check: None when the file is sound (``checked`` becomes True),
        else the complaint (kept in ``damaged``). ``stop()`` returning True interrupts it
        (``Interrupted``; the file stays unchecked)."""
        problem = self.quick_check(stop)
        if problem:
            self.damaged = f"{self.path} is damaged ({problem}). It was left untouched; restore a backup."
            return self.damaged
        self.checked = True
        return None

    def _check_and_create(self, defer_check: bool = False) -> None:
        path = self.path
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as fh:
                head = fh.read(16)
            if head != SQLITE_MAGIC:
                raise ForeignDatabaseError(
                    f"{path} is not a Mailer Desktop database (it is not an SQLite file). "
                    "It was left untouched; move it away or choose another data folder."
                )
            conn = self._raw_connect()
            try:
                app_id = conn.execute("PRAGMA application_id").fetchone()[0]
                tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            except sqlite3.DatabaseError as exc:
                if _is_busy(exc):
                    raise self._busy_error() from exc
                raise CorruptDatabaseError(
                    f"{path} cannot be read ({exc}). It was left untouched; restore a backup."
                ) from exc
            finally:
                conn.close()
            if app_id != APPLICATION_ID and tables:
                raise ForeignDatabaseError(
                    f"{path} is an SQLite database of another program (application id {app_id:#x}). "
                    "It was left untouched; move it away or choose another data folder."
                )
            if self._closed_cleanly():
                self.checked = True
            elif not defer_check:
                problem = self.quick_check()
                if problem:
                    raise CorruptDatabaseError(
                        f"{path} is damaged ({problem}). It was left untouched; restore a backup."
                    )
                self.checked = True
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            os.close(fd)
            self.checked = True
        self._forget_clean_close()  # from now on this session may write: the record no longer holds
        self._restrict_mode()
        conn = self._raw_connect()
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._busy_error() from exc
            raise
        finally:
            conn.close()
        self._restrict_mode()

    def _restrict_mode(self) -> None:
        if os.name != "posix":
            return
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                p.chmod(0o600)

    def _raw_connect(self, timeout: float | None = None) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=OPEN_BUSY_TIMEOUT if timeout is None else timeout)

    def _busy_error(self) -> BusyDatabaseError:
        return BusyDatabaseError(f"{self.path} is in use by another program right now (it may be saving a big "
                                 "import). Try again in a moment.")

    def quick_check(self, stop=None) -> str | None:
        """None when ``PRAGMA quick_check`` says ok, else its first complaint (BusyDatabaseError
        when another connection keeps the file locked for longer than :data:`CHECK_BUSY_TIMEOUT`)."""
        conn = self._raw_connect(CHECK_BUSY_TIMEOUT)
        if stop is not None:
            conn.set_progress_handler(lambda: 1 if stop() else 0, 20000)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        except sqlite3.OperationalError as exc:
            if stop is not None and stop() and "interrupt" in str(exc).lower():
                raise Interrupted("the check was stopped") from None
            if _is_busy(exc):
                raise self._busy_error() from None
            return str(exc)
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            conn.close()
        return None if rows == ["ok"] else "; ".join(rows[:3])

    def integrity_check(self) -> str | None:
        """The full check (slower); None when ok."""
        try:
            rows = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None if rows == ["ok"] else "; ".join(rows[:3])

    # -- connections ---------------------------------------------------------------------
    def connect(self) -> sqlite3.Connection:
        """A new connection of our own configuration (caller closes it)."""
        return _configure(self._raw_connect())

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.connect()
            if self.gate.is_interactive():
                conn.execute(f"PRAGMA busy_timeout = {INTERACTIVE_BUSY_MS}")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
            self._restrict_mode()
        return conn

    @contextlib.contextmanager
    def transaction(self, conn: sqlite3.Connection | None = None) -> Iterator[sqlite3.Connection]:
        conn = conn or self.conn
        if conn.in_transaction:  # nested use joins the outer transaction
            yield conn
            return
        self.gate.before_write()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise self.gate.busy(exc) from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def mark_interactive(self) -> None:
        """The calling thread is the window's: its writes never wait long for the lock (see
        storage/write_gate.py)."""
        self.gate.mark_interactive()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.execute(f"PRAGMA busy_timeout = {INTERACTIVE_BUSY_MS}")

    def long_write(self, task: str):
        """Context manager around a write that may hold the lock for seconds (see
        storage/write_gate.py); ``task`` names it for the user."""
        return self.gate.long_write(task)

    def release_thread(self) -> None:
        """Close this thread's connection (the thread is about to end). Without it every
        short-lived worker thread would leave an open connection (two file handles and its
        page cache) behind until the program quits."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._lock:
            self._all = [c for c in self._all if c is not conn]
        with contextlib.suppress(sqlite3.Error):
            conn.close()

    @contextlib.contextmanager
    def working(self) -> Iterator[None]:
        """Around the work of a thread other than the window's that uses ``conn`` (a background
        read or job): :meth:`close` waits for it, having interrupted its query, instead of
        closing a connection under a running statement (which crashes the interpreter). Release
        the thread's connection inside the block."""
        with self._lock:
            self._busy += 1
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                self._idle.notify_all()

    def close(self, wait: float = 5.0) -> None:
        mine = getattr(self._local, "conn", None)
        with self._lock:
            if self._busy:
                for c in self._all:
                    if c is not mine:
                        c.interrupt()  # made for other threads: the running statement stops
                self._idle.wait_for(lambda: self._busy == 0, timeout=wait)
            conns, self._all = self._all, []
        for c in conns:
            with contextlib.suppress(sqlite3.Error):
                c.close()
        self._local = threading.local()
        if conns:
            self._record_clean_close()

    # -- schema --------------------------------------------------------------------------
    def schema_version(self) -> int:
        conn = self.conn
        has = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        ).fetchone()
        if not has:
            return 0
        return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]

    @staticmethod
    def upgrade_pending(path: Path) -> bool:
        """True when ``path`` is an existing database whose schema is older than this version's
        (opening it will run migrations, which can take a while on a big file). Read-only; any
        problem reading the file gives False (opening reports it properly)."""
        path = Path(path)
        if not path.is_file() or path.stat().st_size == 0:
            return False
        try:
            conn = connect_read_only(path, timeout=2)
        except sqlite3.Error:
            return False
        try:
            if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
                                ).fetchone():
                return False
            current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
        except sqlite3.Error:
            return False
        finally:
            conn.close()
        migrations = load_migrations()
        return bool(migrations) and 0 < current < migrations[-1].version

    def migrate(self, upto: int | None = None) -> list[int]:
        """Apply pending migrations (all, or up to version ``upto``); returns the versions applied."""
        migrations = load_migrations()
        current = self.schema_version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise NewerDatabaseError(
                f"{self.path} was written by a newer version of Mailer Desktop (schema {current}, "
                f"this version knows {latest}). Please update the program; the file was left untouched."
            )
        applied = []
        conn = self.conn
        for mig in migrations:
            if mig.version <= current or (upto is not None and mig.version > upto):
                continue
            # executescript() commits first; run statements inside one explicit transaction.
            conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in split_sql(mig.sql):
                    conn.execute(stmt)
                conn.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    (mig.version, mig.name, now_iso()),
                )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            applied.append(mig.version)
        return applied

    def vacuum(self) -> None:
        """Rewrite the file so that deleted rows leave no bytes behind (used by erasure)."""
        conn = self.conn
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
