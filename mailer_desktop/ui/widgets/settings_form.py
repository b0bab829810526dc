"""A form generated from config.SETTINGS for one group: every setting declared once, shown here."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...config import SETTINGS, Setting
from ..context import UiContext
from ..theme import SPACING, set_text_role


class SettingsForm(QWidget):
    def __init__(self, ctx: UiContext, group: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.group = group
        self.editors: dict[str, QWidget] = {}
        outer = QVBoxLayout(self)
        body = QWidget()
        body.setMaximumWidth(820)
        form = QFormLayout(body)
        form.setVerticalSpacing(4)
        outer.addWidget(body)
        for decl in SETTINGS.values():
            if decl.group != group:
                continue
            editor = self._editor(decl)
            editor.setObjectName(f"setting:{decl.key}")
            editor.setAccessibleName(decl.label)
            if decl.help:
                editor.setToolTip(decl.help)
            self.editors[decl.key] = editor
            label = QLabel(decl.label)
            label.setBuddy(editor)
            form.addRow(label, editor)
            if decl.help:
                hint = QLabel(decl.help)
                hint.setWordWrap(True)
                hint.setProperty("hint", True)
                set_text_role(hint, "secondary")
                hint.setContentsMargins(0, 0, 0, SPACING)
                form.addRow("", hint)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.status = QLabel("")
        row = QHBoxLayout()  # Save beside what it says, lit only when something was changed
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        outer.addLayout(row)
        for editor in self.editors.values():
            for signal in ("currentIndexChanged", "toggled", "valueChanged", "textChanged"):
                if hasattr(editor, signal):
                    getattr(editor, signal).connect(self._edited)
                    break
        outer.addStretch(1)
        self.load()
        ctx.events.settings_changed.connect(self._changed_elsewhere)

    def _edited(self, *_) -> None:
        if getattr(self, "_loading", False):
            return
        changed = self.values() != getattr(self, "_shown", None)
        self.save_button.setEnabled(changed)
        if changed:
            self.status.setText("")

    def _editor(self, decl: Setting) -> QWidget:
        if decl.key == "sending.default_account":  # one of the accounts, not free text (filled by load)
            return QComboBox()
        if decl.choices:
            combo = QComboBox()
            for choice in decl.choices:
                combo.addItem(self.tr(choice.capitalize()), choice)
            return combo
        if isinstance(decl.default, bool):
            return QCheckBox()
        if isinstance(decl.default, int):
            box = QSpinBox()
            box.setRange(0, 1_000_000)
            return box
        if isinstance(decl.default, float):
            box = QDoubleSpinBox()
            box.setRange(0, 1_000_000)
            return box
        return QLineEdit()

    def _fill_accounts(self, combo: QComboBox) -> None:
        from ...services.accounts.manage import list_accounts

        combo.blockSignals(True)
        combo.clear()
        for acc in list_accounts(self.ctx.app):
            combo.addItem(self.tr("Sandbox (this computer only)") if acc.is_sandbox else acc.name, acc.name)
        combo.blockSignals(False)

    def load(self) -> None:
        self._loading = True
        try:
            self._load()
        finally:
            self._loading = False
        self._shown = self.values()
        self.save_button.setEnabled(False)

    def _load(self) -> None:
        for key, editor in self.editors.items():
            value = self.ctx.app.settings.get(key)
            if key == "sending.default_account":
                self._fill_accounts(editor)
                if editor.findData(value) < 0:  # an account removed meanwhile: show what is stored
                    editor.addItem(str(value), value)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                editor.setValue(value)
            else:
                editor.setText(str(value))

    def _changed_elsewhere(self) -> None:
        """Saved somewhere else: shown here at once, unless this form holds unsaved edits."""
        if self.values() == self._shown:
            self.load()

    def values(self) -> dict:
        out = {}
        for key, editor in self.editors.items():
            if isinstance(editor, QComboBox):
                out[key] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                out[key] = editor.isChecked()
            elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                out[key] = editor.value()
            else:
                out[key] = editor.text().strip()
        return out

    def save(self) -> None:
        app = self.ctx.app
        with app.db.transaction():
            for key, value in self.values().items():
                app.settings.set(key, value)
        self.status.setText(self.tr("Saved."))
        self.load()
        self.ctx.events.settings_changed.emit()
