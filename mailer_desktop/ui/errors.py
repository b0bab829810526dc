"""Errors nobody caught in the window: logged in full, and told to the user in one sentence.

Without this an unexpected error in a button's action is printed where nobody looks, and the
click seems to do nothing. :func:`install` sets ``sys.excepthook`` for the running window; the
message box is not modal (the error may come from the middle of a slot) and only one is shown
at a time, so a fault that repeats does not flood the screen.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from ..storage.write_gate import WriteBusyError

log = logging.getLogger(__name__)


def friendly_text(exc: BaseException, log_folder: Path | None = None) -> str:
    """What to tell the user about an error that nothing handled."""
    where = f" The details are in the log ({log_folder})." if log_folder else " The details are in the log."
    if isinstance(exc, WriteBusyError):
        return exc.user_text
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower():
        return ("The contacts are being changed by another task (an import, a send or the inbox) and "
                "this change could not wait for it. Nothing was saved; try again in a moment.")
    if isinstance(exc, sqlite3.Error):
        return f"The database reported a problem: {exc}. Nothing was saved.{where}"
    text = str(exc) or type(exc).__name__
    return f"Something went wrong: {text}.{where}"


class ErrorReporter:
    """The ``sys.excepthook`` of the window: log, then one non-modal message box at a time."""

    def __init__(self, parent: Callable[[], QWidget | None], title: str, log_folder: Path | None = None):
        self._parent = parent
        self._title = title
        self._log_folder = log_folder
        self.box: QMessageBox | None = None
        self.shown = 0

    def __call__(self, exc_type, exc, tb) -> None:
        log.error("unhandled error in the window", exc_info=(exc_type, exc, tb))
        if not isinstance(exc, Exception) or (self.box is not None and self.box.isVisible()):
            return
        self.box = QMessageBox(QMessageBox.Icon.Warning, self._title, friendly_text(exc, self._log_folder),
                               QMessageBox.StandardButton.Ok, self._parent())
        self.box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.box.finished.connect(self._closed)
        self.box.open()
        self.shown += 1

    def _closed(self, _result: int) -> None:
        self.box = None


def install(parent: Callable[[], QWidget | None], title: str, log_folder: Path | None = None) -> ErrorReporter:
    reporter = ErrorReporter(parent, title, log_folder)
    sys.excepthook = reporter
    return reporter
