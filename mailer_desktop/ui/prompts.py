"""Every modal question a page asks, in one place: tests replace it with scripted answers
(tests/support/scripted_prompts.py)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


class Prompts:
    """Every modal question the page asks, in one place (tests replace it with scripted answers)."""

    def text(self, parent: QWidget, title: str, label: str, default: str = "") -> str | None:
        value, ok = QInputDialog.getText(parent, title, label, text=default)
        return value if ok else None

    def item(self, parent: QWidget, title: str, label: str, items: list[str], editable: bool = True) -> str | None:
        value, ok = QInputDialog.getItem(parent, title, label, items, 0, editable)
        return value if ok and value.strip() else None

    def confirm(self, parent: QWidget, title: str, text: str) -> bool:
        answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def choose(self, parent: QWidget, title: str, text: str, choices: list[tuple[str, str]]) -> str | None:
        """One of several answers (key, button label); None on Cancel."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent)
        buttons = {box.addButton(label, QMessageBox.ButtonRole.AcceptRole): key for key, label in choices}
        if choices:
            box.setDefaultButton(next(iter(buttons)))
        box.exec()
        return buttons.get(box.clickedButton())

    def error(self, parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    def save_path(self, parent: QWidget, title: str, suggested: str, filters: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filters)
        return path or None

    def open_path(self, parent: QWidget, title: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, "", filters)
        return path or None

    def run_dialog(self, dialog) -> bool:
        return bool(dialog.exec())
