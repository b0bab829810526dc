"""Exactly once, on the real path: `mailer-desktop-cli campaign send` in a process of its own sends
20,000 personalised messages over 4 connections to an SMTP server in another process (aiosmtpd,
tests/support/smtp_process.py, which logs every accepted RCPT TO and stored message). Repeated
--runs times; each run checks that every recipient was accepted and stored exactly once.

Usage: python bench/send_exactly_once.py [--messages N] [--runs R]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUPPORT = ROOT / "tests" / "support"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(SUPPORT))

from _common import data_folder, loopback_account  # noqa: E402
from filekeyring import ENV, FileKeyring  # noqa: E402
from server_process import ServerProcess  # noqa: E402

CLI = [sys.executable, "-c", "import sys; from mailer_desktop.cli import main; sys.exit(main())"]


def one_run(n: int, folder: Path) -> str:
    keyring_file = folder / "keyring.json"
    env = {**os.environ, ENV: str(keyring_file), "PYTHON_KEYRING_BACKEND": "filekeyring.FileKeyring",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(SUPPORT)])}
    with ServerProcess(folder / "server.log") as server:
        app, campaign_id = data_folder(n, pool=4, tmp=folder)
        home = app.paths.home
        # the keys the data folder made go to the keyring the command's process reads
        backend = FileKeyring(keyring_file)
        for (service, name), value in app.secrets.backend.store.items():
            backend.set_password(service, name, value)
        loopback_account(app, server.port, 4)
        app.close()
        t0 = time.perf_counter()
        done = subprocess.run([*CLI, "--home", str(home), "--json", "campaign", "send", str(campaign_id),
                               "--account", "bench", "--quiet"], env=env, capture_output=True, text=True,
                              timeout=1800)
        took = time.perf_counter() - t0
        rcpts, stored = server.rcpts, server.stored
    wanted = {f"reader{i}@example.org" for i in range(n)}
    problems = []
    if done.returncode != 0:
        problems.append(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
    if set(stored) != wanted:
        problems.append(f"{len(wanted - set(stored))} recipients never stored, {len(set(stored) - wanted)} unknown")
    twice = sum(1 for c in list(rcpts.values()) + list(stored.values()) if c > 1)
    if twice:
        problems.append(f"{twice} recipients accepted or stored more than once")
    verdict = "every recipient exactly once" if not problems else "; ".join(problems)
    return f"{n:,} messages in {took:.1f} s ({n / took:,.0f} msg/s): {verdict}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    failed = 0
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="mailer-once-") as tmp:
            line = one_run(args.messages, Path(tmp))
        failed += "exactly once" not in line
        print(f"run {run}: {line}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
