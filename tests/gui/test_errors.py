"""Errors nothing handled in the window are logged and told to the user, one message at a time."""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from PySide6.QtWidgets import QWidget

from mailer_desktop.storage.write_gate import WriteBusyError
from mailer_desktop.ui.errors import ErrorReporter, friendly_text


def test_friendly_texts():
    locked = friendly_text(sqlite3.OperationalError("database is locked"))
    assert "another task" in locked and "Nothing was saved" in locked and "locked" not in locked
    assert friendly_text(sqlite3.DatabaseError("disk I/O error"), Path("/logs")) == (
        "The database reported a problem: disk I/O error. Nothing was saved. The details are in the log (/logs).")
    assert friendly_text(KeyError("x")) == "Something went wrong: 'x'. The details are in the log."
    busy = friendly_text(WriteBusyError("saving the import of shop.csv"))
    assert busy == ("Mailer Desktop is busy with saving the import of shop.csv right now, so this change was "
                    "not saved. Try again when that has finished.")


def test_an_unhandled_error_is_logged_and_shown_once_at_a_time(qtbot, caplog):
    window = QWidget()
    qtbot.addWidget(window)
    reporter = ErrorReporter(lambda: window, "Mailer Desktop", Path("/logs"))
    try:
        raise ValueError("the list has no name")
    except ValueError:
        with caplog.at_level(logging.ERROR):
            reporter(*sys.exc_info())
    assert "unhandled error in the window" in caplog.text and "the list has no name" in caplog.text
    box = reporter.box
    assert box is not None and box.isVisible()  # shown without a nested event loop: the call returned
    assert "Something went wrong: the list has no name." in box.text()
    try:
        raise RuntimeError("again")
    except RuntimeError:
        reporter(*sys.exc_info())  # while the first message is open: logged only
    assert reporter.shown == 1 and reporter.box is box
    box.accept()
    qtbot.waitUntil(lambda: reporter.box is None, timeout=2000)
    try:
        raise RuntimeError("later")
    except RuntimeError:
        reporter(*sys.exc_info())
    assert reporter.shown == 2 and "later" in reporter.box.text()
    reporter.box.accept()
