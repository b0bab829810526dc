"""The refresh of a windowed table model, read in the background.

A windowed model (the send log, the suppression list) shows a size and the window of rows in
view. Counting a big filtered table takes tens of milliseconds, too long for the window's
thread after every change, so :class:`BackgroundWindows` reads the size and the first window
in a thread of its own (ui/tasks.py's LatestRead) and puts them in when they arrive; the rows
shown stay until then. A model using it provides:

- ``_filter_key()``: what the rows depend on (a newer key makes an older read stale);
- ``_read_first(app, key)``: ``(count, first window)`` for that key;
- ``_pages``: its :class:`~mailer_desktop.ui.models.paging.PageCache`, and ``_count``.
"""

from __future__ import annotations

from typing import Any

from ..tasks import LatestRead


class BackgroundWindows:
    _count: int

    def _start_reads(self, app, name: str) -> None:
        self._reader = LatestRead(app, self._read_done, lambda _exc: self.refresh_now(), name, self)

    def _filter_key(self) -> tuple:
        raise NotImplementedError

    def _read_first(self, app, key: tuple) -> tuple[int, list[Any]]:
        raise NotImplementedError

    def refresh(self) -> None:
        """Read the size and first window in the background and show them when read."""
        key = self._filter_key()
        read_first = self._read_first
        self._reader.ask(lambda app: (key, *read_first(app, key)))

    def refresh_now(self) -> None:
        """Read on this thread (after a background read failed)."""
        self._reader.shown_now()
        self._show(*self._read_first(self._app, self._filter_key()))

    @property
    def reading(self) -> bool:
        """A read asked for by :meth:`refresh` is not shown yet."""
        return self._reader.reading

    def _read_done(self, result: tuple) -> None:
        key, count, first = result
        if key == self._filter_key():  # else a newer read is on its way
            self._show(count, first)

    def _show(self, count: int, first: list[Any]) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = count
        if first:
            self._pages.put(0, first)
        self.endResetModel()
