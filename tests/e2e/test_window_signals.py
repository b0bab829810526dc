"""The window's process quits cleanly on SIGTERM, SIGINT and SIGHUP (logging out, a service
manager, Ctrl+C in the terminal it was started from): its work is cancelled and waited for (a
send leaves its campaign paused) and the database is closed as on a normal quit."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from send_env import shared_keyring
from waiting import wait_until

GUI = [sys.executable, "-c", "import sys; from mailer_desktop.__main__ import main; sys.exit(main())"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_the_window_quits_cleanly_on_a_signal(tmp_path, signum):
    _, env = shared_keyring(tmp_path)
    env["QT_QPA_PLATFORM"] = "offscreen"
    home = tmp_path / "data"
    proc = subprocess.Popen([*GUI, "--home", str(home)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        log = home / "logs" / "mailer-desktop.log"
        wait_until(lambda: proc.poll() is not None or (log.exists() and "window up" in log.read_text()),
                   timeout=60, what="the window to be up")
        assert proc.poll() is None, proc.communicate()[1]
        proc.send_signal(signum)
        proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert list(home.glob("*.sqlite3-clean")), "the database was not closed as on a normal quit"
