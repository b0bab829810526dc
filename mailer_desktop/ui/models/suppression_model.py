"""The suppression list as a windowed table model (the list can hold hundreds of thousands)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from ...services.contacts import suppression
from ...services.contacts.suppression import Suppression
from .background_windows import BackgroundWindows
from .paging import PageCache

PAGE_SIZE = 200
MAX_PAGES = 20
COLUMNS = ("display", "scope", "reason", "created", "note")
REASON_LABELS = {
    "unsubscribed": "Unsubscribed",
    "hard_bounce": "Hard bounce",
    "soft_bounce": "Repeated soft bounces",
    "complaint": "Spam complaint",
    "erased": "Erased person",
    "manual": "Added by hand",
}


class SuppressionModel(BackgroundWindows, QAbstractTableModel):
    def __init__(self, app, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self.search = ""
        self.reason: str | None = None
        self._count = 0
        self._pages: PageCache[Suppression] = PageCache(
            lambda offset, limit: suppression.list_suppressions(self._app, offset, limit, self.search, self.reason),
            PAGE_SIZE, MAX_PAGES)
        self._headers = [self.tr("Address or domain"), self.tr("Scope"), self.tr("Reason"), self.tr("Since"),
                         self.tr("Note")]
        self._start_reads(app, "suppression-reader")

    def set_filter(self, search: str, reason: str | None) -> None:
        self.search, self.reason = search, reason
        self.refresh()

    def _filter_key(self) -> tuple:
        return self.search, self.reason

    def _read_first(self, app, key: tuple) -> tuple[int, list[Suppression]]:
        """(size, first window): a search of 200,000 entries counts them in about 50 ms."""
        search, reason = key
        return (suppression.count_suppressions(app, search, reason),
                suppression.list_suppressions(app, 0, PAGE_SIZE, search, reason))

    @property
    def total(self) -> int:
        return self._count

    def entry_at(self, row: int) -> Suppression | None:
        if not 0 <= row < self._count:
            return None
        return self._pages.row(row)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entry_at(index.row())
        if entry is None:
            return None
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "display":
                return entry.display or self.tr("(erased — address not kept)")
            if column == "scope":
                return self.tr("Whole domain") if entry.scope == "domain" else self.tr("Address")
            if column == "reason":
                return self.tr(REASON_LABELS.get(entry.reason, entry.reason))
            if column == "created":
                return entry.created_at[:10]
            if column == "note":
                return entry.note
        elif role == Qt.ItemDataRole.ToolTipRole and column == "note" and entry.note:
            return entry.note  # long notes elide in the column
        elif role == Qt.ItemDataRole.ToolTipRole and column == "display" and entry.display:
            return entry.display
        elif role == Qt.ItemDataRole.ToolTipRole and column == "display" and entry.display is None:
            return self.tr("This person was erased. Their address is not stored, only a scrambled fingerprint of it "
                           "that cannot be read back and still blocks it from every import and send.")
        elif role == Qt.ItemDataRole.UserRole:
            return entry.hash
        return None
