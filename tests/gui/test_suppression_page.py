"""The Suppression page driven as a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import rights, suppression
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.models.suppression_model import SuppressionModel
from mailer_desktop.ui.pages.suppression import SuppressionPage
from mailer_desktop.ui.tasks import JobRunner


class Answers:
    def __init__(self, confirm=True, path=None):
        self._confirm, self._path = confirm, path

    def confirm(self, parent, title, text):
        return self._confirm

    def open_path(self, parent, title, filters):
        return self._path


@pytest.fixture(autouse=True)
def _tear_down_in_order(qtbot):
    yield
    for page in list(_PAGES):
        qtbot.waitUntil(lambda p=page: p.ctx.jobs.active == [], timeout=10000)
        page.close()
        page.ctx.jobs.deleteLater()
        page.ctx.events.deleteLater()
    _PAGES.clear()
    QApplication.processEvents()


_PAGES: list = []


def _page(qtbot, app, prompts=None):
    page = SuppressionPage(UiContext(app=app, jobs=JobRunner(), events=Events()))
    _PAGES.append(page)
    if prompts:
        page.prompts = prompts
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    return page


def _read(qtbot, page) -> None:
    """The list's size and first rows are read in the background: wait for them."""
    qtbot.waitUntil(lambda: not page.model.reading, timeout=10000)


def test_add_by_hand_with_validation(qtbot, app):
    page = _page(qtbot, app)
    assert page.stack.currentIndex() == 0
    qtbot.keyClicks(page.entry, "not valid")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert "neither an address nor a domain" in page.message.text()
    page.entry.clear()
    qtbot.keyClicks(page.entry, "Spam.Example")
    qtbot.keyClick(page.entry, Qt.Key.Key_Return)
    assert suppression.is_suppressed(app, "anyone@spam.example")
    _read(qtbot, page)
    assert page.stack.currentIndex() == 1 and page.model.total == 1
    assert page.model.data(page.model.index(0, 1)) == "Whole domain"


def test_add_from_file_runs_as_a_job_and_reports_bad_lines(qtbot, app, tmp_path):
    f = tmp_path / "bl.txt"
    f.write_text("a@example.com\nb@example.com\nnonsense\n", encoding="utf-8")
    page = _page(qtbot, app, Answers(path=str(f)))
    qtbot.mouseClick(page.file_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5000)
    assert "Added 2" in page.message.text() and "Line 3" in page.message.text()


def test_search_reason_filter_and_remove_keeps_erased_entries(qtbot, app):
    suppression.suppress(app, "keep@example.com", "complaint")
    c = contacts.add_contact(app, "gone@example.com")
    rights.erase_person(app, c.id, compact_file=False)
    page = _page(qtbot, app, Answers(confirm=True))
    assert page.model.total == 2
    page.reason_filter.setCurrentIndex(page.reason_filter.findData("erased"))
    _read(qtbot, page)
    assert page.model.total == 1
    assert page.model.data(page.model.index(0, 0)).startswith("(erased")
    page.table.selectAll()
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert "can never be removed" in page.message.text()
    assert suppression.count_suppressions(app) == 2
    page.reason_filter.setCurrentIndex(0)
    _read(qtbot, page)
    assert page.model.total == 2
    qtbot.keyClicks(page.search, "keep")
    qtbot.waitUntil(lambda: page.model.search == "keep" and not page.model.reading, timeout=10000)
    assert page.model.total == 1
    page.table.selectRow(0)
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    assert not suppression.is_suppressed(app, "keep@example.com")


def test_model_pages_rows(qtbot, app):
    suppression.suppress_lines(app, [f"u{i}@example.com" for i in range(450)])
    model = SuppressionModel(app)
    model.refresh()
    assert model.rowCount() == 0 and model.reading  # read in a thread of its own
    qtbot.waitUntil(lambda: not model.reading, timeout=10000)
    assert model.rowCount() == 450
    shown = {model.data(model.index(r, 0)) for r in range(450)}
    assert len(shown) == 450 and "u449@example.com" in shown
