"""The Suppression page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.empty_state import EmptyState


class SuppressionPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            self.tr('Nobody is suppressed'),
            self.tr(
                'Addresses here are never imported again and never mailed: people who unsubscribed or complained, addresses that bounced, erased people, and any address or domain you add yourself.'
            ),
        )
        layout.addWidget(self.empty)
