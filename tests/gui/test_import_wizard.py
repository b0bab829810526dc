"""The import wizard driven as a user would: preview, mapping, consent, progress, report, cancel."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.dialogs.import_wizard import MAPPING, OPTIONS, PREVIEW, REPORT, SOURCE, ImportWizard
from mailer_desktop.ui.models.import_tables import IssuesModel, PreviewModel
from mailer_desktop.ui.tasks import JobRunner

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


@pytest.fixture
def ctx(app):
    runner = JobRunner()
    context = UiContext(app=app, jobs=runner, events=Events())
    yield context
    runner.cancel_all()
    runner.wait_all()


def open_wizard(qtbot, ctx, path=None):
    wizard = ImportWizard(ctx, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def click(qtbot, button):
    # near the left edge: radio buttons in a wide form only react on their indicator and text
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def test_file_to_report_with_confirmed_consent(qtbot, ctx, app, tmp_path):
    wizard = open_wizard(qtbot, ctx, FIXTURES / "bom_semicolon.csv")
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    text = wizard.detected.text()
    assert "utf-8-sig" in text and "Semicolon" in text and "header on row 1" in text
    model = wizard.preview_view.model()
    assert model.rowCount() == 3 and model.headerData(0, Qt.Orientation.Horizontal) == "E-Mail"

    click(qtbot, wizard.next_button)
    assert wizard.page == MAPPING
    assert wizard.mapping_combo(0).currentData() == "email"
    assert wizard.mapping_combo(3).currentData() == "field"
    wizard.mapping_combo(3).setCurrentIndex(wizard.mapping_combo(3).findData("skip"))  # no company field

    click(qtbot, wizard.next_button)
    assert wizard.page == OPTIONS
    wizard.list_combo.setEditText("Bakery customers")
    click(qtbot, wizard.confirmed_radio)
    assert not wizard.next_button.isEnabled()  # confirmed needs a proof
    qtbot.keyClicks(wizard.proof_edit, "Paper signup sheet in the shop, March 2024")
    assert wizard.next_button.isEnabled()
    told: list[str] = []
    ctx.events.status_message.connect(told.append)
    with qtbot.waitSignal(ctx.events.contacts_changed, timeout=20_000):
        click(qtbot, wizard.next_button)
    assert wizard.page == REPORT
    assert wizard.report.added == 3 and "3 added" in wizard.summary_label.text()
    assert told and told[-1].startswith("Imported bom_semicolon.csv: 3 added, 0 updated")
    anna = contacts.find_by_email(app, "anna.mueller@example.de")
    assert anna.status == "confirmed" and anna.lists == ("Bakery customers",) and "company" not in anna.fields
    assert "Paper signup sheet" in contacts.consent_trail(app, anna.id)[0].evidence

    issues = wizard.issues_view.model()
    titles = sorted(issues.data(issues.index(r, 1)) for r in range(issues.rowCount()))
    assert titles == ["Non-ASCII before @", "Role account"]  # jörg@… needs a server with SMTPUTF8
    saved = wizard.save_report(tmp_path / "report.csv")
    rows = list(csv.reader(saved.open(encoding="utf-8-sig")))
    assert sorted(tuple(r[:2]) for r in rows[1:]) == [("3", "non_ascii"), ("4", "role")]
    click(qtbot, wizard.close_button)
    assert not wizard.isVisible()


def test_pasted_addresses_and_encoding_override(qtbot, ctx, app):
    wizard = open_wizard(qtbot, ctx)
    assert wizard.page == SOURCE
    click(qtbot, wizard.next_button)
    assert "Choose a file" in wizard.error.text()
    qtbot.keyClicks(wizard.paste_edit, "Anna <anna@example.com>, ben@example.org")
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        click(qtbot, wizard.next_button)
    assert {c.email for c in contacts.iter_contacts(app)} == {"anna@example.com", "ben@example.org"}
    assert all(c.status == "pending" for c in contacts.iter_contacts(app))


def test_report_columns_fit_and_long_values_show_in_full_as_tooltips(qtbot, ctx, tmp_path):
    from mailer_desktop.ui.dialogs.import_wizard import MAX_COLUMN_WIDTH

    long_value = "someone." * 30 + "@@example.com"
    source = tmp_path / "long.csv"
    source.write_text(f"email,name\n{long_value},Long\nok@example.com,Ok\n", encoding="utf-8")
    wizard = open_wizard(qtbot, ctx, source)
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        click(qtbot, wizard.next_button)
    view, issues = wizard.issues_view, wizard.issues_view.model()
    value = issues.index(0, 3)
    assert issues.data(value, Qt.ItemDataRole.ToolTipRole) == long_value.strip()
    assert all(view.columnWidth(c) <= MAX_COLUMN_WIDTH for c in range(issues.columnCount() - 1))
    assert view.columnWidth(0) < MAX_COLUMN_WIDTH  # short columns keep their own width


def test_wrong_encoding_can_be_corrected_in_the_preview(qtbot, ctx):
    wizard = open_wizard(qtbot, ctx, FIXTURES / "cp1252_accents.csv")
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    wizard.encoding_combo.setCurrentIndex(wizard.encoding_combo.findData("utf-8"))
    wizard.encoding_combo.activated.emit(wizard.encoding_combo.currentIndex())
    qtbot.waitUntil(lambda: "not valid utf-8" in wizard.error.text(), timeout=10_000)
    wizard.encoding_combo.setCurrentIndex(wizard.encoding_combo.findData("cp1252"))
    wizard.encoding_combo.activated.emit(wizard.encoding_combo.currentIndex())
    qtbot.waitUntil(lambda: "encoding cp1252" in wizard.detected.text(), timeout=10_000)
    model = wizard.preview_view.model()
    assert model.data(model.index(0, 1)) == "René Lefèvre"


def test_mapping_needs_one_email_column(qtbot, ctx):
    wizard = open_wizard(qtbot, ctx, FIXTURES / "header_in_middle.csv")
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    click(qtbot, wizard.next_button)
    email = wizard.mapping_combo(1)
    email.setCurrentIndex(email.findData("skip"))
    click(qtbot, wizard.next_button)
    assert wizard.page == MAPPING and "exactly one" in wizard.error.text()


def test_dropping_a_file_loads_it(qtbot, ctx):
    wizard = open_wizard(qtbot, ctx)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(FIXTURES / "contacts.vcf"))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    wizard.dropEvent(event)
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    assert "vCard" in wizard.detected.text()


def test_cancel_mid_import_changes_nothing(qtbot, ctx, app, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("email,name\n" + "".join(f"p{i}@example.com,P {i}\n" for i in range(150_000)), encoding="utf-8")
    contacts.add_contact(app, "already@example.com")
    before = list(app.db.conn.iterdump())
    wizard = open_wizard(qtbot, ctx, big)
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=20_000)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.progress_bar.maximum() > 0 or wizard.page != 4, timeout=20_000)
    with qtbot.waitSignal(wizard.job.cancelled, timeout=30_000):
        click(qtbot, wizard.cancel_button)
    assert wizard.page == OPTIONS and "nothing was changed" in wizard.error.text()
    assert list(app.db.conn.iterdump()) == before


def test_closing_mid_import_cancels_without_holding_the_window(qtbot, ctx, app, tmp_path):
    import time

    big = tmp_path / "big.csv"
    big.write_text("email,name\n" + "".join(f"p{i}@example.com,P {i}\n" for i in range(150_000)), encoding="utf-8")
    wizard = open_wizard(qtbot, ctx, big)
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=20_000)
    for _ in range(3):
        click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.progress_bar.maximum() > 0 or wizard.page != 4, timeout=20_000)
    job = wizard.job
    assert job.running
    start = time.perf_counter()
    wizard.reject()  # Esc or the window's close button
    assert time.perf_counter() - start < 0.2  # the window's thread did not wait for the import
    assert wizard.isVisible() and wizard.progress_label.text() == "Cancelling…"
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=30_000)
    assert not job.running and job.cancel_requested
    assert contacts.count(app) == 0


def test_event_loop_stays_responsive_while_importing(qtbot, ctx, app, tmp_path):
    """A heartbeat timer measures the longest stall of the event loop while the wizard imports a
    file big enough to be read and checked by reading processes. Like the sending test, it fails
    only on stalls that mean the GUI thread did real work; the measured figure is printed."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    big = tmp_path / "big.csv"
    big.write_text("email,name,city\n" + "".join(f"p{i}@example.com,P {i},Town {i % 50}\n" for i in range(120_000)),
                   encoding="utf-8")
    wizard = open_wizard(qtbot, ctx, big)
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=20_000)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.next_button)
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    beat = QTimer()
    beat.setInterval(5)
    beat.timeout.connect(lambda: gaps.append(clock.restart()))
    beat.start()
    try:
        with qtbot.waitSignal(ctx.events.contacts_changed, timeout=120_000):
            click(qtbot, wizard.next_button)
        qtbot.waitUntil(lambda: wizard.page == REPORT, timeout=10_000)
    finally:
        beat.stop()
    assert wizard.report.added == 120_000 and contacts.count(app) == 120_000
    assert "120,000 new contacts" in wizard.headline_label.text()
    assert "120,000 rows: 120,000 added" in wizard.summary_label.text()  # big figures read with separators
    longest = max(gaps)
    print(f"heartbeat: longest stall {longest} ms during an import of 120,000 rows")
    assert longest <= 250


def test_models_without_a_view():
    from mailer_desktop.domain.importing.report import Issue

    preview = PreviewModel(["email", "note"], [(2, ["a@example.com", "two\nlines"]), (3, ["b@example.com"])])
    assert preview.rowCount() == 2 and preview.columnCount() == 2
    assert preview.data(preview.index(0, 1)) == "two ⏎ lines"
    assert preview.data(preview.index(1, 1)) == ""
    assert preview.headerData(1, Qt.Orientation.Vertical) == "3"
    issues = IssuesModel([Issue(7, "typo", "Email", "x@gmial.com", "looks misspelt", "gmail.com")])
    assert [issues.data(issues.index(0, c)) for c in range(6)] == ["7", "Possible typo", "Email", "x@gmial.com",
                                                                   "looks misspelt", "gmail.com"]


def test_custom_field_names_can_be_changed_in_the_mapping(qtbot, ctx, app):
    wizard = open_wizard(qtbot, ctx, FIXTURES / "mailchimp.csv")
    qtbot.waitUntil(lambda: wizard.page == PREVIEW, timeout=10_000)
    click(qtbot, wizard.next_button)
    assert wizard.mapping_combo(3).currentData() == "field"
    address = wizard.field_name_item(3)
    assert address.text() == "address" and address.flags() & Qt.ItemFlag.ItemIsEditable
    assert wizard.field_name_item(0).text() == "" and not wizard.field_name_item(0).flags() & Qt.ItemFlag.ItemIsEditable
    address.setText("street")
    rating = wizard.mapping_combo(5)  # MEMBER_RATING: skipped by default, named after its header once a field
    rating.setCurrentIndex(rating.findData("field"))
    assert wizard.field_name_item(5).text() == "MEMBER_RATING"
    wizard.field_name_item(5).setText("  ")  # a blank name falls back to the header
    assert wizard.field_name_item(5).text() == "MEMBER_RATING"
    click(qtbot, wizard.next_button)
    with qtbot.waitSignal(wizard.imported, timeout=20_000):
        click(qtbot, wizard.next_button)
    mary = contacts.find_by_email(app, "mc.one@example.com")
    assert mary.fields["street"] == "1 Main St, Springfield" and "address" not in mary.fields
    assert mary.fields["MEMBER_RATING"] == "2"
    assert wizard.no_issues_label.isVisible() and not wizard.issues_view.isVisible()
