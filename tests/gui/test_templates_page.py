"""Templates page, composer and sender settings, driven like a user would (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from mailer_desktop.domain import tokens
from mailer_desktop.services import campaigns
from mailer_desktop.services.compose import dkim
from mailer_desktop.services.compose import templates as template_service
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import load_sender, save_sender
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.dialogs.composer import ComposerDialog
from mailer_desktop.ui.pages.templates import TemplatesPage
from mailer_desktop.ui.tasks import JobRunner
from mailer_desktop.ui.widgets.settings_sender import SenderSettings


@pytest.fixture
def ctx(app):
    save_sender(app, name="Bakery", from_address="news@bakery.example", postal_address="1 Mill Lane\nFlourtown")
    context = UiContext(app=app, jobs=JobRunner(), events=Events())
    yield context
    context.jobs.wait_all()


@pytest.fixture
def anna(app):
    return contacts.add_contact(app, "anna@example.com", "Anna Berg", {"loaf": "Rye", "first_name": "Anna"},
                                lists=["News"], confirmed=True, evidence="t")


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_empty_page_offers_starters_and_saving_lists_the_template(qtbot, ctx, anna):
    page = TemplatesPage(ctx)
    qtbot.addWidget(page)
    assert page.stack.currentWidget() is page.empty
    starter_buttons = [b for b in page.empty.findChildren(type(page.edit_button)) if "Newsletter" in b.text()]
    click(qtbot, starter_buttons[0])
    composer = page.composer
    assert composer is not None and composer.name_edit.text() == "Newsletter"
    qtbot.waitUntil(lambda: "Anna" in composer.preview.text_view.toPlainText())
    with qtbot.waitSignal(ctx.events.templates_changed):
        click(qtbot, composer.save_button)
    assert [t.name for t in template_service.list_templates(ctx.app)] == ["Newsletter"]
    assert page.stack.currentIndex() == 1 and page.list.count() == 1
    text = page.preview.text_view.toPlainText()
    assert "1 Mill Lane" in text and "Unsubscribe: mailto:" in text
    template_service.create_template(ctx.app, "Weekly specials", subject="Specials", source="# Specials\n\nBread.",
                                     source_format="markdown")
    page.refresh()
    assert sorted(page.list.item(i).text() for i in range(page.list.count())) == [
        "Newsletter  ·  Blocks", "Weekly specials  ·  Markdown"]


def test_composer_live_preview_merge_fields_and_preflight(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="markdown")
    qtbot.addWidget(composer)
    qtbot.keyClicks(composer.name_edit, "Autumn")
    qtbot.keyClicks(composer.subject_edit, "RE: fresh bread")
    qtbot.keyClicks(composer.body_edit, "# Hello ")
    index = composer.field_box.findText("First name")
    composer.field_box.activated.emit(index)
    qtbot.keyClick(composer.body_edit, Qt.Key.Key_Return)
    qtbot.keyClick(composer.body_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(composer.body_edit, "Your favourite: ")
    composer.field_box.activated.emit(composer.field_box.findText("Loaf"))  # custom fields read as words
    names = [composer.field_box.itemText(i) for i in range(composer.field_box.count())]
    assert names.count("First name") == 1 and "first_name" not in names  # one entry per field, in words
    qtbot.waitUntil(lambda: "Your favourite: Rye" in composer.preview.text_view.toPlainText(), timeout=5000)
    assert composer.body_edit.toPlainText().startswith('# Hello {{ contact.first_name | default("there", true) }}')
    html = composer.preview.html_view.toHtml()
    assert "Hello Anna" in html and "1 Mill Lane" in html
    source = composer.preview.source_view.toPlainText()
    assert "List-Unsubscribe: <mailto:" in source
    assert tokens.unsubscribe_token(ctx.app.token_key(), anna.token_subject) in source
    assert "fake_thread" in composer.preflight_codes()
    composer.subject_edit.clear()
    qtbot.keyClicks(composer.subject_edit, "Fresh bread {{ contact.shoe_size }}")
    qtbot.waitUntil(lambda: "unknown_fields" in composer.preflight_codes(), timeout=5000)
    assert "fake_thread" not in composer.preflight_codes()


def test_composer_shows_template_errors_and_refuses_to_save_them(qtbot, ctx, anna):
    composer = ComposerDialog(ctx)
    qtbot.addWidget(composer)
    qtbot.keyClicks(composer.name_edit, "Broken")
    qtbot.keyClicks(composer.subject_edit, "Hi")
    composer.body_edit.setPlainText("<p>{{ ''.__class__ }}</p>")
    qtbot.waitUntil(lambda: "template_error" in composer.preflight_codes(), timeout=5000)
    assert "not allowed" in composer.preview.subject_label.text()
    click(qtbot, composer.save_button)
    assert "not allowed" in composer.error_label.text()
    assert template_service.list_templates(ctx.app) == []


def test_remote_images_are_not_loaded_unless_asked(qtbot, ctx, anna):
    composer = ComposerDialog(ctx)
    qtbot.addWidget(composer)
    composer.subject_edit.setText("Pictures")
    composer.show()
    qtbot.waitExposed(composer)
    composer.body_edit.setPlainText('<p>Look</p><img src="https://images.example/bread.png" alt="Bread">')
    composer.refresh()
    qtbot.waitUntil(lambda: "https://images.example/bread.png" in composer.preview.blocked_images, timeout=5000)
    assert not composer.preview.remote_box.isChecked()
    assert ctx.jobs.active == []   # nothing was fetched
    assert "Bread" in composer.preview.text_view.toPlainText()


def test_campaign_composer_edits_draft_and_attachments(qtbot, ctx, anna, tmp_path):
    cid = campaigns.create_campaign(ctx.app, "Draft", "Hello", "News", html="<p>Old</p>")
    composer = ComposerDialog(ctx, campaign_id=cid)
    qtbot.addWidget(composer)
    assert composer.attachment_box.isVisibleTo(composer)
    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(b"%PDF-1.4 leaflet")
    composer.add_attachment_file(leaflet)
    assert composer.attachment_list.count() == 1
    composer.body_edit.setPlainText("<p>New text for {{ contact.first_name }}</p>")
    with qtbot.waitSignal(ctx.events.campaigns_changed):
        click(qtbot, composer.save_button)
    saved = campaigns.require_campaign(ctx.app, cid)
    assert saved.source == "<p>New text for {{ contact.first_name }}</p>"
    assert [a.filename for a in campaigns.attachments(ctx.app, cid)] == ["leaflet.pdf"]


def test_new_campaign_from_template(qtbot, ctx, anna):
    template_service.install_starter(ctx.app, "letter")
    page = TemplatesPage(ctx)
    qtbot.addWidget(page)
    assert page.list_box.currentText() == "News"
    with qtbot.waitSignal(ctx.events.campaigns_changed):
        click(qtbot, page.campaign_button)
    created = campaigns.list_campaigns(ctx.app)
    assert len(created) == 1 and created[0].list_name == "News" and created[0].template_id is not None
    assert page.composer.campaign.id == created[0].id


def test_sender_settings_save_validate_and_dkim(qtbot, ctx):
    widget = SenderSettings(ctx)
    qtbot.addWidget(widget)
    assert widget.postal_edit.toPlainText() == "1 Mill Lane\nFlourtown"
    widget.from_edit.clear()
    qtbot.keyClicks(widget.from_edit, "not an address")
    click(qtbot, widget.save_button)
    assert "Not saved" in widget.message.text() and load_sender(ctx.app).from_address == "news@bakery.example"
    widget.from_edit.clear()
    qtbot.keyClicks(widget.from_edit, "hello@bakery.example")
    qtbot.keyClicks(widget.unsub_url_edit, "https://bakery.example/u/{token}")
    with qtbot.waitSignal(ctx.events.settings_changed):
        click(qtbot, widget.save_button)
    saved = load_sender(ctx.app)
    assert saved.from_address == "hello@bakery.example" and saved.unsubscribe_url.endswith("{token}")
    assert not widget.sign_box.isEnabled()
    widget.selector_edit.setText("md1")
    click(qtbot, widget.generate_button)
    qtbot.waitUntil(lambda: "md1._domainkey.bakery.example" in widget.record_view.toPlainText(), timeout=20000)
    assert widget.sign_box.isEnabled()
    widget.sign_box.setChecked(True)
    assert ctx.app.settings.get("sender.dkim_sign") is True
    assert dkim.current_record(ctx.app).selector == "md1"
