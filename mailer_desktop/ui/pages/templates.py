"""The Templates page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.empty_state import EmptyState


class TemplatesPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            self.tr('No templates yet'),
            self.tr(
                'A template is the look of your newsletter. Write it in HTML or in plain Markdown. The footer with your postal address and an unsubscribe link is added to every message automatically.'
            ),
        )
        layout.addWidget(self.empty)
