"""The missing-key guard: lost or replaced keys are reported, never silently re-created."""

from __future__ import annotations

import pytest

from mailer_desktop.secrets import SUPPRESSION_KEY, TOKEN_KEY, KeyringUnavailable
from mailer_desktop.services.app import open_app
from mailer_desktop.services.backup import archive as backup
from mailer_desktop.services.backup import keys_guard
from mailer_desktop.services.backup.keys_guard import KeysMissing
from mailer_desktop.services.contacts import people as contacts_service
from mailer_desktop.storage.meta import get_meta

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    # The scrypt cost is stored in each file's header; a lower one keeps these tests quick.
    from mailer_desktop.services.backup import format as backup_format

    monkeypatch.setattr(backup_format, "SCRYPT_N", 1 << 12)



def _reopen(app, keyring_backend):
    home = app.paths.home
    app.close()
    return open_app(home, keyring_backend=keyring_backend, log_to_file=False)


def test_new_folder_creates_keys_and_records_fingerprints(app):
    assert keys_guard.check_keys(app) is None
    key = app.token_key()
    assert app.token_key() == key and len(key) == 32
    recorded = get_meta(app.db.conn, "key_fingerprint:token-key")
    assert recorded == keys_guard.fingerprint(key) and key.hex() not in recorded
    app.suppression_key()
    assert get_meta(app.db.conn, "key_fingerprint:suppression-key") is not None


def test_wiped_keyring_blocks_and_offers_restore(app, keyring_backend, tmp_path):
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    old_key = app.token_key()
    info = backup.create_backup(app, PASS)
    keyring_backend.store.clear()  # the keyring was wiped (or the folder moved to another computer)
    app = _reopen(app, keyring_backend)
    try:
        problem = keys_guard.check_keys(app)
        assert problem is not None and set(problem.missing) == {TOKEN_KEY, SUPPRESSION_KEY}
        assert "Restore a backup" in problem.message
        with pytest.raises(KeysMissing, match="token key"):
            app.token_key()
        with pytest.raises(KeysMissing):
            app.suppression_key()
        assert keyring_backend.store == {}  # nothing was created behind the user's back
        # What the start-up dialog offers: the newest good backup of this folder.
        offered = backup.newest_good_backup(backup.backup_folder(app), app.install_id)
        assert offered is not None and offered.path == info.path
        home = app.paths.home
        app.close()
        backup.restore_backup(home, offered.path, PASS, keyring_backend=keyring_backend, force=True)
        app = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
        assert keys_guard.check_keys(app) is None
        assert app.token_key() == old_key
    finally:
        app.close()


def test_guard_works_without_the_startup_check(app, keyring_backend):
    """A shell that forgot check_keys() still cannot mint a new key for a used folder."""
    app.token_key()
    keyring_backend.store.clear()
    app = _reopen(app, keyring_backend)
    try:
        with pytest.raises(KeysMissing) as caught:
            app.token_key()
        assert isinstance(caught.value, KeyringUnavailable)  # both shells show it like a keyring problem
        assert caught.value.problem.missing == [TOKEN_KEY]
    finally:
        app.close()


def test_replaced_key_is_noticed(app, keyring_backend):
    app.suppression_key()
    app.secrets.set_key(SUPPRESSION_KEY, b"\x01" * 32)  # another key under the same name
    app = _reopen(app, keyring_backend)
    try:
        problem = keys_guard.check_keys(app)
        assert problem is not None and problem.replaced == [SUPPRESSION_KEY]
        assert "different" in problem.message
        with pytest.raises(KeysMissing):
            app.suppression_key()
    finally:
        app.close()


def test_suppressions_without_key_or_fingerprint_count_as_used(app, keyring_backend):
    with app.db.transaction() as conn:  # a folder from before fingerprints were recorded
        conn.execute("INSERT INTO suppressions(hash, reason, created_at) VALUES ('ab', 'manual', 'now')")
    problem = keys_guard.check_keys(app)
    assert problem is not None and problem.missing == [SUPPRESSION_KEY]
    with pytest.raises(KeysMissing):
        app.suppression_key()
    assert app.token_key()  # the token key was never used: creating it is fine


def test_accepting_new_keys_unblocks_and_is_recorded(app, keyring_backend):
    old = app.token_key()
    contacts_service.add_contact(app, "alice@example.com")
    keyring_backend.store.clear()
    app = _reopen(app, keyring_backend)
    try:
        assert keys_guard.check_keys(app) is not None
        assert "cannot be undone" in keys_guard.NEW_KEYS_WARNING
        changed = keys_guard.accept_new_keys(app)
        assert TOKEN_KEY in changed
        new = app.token_key()
        assert new != old
        assert keys_guard.check_keys(app) is None
        assert get_meta(app.db.conn, "keys_replaced_at")
        assert keys_guard.accept_new_keys(app) == []
    finally:
        app.close()


def test_no_backup_without_the_keys_so_good_backups_are_kept(app, keyring_backend):
    app.token_key()
    good = backup.create_backup(app, PASS)
    app.settings.set("backup.keep", 1)
    keyring_backend.store.clear()
    app = _reopen(app, keyring_backend)
    try:
        with pytest.raises(backup.BackupError, match="No backup was made"):
            backup.create_backup(app, PASS)
        assert [i.path for i in backup.list_backups(app.paths.backups)] == [good.path]
    finally:
        app.close()
