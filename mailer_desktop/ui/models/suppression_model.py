"""The suppression list as a windowed table model (the list can hold hundreds of thousands)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ...services.contacts import suppression
from ...services.contacts.suppression import Suppression
from .table_model import TableModel, WindowedTableModel

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


class SuppressionModel(WindowedTableModel):
    HEADERS = ("Address or domain", "Scope", "Reason", "Since", "Note")
    ROLES = TableModel.ROLES | {Qt.ItemDataRole.UserRole}

    def __init__(self, app, parent: QObject | None = None):
        self.search = ""
        self.reason: str | None = None
        super().__init__(app, "suppression-reader", PAGE_SIZE, MAX_PAGES, parent)

    def set_filter(self, search: str, reason: str | None) -> None:
        self.search, self.reason = search, reason
        self.refresh()

    def _filter_key(self) -> tuple:
        return self.search, self.reason

    def _read_first(self, app, key: tuple) -> tuple[int, list[Suppression]]:
        """(size, first window): a search goes through every entry, so it is read in the background."""
        search, reason = key
        return (suppression.count_suppressions(app, search, reason),
                suppression.list_suppressions(app, 0, PAGE_SIZE, search, reason))

    def _read_window(self, offset: int, limit: int) -> list[Suppression]:
        return suppression.list_suppressions(self._app, offset, limit, self.search, self.reason)

    def entry_at(self, row: int) -> Suppression | None:
        return self.item_at(row)

    def cell(self, entry: Suppression, col: int, role: int):
        column = COLUMNS[col]
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
