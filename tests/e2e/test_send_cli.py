"""The sending commands of the CLI contract against real loopback servers."""

from __future__ import annotations

import io
import json
import signal
import smtplib
import subprocess

from send_env import CLI, shared_keyring
from send_fixtures import bulk_contacts
from smtp_servers import AcceptAuth, CountingHandler, Server, free_port

from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.contacts import people as contact_service
from mailer_desktop.services.sending.identity import save_sender


def _sender(app):
    save_sender(app, name="Corner Shop", from_address="news@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")


def test_account_commands(cli, monkeypatch):
    with Server(CountingHandler(), authenticator=AcceptAuth("shop", "pw-123"), auth_require_tls=False) as srv:
        code, out, err = cli("account", "add", "local", "--host", "127.0.0.1", "--port", str(srv.port),
                             "--security", "none")
        assert code == 0, err
        monkeypatch.setattr("sys.stdin", io.StringIO("pw-123\n"))
        code, out, err = cli("account", "add", "authed", "--host", "127.0.0.1", "--port", str(srv.port),
                             "--security", "none", "--user", "shop", "--password-stdin")
        assert code == 0, err
        code, out, err = cli("account", "test", "authed", "--json")
        assert code == 0, err
        assert json.loads(out)["ok"] is True
    code, out, _ = cli("account", "list", "--json")
    names = [json.loads(line)["name"] for line in out.splitlines()]
    assert names == ["sandbox", "authed", "local"]
    assert "pw-123" not in out
    code, out, err = cli("account", "add", "remote", "--host", "smtp.example.com", "--port", "25", "--security", "none")
    assert code == 1 and "only allowed to this computer" in err and len(err.strip().splitlines()) == 1
    code, out, err = cli("account", "test", "local")
    assert code == 1 and "Nothing accepts connections" in err
    code, out, err = cli("account", "remove", "sandbox")
    assert code == 1 and "cannot be removed" in err
    assert cli("account", "remove", "local")[0] == 0


def test_campaign_send_and_status_json(app, cli):
    _sender(app)
    bulk_contacts(app, [f"r{i}@example.org" for i in range(12)])
    bulk_contacts(app, ["p@example.org"], status="pending")
    cid = create_campaign(app, "March", "News for {{ contact.name }}", "News", html="<p>Hello {{ contact.name }}</p>")
    code, out, err = cli("campaign", "status", str(cid), "--json")
    st = json.loads(out)
    assert st["state"] == "draft" and st["skipped"] == {"pending": 1}
    with Server(CountingHandler()) as srv:
        assert cli("account", "add", "local", "--host", "127.0.0.1", "--port", str(srv.port),
                   "--security", "none")[0] == 0
        code, out, err = cli("campaign", "send", str(cid), "--account", "local", "--json")
    assert code == 0, err
    st = json.loads(out)
    assert {"id", "state", "sent", "failed", "deferred", "uncertain", "skipped"} <= set(st)
    assert (st["id"], st["state"], st["sent"], st["failed"], st["deferred"], st["uncertain"]) == (cid, "done", 12, 0, 0, 0)
    assert st["skipped"] == {"pending": 1}
    assert srv.handler.total == 12
    msg = srv.handler.messages[0]
    assert b"List-Unsubscribe:" in msg and b"multipart/alternative" in msg
    code, out, err = cli("campaign", "status", str(cid), "--json")
    assert json.loads(out)["sent"] == 12
    code, out, err = cli("campaign", "send", "999", "--account", "local")
    assert code == 1 and "no campaign 999" in err


def test_confirmation_requests_once_plus_one_reminder(app, cli):
    _sender(app)
    for i in range(3):
        contact_service.add_contact(app, f"new{i}@example.org", lists=["News"])
    contact_service.add_contact(app, "done@example.org", lists=["News"], confirmed=True, evidence="signed up")
    with Server(CountingHandler()) as srv:
        assert cli("account", "add", "local", "--host", "127.0.0.1", "--port", str(srv.port),
                   "--security", "none")[0] == 0
        code, out, err = cli("confirmations", "send", "--list", "News", "--account", "local", "--json")
        assert code == 0, err
        assert json.loads(out)["sent"] == 3
        assert set(srv.handler.received) == {f"new{i}@example.org" for i in range(3)}
        code, out, err = cli("confirmations", "send", "--account", "local", "--json")
        assert json.loads(out)["sent"] == 0                     # not again before the reminder is due
        app.settings.set("consent.reminder_after_days", 0)
        code, out, err = cli("confirmations", "send", "--account", "local", "--json")
        assert json.loads(out)["sent"] == 3                     # the one reminder
        code, out, err = cli("confirmations", "send", "--account", "local", "--json")
        assert json.loads(out)["sent"] == 0                     # and never more
    assert all(n == 2 for n in srv.handler.received.values())
    c = contact_service.find_by_email(app, "new0@example.org")
    assert c.confirm_sent_count == 2
    events = [e for e in contact_service.consent_trail(app, c.id) if e.kind == "confirmation_requested"]
    assert len(events) == 2 and events[0].wording == app.settings.get("consent.confirmation_wording")
    body = srv.handler.messages[0]
    assert b"confirm" in body.lower() and b"List-Unsubscribe" in body


def test_sandbox_serve_captures_until_terminated(tmp_path):
    backend, env = shared_keyring(tmp_path)
    home = tmp_path / "data"
    port = free_port()
    proc = subprocess.Popen([*CLI, "--home", str(home), "sandbox", "serve", "--port", str(port), "--json"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert json.loads(line)["port"] == port, proc.stderr.read() if not line else line
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            s.sendmail("a@shop.example", ["b@example.org"], b"Subject: hi\r\n\r\nhello\r\n")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
    assert proc.returncode == 0
    listed = subprocess.run([*CLI, "--home", str(home), "sandbox", "list", "--json"], env=env,
                            capture_output=True, text=True, timeout=60)
    rows = [json.loads(x) for x in listed.stdout.splitlines()]
    assert [(r["to"], r["subject"]) for r in rows] == [(["b@example.org"], "hi")]
