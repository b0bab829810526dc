"""Backup during a real send over SMTP, restore on "a new computer", and the links still work.

A loopback SMTP server (aiosmtpd) receives the campaign. It holds its answers after the first
messages so the backup is taken while the send is provably in flight. The backup is restored
into a fresh data folder with a fresh keyring; then a reply to a message received before the
backup unsubscribes the right person, and an erased address is refused again.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
import json
import threading
import time

import pytest
from memkeyring import MemoryKeyring
from send_fixtures import loopback_account
from smtp_servers import CountingHandler, Server

from mailer_desktop.cli import main as cli_main
from mailer_desktop.domain import tokens
from mailer_desktop.services.app import open_app
from mailer_desktop.services.backup import archive as backup
from mailer_desktop.services.backup import keys_guard
from mailer_desktop.services.campaigns import create_campaign
from mailer_desktop.services.contacts import people as contacts_service
from mailer_desktop.services.contacts import suppression
from mailer_desktop.services.contacts.errors import SuppressedError
from mailer_desktop.services.contacts.rights import erase_person
from mailer_desktop.services.sending.engine import send_campaign
from mailer_desktop.services.sending.identity import save_sender

PASS = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _cheap_key_derivation(monkeypatch):
    # The scrypt cost is stored in each file's header; a lower one keeps these tests quick.
    from mailer_desktop.services.backup import format as backup_format

    monkeypatch.setattr(backup_format, "SCRYPT_N", 1 << 12)

N = 40
PASS_FIRST = 10


class HoldingHandler(CountingHandler):
    """Accepts the first messages at once, then holds every answer until released."""

    def __init__(self, pass_first: int):
        super().__init__()
        self.pass_first = pass_first
        self.release = threading.Event()
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.total >= self.pass_first:
            self.holding.set()
            while not self.release.is_set():  # waiting on a condition, not a fixed time
                await asyncio.sleep(0.005)
        return await super().handle_DATA(server, session, envelope)


def _wait(cond, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def _unsubscribe_token(raw: bytes) -> tuple[str, str]:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    header = str(msg["List-Unsubscribe"])
    found = [t for t in tokens.candidates(header) if t.startswith("mdu")]
    assert found, f"no unsubscribe token in {header!r}"
    return msg["To"].addresses[0].addr_spec, found[0]


def _reply(token: str) -> bytes:
    return (f"From: Someone Else <someone.else@forwarded.example>\r\n"
            f"To: leave@shop.example\r\n"
            f"Subject: unsubscribe {token}\r\n"
            f"Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n"
            f"Message-ID: <reply-1@forwarded.example>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"unsubscribe\r\n").encode("ascii")


@pytest.fixture
def shop(app):
    save_sender(app, name="Corner Shop", from_address="news@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    for i in range(N):
        contacts_service.add_contact(app, f"reader{i}@example.org", f"Reader {i}", lists=["News"],
                                     confirmed=True, evidence=f"signup form #{i}")
    contacts_service.add_contact(app, "erased@example.org", "Gone", confirmed=True, evidence="form")
    erase_person(app, "erased@example.org", channel="cli")
    return app


@pytest.mark.slow
def test_backup_during_send_then_restore_on_a_new_computer(shop, tmp_path, capsys, monkeypatch):
    app = shop
    campaign_id = create_campaign(app, "Spring", "News for {{ contact.name }}", "News",
                                  html="<p>Hi {{ contact.name }}</p>")
    handler = HoldingHandler(PASS_FIRST)
    result: dict = {}
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=2)
        failure: list[BaseException] = []

        def send() -> None:
            try:
                result.update(send_campaign(app, campaign_id, "local"))
            except BaseException as exc:  # shown by the assertion below instead of a bare timeout
                failure.append(exc)

        sender = threading.Thread(target=send)
        sender.start()
        try:
            _wait(lambda: handler.holding.is_set() or not sender.is_alive(), 60, "the send to be in flight")
            assert not failure, failure
            delivered_before = list(handler.messages)
            info = backup.create_backup(app, PASS)
        finally:
            handler.release.set()
            sender.join(120)
    assert result["sent"] == N and result["state"] == "done"
    assert len(delivered_before) >= PASS_FIRST
    to_address, token = _unsubscribe_token(delivered_before[0])

    # The new computer: an empty data folder and a keyring that has never seen this business.
    new_home, new_keyring = tmp_path / "new-laptop", MemoryKeyring()
    monkeypatch.setattr("sys.stdin", io.StringIO(PASS + "\n"))
    code = cli_main(["--home", str(new_home), "backup", "restore", str(info.path), "--passphrase-stdin",
                     "--json"], keyring_backend=new_keyring)
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    restored = open_app(new_home, keyring_backend=new_keyring, log_to_file=False)
    try:
        assert keys_guard.check_keys(restored) is None
        conn = restored.db.conn
        assert restored.db.integrity_check() is None
        states = dict(conn.execute("SELECT state, COUNT(*) FROM deliveries WHERE campaign_id = ? GROUP BY state",
                                   (campaign_id,)).fetchall())
        assert sum(states.values()) == N  # the send log came along whole ...
        assert states.get("sent", 0) < N  # ... as it was in the middle of the send
        assert report["contacts"] == N and report["install_id"] == app.install_id

        parsed = tokens.parse(restored.token_key(), f"Subject: unsubscribe {token}")
        assert parsed is not None and parsed.action == tokens.UNSUBSCRIBE
        person = contacts_service.find_by_token(restored, parsed.token_id)
        assert person.email == to_address and person.status == "confirmed"
        # The erased address cannot come back.
        with pytest.raises(SuppressedError):
            contacts_service.add_contact(restored, "erased@example.org")
    finally:
        restored.close()

    # The unsubscribe reply to a message sent before the backup arrives from another address
    # (the reader forwarded it from a second mailbox); "Process inbox" on the new computer.
    reply = tmp_path / "reply.eml"
    reply.write_bytes(_reply(token))
    code = cli_main(["--home", str(new_home), "inbox", "import", str(reply), "--json"], keyring_backend=new_keyring)
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)
    assert summary["processed"] == 1 and summary["by_kind"] == {"unsubscribe": 1}
    restored = open_app(new_home, keyring_backend=new_keyring, log_to_file=False)
    try:
        assert contacts_service.get_contact(restored, person.id).status == "unsubscribed"
        assert suppression.is_suppressed(restored, to_address)
        others = contacts_service.status_counts(restored)
        assert others.get("unsubscribed") == 1 and others.get("confirmed") == N - 1
    finally:
        restored.close()
    code = cli_main(["--home", str(new_home), "contacts", "add", "erased@example.org"],
                    keyring_backend=new_keyring)
    err = capsys.readouterr().err
    assert code == 1 and "suppression list" in err

    # Re-importing an old export that still lists the erased person: refused, the others added.
    old_export = tmp_path / "old-export.csv"
    old_export.write_text("email,name\nErased@Example.org,Gone\nnewcomer@example.org,New\n", encoding="utf-8")
    code = cli_main(["--home", str(new_home), "contacts", "import", str(old_export), "--json"],
                    keyring_backend=new_keyring)
    out, err = capsys.readouterr()
    assert code == 0, err
    imported = json.loads(out)
    assert imported["suppressed"] == 1 and imported["added"] == 1


def test_missing_keys_block_sending_until_restored(shop, keyring_backend, capsys, monkeypatch):
    """A wiped keyring: `campaign send` refuses with a clear line, nothing reaches the server,
    no key is minted; after restoring the backup the same command sends."""
    app = shop
    campaign_id = create_campaign(app, "Spring", "News", "News", html="<p>Hi</p>")
    app.token_key()
    info = backup.create_backup(app, PASS)
    handler = CountingHandler()
    with Server(handler) as srv:
        loopback_account(app, srv.port, pool_size=2)
        home = app.paths.home
        app.close()
        keyring_backend.store.clear()
        argv = ["--home", str(home), "campaign", "send", str(campaign_id), "--account", "local", "--json"]
        code = cli_main(argv, keyring_backend=keyring_backend)
        err = capsys.readouterr().err
        assert code == 1 and "keys" in err and "Restore a backup" in err and err.count("\n") == 1
        assert handler.total == 0 and keyring_backend.store == {}
        # Inbox processing is blocked too, and the reply is not marked as seen meanwhile.
        reply = home / "reply.eml"
        reply.write_bytes(_reply("mdu1xaaaaaaaaaaaaaaaa"))
        code = cli_main(["--home", str(home), "inbox", "import", str(reply), "--json"],
                        keyring_backend=keyring_backend)
        err = capsys.readouterr().err
        assert code == 1 and "keys" in err
        check = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
        try:
            assert check.db.conn.execute("SELECT COUNT(*) FROM inbox_messages").fetchone()[0] == 0
        finally:
            check.close()

        monkeypatch.setattr("sys.stdin", io.StringIO(PASS + "\n"))
        code = cli_main(["--home", str(home), "backup", "restore", str(info.path), "--passphrase-stdin",
                         "--force"], keyring_backend=keyring_backend)
        out, err = capsys.readouterr()
        assert code == 0 and "Restored" in out, err
        # The account was added after the backup: add it again, then send.
        again = open_app(home, keyring_backend=keyring_backend, log_to_file=False)
        try:
            loopback_account(again, srv.port, pool_size=2)
        finally:
            again.close()
        code = cli_main(argv, keyring_backend=keyring_backend)
        out, err = capsys.readouterr()
        assert code == 0, err
        assert json.loads(out)["sent"] == N and handler.total == N
