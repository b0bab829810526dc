"""Exporting the contacts shown on the Contacts page to CSV, and importing that file back."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt

from mailer_desktop.services import importing
from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.ui.pages.contacts_export import suggested_name


def _fill(app) -> int:
    news = contacts.create_list(app, "News & Offers").id
    with app.db.transaction() as conn:
        for i in range(30):
            c = contacts.add_contact(app, f"p{i:02d}@example.com", f"Person {i:02d}", {"city": f"Town {i % 3}"},
                                     confirmed=i % 2 == 0, evidence="shop form" if i % 2 == 0 else "", conn=conn)
            if i < 12:
                contacts.add_to_list(app, news, [c.id], conn=conn)
    return news


def test_export_writes_the_contacts_shown_and_they_import_back_unchanged(qtbot, app, make_page, tmp_path,
                                                                       keyring_backend):
    news = _fill(app)
    page = make_page()
    page.lists_panel.select_list(news)
    page.status_filter.setCurrentIndex(page.status_filter.findData("confirmed"))
    qtbot.waitUntil(lambda: not page.model.searching and page.model.total == 6, timeout=10000)
    target = tmp_path / "export.csv"
    page.prompts.answers["save_path"] = [str(target)]
    told: list[str] = []
    page.ctx.events.status_message.connect(told.append)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.job_bar.busy and page.ctx.jobs.active == [], timeout=10000)
    assert page.prompts.asked[-1] == ("save_path", "Export contacts")
    assert told and told[-1] == f"Exported 6 contacts to {target}."
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig", newline="")))
    assert sorted(r["email"] for r in rows) == [f"p{i:02d}@example.com" for i in range(0, 12, 2)]
    assert {r["status"] for r in rows} == {"confirmed"} and rows[0]["city"].startswith("Town")

    other = open_app(tmp_path / "other", keyring_backend=keyring_backend, log_to_file=False)
    try:
        report = importing.import_file(other, target)
        assert report.added == 6 and report.invalid == 0
        back = contacts.find_by_email(other, "p04@example.com")
        assert (back.name, back.fields) == ("Person 04", {"city": "Town 1"})
        assert back.status == "pending"  # an import never sets consent: the file's status column is ignored
    finally:
        other.close()


def test_a_cancelled_save_dialog_exports_nothing(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    page.prompts.answers["save_path"] = [None]
    told: list[str] = []
    page.ctx.events.status_message.connect(told.append)
    page.export_shown()
    assert page.prompts.asked == [("save_path", "Export contacts")]
    assert page.ctx.jobs.active == [] and not page.job_bar.busy and told == []


def test_suggested_file_names():
    assert suggested_name(None) == "contacts.csv"
    assert suggested_name("News & Offers") == "News _ Offers.csv"
    assert suggested_name("../..") == "contacts.csv"
