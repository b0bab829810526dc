"""``mailer-desktop-cli backup create | list | verify | restore``."""

from __future__ import annotations

import io
import json

import pytest
from memkeyring import MemoryKeyring

from mailer_desktop.cli import main
from mailer_desktop.secrets import SecretStore
from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts_service

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    # The scrypt cost is stored in each file's header; a lower one keeps these tests quick.
    from mailer_desktop.services.backup import format as backup_format

    monkeypatch.setattr(backup_format, "SCRYPT_N", 1 << 12)



@pytest.fixture
def stdin(monkeypatch):
    def feed(text: str):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
    return feed


def test_create_list_verify_restore(cli, app, stdin, tmp_path, capsys):
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    token_key = app.token_key()
    install_id = app.install_id
    app.close()

    stdin(PASS + "\n")
    code, out, err = cli("backup", "create", "--passphrase-stdin", "--json")
    assert code == 0, err
    made = json.loads(out)
    assert made["ok"] and made["size"] > 0 and made["file"].endswith(".mdbackup")

    code, out, _ = cli("backup", "list", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert [b["file"] for b in listed] == [made["file"]] and listed[0]["install_id"] == install_id

    stdin(PASS + "\n")
    code, out, err = cli("backup", "verify", made["file"], "--passphrase-stdin", "--json")
    assert code == 0 and json.loads(out)["ok"] is True

    stdin("wrong passphrase\n")
    code, out, err = cli("backup", "verify", made["file"], "--passphrase-stdin")
    assert code == 1 and "passphrase does not open" in err and err.count("\n") == 1

    # Restore on "another computer": a fresh data folder and a fresh keyring.
    new_home, new_keyring = tmp_path / "laptop2", MemoryKeyring()
    stdin(PASS + "\n")
    code = main(["--home", str(new_home), "backup", "restore", made["file"], "--passphrase-stdin", "--json"],
                keyring_backend=new_keyring)
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert report["install_id"] == install_id and report["contacts"] == 1
    assert SecretStore(install_id, new_keyring).get_key("token-key") == token_key
    restored = open_app(new_home, keyring_backend=new_keyring, log_to_file=False)
    try:
        assert contacts_service.find_by_email(restored, "alice@example.com").status == "confirmed"
    finally:
        restored.close()


def test_restore_over_data_needs_force(cli, app, stdin):
    contacts_service.add_contact(app, "alice@example.com")
    app.close()
    stdin(PASS + "\n")
    code, out, err = cli("backup", "create", "--passphrase-stdin", "--json")
    file = json.loads(out)["file"]
    stdin(PASS + "\n")
    code, out, err = cli("backup", "restore", file, "--passphrase-stdin")
    assert code == 1 and "holds data" in err and "--force" in err
    stdin(PASS + "\n")
    code, out, err = cli("backup", "restore", file, "--passphrase-stdin", "--force")
    assert code == 0 and "Restored" in out


def test_create_to_a_named_file_with_passwords(cli, app, stdin, tmp_path):
    app.secrets.set(SecretStore.smtp_name(1), "smtp-pw")
    app.close()
    target = tmp_path / "usb" / "my-backup"
    stdin(PASS + "\n")
    code, out, err = cli("backup", "create", "--to", str(target), "--passphrase-stdin", "--include-passwords")
    assert code == 0, err
    assert (tmp_path / "usb" / "my-backup.mdbackup").is_file()
    assert "passwords" in out
    stdin(PASS + "\n")
    code, out, _ = cli("backup", "verify", str(tmp_path / "usb" / "my-backup.mdbackup"),
                       "--passphrase-stdin", "--json")
    assert "smtp-password:1" in json.loads(out)["secrets"]


def test_clear_errors(cli, stdin, tmp_path):
    code, out, err = cli("backup", "restore", str(tmp_path / "nope.mdbackup"), "--passphrase-stdin")
    assert code == 1 and "no such backup file" in err
    stdin("short\n")
    code, out, err = cli("backup", "create", "--passphrase-stdin")
    assert code == 1 and "at least 8 characters" in err
    not_backup = tmp_path / "x.mdbackup"
    not_backup.write_bytes(b"hello world")
    stdin(PASS + "\n")
    code, out, err = cli("backup", "restore", str(not_backup), "--passphrase-stdin")
    assert code == 1 and "not a Mailer Desktop backup" in err
    for command in ("restore", "verify"):  # said before any passphrase is asked for
        code, out, err = cli("backup", command, str(not_backup))
        assert code == 1 and "x.mdbackup is not a Mailer Desktop backup" in err and "passphrase" not in err
    stdin("")
    code, out, err = cli("backup", "create", "--passphrase-stdin")
    assert code == 1 and "no passphrase" in err


def test_keys_check_and_accept_new(cli, app, keyring_backend):
    old = app.token_key()
    contacts_service.add_contact(app, "alice@example.com")
    app.close()
    code, out, _ = cli("keys", "check", "--json")
    assert code == 0 and json.loads(out)["ok"] is True
    keyring_backend.store.clear()
    code, out, _ = cli("keys", "check", "--json")
    report = json.loads(out)
    assert code == 1 and set(report["missing"]) == {"token-key", "suppression-key"}
    code, out, err = cli("keys", "accept-new")
    assert code == 1 and "cannot be undone" in err and "--yes" in err and keyring_backend.store == {}
    code, out, err = cli("keys", "accept-new", "--yes", "--json")
    assert code == 0 and set(json.loads(out)["changed"]) == {"token-key", "suppression-key"}
    code, out, _ = cli("keys", "check")
    assert code == 0 and "in place" in out
    again = open_app(app.paths.home, keyring_backend=keyring_backend, log_to_file=False)
    try:
        assert again.token_key() != old
    finally:
        again.close()


def test_restore_over_data_tells_which_later_opt_outs_it_kept(cli, app, stdin):
    contacts_service.add_contact(app, "alice@example.com", confirmed=True, evidence="form")
    stdin(PASS + "\n")
    code, out, err = cli("backup", "create", "--passphrase-stdin", "--json")
    file = json.loads(out)["file"]
    alice = contacts_service.find_by_email(app, "alice@example.com")
    contacts_service.change_status(app, alice.id, "unsubscribed", "cli")
    app.close()
    stdin(PASS + "\n")
    code, out, err = cli("backup", "restore", file, "--passphrase-stdin", "--force", "--json")
    report = json.loads(out)
    assert code == 0 and report["suppressions_kept"] == 1 and report["opt_outs_applied"] == 1
    assert report["erasures_reapplied"] == 0 and report["suppressions_not_carried"] == 0
    stdin(PASS + "\n")
    code, out, err = cli("backup", "restore", file, "--passphrase-stdin", "--force")
    assert code == 0 and "Kept 1 suppression list entry made since the backup (opt-outs, blocks, erasures): 1 contact marked as opted out." in out
