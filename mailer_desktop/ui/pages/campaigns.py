"""The Campaigns page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.empty_state import EmptyState


class CampaignsPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            self.tr('No campaigns yet'),
            self.tr(
                'A campaign sends one template to one list. Only contacts who confirmed their subscription receive it; everyone who unsubscribed, bounced or complained is left out automatically.'
            ),
        )
        layout.addWidget(self.empty)
