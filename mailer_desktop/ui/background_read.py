"""Small reads in a thread of their own, for widgets that show figures of a big database.

A read of a few tens of milliseconds (a count over a million rows) is enough to make the
window stutter when it runs on the window's thread after every change. :class:`LatestRead`
runs such reads in a short-lived thread with a connection of its own and hands the newest
result to the widget on the window's thread:

- ``ask(read)`` starts ``read(app)`` unless a read is running; asked again meanwhile, the
  newest ``read`` runs once after it (the results in between would be stale anyway);
- ``shown_now()`` says the widget has just read on its own thread (after its own change):
  results of reads asked for before are dropped;
- a read that raises hands its exception to ``failed`` (the widget reads on its own thread
  instead, where errors are reported as usual).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class LatestRead(QObject):
    _loaded = Signal(int, object)  # from the reading thread: ticket, result or exception

    def __init__(self, app, done: Callable[[Any], None], failed: Callable[[BaseException], None],
                 name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self._done, self._failed = done, failed
        self._name = name
        self._wanted = self._shown = 0  # reads asked for / the newest one shown
        self._running = False
        self._next: Callable[[Any], Any] | None = None
        self._loaded.connect(self._arrived)

    @property
    def reading(self) -> bool:
        """A read that was asked for has not been shown yet."""
        return self._wanted > self._shown

    def ask(self, read: Callable[[Any], Any]) -> None:
        self._wanted += 1
        self._next = read
        if not self._running:
            self._start()

    def shown_now(self) -> None:
        self._wanted += 1
        self._shown = self._wanted
        self._next = None

    def _start(self) -> None:
        read, self._next = self._next, None
        if read is None:
            return
        ticket, app, loaded = self._wanted, self._app, self._loaded
        self._running = True

        def run() -> None:
            with app.db.working():  # closing the database waits for this read
                try:
                    result: object = read(app)
                except Exception as exc:  # noqa: BLE001 - handed to the widget, which reads again itself
                    result = exc
                finally:
                    app.db.release_thread()  # the thread ends: its connection goes with it
            with contextlib.suppress(RuntimeError):  # the widget is gone: nobody waits for the result
                loaded.emit(ticket, result)

        threading.Thread(target=run, name=self._name, daemon=True).start()

    def _arrived(self, ticket: int, result: object) -> None:
        self._running = False
        if ticket > self._shown:
            self._shown = ticket
            if isinstance(result, BaseException):
                self._failed(result)
            else:
                self._done(result)
        if self._wanted > self._shown:
            self._start()
