"""Counts in the window's texts read right in English (one contact, 2 contacts) and go through
Qt's translation with %n."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QObject, QTranslator  # noqa: E402

from mailer_desktop.ui.plurals import english, tr_n  # noqa: E402


def test_english_forms_and_separators(qapp):
    owner = QObject()
    assert tr_n(owner, "Erase %n {contact|contacts}?", 1) == "Erase 1 contact?"
    assert tr_n(owner, "Erase %n {contact|contacts}?", 0) == "Erase 0 contacts?"
    assert tr_n(owner, "%n {message needs|messages need} your decision", 1200) == "1,200 messages need your decision"
    assert tr_n("labels", "%n {entry|entries}", 2) == "2 entries"
    assert english("no forms here", 3) == "no forms here"


def test_a_translation_installed_later_gets_the_count(qapp):
    seen: list[tuple[str, int]] = []

    class German(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):
            seen.append((source, n))
            return "%n Kontakt löschen?" if n == 1 else "%n Kontakte löschen?"

        def isEmpty(self):  # noqa: N802 (Qt API)
            return False

    german = German()
    QCoreApplication.installTranslator(german)
    try:
        assert tr_n("contacts", "Erase %n {contact|contacts}?", 3) == "3 Kontakte löschen?"
        assert seen[-1] == ("Erase %n {contact|contacts}?", 3)
    finally:
        QCoreApplication.removeTranslator(german)
