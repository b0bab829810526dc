"""Waiting for a Dovecot started by a test to greet on its IMAP port."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def wait_for_imap(port: int, proc: subprocess.Popen, log: Path, timeout: float = 20.0) -> None:
    """Until the server on ``port`` sends its ``* OK`` greeting; RuntimeError with the end of
    its log when it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dovecot exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)  # polling for the server to come up, bounded by the deadline
    raise RuntimeError(f"dovecot did not answer on port {port}: {log.read_text(errors='replace')[-2000:]}")
