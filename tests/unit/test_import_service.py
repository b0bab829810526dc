"""The import service: outcomes, consent rules, suppression, merge policies, cancel, export round trip."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from mailer_desktop.domain import consent
from mailer_desktop.services import importing
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import suppression
from mailer_desktop.services.importing import (
    ImportInputError,
    ImportOptions,
    import_file,
    import_text,
    write_report_csv,
)
from mailer_desktop.services.progress import Cancelled, Progress

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def dump(app) -> list[str]:
    return list(app.db.conn.iterdump())


def by_email(app) -> dict[str, contacts.Contact]:
    return {c.email: c for c in contacts.iter_contacts(app)}


def write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_imports_and_every_row_is_accounted_for(app, name):
    report = import_file(app, FIXTURES / name)
    assert report.rows > 0
    assert report.accounted == report.rows
    assert report.added == contacts.count(app)
    assert report.added > 0


def test_outcomes_of_a_messy_file(app, tmp_path):
    path = write(tmp_path, "Email,Name\nanna@example.com,Anna\nnot-an-address,X\n\n ANNA@Example.com ,Anna B\n"
                           "info@gmial.com,Info\nEmail,Name\n,No Address\n")
    report = import_file(app, path)
    assert report.counts() == {"added": 2, "updated": 0, "unchanged": 0, "duplicates": 1, "invalid": 2,
                               "suppressed": 0, "flagged": 1}
    assert report.skipped == 2 and report.rows == 7
    invalid = [(i.row, i.column, i.value) for i in report.issues if i.kind == "invalid"]
    assert invalid == [(3, "Email", "not-an-address"), (8, "Email", "")]
    typo = next(i for i in report.issues if i.kind == "typo")
    assert (typo.row, typo.suggestion) == (6, "gmail.com")
    assert "info@gmial.com" in by_email(app)  # suggested, never applied


def test_new_contacts_are_pending_with_an_imported_event(app, tmp_path):
    import_file(app, write(tmp_path, "email\nnew@example.com\n"), ImportOptions(list_name="Shop"))
    c = by_email(app)["new@example.com"]
    assert c.status == consent.PENDING and c.consent_basis is None and c.lists == ("Shop",)
    trail = contacts.consent_trail(app, c.id)
    assert [e.kind for e in trail] == ["imported"]
    assert trail[0].status_after == "pending" and "list: Shop" in trail[0].evidence


def test_confirmed_needs_proof_and_records_it(app, tmp_path):
    path = write(tmp_path, "email\nyes@example.com\n")
    with pytest.raises(ImportInputError, match="proof"):
        import_file(app, path, ImportOptions(consent="confirmed"))
    assert contacts.count(app) == 0
    import_file(app, path, ImportOptions(consent="confirmed", proof="Signup form at the fair, 2024-05-04"))
    c = by_email(app)["yes@example.com"]
    assert (c.status, c.consent_basis) == ("confirmed", "express")
    assert "Signup form at the fair" in contacts.consent_trail(app, c.id)[0].evidence


def test_implied_consent_expires_two_years_after_purchase(app, tmp_path):
    path = write(tmp_path, "email\nbuyer@example.com\n")
    purchase = date.today().replace(day=1)
    import_file(app, path, ImportOptions(consent="implied", purchase_date=purchase.isoformat()))
    c = by_email(app)["buyer@example.com"]
    assert c.consent_basis == "implied"
    assert c.consent_expires_at == consent.implied_expiry(purchase).isoformat()
    with pytest.raises(ImportInputError, match="expired"):
        import_file(app, path, ImportOptions(consent="implied", purchase_date="2001-01-01"))
    with pytest.raises(ImportInputError, match="purchase date"):
        import_file(app, path, ImportOptions(consent="implied"))


def test_import_never_changes_consent_of_existing_contacts(app, tmp_path):
    contacts.add_contact(app, "pending@example.com")
    gone = contacts.add_contact(app, "gone@example.com", "Gone")
    contacts.change_status(app, gone.id, consent.EV_UNSUBSCRIBED, "gui")
    path = write(tmp_path, "email,name\npending@example.com,P\ngone@example.com,New Name\n")
    report = import_file(app, path, ImportOptions(consent="confirmed", proof="form", policy="overwrite",
                                                  list_name="L"))
    after = by_email(app)
    assert after["pending@example.com"].status == "pending"  # no upgrade by import
    assert after["gone@example.com"].status == "unsubscribed"  # never revived
    assert after["gone@example.com"].name == "Gone" and after["gone@example.com"].lists == ()
    assert report.suppressed == 1 and report.updated == 1
    kinds = [e.kind for e in contacts.consent_trail(app, after["pending@example.com"].id)]
    assert kinds == ["created", "edited", "note", "list_added"]


def test_suppressed_addresses_and_domains_are_skipped(app, tmp_path):
    suppression.suppress(app, "blocked@example.com", reason="complaint")
    suppression.suppress(app, "spam.example", reason="manual")
    path = write(tmp_path, "email\nBlocked@Example.com\nanyone@spam.example\nok@example.com\n")
    report = import_file(app, path)
    assert (report.added, report.suppressed) == (1, 2)
    assert set(by_email(app)) == {"ok@example.com"}


def test_source_opt_outs_are_skipped(app):
    report = import_file(app, FIXTURES / "shopify.csv")
    assert report.suppressed == 1 and report.suppressed_by["source_optout"] == 1
    assert set(by_email(app)) == {"sam@example.com"}


@pytest.mark.parametrize("policy, name, city, company", [
    ("fill", "Old Name", "Old City", "New Co"),
    ("overwrite", "New Name", "New City", "New Co"),
    ("keep", "Old Name", "Old City", ""),
])
def test_merge_policies(app, tmp_path, policy, name, city, company):
    contacts.add_contact(app, "m@example.com", "Old Name", {"city": "Old City"})
    path = write(tmp_path, "email,name,city,company\nm@example.com,New Name,New City,New Co\n")
    report = import_file(app, path, ImportOptions(policy=policy))
    c = by_email(app)["m@example.com"]
    assert (c.name, c.fields.get("city"), c.fields.get("company", "")) == (name, city, company)
    assert (report.updated, report.unchanged) == ((0, 1) if policy == "keep" else (1, 0))


def test_duplicates_in_the_file_merge_by_policy(app, tmp_path):
    path = write(tmp_path, "email,name,city\nd@example.com,,Paris\nD@example.com,Dora,Lyon\n")
    import_file(app, path, ImportOptions(policy="fill"))
    c = by_email(app)["d@example.com"]
    assert (c.name, c.fields["city"]) == ("Dora", "Paris")


def test_cancel_leaves_the_database_unchanged(app, tmp_path):
    contacts.add_contact(app, "before@example.com")
    lines = "\n".join(f"user{i}@example.com" for i in range(12_000))
    path = write(tmp_path, "email\n" + lines + "\n")
    before = dump(app)

    class CancelLate(Progress):
        def update(self, done, total=None, text=""):
            if text == "Saving contacts":
                self.cancel()

    with pytest.raises(Cancelled):
        import_file(app, path, ImportOptions(list_name="Big"), CancelLate())
    assert dump(app) == before
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        import_file(app, path, progress=progress)
    assert dump(app) == before


def test_a_failure_inside_the_transaction_rolls_everything_back(app, tmp_path, monkeypatch):
    from mailer_desktop.storage import importing as sql

    path = write(tmp_path, "email\n" + "\n".join(f"u{i}@example.com" for i in range(3000)) + "\n")
    app.suppression_key()  # created (and its fingerprint noted) on first use, outside any import
    before = dump(app)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(sql, "insert_creation_events", boom)
    with pytest.raises(RuntimeError):
        import_file(app, path, ImportOptions(list_name="X"))
    assert dump(app) == before
    assert app.db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name='contacts_search_ai'").fetchone()[0] == 1


def test_bulk_import_keeps_the_search_index_and_the_indexes(app, tmp_path, monkeypatch):
    from mailer_desktop.storage import importing as sql

    monkeypatch.setattr(sql, "BULK_INDEX_THRESHOLD", 100)  # take the drop-and-rebuild path
    schema = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('contacts', 'contacts_search') ORDER BY name"
    before = app.db.conn.execute(schema).fetchall()
    path = write(tmp_path, "email,name\n" + "\n".join(f"p{i}@example.com,Person{i} Zyx" for i in range(2500)) + "\n")
    import_file(app, path)
    assert app.db.conn.execute(schema).fetchall() == before
    assert app.db.integrity_check() is None
    plan = " ".join(r[3] for r in app.db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE status = 'pending' ORDER BY name COLLATE NOCASE"))
    assert "contacts_by_status_name" in plan
    from mailer_desktop.storage.contacts import ContactQuery

    assert contacts.count(app, ContactQuery(search="Person2499")) == 1
    contacts.add_contact(app, "later@example.com", "Laterthan Import")
    assert contacts.count(app, ContactQuery(search="Laterthan")) == 1  # the trigger is back


def test_the_database_steps_are_shown_and_a_cancel_in_any_of_them_changes_nothing(app, tmp_path, monkeypatch):
    from mailer_desktop.storage import importing as sql

    monkeypatch.setattr(sql, "BULK_INDEX_THRESHOLD", 100)  # the drop-and-rebuild path, with all its steps
    path = write(tmp_path, "email\n" + "\n".join(f"s{i}@example.com" for i in range(2500)) + "\n")
    app.suppression_key()
    before = dump(app)

    class Steps(Progress):
        def __init__(self, stop_at: str | None = None):
            super().__init__()
            self.texts: list[str] = []
            self.stop_at = stop_at

        def update(self, done, total=None, text=""):
            if not self.texts or self.texts[-1] != text:
                self.texts.append(text)
            if text == self.stop_at:
                self.cancel()

    for stop_at in ("Adding new contacts", "Sorting the contacts for the contact list (2 of 3)",
                    "Building the search index", "Writing to disk"):
        with pytest.raises(Cancelled):
            import_file(app, path, ImportOptions(list_name="Steps"), Steps(stop_at))
        assert dump(app) == before
        assert app.db.integrity_check() is None
    seen = Steps()
    import_file(app, path, ImportOptions(list_name="Steps"), seen)
    assert seen.texts[seen.texts.index("Saving contacts"):] == [
        "Saving contacts", "Adding new contacts",
        *[f"Sorting the contacts for the contact list ({n} of 3)" for n in range(1, 4)],
        "Building the search index", "Writing the consent records", "Adding them to the list Steps",
        "Writing to disk", "Done"]
    assert contacts.count(app) == 2500


def test_export_imports_back_unchanged(app, tmp_path, home, keyring_backend):
    import_file(app, FIXTURES / "bom_semicolon.csv", ImportOptions(list_name="A"))
    import_file(app, FIXTURES / "contacts.vcf")
    out = tmp_path / "export.csv"
    assert importing.export_contacts_csv(app, out) == contacts.count(app)
    original = {e: (c.name, c.fields) for e, c in by_email(app).items()}

    again = import_file(app, out)
    assert again.unchanged == len(original) and again.added == again.updated == 0

    from mailer_desktop.services.app import open_app

    other = open_app(tmp_path / "other", keyring_backend=keyring_backend, log_to_file=False)
    try:
        fresh = import_file(other, out)
        assert fresh.added == len(original)
        assert {e: (c.name, c.fields) for e, c in by_email(other).items()} == original
        assert all(c.status == "pending" for c in by_email(other).values())
    finally:
        other.close()


def test_report_csv(app, tmp_path):
    report = import_file(app, write(tmp_path, "email\n=cmd|' /C calc'!A0\nsales@example.com\n"))
    out = tmp_path / "report.csv"
    write_report_csv(report, out)
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["row", "issue", "column", "value", "reason", "suggestion"]
    assert rows[1][:2] == ["2", "invalid"] and rows[1][3].startswith("'=")  # no formula injection
    assert rows[2][:2] == ["3", "role"]


def test_pasted_text_import(app):
    report = import_text(app, "Anna <anna@example.com>; ben@example.org, broken@\n")
    assert (report.added, report.invalid) == (2, 1)
    assert by_email(app)["anna@example.com"].name == "Anna"


def test_mapping_overrides_and_errors(app, tmp_path):
    path = write(tmp_path, "Kontakt,Wer\nk@example.com,Kim\n")
    with pytest.raises(ImportInputError, match=r'^nothing\.csv: no column holds email addresses \(first row: a, b\); '
                       r'choose the address column \(on the command line: --map "Column N"=email\)$'):
        import_file(app, write(tmp_path, "a,b\n1,2\n", "nothing.csv"))
    with pytest.raises(ImportInputError, match=r"^list\.csv: no column holds email addresses \(columns: Kontakt, Wer\)"
                                               r".*--map HEADER=email"):
        import_file(app, path, ImportOptions(targets=["skip", "name"]))
    import_file(app, path, ImportOptions(overrides={"Wer": "name", "Kontakt": "email"}))
    assert by_email(app)["k@example.com"].name == "Kim"
    with pytest.raises(ImportInputError, match="no column named"):
        import_file(app, path, ImportOptions(overrides={"Nope": "name"}))
    with pytest.raises(ImportInputError, match="unknown column target"):
        import_file(app, path, ImportOptions(overrides={"Wer": "phone"}))


def _messy_rows(n: int) -> str:
    out = ["Email,First Name,Last Name,Company,Status"]
    for i in range(n):
        kind = i % 11
        if kind == 0:
            out.append(f"not-an-address-{i},A,B,,")
        elif kind == 1 and i > 20:
            out.append(f" USER{i - 5}@Example.COM ,Dup,{i},Firma {i},")  # a duplicate of row i - 5, other case
        elif kind == 2:
            out.append(f"info{i}@gmial.com,Role,Typo,,")
        elif kind == 3:
            out.append(f"user{i}@blocked.example,S,S,,")
        elif kind == 4:
            out.append(f"user{i}@example.com,Gone,Away,,unsubscribed")
        elif kind == 5:
            out.append(",,,,")
        elif kind == 6:
            out.append(f"user{i}@example.com,{'N' * 300},Long,,")
        else:
            out.append(f"user{i}@example.com,Zoë {i},Müller,Firma {i % 7},")
    return "\n".join(out) + "\n"


def _outcome(app, report) -> tuple:
    issues = [(i.row, i.kind, i.column, i.value, i.reason, i.suggestion) for i in report.issues]
    rows = app.db.conn.execute("SELECT email, email_key, name, fields, status FROM contacts ORDER BY email_key")
    return report.counts(), report.skipped, dict(report.suppressed_by), issues, rows.fetchall()


def test_a_checking_process_gives_the_same_outcome_as_checking_in_process(tmp_path, home, keyring_backend,
                                                                       monkeypatch):
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.importing import checking, importer

    path = write(tmp_path, _messy_rows(3000))
    results = []
    for parallel in (False, True):
        app = open_app(tmp_path / f"data-{parallel}", keyring_backend=keyring_backend, log_to_file=False)
        suppression.suppress(app, "blocked.example", reason="manual")
        monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
        monkeypatch.setattr(checking, "BATCH_ROWS", 97)  # many batches
        if parallel:  # the rows must be checked by the other process, never here
            monkeypatch.setattr(checking, "RowChecker", None)
        options = ImportOptions(list_name="L", overrides={"Status": "optout"})
        results.append(_outcome(app, import_file(app, path, options)))
        app.close()
    serial, parallel = results
    assert serial[0]["added"] > 1000 and serial[0]["duplicates"] > 100 and serial[0]["invalid"] > 400
    assert serial[2] == {"suppression_list": 273, "source_optout": 273}
    assert parallel == serial


def test_cancel_stops_the_checking_process_and_changes_nothing(app, tmp_path, monkeypatch):
    from mailer_desktop.services.importing import checking, importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(checking, "BATCH_ROWS", 50)
    path = write(tmp_path, _messy_rows(4000))
    app.suppression_key()  # created (and its fingerprint noted) on first use, outside any import
    before = dump(app)

    class CancelMidway(Progress):
        def update(self, done, total=None, text=""):
            if done >= 1000:
                self.cancel()

    with pytest.raises(Cancelled):
        import_file(app, path, ImportOptions(list_name="L"), CancelMidway())
    assert dump(app) == before


def test_a_read_error_in_the_checking_process_names_the_line_and_changes_nothing(app, tmp_path, monkeypatch):
    from mailer_desktop.services.importing import importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1)
    path = tmp_path / "broken.csv"
    lines = [f"user{i}@example.com,Name {i}".encode() for i in range(6000)]
    lines[4999] = b"user4999@example.com,J\xf6rg"
    path.write_bytes(b"email,name\n" + b"\n".join(lines) + b"\n")
    app.suppression_key()
    before = dump(app)
    with pytest.raises(ImportInputError, match=r"broken\.csv, line 5001 \(byte 0xf6\): the file is not valid utf-8"):
        import_file(app, path, encoding="utf-8")
    assert dump(app) == before


@pytest.mark.parametrize("name", ["contacts.vcf", "utf16_tab.txt", "cp1252_accents.csv", "header_in_middle.csv",
                                  "ragged_multiline.csv", "shopify.csv", "book.xlsx"])
def test_every_reader_can_be_read_again_by_the_checking_process(tmp_path, keyring_backend, monkeypatch, name):
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.importing import checking, importer

    path = FIXTURES / name
    if name.endswith(".xlsx"):
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        book.active.append(["Exported 2024"])
        book.active.append(["Email", "Name", "Orders"])
        for i in range(40):
            book.active.append([f"xl{i % 30}@example.com" if i % 9 else "broken", f"Name {i}", float(i)])
        path = tmp_path / name
        book.save(path)
    results = []
    for parallel in (False, True):
        app = open_app(tmp_path / f"data-{parallel}", keyring_backend=keyring_backend, log_to_file=False)
        monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
        if parallel:  # the rows must be checked by the other process, never here
            monkeypatch.setattr(checking, "RowChecker", None)
        table = importing.open_table(path)
        results.append((table.rereadable, _outcome(app, import_file(app, path))))
        app.close()
    assert results[0][0] and results[1] == results[0]


def _reader_that_dies(*args):
    import os

    os._exit(3)


def test_a_lost_reading_process_leaves_the_rows_to_this_process(app, tmp_path, monkeypatch, caplog):
    from mailer_desktop.services.importing import checking, importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(checking, "_read_and_check", _reader_that_dies)
    path = write(tmp_path, _messy_rows(900))
    with caplog.at_level("WARNING", logger="mailer_desktop.services.importing.checking"):
        report = import_file(app, path)
    assert "checking rows in this process from batch 0 on" in caplog.text
    assert report.accounted == report.rows == 900 and report.added > 400


def test_a_script_without_a_main_guard_runs_once(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    script = tmp_path / "bulk.py"
    script.write_text(
        "import sys\n"
        f"sys.path[:0] = [{str(root)!r}, {str(root / 'tests' / 'support')!r}]\n"
        "from pathlib import Path\n"
        "from memkeyring import MemoryKeyring\n"
        "from mailer_desktop.services import importing\n"
        "from mailer_desktop.services.app import open_app\n"
        "from mailer_desktop.services.importing import importer\n"
        "importer.PARALLEL_MIN_ROWS = 1\n"
        "print('top-level code runs', flush=True)\n"
        "home = Path(sys.argv[1])\n"
        "app = open_app(home / 'data', keyring_backend=MemoryKeyring(), log_to_file=False)\n"
        "rows = ''.join(f'u{i}@example.com,U {i}\\n' for i in range(5000))\n"
        "(home / 'list.csv').write_text('email,name\\n' + rows)\n"
        "report = importing.import_file(app, home / 'list.csv')\n"
        "print('added', report.added, 'unchanged', report.unchanged)\n")
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("top-level code runs") == 1
    assert "added 5000 unchanged 0" in done.stdout
    assert "checking rows in this process" not in done.stderr  # the reading processes did the checks


def test_quoted_line_breaks_across_piece_boundaries_give_the_same_report_in_every_checking_process(
        tmp_path, keyring_backend, monkeypatch):
    """Cells with line breaks (quoted, some with quotes doubled inside) lie across the boundaries
    of the byte pieces the reading processes read: counts, invalid rows and duplicates with their
    row numbers (records, not lines), and the ' of exported formula-like cells taken off, exactly
    as in one process."""
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.importing import checking, importer

    path = tmp_path / "breaks.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Email", "Name", "Note"])
        for i in range(700):
            if i % 10 == 3:
                w.writerow([f"broken-{i}", "X", "a\nb"])                     # invalid, multi-line
            elif i % 10 == 6:
                w.writerow([f"p{i - 4}@example.com", "Dup", f'line 1\r\n"line 2" of {i}'])  # duplicate of row i - 4
            else:
                w.writerow([f"p{i}@example.com", f"P {i}", "\n".join(["x"] * (i % 4)) or "'=1+1"])
    _assert_pieces_hold_the_records(importing.open_table(path), 701)
    results = []
    for parallel in (False, True):
        app = open_app(tmp_path / f"data-{parallel}", keyring_backend=keyring_backend, log_to_file=False)
        monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
        monkeypatch.setattr(checking, "BATCH_ROWS", 7)  # boundaries everywhere, many on multi-line rows
        monkeypatch.setattr(checking, "CHUNK_BYTES", 100)
        report = import_file(app, path, ImportOptions(unknown="field"))
        results.append(_outcome(app, report))
        if not parallel:
            assert report.rows == 700 and report.invalid == 70 and report.duplicates == 70
            assert report.added == 560
            invalid = [i.row for i in report.issues if i.kind == "invalid"]
            assert invalid == [i + 2 for i in range(700) if i % 10 == 3]  # record numbers (header = 1)
            dups = [(i.row, i.reason) for i in report.issues if i.kind == "duplicate"]
            assert dups == [(i + 2, f"same address as row {i - 2}") for i in range(700) if i % 10 == 6]
            fields = dict(app.db.conn.execute("SELECT email, fields FROM contacts").fetchall())
            assert json.loads(fields["p4@example.com"]) == {"Note": "=1+1"}
            assert json.loads(fields["p5@example.com"]) == {"Note": "x"}
            assert json.loads(fields["p7@example.com"]) == {"Note": "x\nx\nx"}
        app.close()
    serial, parallel = results
    assert parallel == serial


def _assert_pieces_hold_the_records(table, count: int) -> None:
    """The pieces hold exactly the file's records, in order, numbered as one pass numbers them."""
    from mailer_desktop.services.importing import readers

    whole = list(table.open_rows())
    assert len(whole) == count
    for size in (64, 100, 300, 4096):
        pieces = readers.csv_pieces(table.open_rows, size)
        assert pieces is not None and (size > 300 or len(pieces) > 20)
        assert [row for piece in pieces for row in readers.piece_rows(table.open_rows, piece)] == whole


def _chunk_list_bytes(encoding: str) -> bytes:
    """A table without double quotes (the reading processes then read byte ranges of it): junk
    before the header, a byte order mark, CR LF, lone CR and LF line ends, blank lines, invalid
    rows, duplicates, an exported formula-like cell, and a last line without a line end."""
    ends = ["\r\n", "\n", "\r"]
    lines = ["Exported by Shop,,", ",,", "Email,Name,Note"]
    for i in range(900):
        if i % 13 == 4:
            lines.append("")
        elif i % 10 == 3:
            lines.append(f"broken-{i},X,")
        elif i % 10 == 6:
            lines.append(f" P{i - 4}@Example.com ,Dup {i},dup")
        else:
            lines.append(f"p{i}@example.com,Zoë {i},{chr(39) + '=1+1' if i % 7 == 0 else 'Köln'}")
    text = "".join(line + ends[n % 3] for n, line in enumerate(lines)) + "last@example.com,Last,end"
    return (b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b"") + text.encode(
        "utf-8" if encoding == "utf-8-sig" else encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_reading_processes_reading_byte_ranges_give_the_same_report(tmp_path, keyring_backend, monkeypatch,
                                                                    encoding):
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.importing import checking, importer

    path = tmp_path / "ranges.csv"
    path.write_bytes(_chunk_list_bytes(encoding))
    table = importing.open_table(path)
    assert table.encoding == encoding and table.first_data_row == 4
    _assert_pieces_hold_the_records(table, 904)
    results = []
    for parallel in (False, True):
        app = open_app(tmp_path / f"data-{parallel}", keyring_backend=keyring_backend, log_to_file=False)
        monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
        monkeypatch.setattr(checking, "CHUNK_BYTES", 300)
        if parallel:  # the rows must be checked by the other processes, never here
            monkeypatch.setattr(checking, "RowChecker", None)
        report = import_file(app, path, ImportOptions(unknown="field"))
        results.append(_outcome(app, report))
        if not parallel:
            assert report.rows == 901 and report.skipped == 69
            invalid = [i.row for i in report.issues if i.kind == "invalid"]
            assert invalid == [i + 4 for i in range(900) if i % 10 == 3 and i % 13 != 4]
            dups = [(i.row, i.reason) for i in report.issues if i.kind == "duplicate"]
            assert dups == [(i + 4, f"same address as row {i}") for i in range(900)
                            if i % 10 == 6 and i % 13 != 4 and (i - 4) % 13 != 4]
            fields = dict(app.db.conn.execute("SELECT email, fields FROM contacts").fetchall())
            assert json.loads(fields["p7@example.com"])["Note"] == "=1+1"
            assert "last@example.com" in fields
        app.close()
    serial, parallel = results
    assert parallel == serial


def test_a_wide_encoding_is_not_cut_into_byte_ranges(tmp_path):
    from mailer_desktop.services.importing import readers

    utf16 = tmp_path / "wide.csv"
    utf16.write_text("Email,Name\n" + "a@example.com,A\n" * 500, encoding="utf-16")
    assert readers.csv_pieces(importing.open_table(utf16).open_rows, 300) is None


def test_a_stray_quote_early_in_the_file_reads_it_whole_in_every_process(tmp_path, keyring_backend, monkeypatch):
    """After a lone quote every later line end seems to lie inside quotes: no piece would end, so
    the file is not cut (each process reads it whole) instead of one piece growing without end."""
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.importing import checking, importer, readers

    lines = ["Email,Name,Note", 'p0@example.com,P 0,17" screen']
    lines += [f"p{i}@example.com,P {i},plain" for i in range(1, 400)]
    path = write(tmp_path, "\n".join(lines) + "\n", "early.csv")
    table = importing.open_table(path)
    assert readers.csv_pieces(table.open_rows, 300) is None
    assert readers.csv_pieces(table.open_rows, 100_000) is not None  # one piece: the whole file
    results = []
    for parallel in (False, True):
        app = open_app(tmp_path / f"data-{parallel}", keyring_backend=keyring_backend, log_to_file=False)
        monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
        monkeypatch.setattr(checking, "CHUNK_BYTES", 300)
        monkeypatch.setattr(checking, "BATCH_ROWS", 13)
        if parallel:  # the rows must be checked by the other processes, never here
            monkeypatch.setattr(checking, "RowChecker", None)
        results.append(_outcome(app, import_file(app, path, ImportOptions(unknown="field"))))
        app.close()
    serial, parallel = results
    assert serial[0]["added"] == 400 and parallel == serial


def test_a_stray_quote_leaves_the_rest_of_the_file_to_this_process(tmp_path, keyring_backend, monkeypatch, caplog):
    """A file that does not quote by the rules (a lone quote in an unquoted cell) cannot be cut by
    counting quotes: the piece that shows it is checked here, from its first row on, with the
    same report as in one process."""
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.importing import checking, importer, readers

    lines = ["Email,Name,Note"]
    for i in range(600):
        note = '17" screen' if i == 250 else ('"two\nlines"' if i % 9 == 0 else "plain")
        lines.append(f"{'broken' if i % 10 == 3 else ''}p{i}@example.com,P {i},{note}")
    path = write(tmp_path, "\n".join(lines) + "\n", "stray.csv")
    table = importing.open_table(path)
    pieces = readers.csv_pieces(table.open_rows, 300)
    assert any(readers.piece_rows(table.open_rows, p) is None for p in pieces)
    results = []
    for parallel in (False, True):
        app = open_app(tmp_path / f"data-{parallel}", keyring_backend=keyring_backend, log_to_file=False)
        monkeypatch.setattr(importer, "PARALLEL_MIN_ROWS", 1 if parallel else 10**9)
        monkeypatch.setattr(checking, "CHUNK_BYTES", 300)
        with caplog.at_level("WARNING", logger="mailer_desktop.services.importing.checking"):
            results.append(_outcome(app, import_file(app, path, ImportOptions(unknown="field"))))
        app.close()
    assert "does not read on its own as counted" in caplog.text
    serial, parallel = results
    assert serial[0]["invalid"] == 0 and parallel == serial
