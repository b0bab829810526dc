"""Restoring an older backup over the current data keeps the opt-outs and erasures made since."""

from __future__ import annotations

import pytest
from memkeyring import MemoryKeyring

from mailer_desktop.domain import consent
from mailer_desktop.services.app import open_app
from mailer_desktop.services.backup import archive as backup
from mailer_desktop.services.contacts import people as contacts_service
from mailer_desktop.services.contacts import suppression
from mailer_desktop.services.contacts.rights import erase_person

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    from mailer_desktop.services.backup import format as backup_format

    monkeypatch.setattr(backup_format, "SCRYPT_N", 1 << 12)


def _all_bytes(home) -> bytes:
    return b"".join(p.read_bytes() for p in home.rglob("*") if p.is_file() and "backups" not in p.parts)


def _status_change(app, email: str, kind: str) -> None:
    person = contacts_service.find_by_email(app, email)
    contacts_service.change_status(app, person.id, kind, "cli", evidence="reply")


def test_later_opt_outs_and_erasures_survive_a_restore(app, keyring_backend):
    for name in ("alice", "bob", "dora", "erin", "fred"):
        contacts_service.add_contact(app, f"{name}@example.com", name.title(), confirmed=True, evidence="form")
    contacts_service.add_contact(app, "robert.unique.person@example.net", "Robert Quintessential-Unique",
                                 confirmed=True, evidence="form")
    info = backup.create_backup(app, PASS)
    # After the backup: an unsubscribe, a complaint, a hard bounce, an erasure and a domain block.
    _status_change(app, "alice@example.com", consent.EV_UNSUBSCRIBED)
    _status_change(app, "dora@example.com", consent.EV_COMPLAINED)
    _status_change(app, "erin@example.com", consent.EV_BOUNCED)
    erase_person(app, "bob@example.com", channel="cli")
    erase_person(app, "robert.unique.person@example.net", channel="cli")
    suppression.suppress(app, "blocked.example", reason="manual")
    home = app.paths.home
    app.close()

    report = backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert report.replaced_existing
    carried = report.as_dict()
    assert carried["suppressions_kept"] == 6 and carried["erasures_reapplied"] == 2
    assert carried["opt_outs_applied"] == 3 and carried["suppressions_not_carried"] == 0
    assert report.contacts == 4  # bob is not back

    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "bob@example.com") is None
        assert suppression.is_suppressed(again, "bob@example.com")
        expected = {"alice": "unsubscribed", "dora": "complained", "erin": "bounced", "fred": "confirmed"}
        for name, status in expected.items():
            assert contacts_service.find_by_email(again, f"{name}@example.com").status == status
        alice = contacts_service.find_by_email(again, "alice@example.com")
        kept = [e for e in contacts_service.consent_trail(again, alice.id) if e.channel == "restore"]
        assert [(e.kind, e.status_before, e.status_after) for e in kept] == [("unsubscribed", "confirmed",
                                                                              "unsubscribed")]
        assert "after this backup" in kept[0].evidence
        assert suppression.is_suppressed(again, "anyone@blocked.example")
    finally:
        again.close()
    left = _all_bytes(home)  # the erasures reached the restored file too, every byte of them
    assert b"robert.unique.person" not in left and b"Quintessential" not in left
    assert b"quintessential" not in left  # nor a word of them in the search index


def test_a_restore_from_another_data_folder_carries_nothing_and_says_so(app, keyring_backend, tmp_path):
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    info = backup.create_backup(app, PASS)
    other_home, other_keyring = tmp_path / "other", MemoryKeyring()
    other = open_app(other_home, keyring_backend=other_keyring, log_to_file=False)
    contacts_service.add_contact(other, "zed@example.com")
    erase_person(other, "zed@example.com")
    suppression.suppress(other, "alice@example.com", reason="manual")
    other.close()

    report = backup.restore_backup(other_home, info.path, PASS, keyring_backend=other_keyring, force=True)
    assert report.carried.suppressions_kept == 0 and report.carried.suppressions_not_carried == 2
    restored = open_app(other_home, keyring_backend=other_keyring, log_to_file=False)
    try:  # another folder's hashes mean nothing under this backup's key: alice stays as she was
        assert contacts_service.find_by_email(restored, "alice@example.com").status == "confirmed"
    finally:
        restored.close()


def test_nothing_to_carry_into_a_new_computer(app, tmp_path):
    contacts_service.add_contact(app, "alice@example.com")
    info = backup.create_backup(app, PASS)
    report = backup.restore_backup(tmp_path / "new", info.path, PASS, keyring_backend=MemoryKeyring())
    assert report.carried.suppressions_kept == 0 and report.carried.suppressions_not_carried == 0


def test_later_erasures_are_kept_when_the_keyring_lost_the_keys(app, keyring_backend):
    """The missing-keys path: the keyring was wiped, the backup brings the keys back; the
    database's record of the key shows the entries were made with the backup's key."""
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    info = backup.create_backup(app, PASS)
    erase_person(app, "alice@example.com", channel="cli")
    home = app.paths.home
    app.close()
    keyring_backend.store.clear()  # a wiped keyring
    report = backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert report.carried.erasures_reapplied == 1 and report.carried.suppressions_not_carried == 0
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "alice@example.com") is None
    finally:
        again.close()


def test_a_backup_made_before_the_suppression_key_existed_still_keeps_later_opt_outs(app, keyring_backend):
    from mailer_desktop.secrets import SUPPRESSION_KEY

    info = backup.create_backup(app, PASS)  # nothing suppressed or added yet: no suppression key
    assert app.secrets.get_key(SUPPRESSION_KEY) is None
    contacts_service.add_contact(app, "alice@example.com")
    erase_person(app, "alice@example.com", channel="cli")
    suppression.suppress(app, "blocked.example", reason="manual")
    home = app.paths.home
    app.close()
    report = backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert report.carried.suppressions_kept == 2 and report.carried.suppressions_not_carried == 0
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert suppression.is_suppressed(again, "alice@example.com")
        assert suppression.is_suppressed(again, "anyone@blocked.example")
    finally:
        again.close()


def test_a_contact_bounced_by_repeated_soft_bounces_gets_that_status_back(app, keyring_backend):
    contacts_service.add_contact(app, "soft@example.com", confirmed=True, evidence="form")
    info = backup.create_backup(app, PASS)
    person = contacts_service.find_by_email(app, "soft@example.com")
    contacts_service.change_status(app, person.id, consent.EV_BOUNCED, "inbox", suppress_reason="soft_bounce")
    home = app.paths.home
    app.close()
    report = backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert report.carried.opt_outs_applied == 1
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "soft@example.com").status == "bounced"
    finally:
        again.close()


def test_an_unreadable_current_database_is_reported(tmp_path, keyring_backend):
    from mailer_desktop.services.backup import carryover as restore_carryover

    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # a header and nothing readable
    carry = restore_carryover.read_current(broken, keyring_backend)
    assert carry is not None and carry.unreadable
    import sqlite3

    result = restore_carryover.apply(sqlite3.connect(":memory:"), carry, b"k" * 32)
    assert result.current_unreadable and "could not be read" in result.summary()
    assert restore_carryover.read_current(tmp_path / "missing.sqlite3", keyring_backend) is None
