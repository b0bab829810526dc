"""``sender set``, ``campaign create`` and ``campaign preview`` through the CLI."""

from __future__ import annotations

import email
import email.policy
import json

from mailer_desktop.domain import tokens
from mailer_desktop.services.contacts import people as contacts


def setup_sender(cli):
    code, out, err = cli("sender", "set", "--name", "Shop", "--from", "news@shop.example",
                         "--postal-address", "1 Main Street\\nSpringfield", "--reply-to", "hi@shop.example",
                         "--unsubscribe-mailbox", "unsub@shop.example", "--json")
    assert code == 0, err
    return json.loads(out)


def test_sender_set_stores_and_validates(cli):
    data = setup_sender(cli)
    assert data["postal_address"] == "1 Main Street\nSpringfield" and data["from_address"] == "news@shop.example"
    code, _, err = cli("sender", "set", "--from", "not-an-address")
    assert code == 1 and "From address" in err and "not a valid address" in err
    code, _, err = cli("sender", "set", "--unsubscribe-url", "http://shop.example/u/{token}")
    assert code == 1 and "https://" in err
    code, _, err = cli("sender", "set", "--unsubscribe-url", "https://shop.example/u")
    assert code == 1 and "{token}" in err
    code, out, _ = cli("sender", "show", "--json")
    assert json.loads(out)["reply_to"] == "hi@shop.example"


def test_campaign_create_and_preview_print_the_exact_message(cli, app, tmp_path):
    setup_sender(cli)
    anna = contacts.add_contact(app, "anna@example.com", "Anna Berg", lists=["News"], confirmed=True, evidence="t")
    page = tmp_path / "news.md"
    page.write_text("# Hello {{ contact.first_name }}\n\nFresh bread.\n", encoding="utf-8")
    code, out, err = cli("campaign", "create", "--name", "Nov", "--subject", "Hi {{ contact.first_name }}",
                         "--list", "News", "--markdown", str(page), "--json")
    assert code == 0, err
    cid = json.loads(out)["id"]
    code, out, err = cli("campaign", "preview", str(cid), "--contact", "ANNA@example.com")
    assert code == 0, err
    msg = email.message_from_string(out, policy=email.policy.default)
    assert msg["Subject"] == "Hi Anna" and msg["To"].addresses[0].addr_spec == "anna@example.com"
    assert tokens.parse(app.token_key(), msg["X-Mailer-Desktop-Ref"]).token_id == anna.token_subject
    assert "Hello Anna" in msg.get_body(("plain",)).get_content()
    code, out, _ = cli("campaign", "list", "--json")
    assert json.loads(out.splitlines()[0])["id"] == cid


def test_campaign_create_bad_input_gives_one_line(cli, tmp_path):
    setup_sender(cli)
    bad = tmp_path / "bad.html"
    bad.write_text("<p>{{ contact.name </p>", encoding="utf-8")
    code, _, err = cli("campaign", "create", "--name", "N", "--subject", "S", "--list", "News", "--html", str(bad))
    assert code == 1 and "no list named 'News'" in err
    contacts_file = tmp_path / "missing.html"
    code, _, err = cli("campaign", "create", "--name", "N", "--subject", "S", "--list", "News",
                       "--html", str(contacts_file))
    assert code == 1 and "missing.html: HTML file not found" in err


def test_template_error_and_unknown_contact(cli, app, tmp_path):
    setup_sender(cli)
    contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    bad = tmp_path / "bad.html"
    bad.write_text("<p>ok</p>\n<p>{{ contact.name </p>", encoding="utf-8")
    code, _, err = cli("campaign", "create", "--name", "N", "--subject", "S", "--list", "News", "--html", str(bad))
    assert code == 1 and "HTML body, line 2" in err and len(err.strip().splitlines()) == 1
    good = tmp_path / "good.html"
    good.write_text("<p>ok</p>", encoding="utf-8")
    code, out, _ = cli("campaign", "create", "--name", "N", "--subject", "S", "--list", "News", "--html", str(good),
                       "--json")
    cid = json.loads(out)["id"]
    code, _, err = cli("campaign", "preview", str(cid), "--contact", "nobody@example.com")
    assert code == 1 and "no contact 'nobody@example.com'" in err
    code, _, err = cli("campaign", "preview", "999")
    assert code == 1 and "no campaign with id 999" in err


def test_preflight_command(cli, app, tmp_path):
    setup_sender(cli)
    contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    page = tmp_path / "p.html"
    page.write_text("<p>Hello {{ contact.shoe_size }}</p>", encoding="utf-8")
    _, out, _ = cli("campaign", "create", "--name", "N", "--subject", "RE: hi", "--list", "News", "--html",
                    str(page), "--json")
    code, out, _ = cli("campaign", "preflight", str(json.loads(out)["id"]), "--no-dns", "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False
    assert [e["code"] for e in report["errors"]] == ["unknown_fields"]
    assert "fake_thread" in [w["code"] for w in report["warnings"]]


def test_dkim_command(cli):
    setup_sender(cli)
    code, out, err = cli("sender", "dkim", "--generate", "md1", "--sign", "on", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["dns_name"] == "md1._domainkey.shop.example" and data["signing"] is True


def test_campaign_rename_duplicate_and_delete(cli, app, tmp_path):
    from mailer_desktop.services import campaigns

    setup_sender(cli)
    contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    page = tmp_path / "news.html"
    page.write_text("<p>Fresh bread</p>", encoding="utf-8")
    note = tmp_path / "menu.txt"
    note.write_text("Menu", encoding="utf-8")
    code, out, err = cli("campaign", "create", "--name", "May", "--subject", "S", "--list", "News",
                         "--html", str(page), "--attach", str(note), "--json")
    assert code == 0, err
    cid = json.loads(out)["id"]
    code, out, err = cli("campaign", "rename", str(cid), "  May   news ", "--json")
    assert code == 0 and json.loads(out) == {"id": cid, "name": "May news"}
    code, _, err = cli("campaign", "rename", str(cid), "   ")
    assert code == 1 and "needs a name" in err

    code, out, err = cli("campaign", "duplicate", str(cid), "--json")
    assert code == 0, err
    copy = json.loads(out)
    assert copy["name"] == "May news (copy)" and copy["id"] != cid
    code, out, _ = cli("campaign", "duplicate", str(cid), "--json")
    assert json.loads(out)["name"] == "May news (copy 2)"
    original, dup = campaigns.require_campaign(app, cid), campaigns.require_campaign(app, copy["id"])
    assert (dup.state, dup.subject, dup.source, dup.list_name) == ("draft", original.subject, original.source, "News")
    assert [a.filename for a in campaigns.attachments(app, dup.id)] == ["menu.txt"]

    code, out, err = cli("campaign", "delete", str(copy["id"]), "--json")
    assert code == 0 and json.loads(out) == {"id": copy["id"], "deleted": True}
    assert campaigns.get_campaign(app, copy["id"]) is None
    assert [a.filename for a in campaigns.attachments(app, cid)] == ["menu.txt"]  # the original keeps its own
    code, _, err = cli("campaign", "delete", "999")
    assert code == 1 and "no campaign with id 999" in err
    app.db.conn.execute("UPDATE campaigns SET state = 'done' WHERE id = ?", (cid,))
    code, _, err = cli("campaign", "delete", str(cid))
    assert code == 1 and "has been sent" in err and campaigns.get_campaign(app, cid) is not None
    code, out, _ = cli("campaign", "rename", str(cid), "May news, sent", "--json")  # a sent one may be renamed
    assert code == 0 and json.loads(out)["name"] == "May news, sent"
