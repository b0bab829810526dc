"""GUI tests collect Python garbage on the GUI thread only, as the application does
(mailer_desktop/ui/gc.py): a collection in a worker thread could destroy Qt objects there.
``make_page`` builds a Contacts page whose questions are answered from a script."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from scripted_prompts import ScriptedPrompts


@pytest.fixture(autouse=True)
def main_thread_gc(qapp):
    from mailer_desktop.ui.gc import MainThreadGarbageCollector

    collector = MainThreadGarbageCollector(interval_ms=200)
    yield collector
    collector.stop()


@pytest.fixture
def make_page(qtbot, app):
    from mailer_desktop.ui.context import Events, UiContext
    from mailer_desktop.ui.pages.contacts import ContactsPage
    from mailer_desktop.ui.tasks import JobRunner

    built = []

    def build():
        ctx = UiContext(app=app, jobs=JobRunner(), events=Events())
        page = ContactsPage(ctx)
        page.prompts = page.lists_panel.prompts = ScriptedPrompts()
        qtbot.addWidget(page)
        page.resize(1300, 700)
        page.show()
        qtbot.waitExposed(page)
        built.append(page)
        return page

    yield build
    # Tear down in a fixed order: jobs finished, page closed, then the window-level objects.
    for page in built:
        qtbot.waitUntil(lambda p=page: p.ctx.jobs.active == [], timeout=10000)
        page.close()
        page.ctx.jobs.deleteLater()
        page.ctx.events.deleteLater()
    QApplication.processEvents()
