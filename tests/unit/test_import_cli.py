"""`contacts import` and `contacts export-csv` on the command line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
CONTRACT = {"added", "updated", "unchanged", "duplicates", "invalid", "suppressed", "flagged"}


def test_import_json_has_the_contract_keys(cli, tmp_path):
    code, out, err = cli("contacts", "import", str(FIXTURES / "header_in_middle.csv"), "--list", "Fair", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert CONTRACT <= set(data)
    assert (data["added"], data["duplicates"], data["skipped"]) == (3, 1, 2)
    assert data["header_row"] == 4 and data["list"] == "Fair"
    code, out, _ = cli("contacts", "list", "--json")
    listed = [json.loads(line) for line in out.splitlines()]
    assert {c["email"] for c in listed} == {"anna@example.com", "ben@example.org", "cara@example.net"}
    assert all(c["status"] == "pending" and c["lists"] == ["Fair"] for c in listed)


def test_confirmed_without_proof_is_refused_in_one_line(cli):
    code, out, err = cli("contacts", "import", str(FIXTURES / "mailchimp.csv"), "--consent", "confirmed")
    assert code == 1 and out == ""
    assert "proof" in err and len(err.strip().splitlines()) == 1


def test_confirmed_and_implied_choices(cli, tmp_path):
    code, out, err = cli("contacts", "import", str(FIXTURES / "mailchimp.csv"), "--consent", "confirmed",
                         "--proof", "Mailchimp double opt-in, confirmed 2023", "--json")
    assert code == 0, err
    code, out, _ = cli("contacts", "list", "--status", "confirmed", "--json")
    assert len(out.splitlines()) == 2
    code, _, err = cli("contacts", "import", str(FIXTURES / "shopify.csv"), "--consent", "implied",
                       "--purchase-date", "not-a-date")
    assert code == 1 and "YYYY-MM-DD" in err


def test_map_option_report_csv_and_bad_files(cli, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("Kontakt;Wer\nk@example.com;Kim\nbroken;Bo\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    code, out, err = cli("contacts", "import", str(path), "--map", "Kontakt=email", "--map", "Wer=name",
                         "--report-csv", str(report), "--json")
    assert code == 0, err
    assert json.loads(out)["invalid"] == 1
    rows = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert rows[1][:4] == ["3", "invalid", "Kontakt", "broken"]
    code, _, err = cli("contacts", "import", str(tmp_path / "missing.csv"))
    assert code == 1 and "no such file" in err
    code, _, err = cli("contacts", "import", str(path), "--map", "Kontakt")
    assert code == 1 and "HEADER=TARGET" in err


def test_export_csv_round_trip(cli, tmp_path):
    cli("contacts", "import", str(FIXTURES / "bom_semicolon.csv"), "--unknown", "field")
    out_file = tmp_path / "all.csv"
    code, out, err = cli("contacts", "export-csv", str(out_file), "--json")
    assert code == 0, err
    assert json.loads(out)["exported"] == 3
    code, out, err = cli("contacts", "import", str(out_file), "--json")
    data = json.loads(out)
    assert (data["unchanged"], data["added"], data["updated"], data["preset"]) == (3, 0, 0, "mailer_desktop")


def test_plain_output_names_how_many_more_issues_and_progress_goes_to_a_terminal(home, keyring_backend, tmp_path):
    import io

    from mailer_desktop.cli import main

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    rows = [f"user{i}@example.com" for i in range(30)] + [f"broken{i}" for i in range(25)]
    path = tmp_path / "list.csv"
    path.write_text("email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out, err = io.StringIO(), Terminal()
    code = main(["--home", str(home), "contacts", "import", str(path)], keyring_backend=keyring_backend,
                out=out, err=err)
    lines = out.getvalue().splitlines()
    assert code == 0 and lines[0].startswith("55 rows: 30 added")
    assert len([line for line in lines if ": invalid: " in line]) == 20
    assert lines[-1] == "  … 5 more rows with an issue (--report-csv FILE lists them all)"
    assert "\r55 Saving contacts" in err.getvalue() and err.getvalue().endswith("\n")
    quiet = Terminal()
    main(["--home", str(home), "contacts", "import", str(path), "--quiet"], keyring_backend=keyring_backend,
         out=io.StringIO(), err=quiet)
    assert quiet.getvalue() == ""
