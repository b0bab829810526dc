"""`sandbox serve` in another process: the same data folder's is used as it is; another data
folder's is a stranger and gets nothing (the send runs this folder's sandbox on a free port)."""

from __future__ import annotations

import signal
import subprocess

import pytest
from send_env import CLI, shared_keyring
from send_fixtures import bulk_contacts, make_campaign, tiny
from smtp_servers import free_port

from mailer_desktop.services.accounts.manage import edit_account
from mailer_desktop.services.app import open_app
from mailer_desktop.services.sandbox import server as sandbox_service
from mailer_desktop.services.sending.engine import SendOptions, send_campaign

OPTIONS = SendOptions(retry_base=0.01, command_timeout=5.0, preflight=False)


def _serve(home, port, env) -> subprocess.Popen:
    proc = subprocess.Popen([*CLI, "--home", str(home), "sandbox", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "listening" not in line:
        proc.kill()
        raise AssertionError(f"sandbox serve did not start: {line!r} {proc.communicate()[1]}")
    return proc


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


@pytest.mark.parametrize("whose", ["same", "other"])
def test_a_served_sandbox_is_used_only_when_it_is_this_folders(tmp_path, whose):
    backend, env = shared_keyring(tmp_path)
    home = tmp_path / "data"
    app = open_app(home, keyring_backend=backend, log_to_file=False)
    try:
        app.settings.set("sender.from_address", "shop@example.com")
        addrs = [f"friend{i}@example.org" for i in range(12)]
        cid = make_campaign(app, bulk_contacts(app, addrs))
        port = free_port()
        edit_account(app, "sandbox", port=port)
        served_home = home if whose == "same" else tmp_path / "other-data"
        server = _serve(served_home, port, env)
        try:
            status = send_campaign(app, cid, "sandbox", renderer_factory=tiny, options=OPTIONS)
        finally:
            said = _stop(server)
        assert status["state"] == "done" and status["sent"] == len(addrs)
        captured = sorted(r for m in sandbox_service.list_messages(app) for r in m.recipients)
        assert captured == sorted(addrs)  # in this data folder's sandbox folder either way
        served = int(said.rsplit("capturing", 1)[1].split()[0])
        assert served == (len(addrs) if whose == "same" else 0)
    finally:
        app.close()
