"""The Sandbox page: captured messages listed, shown rendered and raw; the server started here."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from PySide6.QtCore import Qt
from smtp_servers import free_port

from mailer_desktop.services import sandbox
from mailer_desktop.services.accounts import edit_account
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.pages.sandbox import SandboxPage
from mailer_desktop.ui.tasks import JobRunner


def _page(qtbot, app):
    page = SandboxPage(UiContext(app=app, jobs=JobRunner(), events=Events()))
    qtbot.addWidget(page)
    page.show()
    return page


def _mail(port: int, to: str, subject: str) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "shop@example.com", to, subject
    msg.set_content("plain version")
    msg.add_alternative("<p>Hello <b>there</b></p>", subtype="html")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.send_message(msg)


def test_start_server_capture_and_show_rendered_and_raw(qtbot, app):
    port = free_port()
    edit_account(app, "sandbox", port=port)
    page = _page(qtbot, app)
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 0, timeout=5000)  # empty state first
    qtbot.mouseClick(page.server_button, Qt.MouseButton.LeftButton)
    try:
        assert sandbox.port_open("127.0.0.1", port)
        assert f"127.0.0.1:{port}" in page.status.text()
        _mail(port, "anna@example.org", "First")
        _mail(port, "ben@example.org", "Second")
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.list.count() == 2, timeout=5000)
    finally:
        qtbot.mouseClick(page.server_button, Qt.MouseButton.LeftButton)
    assert not sandbox.port_open("127.0.0.1", port)
    assert page.stack.currentIndex() == 1
    assert page.list.item(0).text() == "ben@example.org\nSecond"     # newest first: recipient, subject
    page.list.setCurrentRow(1)
    assert "Hello there" in page.rendered.toPlainText()
    raw = page.raw.toPlainText()
    assert "Delivered-To: anna@example.org" in raw and "Subject: First" in raw and "<b>there</b>" in raw


def test_delete_all(qtbot, app, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    port = free_port()
    with sandbox.SandboxServer(app.paths.sandbox, port):
        _mail(port, "x@example.org", "One")
    page = _page(qtbot, app)
    qtbot.waitUntil(lambda: page.list.count() == 1, timeout=5000)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.stack.currentIndex() == 0, timeout=5000)
    assert sandbox.count_messages(app) == 0
