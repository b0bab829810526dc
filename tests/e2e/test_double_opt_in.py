"""Double opt-in end to end, driven through the command line against the sandbox.

import → pending → confirmation requests → confirmation replies processed → confirmed →
campaign to confirmed only → unsubscribe replies processed → the next campaign excludes them.
The replies are crafted the way mail programs send them: a reply to the mailto with the token
in the subject, a reply from a different address, and a bare "unsubscribe" from the contact's
own address.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import urllib.parse
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path

PEOPLE = {
    "anna@example.com": "Anna Schmidt",
    "ben@example.org": "Ben Carter",
    "chloe@example.net": "Chloé Dubois",
    "dave@example.com": "Dave Kim",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ok(result):
    code, out, err = result
    assert code == 0, f"exit {code}: {err}{out}"
    return out


def _json(result):
    return json.loads(_ok(result).strip().splitlines()[-1])


def _captured(home: Path) -> dict[str, list[EmailMessage]]:
    """Messages in the sandbox by recipient, oldest first."""
    by_rcpt: dict[str, list[EmailMessage]] = {}
    for path in sorted((home / "sandbox").rglob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        by_rcpt.setdefault(parseaddr(str(msg["To"]))[1].lower(), []).append(msg)
    return by_rcpt


def _mailto(header: str) -> tuple[str, str]:
    """(address, subject) of the first mailto: URI in a List-Unsubscribe-style header or a link."""
    uri = next(part.strip(" <>") for part in header.split(",") if "mailto:" in part)
    parsed = urllib.parse.urlsplit(uri[uri.index("mailto:"):])
    subject = urllib.parse.parse_qs(parsed.query).get("subject", [""])[0]
    return urllib.parse.unquote(parsed.path), subject


def _reply(folder: Path, name: str, *, sender: str, to: str, subject: str, body: str, in_reply_to=None) -> Path:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[1])
    if in_reply_to is not None:
        msg["In-Reply-To"] = in_reply_to["Message-ID"]
        msg["References"] = in_reply_to["Message-ID"]
    msg.set_content(body)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.eml"
    path.write_bytes(msg.as_bytes())
    return path


def _statuses(cli) -> dict[str, str]:
    out = _ok(cli("contacts", "list", "--json"))
    return {row["email"]: row["status"] for row in map(json.loads, out.strip().splitlines())}


def test_double_opt_in_from_import_to_unsubscribe(cli, home, tmp_path):
    _ok(cli("sender", "set", "--name", "Corner Bakery", "--from", "news@bakery.example",
            "--postal-address", "12 Baker Street, Springfield", "--unsubscribe-mailbox", "news@bakery.example"))
    _ok(cli("account", "set", "sandbox", "--port", str(_free_port())))

    people = tmp_path / "people.csv"
    people.write_text("Email;Name\n" + "".join(f"{e};{n}\n" for e, n in PEOPLE.items()), encoding="utf-8")
    report = _json(cli("contacts", "import", str(people), "--list", "Newsletter", "--json"))
    assert report["added"] == 4 and report["invalid"] == 0
    assert set(_statuses(cli).values()) == {"pending"}

    _ok(cli("confirmations", "send", "--list", "Newsletter", "--account", "sandbox"))
    requests = _captured(home)
    assert sorted(requests) == sorted(PEOPLE)
    assert all(len(msgs) == 1 for msgs in requests.values())

    def confirm_reply(person: str):
        request = requests[person][0]
        reply_to = str(request["Reply-To"] or request["From"])
        return request, parseaddr(reply_to)[1], f"Re: {request['Subject']}"

    replies = tmp_path / "replies1"
    req, to, subject = confirm_reply("anna@example.com")  # a plain reply, token in the quoted subject
    _reply(replies, "anna", sender="Anna Schmidt <anna@example.com>", to=to, subject=subject,
           body="Yes please!\n\n> " + req.get_body(("plain",)).get_content().replace("\n", "\n> "), in_reply_to=req)
    req, to, subject = confirm_reply("ben@example.org")  # answered from another mailbox
    _reply(replies, "ben", sender="Ben at work <b.carter@work.example>", to=to, subject=subject,
           body="Confirmed.", in_reply_to=req)
    req, to, subject = confirm_reply("chloe@example.net")
    _reply(replies, "chloe", sender="chloe@example.net", to=to, subject=subject, body="oui", in_reply_to=req)
    # dave never answers

    result = _json(cli("inbox", "import", str(replies), "--json"))
    assert result["processed"] == 3 and result["by_kind"].get("confirmation") == 3
    # Ben's yes came from another mailbox than the one asked: consent is his own to give, so it
    # waits for the user, who knows Ben's work address and confirms it by hand.
    assert _statuses(cli)["ben@example.org"] == "pending"
    held = [json.loads(line) for line in _ok(cli("inbox", "review", "--json")).strip().splitlines() if line.strip()]
    assert [item["sender"] for item in held] == ["b.carter@work.example"]
    assert "not from ben@example.org" in held[0]["why"]
    _ok(cli("inbox", "decide", str(held[0]["id"]), "confirm"))
    statuses = _statuses(cli)
    assert statuses == {"anna@example.com": "confirmed", "ben@example.org": "confirmed",
                        "chloe@example.net": "confirmed", "dave@example.com": "pending"}
    trail = json.loads(_ok(cli("contacts", "export", "ben@example.org")))
    assert any(ev["kind"] == "confirmed" and "@" in json.dumps(ev) for ev in trail["consent_trail"])

    body = tmp_path / "news.md"
    body.write_text("# Autumn bread week\n\nHello {{ contact.first_name | default('there') }}!\n")
    first = _json(cli("campaign", "create", "--name", "Autumn", "--subject", "Autumn bread week",
                      "--list", "Newsletter", "--markdown", str(body), "--json"))["id"]
    sent = _json(cli("campaign", "send", str(first), "--account", "sandbox", "--json"))
    assert sent["sent"] == 3 and sent["failed"] == 0
    assert sum(sent["skipped"].values()) == 1  # dave, still pending
    news = {p: [m for m in msgs if "Autumn" in str(m["Subject"])] for p, msgs in _captured(home).items()}
    assert sorted(p for p, m in news.items() if m) == ["anna@example.com", "ben@example.org", "chloe@example.net"]

    replies2 = tmp_path / "replies2"
    anna_news = news["anna@example.com"][0]
    to, subject = _mailto(str(anna_news["List-Unsubscribe"]))  # the mail program's one-click mailto
    _reply(replies2, "anna-unsub", sender="anna@example.com", to=to, subject=subject, body="")
    chloe_news = news["chloe@example.net"][0]
    _reply(replies2, "chloe-unsub", sender="Chloé <chloe@example.net>", to=str(chloe_news["From"]),
           subject="unsubscribe", body="unsubscribe")  # bare words from her own address, no token
    result = _json(cli("inbox", "import", str(replies2), "--json"))
    assert result["by_kind"].get("unsubscribe") == 2
    statuses = _statuses(cli)
    assert statuses["anna@example.com"] == "unsubscribed" and statuses["chloe@example.net"] == "unsubscribed"
    assert statuses["ben@example.org"] == "confirmed"

    again = _json(cli("inbox", "import", str(replies), str(replies2), "--json"))
    assert again["processed"] == 0 and again["unchanged"] == 5

    second = _json(cli("campaign", "create", "--name", "Christmas", "--subject", "Christmas orders",
                       "--list", "Newsletter", "--markdown", str(body), "--json"))["id"]
    sent = _json(cli("campaign", "send", str(second), "--account", "sandbox", "--json"))
    assert sent["sent"] == 1
    christmas = [p for p, msgs in _captured(home).items() if any("Christmas" in str(m["Subject"]) for m in msgs)]
    assert christmas == ["ben@example.org"]
