"""Property tests over random event sequences applied through the real services and a real
SQLite file: no sequence makes a contact mailable without a recorded confirmation after its
last opt-out, and an erased address never comes back."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from memkeyring import MemoryKeyring

from mailer_desktop.domain import consent
from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import rights
from mailer_desktop.services.contacts.errors import ContactError

ADDRESSES = ["anna@example.com", "Anna@Example.com", "bob@example.org"]

event = st.one_of(
    st.tuples(st.sampled_from(["import", "file_import"]), st.sampled_from(ADDRESSES), st.booleans()),
    st.tuples(st.sampled_from(["confirm", "confirm_no_evidence", "unsubscribe", "bounce", "complain",
                               "erase", "edit", "list"]), st.sampled_from(ADDRESSES), st.just(False)),
)


def _apply(app, action: str, address: str, with_proof: bool) -> None:
    found = contacts.find_by_email(app, address)
    try:
        if action == "import":
            contacts.add_contact(app, address, "Someone", channel="import", confirmed=with_proof,
                                 evidence="imported proof" if with_proof else "", lists=["Imported"])
        elif action == "file_import":  # the importer's path (CSV text, merge with existing contacts)
            from mailer_desktop.services.importing.importer import ImportOptions, import_text

            options = ImportOptions(consent="confirmed" if with_proof else "pending",
                                    proof="signup sheet at the fair" if with_proof else "", list_name="Fair")
            import_text(app, f"email,name\n{address},Someone Else\n", options)
        elif found is None:
            return
        elif action == "erase":
            rights.erase_person(app, found.id, compact_file=False)
        elif action == "edit":
            contacts.update_contact(app, found.id, name="Renamed", fields={"k": "v"})
        elif action == "list":
            contacts.add_to_list(app, contacts.ensure_list(app, "Other").id, [found.id])
        else:
            kind, evidence = {
                "confirm": (consent.EV_CONFIRMED, "<reply@mail.example>"),
                "confirm_no_evidence": (consent.EV_CONFIRMED, ""),
                "unsubscribe": (consent.EV_UNSUBSCRIBED, ""),
                "bounce": (consent.EV_BOUNCED, "5.1.1"),
                "complain": (consent.EV_COMPLAINED, "ARF"),
            }[action]
            contacts.change_status(app, found.id, kind, "inbox", evidence=evidence)
    except (ContactError, consent.ConsentError):
        pass  # refused changes are part of what is being tested: they must leave no trace


def _check(app, erased_keys: set[str]) -> None:
    from mailer_desktop.services.contacts import suppression

    for address in ADDRESSES:
        c = contacts.find_by_email(app, address)
        key = address.lower()
        if key in erased_keys:
            assert c is None, "an erased address came back"
            assert suppression.is_suppressed(app, address)
            continue
        if c is None or not c.mailable():
            continue
        trail = contacts.consent_trail(app, c.id)
        opt_outs = [e.id for e in trail if e.status_after in consent.OPTED_OUT]
        confirmations = [e for e in trail if e.status_after == consent.CONFIRMED
                         and e.kind in (consent.EV_CONFIRMED, *consent.CREATION_EVENTS) and e.evidence.strip()]
        assert confirmations, "mailable without any recorded confirmation"
        if opt_outs:
            assert any(e.kind == consent.EV_CONFIRMED and e.id > max(opt_outs) for e in confirmations), \
                "mailable again without a new confirmation after the last opt-out"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(event, min_size=1, max_size=14))
def test_random_event_sequences_keep_the_consent_rules(events):
    home = Path(tempfile.mkdtemp(prefix="consent-prop-"))
    app = open_app(home, keyring_backend=MemoryKeyring(), log_to_file=False)
    try:
        erased: set[str] = set()
        for action, address, flag in events:
            existed = contacts.find_by_email(app, address) is not None
            _apply(app, action, address, flag)
            if action == "erase" and existed:
                erased.add(address.lower())
            _check(app, erased)
    finally:
        app.close()
        shutil.rmtree(home, ignore_errors=True)
