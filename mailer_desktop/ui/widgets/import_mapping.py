"""The import wizard's column mapping: each column of the file, an example value, what it is
imported as, and — for custom fields — the name the values get (editable)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from ...domain.importing.mapping import Mapping, field_key

TARGETS = (("email", "Email address"), ("name", "Full name"), ("first_name", "First name"),
           ("last_name", "Last name"), ("field", "Custom field"), ("optout", "Opt-out mark (row skipped)"),
           ("skip", "Skip"))
NAME_COLUMN = 3


class MappingTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self._field_keys: dict[int, str] = {}  # column -> custom-field key suggested by the mapping
        self.setAccessibleName(self.tr("Column mapping"))
        self.setHorizontalHeaderLabels(
            [self.tr("Column"), self.tr("Example"), self.tr("Import as"), self.tr("Custom field name")])
        self.horizontalHeaderItem(NAME_COLUMN).setToolTip(
            self.tr("The name the values get in each contact's custom fields (double-click to change)"))
        header = self.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(NAME_COLUMN, 170)
        self.itemChanged.connect(self._field_name_edited)

    def fill(self, header: Sequence[str], preview: Sequence[Sequence[str]], mapping: Mapping) -> None:
        """One row per column of the file, set to the suggested ``mapping``."""
        self._field_keys = {}
        self.setRowCount(len(header))
        for i, name in enumerate(header):
            self.setItem(i, 0, QTableWidgetItem(name))
            example = next((r[i] for r in preview if i < len(r) and r[i].strip()), "")
            self.setItem(i, 1, QTableWidgetItem(example.replace("\n", " ")))
            combo = QComboBox()
            combo.setAccessibleName(self.tr("Import column {name} as").format(name=name))
            for key, title in TARGETS:
                combo.addItem(self.tr(title), key)
            target = mapping.targets[i]
            if target.startswith("field:"):
                self._field_keys[i] = target[len("field:"):]
                target = "field"
            combo.setCurrentIndex(max(0, combo.findData(target)))
            self.setCellWidget(i, 2, combo)
            self.setItem(i, NAME_COLUMN, QTableWidgetItem(self._field_keys.get(i, field_key(name))))
            combo.currentIndexChanged.connect(lambda _index, row=i: self._field_name_state(row))
            self._field_name_state(i)
        self.resizeColumnToContents(0)
        self.setColumnWidth(0, min(self.columnWidth(0), 220))

    def combo(self, column: int) -> QComboBox:
        return self.cellWidget(column, 2)

    def field_name_item(self, column: int) -> QTableWidgetItem:
        return self.item(column, NAME_COLUMN)

    def targets(self) -> list[str]:
        """Where each column goes: email, name, ..., skip, or field:NAME."""
        out = []
        for i in range(self.rowCount()):
            key = self.combo(i).currentData()
            if key == "field":
                name = self.field_name_item(i).text().strip() if self.field_name_item(i) else ""
                key = "field:" + (name or self._field_keys.get(i) or field_key(self.item(i, 0).text()))
            out.append(key)
        return out

    def _field_name_state(self, row: int) -> None:
        """The field-name cell is editable (and readable) only while the column is a custom field."""
        item = self.field_name_item(row)
        if item is None:
            return
        if self.combo(row).currentData() == "field":
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable)
            item.setText(item.data(Qt.ItemDataRole.UserRole) or item.text())
        else:  # the name is kept for when the column becomes a custom field again
            if item.text():
                item.setData(Qt.ItemDataRole.UserRole, item.text())
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            item.setText("")

    def _field_name_edited(self, item: QTableWidgetItem) -> None:
        if item.column() != NAME_COLUMN or not item.flags() & Qt.ItemFlag.ItemIsEditable:
            return
        if not item.text().strip():
            header = self.item(item.row(), 0)
            item.setText(field_key(header.text() if header else ""))
        item.setData(Qt.ItemDataRole.UserRole, item.text().strip())
