"""The sandbox stays sealed: mail for the sandbox goes to this data folder's sandbox only.

Another program on the sandbox's port (an aiosmtpd in its own process that accepts everything,
or one that fakes the sandbox's EHLO line) never receives a message: the send, the test copy and
'Test connection' use this folder's sandbox on a free port instead. This folder's own sandbox
already running on the port (the window's, a ``sandbox serve``) is used as it is.
"""

from __future__ import annotations

import asyncio
import os
import stat

import pytest
from send_fixtures import bulk_contacts, make_campaign, tiny
from server_process import ServerProcess
from smtp_servers import free_port

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.accounts.manage import edit_account, endpoint_for, get_account
from mailer_desktop.services.sandbox import seal as sandbox_seal
from mailer_desktop.services.sandbox import server as sandbox_service
from mailer_desktop.services.sending.engine import SendOptions, send_campaign
from mailer_desktop.services.sending.smtp import SmtpSetupError, open_session

FAST = SendOptions(retry_base=0.01, command_timeout=5.0, preflight=False)


@pytest.fixture(autouse=True)
def sender_address(app):
    app.settings.set("sender.from_address", "shop@example.com")


def _campaign(app, n=16):
    addrs = [f"friend{i}@example.org" for i in range(n)]
    return addrs, make_campaign(app, bulk_contacts(app, addrs))


def _captured(app):
    return sorted(r for m in sandbox_service.list_messages(app) for r in m.recipients)


def test_the_key_is_private_and_stable(app):
    key = sandbox_seal.key_for(app.paths.home)
    path = app.paths.home / sandbox_seal.KEY_FILE
    assert len(key) == 32 and sandbox_seal.key_for(app.paths.home) == key
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("behaviour", ["normal", "fake_sandbox"])
def test_a_foreign_server_on_the_port_gets_nothing(app, tmp_path, behaviour):
    addrs, cid = _campaign(app)
    with ServerProcess(tmp_path / "foreign.log", behaviour=behaviour) as foreign:
        edit_account(app, "sandbox", port=foreign.port)
        assert sandbox_service.identify(app.paths.home, "127.0.0.1", foreign.port) == "foreign"
        status = send_campaign(app, cid, "sandbox", renderer_factory=tiny, options=FAST)
        assert status["state"] == "done" and status["sent"] == len(addrs), status
        assert not foreign.rcpts and not foreign.stored
    assert _captured(app) == sorted(addrs)
    assert get_account(app, "sandbox").port == foreign.port  # the setting is kept; the send moved


def test_this_folders_running_sandbox_is_used(app):
    addrs, cid = _campaign(app, 5)
    port = free_port()
    edit_account(app, "sandbox", port=port)
    with sandbox_service.SandboxServer(app.paths.sandbox, port) as running:
        assert sandbox_service.identify(app.paths.home, "127.0.0.1", port) == "ours"
        status = send_campaign(app, cid, "sandbox", renderer_factory=tiny, options=FAST)
        assert running.handler.received == len(addrs)
    assert status["sent"] == len(addrs)
    assert _captured(app) == sorted(addrs)


def test_another_data_folders_sandbox_is_a_stranger(app, tmp_path):
    addrs, cid = _campaign(app, 5)
    port = free_port()
    edit_account(app, "sandbox", port=port)
    other_home = tmp_path / "other"
    with sandbox_service.SandboxServer(other_home / "sandbox", port) as other:
        assert sandbox_service.identify(app.paths.home, "127.0.0.1", port) == "foreign"
        status = send_campaign(app, cid, "sandbox", renderer_factory=tiny, options=FAST)
        assert other.handler.received == 0
    assert status["sent"] == len(addrs) and _captured(app) == sorted(addrs)


def test_every_session_checks_the_proof(app, tmp_path):
    """Even when the check at the start passed, a session to a server without the proof never
    gets as far as a MAIL FROM."""
    with ServerProcess(tmp_path / "fake.log", behaviour="fake_sandbox") as fake:
        edit_account(app, "sandbox", port=fake.port)
        ep = endpoint_for(app, get_account(app, "sandbox"), timeout=5)
        with pytest.raises(SmtpSetupError) as err:
            asyncio.run(open_session(ep))
        assert err.value.kind == "not_sandbox"
        assert "not this data folder's sandbox" in str(err.value)


def test_test_copy_and_test_connection_stay_sealed(app, tmp_path):
    from mailer_desktop.services.campaigns import create_campaign
    from mailer_desktop.services.sending.identity import save_sender
    from mailer_desktop.services.sending.sample import send_test_message

    save_sender(app, name="Corner Shop", from_address="news@shop.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@shop.example")
    bulk_contacts(app, ["anna@example.org"])
    cid = create_campaign(app, "Spring", "News", "News", html="<p>Hello</p>")
    with ServerProcess(tmp_path / "foreign.log") as foreign:
        edit_account(app, "sandbox", port=foreign.port)
        reply = send_test_message(app, cid, "sandbox", "me@example.org")
        report = accounts.test_connection(app, "sandbox")
        assert not foreign.rcpts and not foreign.stored
    assert "sandbox" in reply.lower()
    assert _captured(app) == ["me@example.org"]
    assert report.ok and "Another program listens on port" in report.message
