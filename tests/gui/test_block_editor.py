"""The block editor in the composer, driven like a user would (pytest-qt)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QSpinBox, QTextEdit, QWidget

from mailer_desktop.domain import blocks
from mailer_desktop.services import campaigns
from mailer_desktop.services.compose import templates as template_service
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.dialogs.composer import ComposerDialog
from mailer_desktop.ui.pages.templates import TemplatesPage
from mailer_desktop.ui.tasks import JobRunner


@pytest.fixture
def ctx(app):
    save_sender(app, name="Bakery", from_address="news@bakery.example", postal_address="1 Mill Lane\nFlourtown")
    context = UiContext(app=app, jobs=JobRunner(), events=Events())
    yield context
    context.jobs.wait_all()


@pytest.fixture
def anna(app):
    return contacts.add_contact(app, "anna@example.com", "Anna Berg", {"first_name": "Anna"},
                                lists=["News"], confirmed=True, evidence="t")


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def field(composer, name: str) -> QWidget:
    found = [w for w in composer.block_editor.form.findChildren(QWidget) if w.accessibleName() == name]
    assert found, f"no field {name!r}"
    return found[0]


def add(qtbot, composer, kind: str) -> None:
    action = next(a for a in composer.block_editor.add_menu.actions() if a.data() == kind)
    action.trigger()


def labels(composer) -> list[str]:
    lst = composer.block_editor.list
    return [lst.item(i).text() for i in range(lst.count())]


def preview_text(composer) -> str:
    return composer.preview.text_view.toPlainText()


def test_a_starter_opens_in_the_block_editor_and_warns_about_its_sample_text(qtbot, ctx, anna):
    page = TemplatesPage(ctx)
    qtbot.addWidget(page)
    newsletter = next(b for b in page.empty.findChildren(type(page.edit_button)) if "Newsletter" in b.text())
    click(qtbot, newsletter)
    composer = page.composer
    assert composer.mode == "blocks"
    assert composer.body_stack.currentWidget() is composer.block_editor
    assert composer.html_button.isVisibleTo(composer) and not composer.format_box.isVisibleTo(composer)
    assert labels(composer)[0].startswith("Banner") and "Two columns" in " ".join(labels(composer))
    assert "<!--[if mso]>" not in composer.body_edit.toPlainText()   # no raw HTML in sight
    qtbot.waitUntil(lambda: "Hello Anna," in preview_text(composer), timeout=5000)
    assert {"placeholder_text", "placeholder_link"} <= set(composer.preflight_codes())


def test_build_a_message_from_blocks_save_and_reopen(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="blocks")
    qtbot.addWidget(composer)
    composer.show()
    qtbot.keyClicks(composer.name_edit, "Autumn")
    qtbot.keyClicks(composer.subject_edit, "Autumn bread")
    editor = composer.block_editor
    start = len(editor.doc.blocks)
    editor.list.setCurrentRow(start - 1)   # new blocks go after the selected one

    add(qtbot, composer, "heading")
    qtbot.keyClicks(field(composer, "Heading text"), "Rye is back")
    add(qtbot, composer, "text")
    text = field(composer, "Text")
    assert isinstance(text, QTextEdit)
    qtbot.keyClicks(text, "Bake day is Friday")
    text.selectAll()
    click(qtbot, field(composer, "Bold"))
    add(qtbot, composer, "button")
    qtbot.keyClicks(field(composer, "Button label"), "Order a loaf")
    link = field(composer, "Button link")
    link.clear()
    qtbot.keyClicks(link, "https://bakery.example/order")
    add(qtbot, composer, "divider")
    assert len(editor.doc.blocks) == start + 4

    qtbot.waitUntil(lambda: "Order a loaf (https://bakery.example/order)" in preview_text(composer), timeout=5000)
    assert "Rye is back" in preview_text(composer) and "Bake day is Friday" in preview_text(composer)
    assert "<strong>Bake day is Friday</strong>" in blocks.render_html(editor.document())
    assert "1 Mill Lane" in preview_text(composer)   # the footer is added, never edited

    # The divider was added last; move it up above the button, then delete it.
    assert labels(composer)[-1] == "Divider"
    click(qtbot, editor.up_button)
    assert labels(composer)[-2] == "Divider" and labels(composer)[-1].startswith("Button")
    assert editor.list.currentRow() == len(editor.doc.blocks) - 2
    click(qtbot, editor.delete_button)
    assert "Divider" not in labels(composer)
    # Move the button to the top.
    editor.list.setCurrentRow(len(editor.doc.blocks) - 1)
    for _ in range(len(editor.doc.blocks) - 1):
        click(qtbot, editor.up_button)
    assert labels(composer)[0].startswith("Button") and not editor.up_button.isEnabled()
    qtbot.waitUntil(lambda: 0 <= preview_text(composer).find("Order a loaf") < preview_text(composer).find("Rye"),
                    timeout=5000)

    with qtbot.waitSignal(ctx.events.templates_changed):
        click(qtbot, composer.save_button)
    saved = template_service.list_templates(ctx.app)
    assert [t.name for t in saved] == ["Autumn"] and saved[0].source_format == "html"
    assert template_service.display_format(saved[0].source_format, saved[0].source) == "blocks"

    again = ComposerDialog(ctx, template_id=saved[0].id)
    qtbot.addWidget(again)
    assert again.mode == "blocks"
    assert again.block_editor.document() == editor.document()
    assert labels(again) == labels(composer)


def test_merge_fields_go_into_the_text_being_edited(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="blocks")
    qtbot.addWidget(composer)
    composer.show()
    qtbot.waitExposed(composer)
    add(qtbot, composer, "text")
    text = field(composer, "Text")
    text.setFocus()
    qtbot.waitUntil(text.hasFocus)
    qtbot.keyClicks(text, "Dear ")
    composer.field_box.activated.emit(composer.field_box.findText("First name"))
    qtbot.waitUntil(lambda: "Dear Anna" in preview_text(composer), timeout=5000)
    add(qtbot, composer, "heading")
    heading = field(composer, "Heading text")
    heading.setFocus()
    qtbot.waitUntil(heading.hasFocus)
    composer.field_box.activated.emit(composer.field_box.findText("Email address"))
    assert heading.text() == "{{ contact.email }}"


def test_rich_text_keeps_only_safe_formatting(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="blocks")
    qtbot.addWidget(composer)
    composer.block_editor.list.setCurrentRow(composer.block_editor.list.count() - 1)
    add(qtbot, composer, "text")
    text = field(composer, "Text")
    rich = text.parent()
    mime = QMimeData()
    mime.setHtml('<p style="color:red;font-size:40px">Pasted <b>bold</b><script>alert(1)</script> '
                 '<a href="javascript:alert(1)">bad</a> <img src=x onerror=alert(1)></p>')
    text.insertFromMimeData(mime)
    html = composer.block_editor.doc.blocks[-1].html
    assert "<strong>bold</strong>" in html and "script" not in html and "javascript" not in html
    assert "color" not in html and "<img" not in html
    # A link on selected words: refused for javascript:, kept for https.
    cursor = text.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    cursor.movePosition(QTextCursor.MoveOperation.EndOfWord, QTextCursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    assert not rich.apply_link("javascript:alert(1)") and "https://" in rich.hint.text()
    assert rich.apply_link("https://bakery.example/")
    assert '<a href="https://bakery.example/">Pasted</a>' in composer.block_editor.doc.blocks[-1].html
    # Lists
    text.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClick(text, Qt.Key.Key_Return)
    click(qtbot, field(composer, "Bulleted list"))
    qtbot.keyClicks(text, "Rye")
    assert "<ul><li>Rye</li></ul>" in composer.block_editor.doc.blocks[-1].html


def test_image_and_columns_blocks_and_their_checks(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="blocks")
    qtbot.addWidget(composer)
    add(qtbot, composer, "image")
    qtbot.keyClicks(field(composer, "Picture address"), "http://insecure.example/a.png")
    composer.refresh()
    assert "block_problem" in composer.preflight_codes()
    assert composer.block_editor.problems_label.isVisibleTo(composer)
    address = field(composer, "Picture address")
    address.clear()
    qtbot.keyClicks(address, "https://bakery.example/loaf.png")
    qtbot.keyClicks(field(composer, "Picture description"), "Rye loaves")
    width = field(composer, "Picture width")
    assert isinstance(width, QSpinBox)
    width.setValue(300)
    add(qtbot, composer, "columns")
    qtbot.keyClicks(field(composer, "Left column text"), "Croissants")
    qtbot.keyClicks(field(composer, "Right column text"), "Baguettes")
    composer.refresh()
    assert "block_problem" not in composer.preflight_codes()
    html = blocks.render_html(composer.block_editor.document())
    assert 'alt="Rye loaves" width="300"' in html and "Croissants" in html and "Baguettes" in html
    assert "Croissants" in preview_text(composer) and "Baguettes" in preview_text(composer)


def test_edit_as_html_leaves_the_block_editor_after_a_warning(qtbot, ctx, anna, monkeypatch):
    tid = template_service.install_starter(ctx.app, "announcement")
    composer = ComposerDialog(ctx, template_id=tid)
    qtbot.addWidget(composer)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    click(qtbot, composer.html_button)
    assert composer.mode == "blocks"
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    click(qtbot, composer.html_button)
    assert composer.mode == "source" and composer.format_box.currentData() == "html"
    assert composer.body_edit.toPlainText().startswith('<table role="presentation"')
    assert "mailer-blocks" not in composer.body_edit.toPlainText()
    with qtbot.waitSignal(ctx.events.templates_changed):
        click(qtbot, composer.save_button)
    t = template_service.require_template(ctx.app, tid)
    assert template_service.display_format(t.source_format, t.source) == "html"
    assert ComposerDialog(ctx, template_id=tid).mode == "source"


def test_campaign_from_a_block_template_opens_in_blocks(qtbot, ctx, anna):
    tid = template_service.install_starter(ctx.app, "letter")
    cid = campaigns.create_campaign(ctx.app, "Letter", "Hi", "News", template_id=tid)
    composer = ComposerDialog(ctx, campaign_id=cid)
    qtbot.addWidget(composer)
    assert composer.mode == "blocks"


def test_html_changed_elsewhere_opens_as_html(qtbot, ctx, anna):
    starter = next(s for s in template_service.starter_templates() if s.key == "letter")
    edited = starter.source.replace("Thank you", "Many thanks")
    tid = template_service.create_template(ctx.app, "Edited", subject="Hi", source=edited)
    composer = ComposerDialog(ctx, template_id=tid)
    qtbot.addWidget(composer)
    assert composer.mode == "source" and "Many thanks" in composer.body_edit.toPlainText()
    assert "mailer-blocks" not in composer.body_edit.toPlainText()
    assert "outside the block editor" in composer.error_label.text()


def test_blank_html_and_markdown_remain_available(qtbot, ctx):
    composer = ComposerDialog(ctx, source_format="markdown")
    qtbot.addWidget(composer)
    assert composer.mode == "source" and composer.format_box.isVisibleTo(composer)
    assert isinstance(composer.subject_edit, QLineEdit)


def test_keyboard_bold_italic_move_and_delete(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="blocks")
    qtbot.addWidget(composer)
    composer.show()
    composer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is composer)
    editor = composer.block_editor
    editor.list.setCurrentRow(editor.list.count() - 1)
    add(qtbot, composer, "text")
    text = field(composer, "Text")
    text.setFocus()
    qtbot.waitUntil(text.hasFocus)
    qtbot.keyClick(text, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, "Fresh")
    qtbot.keyClick(text, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(text, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, " today")
    assert editor.doc.blocks[-1].html == "<p><strong>Fresh</strong><em> today</em></p>"
    count = len(editor.doc.blocks)
    editor.list.setFocus()
    qtbot.waitUntil(editor.list.hasFocus)
    qtbot.keyClick(editor.list, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert editor.list.currentRow() == count - 2 and isinstance(editor.doc.blocks[count - 2], blocks.Text)
    assert editor.doc.blocks[count - 2].html.startswith("<p><strong>Fresh")
    qtbot.keyClick(editor.list, Qt.Key.Key_Delete)
    assert len(editor.doc.blocks) == count - 1
    assert all("Fresh" not in getattr(b, "html", "") for b in editor.doc.blocks)


def test_button_link_with_a_merge_field(qtbot, ctx, anna):
    composer = ComposerDialog(ctx, source_format="blocks")
    qtbot.addWidget(composer)
    add(qtbot, composer, "button")
    qtbot.keyClicks(field(composer, "Button label"), "My order")
    link = field(composer, "Button link")
    link.setText("https://bakery.example/orders?who={{ contact.email }}")
    composer.refresh()
    assert "block_problem" not in composer.preflight_codes()
    assert "My order (https://bakery.example/orders?who=anna@example.com)" in preview_text(composer)


def test_templates_page_new_menu_offers_blocks_first_and_html_markdown_as_advanced(qtbot, ctx, anna):
    template_service.create_template(ctx.app, "Old", subject="Hi", source="<p>Hello</p>")
    page = TemplatesPage(ctx)
    qtbot.addWidget(page)
    assert page.list.item(0).text() == "Old  ·  HTML"
    actions = page.new_button.menu().actions()
    assert actions[0].text() == "Blank template (blocks)"
    advanced = next(a for a in actions if a.menu() is not None)
    assert [a.text() for a in advanced.menu().actions()] == ["Blank HTML", "Blank Markdown"]
    actions[0].trigger()
    assert page.composer.mode == "blocks" and page.composer.block_editor.list.count() == 3


def test_block_editor_fits_a_1024_by_700_window(qtbot, ctx, anna):
    starter = next(s for s in template_service.starter_templates() if s.key == "newsletter")
    composer = ComposerDialog(ctx, starter=starter)
    qtbot.addWidget(composer)
    composer.resize(1024, 700)
    composer.show()
    qtbot.waitExposed(composer)
    editor = composer.block_editor
    editor.list.setCurrentRow(2)   # a text block: the tallest form
    qtbot.wait(50)
    for button in (editor.add_button, editor.up_button, editor.down_button, editor.delete_button,
                   composer.html_button, composer.save_button):
        assert button.width() >= button.sizeHint().width(), button.text()   # no clipped labels
    assert editor.list.visualItemRect(editor.list.item(3)).bottom() <= editor.list.viewport().height()
    text = field(composer, "Text")
    assert text.height() >= 100 and text.width() >= 380
    assert composer.preview.html_view.width() >= 380


def test_undo_delete_and_remove_a_link(qtbot, ctx, anna):
    tid = template_service.install_starter(ctx.app, "letter")
    composer = ComposerDialog(ctx, template_id=tid)
    qtbot.addWidget(composer)
    editor = composer.block_editor
    before = editor.document()
    editor.list.setCurrentRow(0)
    click(qtbot, editor.delete_button)
    assert editor.doc.blocks == [] and editor.undo_button.isVisibleTo(composer)
    click(qtbot, editor.undo_button)
    assert editor.document() == before and not editor.undo_button.isVisibleTo(composer)
    text = field(composer, "Text")
    rich = text.parent()
    cursor = text.document().find("link")
    text.setTextCursor(cursor)
    assert rich.apply_link("")
    html = editor.doc.blocks[0].html
    assert "example.com" not in html and "perhaps a link." in html
