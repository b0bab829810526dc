"""The base of the GUI's table models: what every table says the same way.

:class:`TableModel` answers Qt's questions (row and column counts, header texts, which roles a
cell has) from a list of headers and a row count, and hands each cell to :meth:`TableModel.cell`
with the row's object. A subclass gives ``HEADERS``, ``row_count()``, ``item_at(row)`` and
``cell(item, column, role)``.

:class:`WindowedTableModel` is a table too big to hold (the send log, the suppression list): it
shows a size and the windows of rows in view, kept in a
:class:`~mailer_desktop.ui.models.paging.PageCache`. Counting a big filtered table takes tens of
milliseconds, too long for the window's thread after every change, so :meth:`refresh` reads the
size and the first window in the background (ui/tasks.py's ``LatestRead``) and puts them in
when they arrive; the rows shown stay until then. A subclass gives ``_filter_key()`` (what the
rows depend on: a newer key makes an older read stale), ``_read_first(app, key)`` (``(count,
first window)``) and ``_read_window(offset, limit)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from ..tasks import LatestRead
from .paging import PageCache

DISPLAY, TOOLTIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole


class TableModel(QAbstractTableModel):
    HEADERS: Sequence[str] = ()  # the column titles, translated through the model's tr()
    ROLES = frozenset({DISPLAY, TOOLTIP})  # a view asks for many roles per cell: the others are None at once

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._headers = [self.tr(h) for h in self.HEADERS]

    # -- what a subclass gives -------------------------------------------------------------
    def row_count(self) -> int:
        raise NotImplementedError

    def item_at(self, row: int) -> Any:
        raise NotImplementedError

    def cell(self, item: Any, column: int, role: int) -> Any:
        """The cell's value for ``role`` (one of ``ROLES``)."""
        raise NotImplementedError

    def missing(self, index: QModelIndex, role: int) -> Any:
        """A row not read yet (a windowed table): nothing by default."""
        return None

    def header_tooltip(self, section: int) -> str | None:
        return None

    # -- Qt API ----------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == DISPLAY:
            return self._headers[section]
        if role == TOOLTIP:
            return self.header_tooltip(section)
        return None

    def data(self, index: QModelIndex, role: int = DISPLAY):
        if role not in self.ROLES or not index.isValid():
            return None
        item = self.item_at(index.row())
        if item is None:
            return self.missing(index, role)
        return self.cell(item, index.column(), role)


class WindowedTableModel(TableModel):
    def __init__(self, app, reader_name: str, page_size: int, max_pages: int, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self._count = 0
        self._pages: PageCache[Any] = PageCache(self._read_window, page_size, max_pages)
        self._reader = LatestRead(app, self._read_done, lambda _exc: self.refresh_now(), reader_name, self)

    def _filter_key(self) -> tuple:
        raise NotImplementedError

    def _read_first(self, app, key: tuple) -> tuple[int, list[Any]]:
        raise NotImplementedError

    def _read_window(self, offset: int, limit: int) -> list[Any]:
        raise NotImplementedError

    @property
    def total(self) -> int:
        return self._count

    def row_count(self) -> int:
        return self._count

    def item_at(self, row: int) -> Any:
        return self._pages.row(row) if 0 <= row < self._count else None

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
