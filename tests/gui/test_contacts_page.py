"""The Contacts page driven as a user would (pytest-qt), and its table model without a view."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import suppression
from mailer_desktop.storage.contacts import ContactQuery
from mailer_desktop.ui.models.contacts_model import PAGE_SIZE, ContactsModel


def _fill(app, n: int = 40) -> None:
    with app.db.transaction() as conn:
        for i in range(n):
            contacts.add_contact(app, f"user{i:03d}@example.com", f"Person {i:03d}", conn=conn)
        contacts.add_contact(app, "anna.smith@shop.example", "Anna Smith", confirmed=True, evidence="form",
                             conn=conn)
        contacts.add_contact(app, "jo@other.example", "Jo Smithers", conn=conn)


def _settled(qtbot, page):
    """Searches and filters are read in the background: wait for the table to show them."""
    qtbot.waitUntil(lambda: not page.model.searching, timeout=10000)


def _click_row(qtbot, page, row: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _wait_idle(qtbot, page):
    qtbot.waitUntil(lambda: not page.job_bar.busy and page.ctx.jobs.active == [], timeout=10000)


def test_model_windows_rows_and_sorts_without_a_view(app):
    _fill(app, 3 * PAGE_SIZE)
    model = ContactsModel(app)
    model.refresh()
    assert model.rowCount() == 3 * PAGE_SIZE + 2
    assert model.cached_rows() == 0  # nothing read before a row is asked for
    assert model.data(model.index(0, 0)) == "anna.smith@shop.example"
    assert model.cached_rows() == PAGE_SIZE
    last = model.rowCount() - 1
    assert model.data(model.index(last, 0)) == f"user{3 * PAGE_SIZE - 1:03d}@example.com"
    assert model.cached_rows() <= 2 * PAGE_SIZE
    assert model.data(model.index(0, 2)) == "Confirmed"
    assert "campaigns" in model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 1)) == f"Person {3 * PAGE_SIZE - 1:03d}"
    model.update_query(search="smith")
    assert model.rowCount() == 2
    model.update_query(search="", status="confirmed")
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == ["anna.smith@shop.example"]
    assert model.ids_for_rows([0]) == [contacts.find_by_email(app, "anna.smith@shop.example").id]


def test_typing_a_search_filters_the_table(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    assert page.stack.currentIndex() == 1 and page.model.total == 42
    qtbot.keyClicks(page.search, "smi")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=10000)
    assert "2 contacts" in page.count_label.text()
    qtbot.keyClicks(page.search, "th anna")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=10000)
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 42, timeout=10000)


def test_status_filter_and_sort_by_header(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    page.status_filter.setFocus()
    page.status_filter.setCurrentIndex(page.status_filter.findData("confirmed"))
    assert page.model.searching  # read in the background
    _settled(qtbot, page)
    assert page.model.total == 1
    page.status_filter.setCurrentIndex(0)
    _settled(qtbot, page)
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    first = page.model.data(page.model.index(0, 1))
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert {first, page.model.data(page.model.index(0, 1))} == {"Anna Smith", "Person 039"}
    x = header.sectionViewportPosition(3) + header.sectionSize(3) // 2  # Lists: not sortable
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert header.sortIndicatorSection() == 1 and page.model.query.sort == "name"


def test_empty_page_then_add_contact_through_the_dialog(qtbot, app, make_page):
    page = make_page()
    assert page.stack.currentIndex() == 0

    def script(dialog):
        qtbot.keyClicks(dialog.email, "not an address")
        assert not dialog.ok_button.isEnabled() and "not valid" in dialog.error.text()
        dialog.email.clear()
        qtbot.keyClicks(dialog.email, "new.person@example.com")
        qtbot.keyClicks(dialog.name, "New Person")
        dialog.confirmed.setChecked(True)
        assert not dialog.ok_button.isEnabled()  # proof required
        qtbot.keyClicks(dialog.proof, "signed form at the shop, 3 May")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    page.prompts.dialog_script = script
    page.add_contact()
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=10000)
    assert page.stack.currentIndex() == 1
    c = contacts.find_by_email(app, "new.person@example.com")
    assert c.status == "confirmed" and contacts.consent_trail(app, c.id)[0].evidence.startswith("signed form")


def test_dialog_checks_implied_consent_dates(qtbot, app, make_page):
    from PySide6.QtCore import QDate

    page = make_page()
    bought = QDate.currentDate().addMonths(-2)

    def script(dialog):
        qtbot.keyClicks(dialog.email, "buyer@example.com")
        dialog.confirmed.setChecked(True)
        qtbot.keyClicks(dialog.proof, "invoice 2231")
        dialog.basis.setCurrentIndex(dialog.basis.findData("implied"))
        dialog.purchase.setDate(QDate.currentDate().addYears(-3))
        assert not dialog.ok_button.isEnabled() and "ended two years later" in dialog.error.text()
        dialog.purchase.setDate(QDate.currentDate().addDays(3))
        assert "future" in dialog.error.text()
        dialog.purchase.setDate(bought)
        assert dialog.ok_button.isEnabled()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    page.prompts.dialog_script = script
    page.add_contact()
    c = contacts.find_by_email(app, "buyer@example.com")
    expected = bought.addYears(2).toString("yyyy-MM-dd")
    assert (c.status, c.consent_basis, c.consent_expires_at) == ("confirmed", "implied", expected)


def test_dialog_refuses_a_suppressed_address_and_stays_open(qtbot, app, make_page):
    suppression.suppress(app, "blocked.example")
    page = make_page()

    def script(dialog):
        qtbot.keyClicks(dialog.email, "x@blocked.example")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and "suppression list" in dialog.error.text()
        dialog.reject()

    page.prompts.dialog_script = script
    page.add_contact()
    assert contacts.count(app) == 0


def test_select_edit_shows_trail_in_detail_panel(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 0)
    assert page.detail.contact.email == "anna.smith@shop.example"
    assert page.detail.trail.rowCount() == 1

    def script(dialog):
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Anna Smith-Berg")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    page.prompts.dialog_script = script
    qtbot.mouseClick(page.detail.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.detail.contact is not None and page.detail.contact.name == "Anna Smith-Berg",
                    timeout=10000)
    assert page.detail.trail.item(0, 1).text() == "Details changed"  # trail events in words
    assert page.model.searching  # the table re-reads in the background; the edited contact is shown at once
    _settled(qtbot, page)
    assert page.model.data(page.model.index(0, 1)) == "Anna Smith-Berg"


def test_bulk_unsubscribe_with_confirmation(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 1)
    _click_row(qtbot, page, 3, Qt.KeyboardModifier.ShiftModifier)
    assert page.selected_count() == 3 and "3 selected" in page.count_label.text()
    chosen = page.selected_ids()
    page.prompts.answers["confirm"] = [False]
    qtbot.mouseClick(page.bulk_unsubscribe, Qt.MouseButton.LeftButton)
    assert all(contacts.get_contact(app, i).status == "pending" for i in chosen)
    _click_row(qtbot, page, 1)
    _click_row(qtbot, page, 3, Qt.KeyboardModifier.ShiftModifier)
    page.prompts.answers["confirm"] = [True]
    qtbot.mouseClick(page.bulk_unsubscribe, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, page)
    assert all(contacts.get_contact(app, i).status == "unsubscribed" for i in chosen)
    assert all(suppression.is_suppressed(app, contacts.get_contact(app, i).email) for i in chosen)
    page.status_filter.setCurrentIndex(page.status_filter.findData("unsubscribed"))
    _settled(qtbot, page)
    assert page.model.total == 3


def test_bulk_add_to_new_list_and_filter_by_list_panel(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 0)
    _click_row(qtbot, page, 1, Qt.KeyboardModifier.ControlModifier)
    page.prompts.answers["item"] = ["VIP"]
    qtbot.mouseClick(page.bulk_add, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, page)
    vip = contacts.find_list(app, "VIP")
    assert vip is not None and contacts.count(app, ContactQuery(list_id=vip.id)) == 2
    qtbot.waitUntil(lambda: not page.lists_panel.reading, timeout=5000)  # the panel reads sizes in a thread
    page.lists_panel.select_list(vip.id)
    _settled(qtbot, page)
    assert page.model.total == 2
    assert page.lists_panel.view.currentItem().text() == "VIP (2)"
    page.prompts.answers["text"] = ["Friends"]
    qtbot.mouseClick(page.lists_panel.rename_button, Qt.MouseButton.LeftButton)
    assert contacts.get_list(app, vip.id).name == "Friends"
    page.prompts.answers["confirm"] = [True]
    qtbot.mouseClick(page.lists_panel.delete_button, Qt.MouseButton.LeftButton)
    _settled(qtbot, page)
    assert contacts.all_lists(app) == [] and page.model.total == 42


def test_one_person_unsubscribed_from_the_selection_bar_after_asking(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 0)
    email = page.detail.contact.email
    before = page.detail.contact.status
    # one place for each action: the person's pane has no second Unsubscribe or Erase
    assert not hasattr(page.detail, "unsubscribe_button") and not hasattr(page.detail, "erase_button")
    assert page.detail.export_button.text() == "Export their data…"
    assert page.export_button.text() == "Export to CSV…"
    told: list[str] = []
    page.ctx.events.status_message.connect(told.append)
    page.prompts.answers["confirm"] = [False]
    qtbot.mouseClick(page.bulk_unsubscribe, Qt.MouseButton.LeftButton)
    assert page.prompts.asked[-1] == ("confirm", "Unsubscribe")
    assert contacts.find_by_email(app, email).status == before != "unsubscribed"
    page.prompts.answers["confirm"] = [True]
    qtbot.mouseClick(page.bulk_unsubscribe, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, page)
    assert contacts.find_by_email(app, email).status == "unsubscribed"
    qtbot.waitUntil(lambda: f"Unsubscribed {email}." in told, timeout=5000)


def test_erase_one_person_after_confirmation(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 0)
    email = page.detail.contact.email
    page.prompts.answers["confirm"] = [True]
    qtbot.mouseClick(page.bulk_erase, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 41, timeout=10000)
    assert contacts.find_by_email(app, email) is None
    assert suppression.suppression_of(app, email).reason == "erased"
    assert page.detail.contact is None
    # compacted from the worker thread while the window's own connection stayed open
    for suffix in ("", "-wal"):
        path = Path(str(app.paths.database) + suffix)
        raw = path.read_bytes().lower() if path.exists() else b""
        assert b"anna.smith" not in raw and b"anna smith" not in raw


def test_delete_key_erases_the_selection_after_asking(qtbot, app, make_page):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 5)
    email = page.detail.contact.email
    page.table.setFocus()
    assert [t for t, _slot in page.context_menu_actions()][-1] == "Erase…"
    page.prompts.answers["confirm"] = [False]
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert page.prompts.asked[-1] == ("confirm", "Erase contacts") and contacts.find_by_email(app, email)
    page.prompts.answers["confirm"] = [True]
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    _wait_idle(qtbot, page)
    assert contacts.find_by_email(app, email) is None


def test_bulk_erase_and_export(qtbot, app, make_page, tmp_path):
    _fill(app)
    page = make_page()
    _click_row(qtbot, page, 2)
    target = tmp_path / "person.json"
    page.prompts.answers["save_path"] = [str(target)]
    qtbot.mouseClick(page.detail.export_button, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, page)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["contact"]["email"] == "user000@example.com"
    assert data["consent_trail"][-1]["kind"] == "exported"
    _click_row(qtbot, page, 2)
    _click_row(qtbot, page, 5, Qt.KeyboardModifier.ShiftModifier)
    page.prompts.answers["confirm"] = [True]
    qtbot.mouseClick(page.bulk_erase, Qt.MouseButton.LeftButton)
    _wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 38, timeout=10000)
    assert suppression.count_suppressions(app, reason="erased") == 4


def test_old_pending_contacts_are_purged_when_the_page_opens(qtbot, app, make_page):
    c = contacts.add_contact(app, "old@example.com")
    contacts.add_contact(app, "new@example.com")
    app.db.conn.execute("UPDATE contacts SET created_at = '2020-01-01T00:00:00Z' WHERE id = ?", (c.id,))
    page = make_page()
    _wait_idle(qtbot, page)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=10000)
    assert contacts.find_by_email(app, "old@example.com") is None


def test_import_button_opens_the_import_wizard(qtbot, app, make_page):
    from mailer_desktop.ui.dialogs.import_wizard import ImportWizard

    _fill(app, 2)
    page = make_page()
    assert page.import_button.isVisible()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in page.findChildren(ImportWizard)), timeout=10000)
    for wizard in page.findChildren(ImportWizard):
        wizard.reject()


def test_a_big_list_gets_its_order_in_the_background_and_windows_come_from_it(qtbot, app, make_page,
                                                                              monkeypatch):
    from mailer_desktop.ui.models import contacts_model

    monkeypatch.setattr(contacts_model, "ORDER_MIN_ROWS", 30)
    monkeypatch.setattr(contacts_model, "PAGE_SIZE", 7)  # many windows over a small list
    with app.db.transaction() as conn:
        for i in range(60):
            contacts.add_contact(app, f"m{(i * 37) % 60:02d}@example.com", f"Name {(i * 11) % 60:02d}", conn=conn,
                                 lists=["Big"] if i % 3 else ["Small"])
    big, small = contacts.find_list(app, "Big").id, contacts.find_list(app, "Small").id
    page = make_page()
    _wait_idle(qtbot, page)
    without = ContactsModel(app)  # the same queries read window by window from the database
    for list_id, sort, descending in ((big, "email", False), (big, "name", True), (small, "email", False)):
        page.model.update_query(list_id=list_id, sort=sort, descending=descending)
        if list_id == big:  # 40 members: at least ORDER_MIN_ROWS
            qtbot.waitUntil(lambda: page.model.has_order, timeout=10000)
        else:  # 20 members: below it too, no order is read
            _wait_idle(qtbot, page)
            assert not page.model.has_order
        without.set_query(page.model.query)
        rows = [page.model.contact_at(r).id for r in reversed(range(page.model.total))]  # deep windows first
        assert rows == [without.contact_at(r).id for r in reversed(range(without.total))]
        assert len(rows) == (40 if list_id == big else 20)
    page.model.update_query(list_id=big, sort="email", descending=False)
    qtbot.waitUntil(lambda: page.model.has_order, timeout=10000)
    contacts.add_contact(app, "late@example.com", lists=["Big"])
    page.model.refresh()  # data changed: the old order is dropped and read again
    assert not page.model.has_order
    qtbot.waitUntil(lambda: page.model.has_order, timeout=10000)
    assert "late@example.com" in {page.model.contact_at(r).email for r in range(page.model.total)}
    before = [page.model.contact_at(r).id for r in range(page.model.total)]
    page.select_rows([0, 5, 6, 40])  # bulk actions act on the rows as shown, taken from the same order
    assert page.selected_ids() == [before[0], before[5], before[6], before[40]]
    assert page.model.ids_for_rows([40, 0]) == [before[0], before[40]]
    page.model._order_ready(page.model._generation - 1, [1, 2, 3])  # read for an older query: dropped
    page.model._pages.clear()
    assert [page.model.contact_at(r).id for r in range(page.model.total)] == before


def test_deep_windows_of_a_big_list_wait_for_its_order_instead_of_holding_the_window(qtbot, app, make_page,
                                                                                     monkeypatch):
    from mailer_desktop.services.contacts import people as contact_service
    from mailer_desktop.ui.models import contacts_model

    monkeypatch.setattr(contacts_model, "ORDER_MIN_ROWS", 30)
    monkeypatch.setattr(contacts_model, "PAGE_SIZE", 7)
    monkeypatch.setattr(contacts_model, "DEFER_AFTER_ROW", 14)
    monkeypatch.setattr(contacts_model, "ORDER_DELAY_MS", 60_000)  # a blank window asks for the order at once
    with app.db.transaction() as conn:
        for i in range(60):
            contacts.add_contact(app, f"m{(i * 37) % 60:02d}@example.com", conn=conn, lists=["Big"] if i % 3 else [])
    big = contacts.find_list(app, "Big").id
    page = make_page()
    _wait_idle(qtbot, page)
    expected = ContactsModel(app)
    expected.set_query(ContactQuery(list_id=big))
    model = page.model
    with qtbot.waitSignal(model.dataChanged, timeout=10000):
        model.update_query(list_id=big)
        assert model.contact_at(3).id == expected.contact_at(3).id  # near the top: read at once
        assert model.contact_at(30) is None and model.data(model.index(30, 0)) == "…"  # waiting for now
        assert model.data(model.index(30, 1)) is None
    assert model.has_order
    assert [model.contact_at(r).id for r in range(40)] == [expected.contact_at(r).id for r in range(40)]

    def fails(*_args, **_kwargs):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(contact_service, "ordered_ids", fails)
    with qtbot.waitSignal(model.dataChanged, timeout=10000):
        model.refresh()
        assert model.contact_at(30) is None
    assert not model.has_order  # the order could not be read: the windows come from the database
    assert [model.contact_at(r).id for r in range(40)] == [expected.contact_at(r).id for r in range(40)]


def test_the_count_says_searching_only_when_a_read_takes_a_while(qtbot, app, make_page, monkeypatch):
    import threading

    from mailer_desktop.ui.pages import contacts as contacts_page

    _fill(app)
    page = make_page()
    release = threading.Event()
    real = contacts.search_hits

    def slow_in_the_reader(app_, query, conn=None):
        if query.search == "slow" and threading.current_thread() is not threading.main_thread():
            release.wait(10)
        return real(app_, query, conn)

    monkeypatch.setattr(contacts, "search_hits", slow_in_the_reader)
    page.search.setText("smith")
    page.apply_filters()
    assert "searching" not in page.count_label.text()  # a quick read shows no note
    _settled(qtbot, page)
    page.search.setText("slow")
    page.apply_filters()
    page.table.selectRow(0)  # the count is written again, still without the note
    assert page.model.searching and "searching" not in page.count_label.text()
    assert "1 selected" in page.count_label.text()
    qtbot.waitUntil(lambda: "searching" in page.count_label.text(), timeout=contacts_page.SEARCHING_NOTE_MS + 3000)
    release.set()
    _settled(qtbot, page)
    assert "searching" not in page.count_label.text() and page.model.total == 0


def test_lists_panel_reads_sizes_in_a_thread_of_its_own(qtbot, app, make_page, monkeypatch):
    import threading

    from mailer_desktop.ui.pages import contacts_panels

    _fill(app)
    page = make_page()
    panel = page.lists_panel
    readers: list[str] = []
    real = contacts_panels.contact_service.all_lists

    def all_lists(*args, **kwargs):
        readers.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(contacts_panels.contact_service, "all_lists", all_lists)
    vip = contacts.create_list(app, "VIP")
    contacts.add_to_list(app, vip.id, [1, 2, 3])
    for _ in range(5):  # changes reported one after another: one read, and at most one more after it
        page.ctx.events.lists_changed.emit()
    assert panel.reading
    qtbot.waitUntil(lambda: not panel.reading, timeout=5000)
    shown = [panel.view.item(i).text() for i in range(panel.view.count())]
    assert "VIP (3)" in shown and shown[0] == "All contacts (42)"
    assert 1 <= len(readers) <= 2 and set(readers) == {"lists-reader"}


def test_lists_panel_reads_on_the_window_thread_when_its_thread_fails(qtbot, app, make_page, monkeypatch):
    import threading

    from mailer_desktop.ui.pages import contacts_panels

    _fill(app)
    page = make_page()
    panel = page.lists_panel
    real = contacts_panels.contact_service.all_lists

    def all_lists(*args, **kwargs):
        if threading.current_thread().name == "lists-reader":
            raise OSError("disk went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(contacts_panels.contact_service, "all_lists", all_lists)
    contacts.create_list(app, "Late")
    panel.reload_soon()
    qtbot.waitUntil(lambda: not panel.reading, timeout=5000)
    assert any(panel.view.item(i).text() == "Late (0)" for i in range(panel.view.count()))


def test_the_page_reads_its_first_rows_once(qtbot, app, make_page, monkeypatch):
    from mailer_desktop.ui.models import contacts_model

    _fill(app)
    counted: list[object] = []  # the table's reads (each counts the contacts its query shows)
    real = contacts_model.contact_service.search_hits

    def search_hits(app_, query, *args, **kwargs):
        counted.append(query)
        return real(app_, query, *args, **kwargs)

    monkeypatch.setattr(contacts_model.contact_service, "search_hits", search_hits)
    page = make_page()
    # switching sorting on and showing the default order ask for the order already shown: no re-read
    assert len(counted) == 1 and page.model.total == 42
    page.model.sort(0, Qt.SortOrder.AscendingOrder)
    assert len(counted) == 1
    page.model.sort(0, Qt.SortOrder.DescendingOrder)
    assert len(counted) == 2 and page.model.query.descending


def test_someone_who_opted_out_is_asked_again_only_with_a_reason(qtbot, app, make_page):
    from send_fixtures import loopback_account
    from smtp_servers import CountingHandler, Server

    from mailer_desktop.services.sending.identity import save_sender

    save_sender(app, name="Corner Bakery", from_address="news@bakery.example",
                postal_address="12 Baker Street, Springfield", unsubscribe_mailbox="news@bakery.example")
    person = contacts.add_contact(app, "back@example.com", "Rosa Back", confirmed=True, evidence="form")
    contacts.change_status(app, person.id, "unsubscribed", "cli", "link")
    with Server(CountingHandler()) as srv:
        loopback_account(app, srv.port, name="shop")
        app.settings.set("sending.default_account", "shop")
        page = make_page()
        _click_row(qtbot, page, 0)
        button = page.detail.request_button
        assert button.isEnabled() and button.text() == "Ask to confirm again…"
        page.prompts.answers["text"] = ["  "]  # no reason given: nothing is sent
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        assert page.prompts.errors and "asked to come back" in page.prompts.errors[-1]
        assert srv.handler.messages == []
        page.prompts.answers["text"] = ["asked at the counter on Saturday"]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        _wait_idle(qtbot, page)
        qtbot.waitUntil(lambda: len(srv.handler.messages) == 1, timeout=10000)
    assert b"back@example.com" in srv.handler.messages[0]
    trail = contacts.consent_trail(app, person.id)
    assert [e.kind for e in trail[-2:]] == ["note", "confirmation_requested"]
    assert "asked at the counter" in trail[-2].evidence and "after the opt-out" in trail[-2].evidence
    assert contacts.get_contact(app, person.id).status == "unsubscribed"  # only their reply brings them back
