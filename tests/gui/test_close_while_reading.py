"""Closing the database while a background read or job is inside a query: the close waits for
it (interrupting the query) instead of pulling the connection from under it, which crashes the
interpreter. Run in a child process so that a crash is reported as a failure, not as the end of
the test run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    sys.path.insert(0, {support!r})
    from memkeyring import MemoryKeyring
    from PySide6.QtWidgets import QApplication
    from mailer_desktop.services.app import open_app
    from mailer_desktop.ui.tasks import LatestRead
    from mailer_desktop.ui.tasks import JobRunner

    SLOW = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) "
            "SELECT count(*) FROM c")
    qt = QApplication([])
    started = threading.Event()

    def slow(app, progress=None):
        started.set()
        return app.db.conn.execute(SLOW).fetchone()[0]

    longest = 0.0
    for round in range({rounds}):
        app = open_app({home!r} + str(round), keyring_backend=MemoryKeyring(), log_to_file=False)
        results = []
        started.clear()
        if round % 2:
            reader = LatestRead(app, results.append, results.append, "slow read")
            reader.ask(slow)
        else:
            runner = JobRunner()
            runner.run(lambda progress: slow(app), name="slow job", on_error=results.append)
        started.wait(5)
        time.sleep(0.05)  # inside the query now
        t0 = time.monotonic()
        app.close()
        longest = max(longest, time.monotonic() - t0)
        for _ in range(50):
            qt.processEvents()
            time.sleep(0.01)
    print("closed", round + 1, "times; longest close %.2f s" % longest)
    """
)


def test_closing_the_database_under_a_running_background_read_does_not_crash(tmp_path):
    support = os.path.join(os.path.dirname(__file__), "..", "support")
    script = SCRIPT.format(support=os.path.abspath(support), home=str(tmp_path / "data"), rounds=12)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    assert "closed 12 times" in proc.stdout
    longest = float(proc.stdout.split("longest close ")[1].split()[0])
    assert longest < 4.0, proc.stdout  # the query was interrupted, not waited out
