"""Table models of the import wizard: the preview of the first rows and the report's issues."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from ...domain.importing.report import Issue

ISSUE_TITLES = {
    "invalid": "Invalid", "suppressed": "Suppressed", "duplicate": "Duplicate", "skipped": "Skipped",
    "role": "Role account", "disposable": "Disposable", "typo": "Possible typo",
    "non_ascii": "Non-ASCII before @",
}


class PreviewModel(QAbstractTableModel):
    """The first rows of the file, under the file's own header (row numbers as the file has them)."""

    def __init__(self, header: list[str], rows: list[tuple[int, list[str]]], parent=None):
        super().__init__(parent)
        self._header = list(header)
        self._rows = list(rows)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._header)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        cells = self._rows[index.row()][1]
        text = cells[index.column()] if index.column() < len(cells) else ""
        return text.replace("\n", " ⏎ ") if role == Qt.ItemDataRole.DisplayRole else text

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._header[section] if section < len(self._header) else ""
        return str(self._rows[section][0])


class IssuesModel(QAbstractTableModel):
    """One line per reported row: row number, issue, column, value, reason, suggestion."""

    COLUMNS = ("Row", "Issue", "Column", "Value", "Reason", "Suggestion")

    def __init__(self, issues: list[Issue], parent=None):
        super().__init__(parent)
        self._issues = issues

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._issues)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # the tooltip shows a cell cut short by its column's width in full
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        issue = self._issues[index.row()]
        return (str(issue.row), ISSUE_TITLES.get(issue.kind, issue.kind), issue.column, issue.value,
                issue.reason, issue.suggestion)[index.column()]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None
