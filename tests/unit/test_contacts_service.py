"""services/contacts/people and services/contacts/lists against a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest

from mailer_desktop.domain import consent
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import suppression
from mailer_desktop.services.contacts.errors import (
    ContactError,
    ContactNotFound,
    DuplicateContactError,
    SuppressedError,
)
from mailer_desktop.storage.contacts import ContactQuery


def test_add_normalises_validates_and_records_creation(app):
    c = contacts.add_contact(app, "  <Anna.Berg@EXAMPLE.com> ", "  Anna   Berg ", {"city": "Oslo"},
                             source="fair 2026", lists=["News", "Shop"])
    assert (c.email, c.email_key, c.name) == ("Anna.Berg@example.com", "anna.berg@example.com", "Anna Berg")
    assert c.status == "pending" and c.lists == ("News", "Shop") and c.source == "fair 2026"
    trail = contacts.consent_trail(app, c.id)
    assert [e.kind for e in trail] == ["created", "list_added", "list_added"]
    assert trail[0].status_before is None and trail[0].status_after == "pending"
    assert contacts.find_by_email(app, "anna.berg@example.com").id == c.id
    with pytest.raises(DuplicateContactError, match="already a contact"):
        contacts.add_contact(app, "ANNA.BERG@example.com")
    with pytest.raises(ContactError, match="not a valid email address"):
        contacts.add_contact(app, "anna@@example")


def test_import_channel_writes_imported_event_and_proof_makes_confirmed(app):
    c = contacts.add_contact(app, "a@example.com", channel="import", confirmed=True,
                             evidence="signed up at the till", wording="Yes, send me news")
    event = contacts.consent_trail(app, c.id)[0]
    assert (event.kind, event.evidence, event.wording) == ("imported", "signed up at the till", "Yes, send me news")
    assert c.status == "confirmed" and c.consent_basis == "express" and c.mailable()
    with pytest.raises(ContactError, match="proof"):
        contacts.add_contact(app, "b@example.com", confirmed=True)


def test_implied_consent_gets_casl_expiry(app):
    c = contacts.add_contact(app, "buyer@example.com", confirmed=True, evidence="invoice 17",
                             basis="implied", purchase_date="2025-05-01")
    assert c.consent_expires_at == "2027-05-01"
    assert c.mailable(date(2027, 4, 30)) and not c.mailable(date(2027, 5, 1))
    with pytest.raises(ContactError, match="purchase"):
        contacts.add_contact(app, "x@example.com", confirmed=True, evidence="e", basis="implied")
    with pytest.raises(ContactError, match="date"):
        contacts.add_contact(app, "y@example.com", confirmed=True, evidence="e", basis="implied",
                             purchase_date="last tuesday")
    with pytest.raises(ContactError, match="in the future"):
        contacts.add_contact(app, "z@example.com", confirmed=True, evidence="e", basis="implied",
                             purchase_date="2999-01-01")
    # a confirmation turns implied consent into express consent with no expiry
    c = contacts.change_status(app, c.id, "confirmed", "email_reply", evidence="<r@x>")
    assert (c.consent_basis, c.consent_expires_at) == ("express", None)


def test_suppressed_addresses_and_domains_are_refused(app):
    suppression.suppress(app, "blocked@example.com")
    suppression.suppress(app, "spammy.example")
    with pytest.raises(SuppressedError, match="manual"):
        contacts.add_contact(app, "Blocked@example.com")
    with pytest.raises(SuppressedError, match="whole domain"):
        contacts.add_contact(app, "anyone@SPAMMY.example")
    assert contacts.count(app) == 0


def test_update_logs_what_changed_and_checks_the_new_address(app):
    a = contacts.add_contact(app, "a@example.com", "A", {"city": "Oslo"})
    contacts.add_contact(app, "b@example.com")
    c = contacts.update_contact(app, a.id, name="Anne", fields={"city": "Bergen", "zip": "5003"})
    assert c.name == "Anne" and c.fields == {"city": "Bergen", "zip": "5003"}
    edited = contacts.consent_trail(app, a.id)[-1]
    assert edited.kind == "edited" and edited.evidence == "changed: name, fields.city, fields.zip"
    assert "Bergen" not in edited.evidence  # values are not copied into the trail
    with pytest.raises(DuplicateContactError):
        contacts.update_contact(app, a.id, email="B@example.com")
    suppression.suppress(app, "gone@example.com")
    with pytest.raises(SuppressedError):
        contacts.update_contact(app, a.id, email="gone@example.com")
    n = len(contacts.consent_trail(app, a.id))
    assert contacts.update_contact(app, a.id, name="Anne") == c  # no change, no event
    assert len(contacts.consent_trail(app, a.id)) == n
    c = contacts.update_contact(app, a.id, email="A.New@example.com")
    assert c.email_key == "a.new@example.com"
    with pytest.raises(ContactNotFound):
        contacts.update_contact(app, 9999, name="x")


def test_opt_out_suppresses_and_confirmation_lifts_only_its_own_entry(app):
    c = contacts.add_contact(app, "a@example.com", confirmed=True, evidence="form")
    c = contacts.change_status(app, c.id, "bounced", "inbox", evidence="5.1.1")
    assert c.status == "bounced" and not c.mailable()
    assert suppression.suppression_of(app, "a@example.com").reason == "hard_bounce"
    c = contacts.change_status(app, c.id, "unsubscribed", "inbox")
    assert c.status == "bounced"  # severity kept, event still recorded
    trail = contacts.consent_trail(app, c.id)
    assert (trail[-1].kind, trail[-1].status_before, trail[-1].status_after) == ("unsubscribed", "bounced", "bounced")
    c = contacts.change_status(app, c.id, "confirmed", "email_reply", evidence="<m@x>")
    assert c.mailable() and not suppression.is_suppressed(app, "a@example.com")
    # a manual entry is the user's decision: a confirmation does not lift it
    suppression.suppress(app, "a@example.com", "manual")
    contacts.change_status(app, c.id, "confirmed", "email_reply", evidence="<m2@x>")
    assert suppression.is_suppressed(app, "a@example.com")


def test_soft_bounce_reason_can_be_given(app):
    c = contacts.add_contact(app, "a@example.com")
    contacts.change_status(app, c.id, "bounced", "inbox", suppress_reason="soft_bounce")
    assert suppression.suppression_of(app, "a@example.com").reason == "soft_bounce"


def test_refused_change_leaves_no_trace(app):
    c = contacts.add_contact(app, "a@example.com")
    contacts.change_status(app, c.id, "unsubscribed", "gui")
    before = contacts.consent_trail(app, c.id)
    with pytest.raises(consent.ConsentError):
        contacts.change_status(app, c.id, "confirmed", "gui", evidence="")
    with pytest.raises(consent.ConsentError, match="not a status change"):
        contacts.change_status(app, c.id, "edited", "gui")
    assert contacts.consent_trail(app, c.id) == before
    assert contacts.get_contact(app, c.id).status == "unsubscribed"


def test_caller_transaction_is_joined_and_rolled_back_as_one(app):
    with pytest.raises(RuntimeError), app.db.transaction() as conn:
        contacts.add_contact(app, "a@example.com", lists=["L"], conn=conn)
        contacts.add_contact(app, "b@example.com", conn=conn)
        raise RuntimeError("import failed halfway")
    assert contacts.count(app) == 0 and contacts.all_lists(app) == []


def test_confirmation_requests_are_counted_with_wording(app):
    c = contacts.add_contact(app, "a@example.com")
    contacts.mark_confirmation_requested(app, c.id, "Please confirm by replying.", evidence="<req1@shop>")
    c = contacts.get_contact(app, c.id)
    assert c.confirm_sent_count == 1 and c.confirm_sent_at is not None
    ev = contacts.consent_trail(app, c.id)[-1]
    assert (ev.kind, ev.wording) == ("confirmation_requested", "Please confirm by replying.")
    contacts.record_event(app, c.id, "note", "gui", evidence="called by phone")
    with pytest.raises(consent.ConsentError):
        contacts.record_event(app, c.id, "confirmed", "gui")


def test_consent_events_cannot_be_changed_directly(app):
    import sqlite3

    c = contacts.add_contact(app, "a@example.com")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        app.db.conn.execute("UPDATE consent_events SET evidence = 'forged' WHERE contact_id = ?", (c.id,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        app.db.conn.execute("DELETE FROM consent_events WHERE contact_id = ?", (c.id,))


def test_lists_create_rename_delete_and_membership(app):
    a = contacts.add_contact(app, "a@example.com")
    b = contacts.add_contact(app, "b@example.com")
    news = contacts.create_list(app, "News", "monthly")
    with pytest.raises(contacts.ListError, match="already exists"):
        contacts.create_list(app, "news")
    with pytest.raises(contacts.ListError, match="needs a name"):
        contacts.create_list(app, "   ")
    assert contacts.ensure_list(app, "NEWS").id == news.id
    assert contacts.add_to_list(app, news.id, [a.id, b.id, a.id, 999]) == 2
    assert contacts.all_lists(app)[0].members == 2
    assert contacts.remove_from_list(app, news.id, [b.id]) == 1
    assert contacts.get_contact(app, b.id).lists == ()
    assert [e.kind for e in contacts.consent_trail(app, b.id)][-2:] == ["list_added", "list_removed"]
    other = contacts.create_list(app, "Other")
    with pytest.raises(contacts.ListError, match="already exists"):
        contacts.rename_list(app, other.id, "News")
    assert contacts.rename_list(app, news.id, "Newsletter").name == "Newsletter"
    contacts.delete_list(app, news.id)
    assert contacts.get_contact(app, a.id).lists == () and contacts.get_contact(app, a.id) is not None
    with pytest.raises(contacts.ListError, match="no list"):
        contacts.add_to_list(app, news.id, [a.id])


def test_windowed_queries_search_filter_sort(app):
    for i in range(30):
        contacts.add_contact(app, f"user{i:02d}@example.com", f"Name {29 - i:02d}")
    contacts.add_contact(app, "anna.smith@shop.example", "Anna Smith", lists=["VIP"])
    contacts.add_contact(app, "jo@other.example", "Jo Smithers", confirmed=True, evidence="e")
    vip = contacts.find_list(app, "vip")
    page = contacts.contact_page(app, ContactQuery(), 0, 5)
    assert [c.email for c in page][:2] == ["anna.smith@shop.example", "jo@other.example"]
    assert contacts.count(app) == 32
    assert {c.email for c in contacts.contact_page(app, ContactQuery(search="smi"), 0, 50)} == {
        "anna.smith@shop.example", "jo@other.example"}
    assert [c.email for c in contacts.contact_page(app, ContactQuery(search="anna shop"), 0, 50)] == [
        "anna.smith@shop.example"]
    assert contacts.count(app, ContactQuery(search="smi", status="confirmed")) == 1
    assert contacts.count(app, ContactQuery(list_id=vip.id)) == 1
    names = [c.name for c in contacts.contact_page(app, ContactQuery(sort="name", descending=True), 0, 3)]
    assert names == ["Name 29", "Name 28", "Name 27"]
    assert contacts.contact_page(app, ContactQuery(), 30, 10)[-1].email == "user29@example.com"
    assert contacts.count(app, ContactQuery(search="@@ ..")) == 32  # nothing searchable: no filter
    assert contacts.status_counts(app) == {"pending": 31, "confirmed": 1, "unsubscribed": 0,
                                           "bounced": 0, "complained": 0}
    assert [c.email for c in contacts.iter_contacts(app, ContactQuery(status="confirmed"))] == ["jo@other.example"]


def test_mailable_ids_respect_status_list_and_expiry(app):
    a = contacts.add_contact(app, "a@example.com", confirmed=True, evidence="e", lists=["L"])
    contacts.add_contact(app, "b@example.com", lists=["L"])
    old = contacts.add_contact(app, "c@example.com", confirmed=True, evidence="invoice", basis="implied",
                               purchase_date="2020-01-01", lists=["L"])
    lst = contacts.find_list(app, "L")
    assert contacts.mailable_contact_ids(app, lst.id) == [a.id]
    assert contacts.mailable_contact_ids(app, lst.id, today=date(2021, 6, 1)) == [a.id, old.id]


def test_address_prefix_search_and_both_search_plans_agree(app, monkeypatch):
    from mailer_desktop.storage import contacts as store

    with app.db.transaction() as conn:
        for i in range(60):
            contacts.add_contact(app, f"smith{i:02d}@example.com", f"Kim Smith {i}", conn=conn,
                                 confirmed=i % 2 == 0, evidence="form")
        contacts.add_contact(app, "Zed.Smith@Other.example", "Zed", conn=conn)
    assert [c.email for c in contacts.contact_page(app, ContactQuery(search="zed.smith@oth"), 0, 10)] == [
        "Zed.Smith@other.example"]
    assert contacts.count(app, ContactQuery(search="SMITH1")) == 10  # smith1x@ via the search index
    assert contacts.count(app, ContactQuery(search="smith1@")) == 0  # an address start: exact prefix
    assert contacts.search_hits(app, ContactQuery(search="kim")) == 60
    small = ContactQuery(search="smith", status="confirmed", sort="name", descending=True)
    expected = [c.id for c in contacts.contact_page(app, small, 5, 20)]
    expected_count = contacts.count(app, small)
    monkeypatch.setattr(store, "SMALL_SEARCH", 3)  # windows try the index walk
    monkeypatch.setattr(store, "BIG_SEARCH", 3)  # counts use it
    assert [c.id for c in contacts.contact_page(app, small, 5, 20)] == expected
    assert contacts.count(app, small) == expected_count == 30
    monkeypatch.setattr(store, "WALK_OPS_PER_HIT", 0)  # the walk runs out of budget: lookup plan
    monkeypatch.setattr(store._Budget, "STEP", 1)
    ticks = []
    original_tick = store._Budget._tick
    monkeypatch.setattr(store._Budget, "_tick", lambda self: ticks.append(1) or original_tick(self))
    assert [c.id for c in contacts.contact_page(app, small, 5, 20)] == expected
    assert len(ticks) == 2  # interrupted on the second check, then answered by the lookup plan
    assert contacts.contact_page(app, ContactQuery(search="zed"), 0, 5)[0].name == "Zed"


def test_search_sorted_by_address_reads_the_narrow_index_with_the_same_results(app, monkeypatch):
    from mailer_desktop.storage import contacts as store

    with app.db.transaction() as conn:
        for i in range(90):
            first = ("anna", "walter", "zoe")[i % 3]
            contacts.add_contact(app, f"{first}.{('smith', 'berg')[i % 2]}{i:02d}@example.com",
                                 f"{first.title()} {i}", conn=conn, lists=["L"] if i % 4 == 0 else ())
    lst = contacts.find_list(app, "L")
    queries = [ContactQuery(search=text, descending=desc, list_id=list_id)
               for text in ("walter", "smith", "anna berg", "example", "zz")
               for desc in (False, True) for list_id in (None, lst.id)]
    queries += [ContactQuery(search="walter", sort="nosuch"), ContactQuery(search="walter", status="pending"),
                ContactQuery(search="walter", sort="name"), ContactQuery(), ContactQuery(search="walter.smith@")]

    def windows():
        return [[c.id for c in contacts.contact_page(app, q, offset, 7)] for q in queries for offset in (0, 5, 25)]

    statements: list[str] = []
    app.db.conn.set_trace_callback(statements.append)
    covered = windows()
    app.db.conn.set_trace_callback(None)
    used = [s for s in statements if "INDEXED BY contacts_by_id_email_key" in s]
    assert used and all("c.status" not in s and "ORDER BY c.email_key" in s for s in used)
    monkeypatch.setattr(store, "LOOKUP_INDEXES", {})  # the simple lookup over the contact rows
    assert windows() == covered
    monkeypatch.setattr(store, "SMALL_SEARCH", 3)  # windows try the index walk, then the lookup
    monkeypatch.setattr(store, "WALK_OPS_PER_HIT", 0)
    monkeypatch.setattr(store._Budget, "STEP", 1)
    assert windows() == covered
    monkeypatch.setattr(store, "LOOKUP_INDEXES", {"email": "contacts_by_id_email_key"})
    assert windows() == covered
    assert covered[0] == [c.id for c in sorted(
        (contacts.get_contact(app, i) for i in range(1, 91)), key=lambda c: c.email)
        if "walter" in c.email][:7]
