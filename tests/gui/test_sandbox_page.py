"""The Sandbox page: captured messages listed, shown rendered and raw; the server started here."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from PySide6.QtCore import Qt, QUrl
from smtp_servers import free_port

from mailer_desktop.services.accounts.manage import edit_account
from mailer_desktop.services.sandbox import server as sandbox
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
    assert sandbox.list_messages(app) == []


def test_the_double_opt_in_loop_offline_reply_as_this_person_then_process_inbox(qtbot, app):
    """A confirmation request in the sandbox is answered as its recipient (the menu, and the
    request's own "Yes, subscribe me" link), and Process inbox without a mailbox offers to
    process those replies: the people are confirmed, with nothing of a real mailbox needed."""
    from scripted_prompts import ScriptedPrompts

    from mailer_desktop.services.contacts import people as contacts
    from mailer_desktop.services.inbox.confirmations import send_confirmations
    from mailer_desktop.services.sending.identity import save_sender
    from mailer_desktop.ui.pages.inbox import InboxPage

    save_sender(app, name="Corner Bakery", from_address="news@bakery.example",
                postal_address="12 Baker Street, Springfield", unsubscribe_mailbox="leave@bakery.example")
    for addr in ("anna@example.com", "ben@example.org", "carl@example.net"):
        contacts.add_contact(app, addr, lists=["Newsletter"])
    send_confirmations(app, "sandbox", "Newsletter")
    ctx = UiContext(app=app, jobs=JobRunner(), events=Events())
    page = SandboxPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.prompts = ScriptedPrompts()
    told: list[str] = []
    ctx.events.status_message.connect(told.append)
    qtbot.waitUntil(lambda: page.list.count() == 3, timeout=5000)

    def choose(addr: str) -> None:
        row = next(i for i, m in enumerate(page.messages) if m.recipients == (addr,))
        page.list.setCurrentRow(row)

    choose("anna@example.com")
    headers = page.headers.text()
    assert "anna@example.com" in headers and "news@bakery.example" in headers and "Subject" in headers
    assert page.reply_button.isEnabled()
    page.reply_menu.actions()[0].trigger()  # "Yes, subscribe me"
    assert told[-1].startswith("Reply from anna@example.com saved") and "(1 waiting)" in told[-1]

    choose("ben@example.org")
    page.prompts.answers["text"] = ["No! I never signed up. Unsubscribe me."]
    page.reply_menu.actions()[2].trigger()  # "Write a reply…"

    choose("carl@example.net")  # the link in the message, as a reader clicks it
    link = page.rendered.toHtml().split('href="mailto:', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    page.prompts.answers["confirm"] = [True]
    page.rendered.anchorClicked.emit(QUrl("mailto:" + link))
    assert not page.rendered.openLinks()  # a click never navigates the viewer away ("No document for mailto:")
    assert page.rendered.toPlainText().strip()
    assert "(3 waiting)" in told[-1]

    inbox = InboxPage(ctx)
    qtbot.addWidget(inbox)
    inbox.prompts = ScriptedPrompts()
    inbox.prompts.answers["choose"] = ["sandbox"]
    qtbot.mouseClick(inbox.process_button, Qt.MouseButton.LeftButton)
    assert [key for key, _label in inbox.prompts.choices[0]] == ["sandbox", "setup", "files"]
    assert "(3)" in inbox.prompts.choices[0][0][1]
    qtbot.waitUntil(lambda: inbox.job is None and inbox.last_report is not None, timeout=15000)
    assert inbox.last_report.processed == 3
    status = {a: contacts.find_by_email(app, a).status for a in ("anna@example.com", "ben@example.org",
                                                                  "carl@example.net")}
    assert status["anna@example.com"] == status["carl@example.net"] == "confirmed"
    assert status["ben@example.org"] != "confirmed"  # a refusal never confirms

    inbox.prompts.answers["choose"] = ["setup"]  # nothing waits now: set up a mailbox, or pick files
    shown: list[str] = []
    ctx.events.navigate.connect(shown.append)
    qtbot.mouseClick(inbox.process_button, Qt.MouseButton.LeftButton)
    assert [key for key, _label in inbox.prompts.choices[1]] == ["setup", "files"]
    assert shown == ["settings"] and "Accounts tab" in told[-1]
