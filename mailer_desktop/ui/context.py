"""What every page receives from the main window (instead of reaching for globals)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from ..services.app import App
from .tasks import JobRunner


class Events(QObject):
    """Per-window notifications: emit after changing data so other pages refresh."""

    contacts_changed = Signal()
    lists_changed = Signal()
    templates_changed = Signal()
    campaigns_changed = Signal()
    settings_changed = Signal()
    inbox_changed = Signal()
    status_message = Signal(str)  # a short message for the status bar
    navigate = Signal(str)  # ask the main window to show a page by key


@dataclass
class UiContext:
    app: App
    jobs: JobRunner
    events: Events
