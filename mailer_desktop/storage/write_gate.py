"""Who may wait for the database's write lock, and for how long.

SQLite lets one connection write at a time. Most transactions are short, but a few hold the
lock for seconds (saving a big import: about 10 s for a million rows; compacting the file).
Without care the window's thread, saving one contact meanwhile, would wait in SQLite's busy
handler — the window frozen — and then fail anyway.

So a long write announces itself (:meth:`WriteGate.long_write`, with words for the user), and:
- the *interactive* thread (the window's; :meth:`WriteGate.mark_interactive`) never waits for
  it: its write fails at once with :class:`WriteBusyError`, which names the task; nothing was
  changed, and the user can try again when the task has finished. Its connection also waits
  only :data:`INTERACTIVE_BUSY_MS` for the short writes of others (the send engine, the inbox);
- any other thread (a background job) waits until the long write has ended, however long that
  takes, rather than failing after SQLite's busy timeout.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator

INTERACTIVE_BUSY_MS = 500


class WriteBusyError(sqlite3.OperationalError):
    """A write from the window's thread met a long write of another task and was not done."""

    def __init__(self, task: str | None):
        self.task = task
        super().__init__(self.user_text)  # pages that show str(error) show the sentence for the user

    @property
    def user_text(self) -> str:
        task = self.task or "another task"
        return (f"Mailer Desktop is busy with {task} right now, so this change was not saved. "
                "Try again when that has finished.")


class WriteGate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._long: dict[int, str] = {}  # thread ident -> what it is saving, in the user's words
        self.interactive: int | None = None
        self._holds = 0

    def mark_interactive(self) -> None:
        """The calling thread is the window's: its writes never wait for a long write."""
        self.interactive = threading.get_ident()

    def is_interactive(self) -> bool:
        return self.interactive is not None and threading.get_ident() == self.interactive

    @contextlib.contextmanager
    def long_write(self, task: str) -> Iterator[None]:
        """Announce a write that may hold the lock for seconds; ``task`` names it for the user
        ("the import of contacts.csv")."""
        me = threading.get_ident()
        with self._cond:
            self._long[me] = task
        try:
            yield
        finally:
            with self._cond:
                self._long.pop(me, None)
                self._cond.notify_all()

    def hold(self, task: str) -> int:
        """Hold every thread's writes back (the window's are refused, jobs wait) until
        :meth:`release` with the returned key — not bound to a thread: the start-up check
        announces itself on the window's thread before its worker starts."""
        with self._cond:
            self._holds -= 1
            key = self._holds  # negative: never a thread's ident
            self._long[key] = task
            return key

    def release(self, key: int) -> None:
        with self._cond:
            self._long.pop(key, None)
            self._cond.notify_all()

    def other_long_write(self) -> str | None:
        """What another thread is saving in a long write now, or None."""
        me = threading.get_ident()
        with self._cond:
            return next((task for ident, task in self._long.items() if ident != me), None)

    def before_write(self) -> None:
        """Called before a write transaction begins: raise (window's thread) or wait (others)
        while another thread's long write runs."""
        me = threading.get_ident()
        with self._cond:
            while True:
                task = next((t for ident, t in self._long.items() if ident != me), None)
                if task is None:
                    return
                if me == self.interactive:
                    raise WriteBusyError(task)
                self._cond.wait(0.5)

    def busy(self, exc: sqlite3.OperationalError) -> sqlite3.OperationalError:
        """The error to raise for ``exc`` (from BEGIN): the window's thread gets a WriteBusyError
        when the database was locked."""
        if self.is_interactive() and "locked" in str(exc).lower() and not isinstance(exc, WriteBusyError):
            return WriteBusyError(self.other_long_write())
        return exc
