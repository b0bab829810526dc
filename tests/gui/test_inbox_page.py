"""The Inbox page: process dropped mail, see the outcome, decide on review items."""

from __future__ import annotations

from email.message import EmailMessage

from PySide6.QtCore import Qt

from mailer_desktop.domain import tokens
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.ui.main_window import MainWindow


def _mail(path, sender: str, subject: str, body: str, message_id: str):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "news@shop.example", subject
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    msg.set_content(body)
    path.write_bytes(msg.as_bytes())
    return path


def test_process_dropped_mail_and_decide_a_review_item(qtbot, app, tmp_path):
    anna = contacts.add_contact(app, "anna@example.com", "Anna", confirmed=True, evidence="shop form")
    ben = contacts.add_contact(app, "ben@example.com", "Ben", confirmed=True, evidence="shop form")
    token = tokens.unsubscribe_token(app.token_key(), anna.token_subject)
    unsub = _mail(tmp_path / "unsub.eml", "anna@example.com", f"unsubscribe {token}", "", "<u1@example.com>")
    vague = _mail(tmp_path / "vague.eml", "Ben B <ben.b@elsewhere.example>", "hm",
                  "I don't think I want these any more, not sure.", "<v1@elsewhere.example>")

    window = MainWindow(app)
    qtbot.addWidget(window)
    window.show()
    page = window.pages["inbox"]
    assert not page.empty.isHidden()
    window.open_paths([unsub, vague])
    assert window.current_page_key() == "inbox"
    qtbot.waitUntil(lambda: page.job is None and page.last_report is not None, timeout=15000)
    assert page.last_report.processed == 2
    assert contacts.get_contact(app, anna.id).status == "unsubscribed"
    assert page.history.rowCount() == 2 and page.empty.isHidden()
    assert "2 processed" in page.summary.text()

    # the vague reply from an unknown address waits for a decision
    assert page.review.rowCount() == 1 and not page.unsubscribe_button.isEnabled()
    assert "1 message needs your decision" in page.review_label.text()
    assert page.review.item(0, 2).text() == "not recognised"  # why it waits, in its own column
    page.review.selectRow(0)
    assert page.contact_edit.text() == "ben.b@elsewhere.example"
    page.contact_edit.setText("ben@example.com")
    qtbot.mouseClick(page.unsubscribe_button, Qt.MouseButton.LeftButton)
    assert contacts.get_contact(app, ben.id).status == "unsubscribed"
    assert page.review.rowCount() == 0

    # the same mail again changes nothing
    page.last_report = None
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    page.process_paths([unsub, pdf])
    qtbot.waitUntil(lambda: page.job is None and page.last_report is not None, timeout=15000)
    assert page.last_report.processed == 0 and page.last_report.unchanged == 1
    assert "1 file skipped: not mail (invoice.pdf)" in page.summary.text()
