"""The window stays usable while a long write (a big import being saved) holds the database."""

from __future__ import annotations

import time

from long_writer import LongWriter
from PySide6.QtCore import Qt
from scripted_prompts import ScriptedPrompts

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.ui.main_window import MainWindow


def test_a_contact_saved_during_an_import_is_refused_in_the_dialog_then_saved(qtbot, app):
    window = MainWindow(app)  # the window's thread is marked: its writes never wait for a long one
    qtbot.addWidget(window)
    window.show()
    page = window.pages["contacts"]
    page.prompts = ScriptedPrompts()
    waited: list[float] = []

    def script(dialog):
        qtbot.keyClicks(dialog.email, "late@example.com")
        qtbot.keyClicks(dialog.name, "Late Comer")
        start = time.perf_counter()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        waited.append(time.perf_counter() - start)
        assert dialog.isVisible()
        assert "busy with saving the import of shop.csv" in dialog.error.text()
        assert dialog.email.text() == "late@example.com"  # what was typed is still there
        writer.release.set()  # the import is saved
        writer.thread.join(20)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # the same click, after the import

    page.prompts.dialog_script = script
    with LongWriter(app, "saving the import of shop.csv") as writer:
        page.add_contact()
    assert waited and waited[0] < 0.3  # the click came back at once, not after SQLite's busy timeout
    saved = contacts.find_by_email(app, "late@example.com")
    assert saved is not None and saved.name == "Late Comer"
