"""The command-line shell: --version, doctor, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mailer_desktop import __version__


def test_version_from_the_installed_entry_point():
    script = Path(sys.executable).with_name("mailer-desktop-cli")  # the installed console script
    exe = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert exe.returncode == 0, exe.stderr
    assert exe.stdout.strip() == f"mailer-desktop-cli {__version__}"


def test_doctor_json(cli, home):
    code, out, err = cli("doctor", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["data_folder"] == str(home.resolve())
    assert report["database"]["integrity"] == "ok"
    assert report["database"]["schema_version"] >= 1
    assert report["keyring"]["usable"] is True
    assert "PySide6" in report["qt"]
    assert report["ok"] is True


def test_doctor_reports_a_foreign_file(cli, home):
    home.mkdir(parents=True)
    (home / "mailer-desktop.sqlite3").write_text("not a database")
    code, out, err = cli("doctor", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert "not an SQLite file" in report["database"]["problem"]


def test_unknown_command_is_a_usage_error(cli):
    import pytest

    with pytest.raises(SystemExit) as info:
        cli("no-such-command")
    assert info.value.code == 2
