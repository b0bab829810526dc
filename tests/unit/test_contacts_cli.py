"""The contacts / suppress commands of the CLI contract."""

from __future__ import annotations

import json

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import suppression


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_list_json_has_contract_keys_and_filters_by_status(app, cli):
    contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"])
    contacts.add_contact(app, "bob@example.com", "Bob", confirmed=True, evidence="signed form 2026-01-02")
    code, out, err = cli("contacts", "list", "--json")
    assert code == 0, err
    rows = _lines(out)
    assert [r["email"] for r in rows] == ["anna@example.com", "bob@example.com"]
    assert {"email", "name", "status", "lists"} <= set(rows[0])
    assert rows[0]["lists"] == ["News"] and rows[0]["status"] == "pending"
    code, out, _ = cli("contacts", "list", "--status", "confirmed", "--json")
    assert code == 0
    assert [r["email"] for r in _lines(out)] == ["bob@example.com"]


def test_list_plain_text_and_unknown_list(app, cli):
    contacts.add_contact(app, "anna@example.com", "Anna Berg")
    code, out, _ = cli("contacts", "list")
    assert code == 0 and out.split("\t")[:3] == ["anna@example.com", "Anna Berg", "pending"]
    code, out, err = cli("contacts", "list", "--list", "Nope")
    assert code == 1 and "no list named 'Nope'" in err


def test_export_prints_everything_and_records_the_export(app, cli):
    c = contacts.add_contact(app, "anna@example.com", "Anna", {"city": "Oslo"}, lists=["News"])
    code, out, err = cli("contacts", "export", "Anna@Example.com")
    assert code == 0, err
    data = json.loads(out)
    assert data["contact"]["email"] == "anna@example.com"
    assert data["contact"]["fields"] == {"city": "Oslo"}
    assert data["lists"] == ["News"]
    assert [e["kind"] for e in data["consent_trail"]] == ["created", "list_added", "exported"]
    assert contacts.consent_trail(app, c.id)[-1].channel == "cli"


def test_export_and_erase_unknown_address_fail_with_one_line(cli):
    for cmd in ("export", "erase"):
        code, out, err = cli("contacts", cmd, "nobody@example.com")
        assert code == 1 and out == ""
        assert err.strip().count("\n") == 0 and "no contact with the address nobody@example.com" in err


def test_erase_removes_and_blocks_readding(app, cli):
    contacts.add_contact(app, "anna@example.com", "Anna")
    code, out, err = cli("contacts", "erase", "anna@example.com", "--json")
    assert code == 0, err
    assert _lines(out)[0]["erased"] is True
    assert contacts.find_by_email(app, "anna@example.com") is None
    code, _, err = cli("contacts", "add", "anna@example.com")
    assert code == 1 and "suppression list (erased)" in err


def test_add_with_proof_is_confirmed_and_bad_address_is_refused(app, cli):
    code, out, err = cli("contacts", "add", "x@example.com", "--proof", "paper form, shop, 2026-03-01",
                         "--field", "city=Oslo", "--list", "Shop", "--json")
    assert code == 0, err
    row = _lines(out)[0]
    assert row["status"] == "confirmed" and row["fields"] == {"city": "Oslo"} and row["lists"] == ["Shop"]
    code, _, err = cli("contacts", "add", "not-an-address")
    assert code == 1 and "not a valid email address" in err
    code, _, err = cli("contacts", "add", "y@example.com", "--field", "oops")
    assert code == 1 and "expected NAME=VALUE" in err


def test_status_command_runs_the_state_machine(app, cli):
    contacts.add_contact(app, "x@example.com")
    code, _, err = cli("contacts", "status", "x@example.com", "unsubscribed")
    assert code == 0, err
    code, _, err = cli("contacts", "status", "x@example.com", "confirmed")
    assert code == 1 and "evidence" in err
    code, out, err = cli("contacts", "status", "x@example.com", "confirmed", "--evidence", "<abc@mail>", "--json")
    assert code == 0 and _lines(out)[0]["status"] == "confirmed"


def test_suppress_add_file_list_and_remove(app, cli, tmp_path):
    f = tmp_path / "block.txt"
    f.write_text("email\nspam@example.com\n# a comment\nblocked.example\nnot valid@@\n", encoding="utf-8")
    code, out, err = cli("suppress", "add", "--file", str(f), "--json")
    assert code == 0, err
    report = _lines(out)[0]
    assert report["added"] == 2 and report["invalid"][0]["line"] == 5
    assert suppression.is_suppressed(app, "anyone@blocked.example")
    code, out, _ = cli("suppress", "list", "--json")
    assert sorted(r["display"] for r in _lines(out)) == ["blocked.example", "spam@example.com"]
    code, _, err = cli("suppress", "remove", "blocked.example")
    assert code == 0, err
    assert not suppression.is_suppressed(app, "anyone@blocked.example")
    code, _, err = cli("suppress", "remove", "blocked.example")
    assert code == 1 and "is not on the suppression list" in err


def test_purge_removes_old_pending(app, cli):
    c = contacts.add_contact(app, "old@example.com")
    app.db.conn.execute("UPDATE contacts SET created_at = '2020-01-01T00:00:00Z' WHERE id = ?", (c.id,))
    contacts.add_contact(app, "new@example.com")
    code, out, err = cli("contacts", "purge", "--json")
    assert code == 0, err
    assert _lines(out) == [{"purged": 1}]
    assert contacts.find_by_email(app, "old@example.com") is None
    assert contacts.find_by_email(app, "new@example.com") is not None
