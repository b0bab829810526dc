"""Creating, listing, pruning and restoring backups with a real database file and keyring seam."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from memkeyring import MemoryKeyring

from mailer_desktop.domain import tokens
from mailer_desktop.secrets import SUPPRESSION_KEY, TOKEN_KEY, SecretStore
from mailer_desktop.services.app import open_app
from mailer_desktop.services.backup import archive as backup
from mailer_desktop.services.backup.restore import BackupTooNewError, RestoreWouldOverwriteError
from mailer_desktop.services.contacts import people as contacts_service
from mailer_desktop.services.contacts import suppression
from mailer_desktop.services.contacts.errors import SuppressedError
from mailer_desktop.services.contacts.rights import erase_person

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    # The scrypt cost is stored in each file's header; a lower one keeps these tests quick.
    from mailer_desktop.services.backup import format as backup_format

    monkeypatch.setattr(backup_format, "SCRYPT_N", 1 << 12)



def _file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def populated(app):
    alice = contacts_service.add_contact(app, "alice@example.com", "Alice", confirmed=True, evidence="form 1")
    bob = contacts_service.add_contact(app, "bob@example.com", "Bob", confirmed=True, evidence="form 2")
    contacts_service.add_contact(app, "carol@example.com", "Carol", confirmed=True, evidence="form 3")
    erase_person(app, "carol@example.com", channel="cli")
    suppression.suppress(app, "spam.example", reason="manual")
    app.settings.set("sender.business_name", "Shop Ltd")
    return {"alice": alice, "bob": bob}


def test_backup_and_restore_into_a_new_computer(app, populated, tmp_path):
    token = tokens.unsubscribe_token(app.token_key(), populated["bob"].token_subject)
    info = backup.create_backup(app, PASS)
    assert info.ok and info.path.parent == app.paths.backups and info.size > 0
    assert info.install_id == app.install_id
    assert b"alice@example.com" not in info.path.read_bytes()
    assert info.size < app.paths.database.stat().st_size / 2  # compressed before encryption

    new_home, new_keyring = tmp_path / "new-laptop", MemoryKeyring()
    report = backup.restore_backup(new_home, info.path, PASS, keyring_backend=new_keyring)
    assert report.install_id == app.install_id and report.contacts == 2
    assert report.secrets_restored == [SUPPRESSION_KEY, TOKEN_KEY] and not report.replaced_existing

    restored = open_app(new_home, keyring_backend=new_keyring, log_to_file=False)
    try:
        assert restored.install_id == app.install_id
        assert restored.secrets.service == f"mailer-desktop/{app.install_id}"
        # A link in mail sent before the backup names the same person after the restore.
        parsed = tokens.parse(restored.token_key(), f"Subject: unsubscribe {token}")
        assert parsed is not None
        assert contacts_service.find_by_token(restored, parsed.token_id).email == "bob@example.com"
        # The erased address is still refused; so is the suppressed domain.
        assert suppression.is_suppressed(restored, "carol@example.com")
        with pytest.raises(SuppressedError):
            contacts_service.add_contact(restored, "carol@example.com")
        assert suppression.is_suppressed(restored, "anyone@spam.example")
        assert restored.settings.get("sender.business_name") == "Shop Ltd"
    finally:
        restored.close()


def test_backup_while_another_connection_writes(app, tmp_path):
    """The snapshot is one consistent state even while another thread keeps committing."""
    stop, started = threading.Event(), threading.Event()
    written = []

    def writer():
        n = 0
        while not stop.is_set():
            contacts_service.add_contact(app, f"w{n}@example.com", f"W {n}")  # contact + event, one txn
            n += 1
            written.append(n)
            if n >= 5:
                started.set()
        app.db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert started.wait(30)
        infos = [backup.create_backup(app, PASS, prune=False) for _ in range(2)]
        before_stop = len(written)
    finally:
        stop.set()
        thread.join(30)
    assert before_stop >= 5
    for i, info in enumerate(infos):
        home = tmp_path / f"r{i}"
        report = backup.restore_backup(home, info.path, PASS, keyring_backend=MemoryKeyring())
        restored = open_app(home, keyring_backend=MemoryKeyring(), log_to_file=False)
        try:
            conn = restored.db.conn
            n_contacts = conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0]
            n_events = conn.execute("SELECT COUNT(*) FROM consent_events WHERE kind='created'").fetchone()[0]
            assert n_contacts == n_events == report.contacts  # never half a transaction
            assert 5 <= n_contacts <= len(written)
            assert restored.db.integrity_check() is None
        finally:
            restored.close()


def test_wrong_passphrase_changes_nothing(app, populated, tmp_path):
    info = backup.create_backup(app, PASS)
    target = tmp_path / "fresh"
    with pytest.raises(backup.WrongPassphraseError, match="passphrase does not open"):
        backup.restore_backup(target, info.path, "not the passphrase", keyring_backend=MemoryKeyring())
    assert not target.exists()


@pytest.mark.parametrize("damage", ["truncate", "flip", "append"])
def test_damaged_file_over_existing_folder_changes_nothing(app, populated, keyring_backend, damage):
    info = backup.create_backup(app, PASS)
    blob = bytearray(info.path.read_bytes())
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    elif damage == "flip":
        blob[len(blob) // 2] ^= 0x40
    else:
        blob += b"\0" * 10
    info.path.write_bytes(bytes(blob))
    contacts_service.add_contact(app, "dave@example.com", confirmed=True, evidence="x")
    app.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home = app.paths.home
    app.close()
    before_db, before_keys = _file_digest(app.paths.database), dict(keyring_backend.store)
    with pytest.raises(backup.BackupDamagedError, match=r"incomplete|tampered|damaged"):
        backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert _file_digest(app.paths.database) == before_db
    assert keyring_backend.store == before_keys
    assert not list(home.glob("*.before-restore*")) and not list(home.glob(".restore-*"))


def test_restore_over_data_needs_confirmation(app, populated, keyring_backend):
    info = backup.create_backup(app, PASS)
    contacts_service.add_contact(app, "later@example.com", confirmed=True, evidence="x")
    home = app.paths.home
    app.close()
    with pytest.raises(RestoreWouldOverwriteError, match="holds data"):
        backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend)
    report = backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert report.replaced_existing
    assert not list(home.glob("*.before-restore*"))
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "later@example.com") is None
        assert contacts_service.find_by_email(again, "alice@example.com") is not None
    finally:
        again.close()


def test_restore_over_a_new_keyring_entry_puts_the_old_keys_back(app, populated, keyring_backend):
    old_token_key = app.token_key()
    info = backup.create_backup(app, PASS)
    home, install_id = app.paths.home, app.install_id
    app.close()
    keyring_backend.store.clear()  # a wiped keyring
    backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert SecretStore(install_id, keyring_backend).get_key(TOKEN_KEY) == old_token_key


def _corrupt(db_path) -> None:
    """Overwrite the header of the contacts table's root page (what a failing disk does)."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'contacts'").fetchone()[0]
    conn.close()
    data = bytearray(db_path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    start = (root - 1) * page
    data[start:start + 12] = b"\xff" * 12
    db_path.write_bytes(bytes(data))


def test_damaged_database_is_not_backed_up_and_old_backups_stay(app, populated):
    good = backup.create_backup(app, PASS)
    for i in range(30):
        contacts_service.add_contact(app, f"more{i}@example.com", "x" * 200)
    app.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    app.db.close()
    _corrupt(app.paths.database)
    with pytest.raises(backup.DatabaseDamagedError, match="integrity check"):
        backup.create_backup(app, PASS)
    assert [i.path for i in backup.list_backups(app.paths.backups)] == [good.path]
    assert backup.newest_good_backup(app.paths.backups).path == good.path


def test_restore_over_a_damaged_database_keeps_it_aside(app, populated, keyring_backend):
    info = backup.create_backup(app, PASS)
    for i in range(30):
        contacts_service.add_contact(app, f"more{i}@example.com", "x" * 200)
    app.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home = app.paths.home
    app.close()
    _corrupt(app.paths.database)
    damaged_digest = _file_digest(app.paths.database)
    with pytest.raises(RestoreWouldOverwriteError, match="damaged database"):
        backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend)
    report = backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert report.damaged_kept is not None and _file_digest(report.damaged_kept) == damaged_digest
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert again.db.integrity_check() is None
        assert contacts_service.find_by_email(again, "alice@example.com") is not None
    finally:
        again.close()


def test_newest_good_backup_skips_broken_ones(app, populated):
    first = backup.create_backup(app, PASS)
    second = backup.create_backup(app, PASS)
    assert backup.newest_good_backup(app.paths.backups).path == second.path
    second.path.write_bytes(second.path.read_bytes()[:-100])
    listed = backup.list_backups(app.paths.backups)
    assert [i.path for i in listed] == [second.path, first.path]
    assert not listed[0].ok and "incomplete" in listed[0].problem
    assert backup.newest_good_backup(app.paths.backups).path == first.path
    assert backup.newest_good_backup(app.paths.backups, passphrase="wrong passphrase") is None
    assert backup.newest_good_backup(app.paths.backups, passphrase=PASS).path == first.path


def test_keeps_the_last_n_of_this_folder_only(app, tmp_path):
    folder = tmp_path / "cloud"
    app.settings.set("backup.folder", str(folder))
    app.settings.set("backup.keep", 2)
    other = open_app(tmp_path / "other", keyring_backend=MemoryKeyring(), log_to_file=False)
    try:
        foreign = backup.create_backup(other, PASS, to=folder / "mailer-desktop-20000101-000000.mdbackup")
    finally:
        other.close()
    made = [backup.create_backup(app, PASS) for _ in range(4)]
    mine = backup.list_backups(folder, app.install_id)
    assert [i.path for i in mine] == [made[3].path, made[2].path]
    assert foreign.path.exists()
    assert all(i.size > 0 and i.created_at for i in mine)


def test_passwords_only_when_asked(app, tmp_path):
    app.secrets.set(SecretStore.smtp_name(1), "smtp-secret")
    plain = backup.verify_backup(backup.create_backup(app, PASS).path, PASS)
    assert SecretStore.smtp_name(1) not in plain["secrets"] and not plain["includes_passwords"]
    with_pw = backup.create_backup(app, PASS, include_passwords=True)
    assert SecretStore.smtp_name(1) in backup.verify_backup(with_pw.path, PASS)["secrets"]
    kr = MemoryKeyring()
    backup.restore_backup(tmp_path / "n", with_pw.path, PASS, keyring_backend=kr)
    assert SecretStore(app.install_id, kr).get(SecretStore.smtp_name(1)) == "smtp-secret"
    assert SecretStore(app.install_id, kr).get(backup.AUTO_PASSPHRASE) is None


def test_older_backup_is_upgraded_and_newer_refused(tmp_path):
    from mailer_desktop.config import resolve_paths
    from mailer_desktop.services.app import App
    from mailer_desktop.services.backup.format import BackupWriter
    from mailer_desktop.storage.db import Database
    from mailer_desktop.storage.meta import ensure_install_id
    from mailer_desktop.storage.schema import load_migrations

    latest = load_migrations()[-1].version
    if latest < 2:
        pytest.skip("only one migration exists")
    paths = resolve_paths(tmp_path / "old").ensure()
    db = Database.open(paths.database, migrate=False)
    db.migrate(upto=1)
    with db.transaction() as conn:
        install_id = ensure_install_id(conn)
    old = App(paths=paths, db=db, secrets=SecretStore(install_id, MemoryKeyring()), install_id=install_id)
    info = backup.create_backup(old, PASS)
    old.close()
    assert info.schema_version == 1
    report = backup.restore_backup(tmp_path / "new", info.path, PASS, keyring_backend=MemoryKeyring())
    assert (report.schema_in_backup, report.schema_now) == (1, latest)

    future = tmp_path / "future.mdbackup"
    with open(future, "wb") as fh, BackupWriter(fh, PASS, {"install_id": "x", "schema_version": latest + 1}) as w:
        w.write(b"\0\0\0\2{}")
    with pytest.raises(BackupTooNewError, match="newer version"):
        backup.restore_backup(tmp_path / "f", future, PASS, keyring_backend=MemoryKeyring())
    assert not (tmp_path / "f").exists()


def test_automatic_backups_use_the_stored_passphrase(app):
    assert backup.maybe_backup_daily(app) is None  # not opted in: nothing happens
    with pytest.raises(backup.BackupError, match="at least 8"):
        backup.set_auto_passphrase(app, "short")
    backup.set_auto_passphrase(app, PASS)
    assert app.secrets.get(backup.AUTO_PASSPHRASE) == PASS
    first = backup.maybe_backup_daily(app)
    assert first is not None and first.ok
    assert backup.maybe_backup_daily(app) is None  # made less than a day ago
    later = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert backup.maybe_backup_daily(app, now=later) is not None
    assert backup.after_campaign(app, 7) is not None
    app.settings.set("backup.after_campaign", False)
    assert backup.after_campaign(app, 8) is None
    assert len(backup.list_backups(app.paths.backups)) == 3
    backup.set_auto_passphrase(app, None)
    assert backup.auto_passphrase(app) is None


def test_restore_into_the_open_app(app, populated):
    """The GUI's path: the same App object sees the restored folder afterwards."""
    key = app.token_key()
    info = backup.create_backup(app, PASS)
    contacts_service.add_contact(app, "later@example.com")
    seen_in_thread = []
    thread = threading.Thread(target=lambda: seen_in_thread.append(contacts_service.count(app)))
    thread.start()
    thread.join()
    report = backup.restore_into_app(app, info.path, PASS)
    assert report.replaced_existing and report.contacts == 2
    assert contacts_service.find_by_email(app, "later@example.com") is None
    assert contacts_service.count(app) == 2 and seen_in_thread == [3]
    assert app.token_key() == key
    with pytest.raises(backup.WrongPassphraseError):
        backup.restore_into_app(app, info.path, "wrong passphrase")
    assert contacts_service.count(app) == 2  # still usable after a refused restore


@pytest.mark.real_keyring
def test_restore_puts_keys_into_the_real_os_keyring(tmp_path):
    import os

    if os.environ.get("MAILER_DESKTOP_REAL_KEYRING") != "1":
        pytest.skip("no real keyring session (./scripts/test starts gnome-keyring under dbus-run-session)")
    source = open_app(tmp_path / "old", log_to_file=False)  # the system's keyring
    try:
        token_key, suppression_key = source.token_key(), source.suppression_key()
        info = backup.create_backup(source, PASS)
        install_id = source.install_id
        for name in (TOKEN_KEY, SUPPRESSION_KEY):
            source.secrets.delete(name)  # the old laptop is gone
    finally:
        source.close()
    backup.restore_backup(tmp_path / "new", info.path, PASS)
    store = SecretStore(install_id)
    try:
        assert store.get_key(TOKEN_KEY) == token_key and store.get_key(SUPPRESSION_KEY) == suppression_key
    finally:
        for name in (TOKEN_KEY, SUPPRESSION_KEY):
            store.delete(name)


def test_a_restore_cut_off_between_its_renames_is_undone_at_next_start(app, populated, keyring_backend):
    """Power lost after the database was moved aside but before the restored one moved in."""
    home, db_path = app.paths.home, app.paths.database
    app.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    app.close()
    db_path.rename(f"{db_path}.before-restore")
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "alice@example.com") is not None
        assert not list(home.glob("*.before-restore*"))
    finally:
        again.close()


def test_a_failure_while_swapping_files_puts_everything_back(app, populated, keyring_backend, monkeypatch):
    import os as real_os

    from mailer_desktop.services.backup import restore as backup_restore

    info = backup.create_backup(app, PASS)
    contacts_service.add_contact(app, "later@example.com")
    app.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home = app.paths.home
    app.close()
    keyring_backend.store[("mailer-desktop/" + app.install_id, TOKEN_KEY)] = "bmV3ZXIga2V5"
    before_keys = dict(keyring_backend.store)
    calls = []
    original_replace = real_os.replace

    def failing_replace(src, dst):
        calls.append((src, dst))
        if str(src).endswith("restored.sqlite3"):
            raise OSError(28, "No space left on device")
        return original_replace(src, dst)

    monkeypatch.setattr(backup_restore.os, "replace", failing_replace)
    with pytest.raises(backup.BackupError, match="No space left on device.*Nothing was changed"):
        backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    monkeypatch.undo()
    assert any(str(dst).endswith(".before-restore") for _src, dst in calls)  # it got that far
    assert keyring_backend.store == before_keys
    assert not list(home.glob("*.before-restore*"))
    again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert contacts_service.find_by_email(again, "later@example.com") is not None
    finally:
        again.close()


def test_backups_started_together_get_their_own_files(app):
    results, errors = [], []

    def run():
        try:
            results.append(backup.create_backup(app, PASS, prune=False))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert len({r.path for r in results}) == 3
    for info in results:
        assert backup.verify_backup(info.path, PASS)["install_id"] == app.install_id
    assert not list(app.paths.backups.glob(".*.partial"))


def test_no_restore_while_a_campaign_is_being_sent(app, populated, keyring_backend):
    from mailer_desktop.services.backup.restore import RestoreBusyError
    from mailer_desktop.services.sending.lock import CampaignLock

    info = backup.create_backup(app, PASS)
    home = app.paths.home
    app.close()
    before = _file_digest(app.paths.database)
    with CampaignLock(home, 3):  # what a running `campaign send 3` holds
        with pytest.raises(RestoreBusyError, match="Campaign 3 is being sent"):
            backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)
    assert _file_digest(app.paths.database) == before
    backup.restore_backup(home, info.path, PASS, keyring_backend=keyring_backend, force=True)


def test_the_dkim_key_of_the_from_domain_travels_along(app, tmp_path):
    from mailer_desktop.services.compose import dkim

    app.settings.set("sender.from_address", "news@Shop.example")
    record = dkim.generate_key(app, "mail2026", bits=1024)
    info = backup.create_backup(app, PASS)
    assert dkim.secret_name("shop.example") in backup.verify_backup(info.path, PASS)["secrets"]
    kr = MemoryKeyring()
    backup.restore_backup(tmp_path / "n", info.path, PASS, keyring_backend=kr)
    restored = open_app(tmp_path / "n", keyring_backend=kr, log_to_file=False)
    try:
        assert dkim.current_record(restored) == record  # same key, same DNS record to keep published
    finally:
        restored.close()
