"""A thread that holds the database's write lock until released (tests of storage/write_gate.py)."""

from __future__ import annotations

import contextlib
import threading


class LongWriter:
    """Holds the write lock inside an announced long write (``task``), or an unannounced one
    (``task=None``), from entering the ``with`` block until :attr:`release` is set or it ends."""

    def __init__(self, app, task: str | None = "the import of big.csv"):
        self.app, self.task = app, task
        self.inside, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        db = self.app.db
        announced = db.long_write(self.task) if self.task is not None else contextlib.nullcontext()
        try:
            with announced, db.transaction() as conn:
                conn.execute("INSERT INTO lists (name, created_at) VALUES ('held', 'now')")
                self.inside.set()
                self.release.wait(20)
        finally:
            db.release_thread()

    def __enter__(self) -> LongWriter:
        self.thread.start()
        assert self.inside.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.thread.join(20)
