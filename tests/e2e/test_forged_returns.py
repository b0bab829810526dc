"""Mail that must not change consent, processed through ``inbox import`` into a real data folder.

Each case is mail a forger (or a careless customer) can send: a reply to a request sent to
someone who is no longer on file, a refusal, a reply to an old request after an opt-out, a
bounce and a complaint that refer to nothing we sent, and an opt-out whose sender failed SPF
and DMARC. Next to them, the real thing still acts: a bounce of a message we sent, a confirmation
by empty reply, an opt-out that passed authentication.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import sqlite3
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path


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
    by_rcpt: dict[str, list[EmailMessage]] = {}
    for path in sorted((home / "sandbox").rglob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        by_rcpt.setdefault(parseaddr(str(msg["To"]))[1].lower(), []).append(msg)
    return by_rcpt


def _reply_to(request: EmailMessage, folder: Path, name: str, sender: str, body: str, **headers) -> Path:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = parseaddr(str(request["Reply-To"] or request["From"]))[1]
    msg["Subject"] = f"Re: {request['Subject']}"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="example.com")
    msg["In-Reply-To"] = request["Message-ID"]
    for key, value in headers.items():
        del msg[key.replace("_", "-")]
        msg[key.replace("_", "-")] = value
    msg.set_content(body)
    return _write(folder, name, msg.as_bytes())


def _write(folder: Path, name: str, raw: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.eml"
    path.write_bytes(raw)
    return path


def _statuses(cli) -> dict[str, str]:
    out = _ok(cli("contacts", "list", "--json"))
    return {row["email"]: row["status"] for row in map(json.loads, out.strip().splitlines())}


def _review(cli) -> list[dict]:
    out = _ok(cli("inbox", "review", "--json"))
    return [json.loads(line) for line in out.strip().splitlines() if line.strip()]


def _suppressed(home: Path) -> int:
    with sqlite3.connect(home / "mailer-desktop.sqlite3") as conn:
        return conn.execute("SELECT COUNT(*) FROM suppressions").fetchone()[0]


FORGED_DSN = """\
From: Mail Delivery System <MAILER-DAEMON@evil.example>
To: news@bakery.example
Subject: Undelivered Mail Returned to Sender
Date: Tue, 03 Nov 2026 12:30:00 +0000
Message-ID: <forged-dsn-1@evil.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

<carol@example.com>: host mx.example.com said: 550 5.1.1 User unknown

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; evil.example

Final-Recipient: rfc822; carol@example.com
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <carol@example.com>: User unknown

--b1
Content-Type: text/rfc822-headers

From: Corner Bakery <news@bakery.example>
To: carol@example.com
Subject: Autumn bread week
Message-ID: <never-sent-by-us@bakery.example>

--b1--
"""

FORGED_ARF = """\
From: fbl@evil.example
To: news@bakery.example
Subject: FW: complaint
Date: Tue, 03 Nov 2026 12:40:00 +0000
Message-ID: <forged-arf-1@evil.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

--b2
Content-Type: text/plain

This is an email abuse report.

--b2
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: evil-fbl/1.0
Version: 1
Original-Rcpt-To: dave@example.com

--b2
Content-Type: message/rfc822

From: Corner Bakery <news@bakery.example>
To: dave@example.com
Subject: Autumn bread week
Message-ID: <also-never-sent@bakery.example>

Bread!
--b2--
"""

SPOOFED_OPT_OUT = """\
Authentication-Results: mx.example; spf=fail smtp.mailfrom=example.com; dkim=none; dmarc=fail header.from=example.com
From: Bob <bob@example.com>
To: news@bakery.example
Subject: unsubscribe
Date: Tue, 03 Nov 2026 13:00:00 +0000
Message-ID: <{mid}@spoofer.example>

unsubscribe
"""


def _dsn_for(message: EmailMessage, recipient: str) -> bytes:
    """A real-looking bounce of one of our messages: its headers come back in the report."""
    head = "".join(f"{k}: {v}\n" for k, v in message.items() if k.lower() in
                   ("from", "to", "subject", "message-id", "x-mailer-desktop-ref", "date"))
    return (FORGED_DSN.replace("evil.example", "mx.example.com").replace("carol@example.com", recipient)
            .replace("<forged-dsn-1@mx.example.com>", "<real-dsn-1@mx.example.com>")
            .split("--b1\nContent-Type: text/rfc822-headers")[0]
            + "--b1\nContent-Type: text/rfc822-headers\n\n" + head + "\n--b1--\n").encode()


def test_forged_and_refused_mail_changes_no_consent(cli, home, tmp_path):
    _ok(cli("sender", "set", "--name", "Corner Bakery", "--from", "news@bakery.example",
            "--postal-address", "12 Baker Street, Springfield", "--unsubscribe-mailbox", "news@bakery.example"))
    _ok(cli("account", "set", "sandbox", "--port", str(_free_port())))
    pending = tmp_path / "pending.csv"
    pending.write_text("email\nann@example.com\nben@example.com\ndan@example.com\nerin@example.com\n")
    _ok(cli("contacts", "import", str(pending), "--list", "Newsletter"))
    confirmed = tmp_path / "confirmed.csv"
    confirmed.write_text("email\ncarol@example.com\ndave@example.com\nbob@example.com\nfred@example.com\n")
    _ok(cli("contacts", "import", str(confirmed), "--list", "Newsletter", "--consent", "confirmed",
            "--proof", "signed up at the counter, 2026-10-01"))
    _ok(cli("confirmations", "send", "--list", "Newsletter", "--account", "sandbox"))
    requests = {who: msgs[0] for who, msgs in _captured(home).items()}
    assert sorted(requests) == ["ann@example.com", "ben@example.com", "dan@example.com", "erin@example.com"]

    # 1. ben is erased; carl gets ben's freed row id; ben's late reply must not confirm carl.
    _ok(cli("contacts", "erase", "ben@example.com"))
    _ok(cli("contacts", "add", "carl@example.com"))
    late = tmp_path / "late"
    _reply_to(requests["ben@example.com"], late, "ben", "Ben <ben@example.com>", "Yes please")
    result = _json(cli("inbox", "import", str(late), "--json"))
    assert result["review"] == 1
    assert _statuses(cli)["carl@example.com"] == "pending"
    assert "no longer on file" in _review(cli)[-1]["why"]

    # 2. a refusal is an opt-out, never a confirmation.
    refusal = tmp_path / "refusal"
    _reply_to(requests["dan@example.com"], refusal, "dan", "dan@example.com",
              "No! I never signed up. Unsubscribe me.")
    _json(cli("inbox", "import", str(refusal), "--json"))
    assert _statuses(cli)["dan@example.com"] == "unsubscribed"

    # ... and after an opt-out, a reply to the old request brings nobody back, whatever it says.
    erin_yes = tmp_path / "erin1"
    _reply_to(requests["erin@example.com"], erin_yes, "erin-yes", "erin@example.com", "")
    _json(cli("inbox", "import", str(erin_yes), "--json"))
    assert _statuses(cli)["erin@example.com"] == "confirmed"  # an empty reply is a yes
    stop = tmp_path / "erin-stop"
    _write(stop, "unsub", f"From: erin@example.com\nTo: news@bakery.example\nSubject: unsubscribe\n"
                          f"Message-ID: <erin-unsub@example.com>\nDate: {formatdate()}\n\nunsubscribe\n".encode())
    _json(cli("inbox", "import", str(stop), "--json"))
    assert _statuses(cli)["erin@example.com"] == "unsubscribed"
    suppressed = _suppressed(home)
    old_request = tmp_path / "erin2"
    _reply_to(requests["erin@example.com"], old_request, "again", "erin@example.com",
              "I already unsubscribed. STOP emailing me.")
    _reply_to(requests["erin@example.com"], old_request, "yes-again", "erin@example.com", "yes",
              Message_ID=make_msgid(domain="example.com"))
    reviewed_before = len(_review(cli))
    result = _json(cli("inbox", "import", str(old_request), "--json"))
    assert result["processed"] == 2
    assert _statuses(cli)["erin@example.com"] == "unsubscribed"
    assert _suppressed(home) == suppressed  # the suppression entry stays
    assert len(_review(cli)) == reviewed_before + 1
    assert "new confirmation request" in _review(cli)[-1]["why"]
    held = _review(cli)[-1]["id"]
    code, _out, err = cli("inbox", "decide", str(held), "confirm")  # not even by hand
    assert code != 0 and "new confirmation request" in err
    assert _statuses(cli)["erin@example.com"] == "unsubscribed"

    # Coming back: a new request the user starts; erin's reply to that one confirms her.
    _ok(cli("confirmations", "send", "--contact", "erin@example.com", "--note", "asked by phone",
            "--account", "sandbox"))
    new_request = _captured(home)["erin@example.com"][-1]
    assert new_request["Message-ID"] != requests["erin@example.com"]["Message-ID"]
    back = tmp_path / "erin3"
    _reply_to(new_request, back, "back", "erin@example.com", "Yes, I'd like it again")
    result = _json(cli("inbox", "import", str(back), "--json"))
    assert _statuses(cli)["erin@example.com"] == "confirmed", result["outcomes"]
    assert _suppressed(home) == suppressed - 1
    trail = json.loads(_ok(cli("contacts", "export", "erin@example.com")))["consent_trail"]
    note = [ev for ev in trail if ev["kind"] == "note"][-1]
    assert "started by the user after the opt-out on" in note["evidence"] and "asked by phone" in note["evidence"]
    assert "reply to the new request" in [ev for ev in trail if ev["kind"] == "confirmed"][-1]["evidence"]

    # 3. a bounce and a complaint that refer to nothing we sent.
    forged = tmp_path / "forged"
    _write(forged, "dsn", FORGED_DSN.encode())
    _write(forged, "arf", FORGED_ARF.encode())
    before = len(_review(cli))
    result = _json(cli("inbox", "import", str(forged), "--json"))
    assert result["processed"] == 2 and result["review"] == 2
    statuses = _statuses(cli)
    assert statuses["carol@example.com"] == "confirmed" and statuses["dave@example.com"] == "confirmed"
    whys = [item["why"] for item in _review(cli)[before:]]
    assert all("refers to no message sent from here" in why for why in whys), whys

    # 4. an opt-out whose sender failed SPF and DMARC at the inbox's own server.
    spoof = tmp_path / "spoof"
    _write(spoof, "bob", SPOOFED_OPT_OUT.format(mid="s1").encode())
    result = _json(cli("inbox", "import", str(spoof), "--authserv-id", "mx.example", "--json"))
    assert result["review"] == 1
    assert _statuses(cli)["bob@example.com"] == "confirmed"
    assert "failed SPF and DMARC" in _review(cli)[-1]["why"]
    # A header written by another server is not trusted: the same mail with a forged
    # "pass" from elsewhere is judged by the trusted server's verdict only.
    forged_pass = "Authentication-Results: mx.evil.example; spf=pass; dmarc=pass\n" + SPOOFED_OPT_OUT.format(mid="s2")
    _write(spoof, "bob2", forged_pass.encode())
    assert _json(cli("inbox", "import", str(spoof), "--authserv-id", "mx.example", "--json"))["review"] == 1
    assert _statuses(cli)["bob@example.com"] == "confirmed"

    # The real thing still acts: an opt-out that passed authentication, with the evidence kept ...
    genuine = tmp_path / "genuine"
    _write(genuine, "fred", SPOOFED_OPT_OUT.format(mid="g1").replace("bob@", "fred@").replace("Bob", "Fred")
           .replace("spf=fail", "spf=pass").replace("dmarc=fail", "dmarc=pass").encode())
    _json(cli("inbox", "import", str(genuine), "--authserv-id", "mx.example", "--json"))
    assert _statuses(cli)["fred@example.com"] == "unsubscribed"
    trail = json.loads(_ok(cli("contacts", "export", "fred@example.com")))["consent_trail"]
    opt_out = [ev for ev in trail if ev["kind"] == "unsubscribed"][-1]
    assert "spf=pass" in opt_out["evidence"] and "dmarc=pass" in opt_out["evidence"]

    # ... and a bounce of a message we did send suppresses at once.
    body = tmp_path / "news.md"
    body.write_text("# Autumn bread week\n\nFresh bread.\n")
    campaign = _json(cli("campaign", "create", "--name", "Autumn", "--subject", "Autumn bread week",
                         "--list", "Newsletter", "--markdown", str(body), "--json"))["id"]
    _json(cli("campaign", "send", str(campaign), "--account", "sandbox", "--json"))
    news = [m for m in _captured(home)["carol@example.com"] if "Autumn" in str(m["Subject"])][0]
    real = tmp_path / "real"
    _write(real, "bounce", _dsn_for(news, "carol@example.com"))
    result = _json(cli("inbox", "import", str(real), "--json"))
    assert result["by_kind"] == {"hard": 1} and result["review"] == 0
    assert _statuses(cli)["carol@example.com"] == "bounced"
