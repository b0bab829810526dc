"""The Contacts page."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..context import UiContext
from ..widgets.empty_state import EmptyState


class ContactsPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        self.empty = EmptyState(
            self.tr('No contacts yet'),
            self.tr(
                'Start by importing the people who asked to hear from you: a CSV or Excel export of your shop, Mailchimp or Google Contacts, or a vCard file. New contacts stay <b>pending</b> until they confirm by replying to a short confirmation request (double opt-in).'
            ),
        )
        layout.addWidget(self.empty)
