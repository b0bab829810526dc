"""Without a usable OS keyring, nothing pretends to keep a secret.

The in-memory keyring is used only when passed explicitly (demo, tests); keyring itself never
picks it. The commands run in a child process with no D-Bus session, as on a Linux machine
where no Secret Service runs."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import keyring.backend
import keyring.backends.fail
from memkeyring import MemoryKeyring

from mailer_desktop.keyring_backends import EphemeralKeyring, human_backend_name
from mailer_desktop.secrets import SecretStore


def test_keyring_never_picks_the_in_memory_backends_by_itself():
    assert EphemeralKeyring.viable is False and MemoryKeyring.viable is False
    viable = list(keyring.backend.KeyringBackend.get_viable_backends())
    assert not [cls for cls in viable if issubclass(cls, EphemeralKeyring)]


def test_an_explicit_in_memory_backend_still_works():
    store = SecretStore("abc", EphemeralKeyring())
    store.set("x", "value-1")
    assert store.get("x") == "value-1" and store.available()


def test_human_backend_names():
    assert human_backend_name(EphemeralKeyring()).startswith("memory only")
    assert human_backend_name(keyring.backends.fail.Keyring()) == "none (no keyring found)"


def _cli(home: Path, tmp: Path, *argv: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DBUS_", "PYTHON_KEYRING", "MAILER_DESKTOP", "XDG_"))}
    env.update(HOME=str(tmp), XDG_CONFIG_HOME=str(tmp / "config"), XDG_DATA_HOME=str(tmp / "share"),
               XDG_RUNTIME_DIR=str(tmp / "run"), MAILER_DESKTOP_HOME=str(home))
    script = Path(sys.executable).with_name("mailer-desktop-cli")
    return subprocess.run([str(script), *argv], input=stdin, capture_output=True, text=True, env=env,
                          timeout=120)


def test_no_secret_service_is_a_problem_everywhere(tmp_path):
    home = tmp_path / "data"
    doctor = _cli(home, tmp_path, "doctor", "--json")
    report = json.loads(doctor.stdout)
    assert doctor.returncode == 1 and report["ok"] is False
    assert report["keyring"]["usable"] is False
    assert "GNOME Keyring" in report["keyring"]["problem"]
    text = _cli(home, tmp_path, "doctor")
    assert "All good" not in text.stdout and "PROBLEM" in text.stdout

    added = _cli(home, tmp_path, "account", "add", "work", "--host", "smtp.example.com", "--port", "587",
                 "--security", "starttls", "--user", "me@example.com", "--password-stdin", stdin="pw-123\n")
    assert added.returncode == 1
    lines = added.stderr.strip().splitlines()
    assert len(lines) == 1 and "No usable keyring" in lines[0] and "GNOME Keyring" in lines[0]
    with sqlite3.connect(home / "mailer-desktop.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM accounts WHERE name = 'work'").fetchone()[0] == 0

    assert _cli(home, tmp_path, "sender", "set", "--name", "Shop", "--from", "news@example.com",
                "--postal-address", "1 Main St, Springfield").returncode == 0
    dkim = _cli(home, tmp_path, "sender", "dkim", "--generate", "sel1")
    assert dkim.returncode == 1 and "No usable keyring" in dkim.stderr
    assert "TXT" not in dkim.stdout
