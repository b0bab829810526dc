"""Real returned mail acts when it refers to mail this data folder sent, and only then.

Every bounce and complaint of the corpus is processed twice into a real data folder: as it is
(it refers to mail sent by someone else, so it must change nobody, even when its recipient is
one of our contacts) and re-addressed to us — the returned message's Message-ID replaced by one
in our send log — when it must act as its kind says.
"""

from __future__ import annotations

import pytest
from inbox_fixtures import record_sent

from mailer_desktop.domain.inbox import classify
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts.errors import ContactError
from mailer_desktop.services.inbox import processor as inbox_processor
from mailer_desktop.services.inbox.sources import SourceMessage

EXPECTED = {"hard": "bounced", "complaint": "complained"}


def _returned(raw: bytes):
    results = classify(raw)
    kinds = {r.kind for r in results}
    mids = {r.original_message_id for r in results if r.original_message_id}
    return results, kinds, mids


def _process(app, raw: bytes, label: str):
    return inbox_processor.process_messages(app, [SourceMessage(raw, label, label)])


def test_corpus_returns_act_only_on_mail_we_sent(app, corpus_dir):
    files = sorted((corpus_dir / "emails").glob("*.eml"))
    acted = untouched = 0
    for n, path in enumerate(files):
        raw = path.read_bytes()
        results, kinds, mids = _returned(raw)
        kind = next((k for k in ("complaint", "hard") if k in kinds), None)
        if kind is None or len(mids) != 1:
            continue
        original = next(iter(mids))
        # As it is: even when its recipient is our contact, it refers to nothing we sent.
        recipients = [r.recipient for r in results if r.kind == kind and r.recipient]
        named = None
        if recipients:
            try:
                named = contacts.add_contact(app, recipients[0], confirmed=True, evidence="test", channel="cli")
            except ContactError:
                named = contacts.find_by_email(app, recipients[0])
        if named is not None:
            before = contacts.get_contact(app, named.id).status
            _process(app, raw, f"as-is/{path.name}")
            assert contacts.get_contact(app, named.id).status == before, path.name
            untouched += 1
        # Re-addressed to us: our Message-ID in place of the original one.
        ours = f"corpus-{n}@bakery.example"
        person = contacts.add_contact(app, f"c{n}@customers.example", confirmed=True, evidence="test", channel="cli")
        record_sent(app, person.id, ours)
        again = raw.replace(original.encode(), ours.encode())
        with app.db.transaction() as conn:  # forget the as-is copy: the same mail is not processed twice
            conn.execute("DELETE FROM inbox_messages")
        report = _process(app, again, f"ours/{path.name}")
        assert report.processed == 1, path.name
        assert contacts.get_contact(app, person.id).status == EXPECTED[kind], (path.name, report.outcomes)
        acted += 1
    if acted == 0:
        pytest.fail("no corpus mail with a returned Message-ID was found")
    print(f"acted on {acted} re-addressed returns, {untouched} as-is returns changed nobody")
    assert acted >= 20 and untouched >= 10, (acted, untouched)
