"""Tokens name a person, never a recycled row id.

SQLite gives the highest contact id out again after that contact is deleted. These tests drive
add / import / erase / purge / re-add through the real services on a real SQLite file and check
that every token ever issued resolves to the very person it was issued to, or to nobody.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from memkeyring import MemoryKeyring

from mailer_desktop.config import resolve_paths
from mailer_desktop.domain import tokens
from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import rights
from mailer_desktop.services.contacts.errors import ContactError
from mailer_desktop.services.importing.importer import ImportOptions, import_text
from mailer_desktop.services.inbox import trust as inbox_trust
from mailer_desktop.storage.db import Database

ADDRESSES = [f"p{i}@example.com" for i in range(5)]

operation = st.one_of(
    st.tuples(st.sampled_from(["add", "import"]), st.sampled_from(ADDRESSES)),
    st.tuples(st.sampled_from(["erase"]), st.sampled_from(ADDRESSES)),
    st.tuples(st.just("purge"), st.just("")),
)


def _issue(app, person) -> list[tuple[str, tuple[int, int | None, str, str]]]:
    """The tokens a message to ``person`` carries, each with the identity of that person."""
    key = app.token_key()
    subject = person.token_subject
    who = (person.id, person.token_id, person.email, person.created_at)
    return [(tokens.unsubscribe_token(key, subject), who), (tokens.confirm_token(key, subject), who),
            (tokens.reference_token(key, 3, subject), who)]


def _resolve(app, token: str):
    found = tokens.find_all(app.token_key(), token)
    people, _gone = inbox_trust.token_contacts(app, found, "ucr", app.db.conn)
    return people[0][0] if people else None


def _apply(app, op: str, address: str, issued: list) -> None:
    try:
        if op == "add":
            person = contacts.add_contact(app, address, "Someone", channel="cli")
        elif op == "import":
            import_text(app, f"email,name\n{address},Someone Else\n", ImportOptions(list_name="Fair"))
            person = contacts.find_by_email(app, address)
        elif op == "erase":
            rights.erase_person(app, address, channel="cli", compact_file=False)
            return
        else:  # every pending contact is past its retention period
            rights.purge_pending(app, days=1, now=datetime.now(UTC) + timedelta(days=2))
            return
    except ContactError:  # a duplicate, a suppressed (erased) address, nobody to erase
        return
    if person is not None:
        issued.extend(_issue(app, person))


def _check(app, issued) -> None:
    for token, (row_id, token_id, email, created_at) in issued:
        person = _resolve(app, token)
        if person is None:
            continue
        assert (person.id, person.token_id, person.email, person.created_at) == (row_id, token_id, email,
                                                                                 created_at), token


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=st.lists(st.sampled_from(ADDRESSES), max_size=4, unique=True),
       ops=st.lists(operation, min_size=1, max_size=14))
def test_no_sequence_lets_an_earlier_token_act_on_another_person(before, ops):
    tmp = Path(tempfile.mkdtemp())
    try:
        app = open_app(tmp / "data", keyring_backend=MemoryKeyring(), log_to_file=False)
        try:
            issued: list = []
            # Contacts from before token ids: their tokens carry the row id (token id NULL).
            for address in before:
                person = contacts.add_contact(app, address, "Early", channel="cli")
                with app.db.transaction() as conn:
                    conn.execute("UPDATE contacts SET token_id = NULL WHERE id = ?", (person.id,))
                issued.extend(_issue(app, contacts.get_contact(app, person.id)))
            for op, address in ops:
                _apply(app, op, address, issued)
                _check(app, issued)
        finally:
            app.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_recycled_row_id_does_not_inherit_the_token(app):
    ann = contacts.add_contact(app, "ann@example.com", channel="cli")
    ben = contacts.add_contact(app, "ben@example.com", channel="cli")
    ben_tokens = _issue(app, ben)
    rights.erase_person(app, "ben@example.com", channel="cli", compact_file=False)
    carl = contacts.add_contact(app, "carl@example.com", channel="cli")
    assert carl.id == ben.id  # SQLite handed out ben's row id again
    assert carl.token_subject != ben.token_subject
    assert all(_resolve(app, token) is None for token, _ in ben_tokens)
    assert _resolve(app, _issue(app, carl)[1][0]).email == "carl@example.com"
    assert _resolve(app, _issue(app, ann)[0][0]).email == "ann@example.com"


def test_bulk_imported_contacts_get_distinct_token_ids(app):
    import_text(app, "email\n" + "".join(f"x{i}@example.com\n" for i in range(300)), ImportOptions())
    rows = app.db.conn.execute("SELECT id, token_id FROM contacts").fetchall()
    assert len(rows) == 300
    ids = [r["token_id"] for r in rows]
    assert None not in ids and len(set(ids)) == 300
    assert all(2**32 <= t < 2**32 + 2**59 for t in ids)  # never a row id of an older contact
    assert all(len(tokens.confirm_token(b"k" * 32, t)) <= 40 for t in ids[:5])


def test_existing_data_folders_keep_every_token_already_sent(tmp_path):
    """A data folder from before token ids: tokens sent then keep naming the same people after the
    upgrade, and a newcomer who later gets a freed row id does not inherit them."""
    home = tmp_path / "home"
    db = Database.open(resolve_paths(home).ensure().database, migrate=False)
    db.migrate(upto=6)
    now = "2026-11-01T10:00:00Z"
    with db.transaction() as conn:
        for i, address in enumerate(["ann@example.com", "ben@example.com", "cat@example.com"], start=1):
            conn.execute("INSERT INTO contacts (id, email, email_key, status, created_at, updated_at,"
                         " status_changed_at) VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                         (i, address, address, now, now, now))
    db.close()
    app = open_app(home, keyring_backend=MemoryKeyring(), log_to_file=False)
    try:
        key = app.token_key()
        old = {address: tokens.confirm_token(key, row_id)  # what the requests sent before carried
               for row_id, address in enumerate(["ann@example.com", "ben@example.com", "cat@example.com"], 1)}
        for address, token in old.items():
            assert _resolve(app, token).email == address
        assert contacts.find_by_email(app, "cat@example.com").token_id is None  # kept, so its tokens stay
        rights.erase_person(app, "cat@example.com", channel="cli", compact_file=False)
        dan = contacts.add_contact(app, "dan@example.com", channel="cli")
        assert dan.id == 3 and dan.token_id is not None
        assert _resolve(app, old["cat@example.com"]) is None
        assert _resolve(app, old["ann@example.com"]).email == "ann@example.com"
    finally:
        app.close()
