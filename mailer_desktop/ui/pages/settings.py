"""The Settings page: one tab per group of settings.

Groups with a richer editor of their own (sender identity, accounts, backups) register it in
:data:`RICH_TABS`; every other group gets a form generated from config.SETTINGS.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from ...config import SETTINGS
from ..context import UiContext
from ..theme import page_margins
from ..widgets.settings_accounts import AccountSettings
from ..widgets.settings_backups import BackupSettings
from ..widgets.settings_form import SettingsForm
from ..widgets.settings_sender import SenderSettings

# group name -> the editor of that group.
RICH_TABS: dict[str, Callable[[UiContext], QWidget]] = {"Sender": SenderSettings, "Backups": BackupSettings}
# Extra tabs that are not groups of settings (title -> editor).
EXTRA_TABS: dict[str, Callable[[UiContext], QWidget]] = {"Accounts": AccountSettings}
# Groups of settings that are not edited by hand.
HIDDEN_GROUPS = {"Internal"}


class SettingsPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        page_margins(layout)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs)
        groups: list[str] = []
        for decl in SETTINGS.values():
            if decl.group not in groups and decl.group not in HIDDEN_GROUPS:
                groups.append(decl.group)
        for group in groups:
            widget = RICH_TABS[group](ctx) if group in RICH_TABS else SettingsForm(ctx, group)
            self.tabs.addTab(_scrolled(widget), self.tr(group))
        for title, make in EXTRA_TABS.items():
            self.tabs.addTab(_scrolled(make(ctx)), self.tr(title))
        for i in range(self.tabs.count()):  # a tab that asks to be shown (Backups after a campaign)
            area = self.tabs.widget(i)
            signal = getattr(area.widget(), "show_me", None)
            if signal is not None:
                signal.connect(lambda i=i: self.tabs.setCurrentIndex(i))


def _scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(widget)
    return area
