"""The keyring seam: round trips, no silent fallback, no secrets in logs."""

from __future__ import annotations

import logging
import os
import uuid

import keyring
import keyring.backends.fail
import pytest

from mailer_desktop.logging_setup import configure
from mailer_desktop.secrets import TOKEN_KEY, KeyringUnavailable, SecretStore


def test_round_trip_in_memory(keyring_backend):
    store = SecretStore("abc", keyring_backend)
    store.set("smtp-password:1", "s3cret!")
    assert store.get("smtp-password:1") == "s3cret!"
    store.delete("smtp-password:1")
    assert store.get("smtp-password:1") is None
    key = store.ensure_key(TOKEN_KEY)
    assert len(key) == 32 and store.ensure_key(TOKEN_KEY) == key


def test_data_folders_do_not_share_secrets(keyring_backend):
    a, b = SecretStore("one", keyring_backend), SecretStore("two", keyring_backend)
    a.set("x", "alpha")
    assert b.get("x") is None


def test_no_backend_gives_a_plain_message():
    store = SecretStore("abc", keyring.backends.fail.Keyring())
    assert not store.available()
    with pytest.raises(KeyringUnavailable) as info:
        store.set("smtp-password:1", "pw")
    message = str(info.value)
    assert "keyring.backends.fail.Keyring" in message  # which backend was found
    assert "never in a file" in message
    assert "gnome-keyring" in message.lower() or "keychain" in message.lower() or "credential" in message.lower()


def test_plaintext_backend_is_refused():
    class PlaintextKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def get_password(self, s, u):
            return None

        def set_password(self, s, u, p):
            raise AssertionError("must never be called")

        def delete_password(self, s, u):
            pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    store = SecretStore("abc", PlaintextKeyring())
    with pytest.raises(KeyringUnavailable):
        store.set("smtp-password:1", "pw")


def test_secrets_never_reach_the_log(tmp_path, keyring_backend):
    log_file = configure(tmp_path / "logs")
    store = SecretStore("abc", keyring_backend)
    store.set("smtp-password:7", "hunter2-very-secret")
    logging.getLogger("mailer_desktop.test").warning("login failed with password hunter2-very-secret")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "login failed with password ***" in text
    assert "hunter2-very-secret" not in text


@pytest.mark.real_keyring
def test_round_trip_through_the_real_os_keyring():
    if os.environ.get("MAILER_DESKTOP_REAL_KEYRING") != "1":
        pytest.skip("no real keyring session (./scripts/test starts gnome-keyring under dbus-run-session)")
    store = SecretStore(f"test-{uuid.uuid4().hex[:8]}")  # the system's default backend
    assert "SecretService" in store.backend_name() or "secret" in store.backend_name().lower()
    store.check()
    store.set("smtp-password:1", "real-keyring-pw")
    assert store.get("smtp-password:1") == "real-keyring-pw"
    key = store.ensure_key(TOKEN_KEY)
    assert SecretStore(store.service.split("/", 1)[1]).get_key(TOKEN_KEY) == key
    store.delete("smtp-password:1")
    store.delete(TOKEN_KEY)
    assert store.get("smtp-password:1") is None
