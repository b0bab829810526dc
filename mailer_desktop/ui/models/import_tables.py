"""Table models of the import wizard: the preview of the first rows and the report's issues."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ...domain.importing.report import Issue
from .table_model import TableModel

ISSUE_TITLES = {
    "invalid": "Invalid", "suppressed": "Suppressed", "duplicate": "Duplicate", "skipped": "Skipped",
    "role": "Role account", "disposable": "Disposable", "typo": "Possible typo",
    "non_ascii": "Non-ASCII before @",
}


class PreviewModel(TableModel):
    """The first rows of the file, under the file's own header (row numbers as the file has them)."""

    def __init__(self, header: list[str], rows: list[tuple[int, list[str]]], parent=None):
        super().__init__(parent)
        self._headers = list(header)  # the file's own words: not translated
        self._rows = list(rows)

    def row_count(self) -> int:
        return len(self._rows)

    def item_at(self, row: int) -> list[str]:
        return self._rows[row][1]

    def cell(self, cells: list[str], col: int, role: int):
        text = cells[col] if col < len(cells) else ""
        return text.replace("\n", " ⏎ ") if role == Qt.ItemDataRole.DisplayRole else text

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802 (Qt API)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(self._rows[section][0])
        return super().headerData(section, orientation, role)


class IssuesModel(TableModel):
    """One line per reported row: row number, issue, column, value, reason, suggestion (the
    tooltip shows a cell cut short by its column's width in full)."""

    HEADERS = COLUMNS = ("Row", "Issue", "Column", "Value", "Reason", "Suggestion")

    def __init__(self, issues: list[Issue], parent=None):
        super().__init__(parent)
        self._issues = issues

    def row_count(self) -> int:
        return len(self._issues)

    def item_at(self, row: int) -> Issue:
        return self._issues[row]

    def cell(self, issue: Issue, col: int, role: int):
        return (str(issue.row), ISSUE_TITLES.get(issue.kind, issue.kind), issue.column, issue.value,
                issue.reason, issue.suggestion)[col]
