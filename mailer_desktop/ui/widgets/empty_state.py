"""The friendly panel a page shows while it has nothing to show yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ..theme import set_text_role


class EmptyState(QWidget):
    """A title, a few sentences on what to do first, and optional buttons."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("emptyTitle")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_text_role(self.title_label, "title")
        self.text_label = QLabel(text)
        self.text_label.setObjectName("emptyText")
        self.text_label.setWordWrap(True)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label.setFixedWidth(520)
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.title_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(8)
        # A word-wrapped label only gets its full height-for-width without an alignment flag.
        centered = QHBoxLayout()
        centered.addStretch(1)
        centered.addWidget(self.text_label)
        centered.addStretch(1)
        layout.addLayout(centered)
        self._buttons = QVBoxLayout()
        layout.addSpacing(12)
        layout.addLayout(self._buttons)
        layout.addStretch(2)

    def add_button(self, text: str, slot, *, primary: bool = False) -> QPushButton:
        button = QPushButton(text)
        button.setDefault(primary)
        button.setMinimumWidth(220)
        button.clicked.connect(slot)
        self._buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        return button
