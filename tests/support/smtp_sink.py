"""Postfix's ``smtp-sink`` (a fast C SMTP server that accepts and discards) on loopback, for the
tests and benchmarks that need a real server in its own process; ``smtp-source`` is its load
generator."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time

SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"


def available() -> bool:
    return os.path.exists(SMTP_SINK)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Sink:
    """``smtp-sink`` on loopback (extra args, e.g. ['-w', '1'] for one second per DATA)."""

    def __init__(self, *extra: str, backlog: int = 256):
        self.port = free_port()
        user = ["-u", "nobody"] if os.geteuid() == 0 else []
        self.proc = subprocess.Popen([SMTP_SINK, *user, *extra, f"127.0.0.1:{self.port}", str(backlog)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_port(self.port)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)

    def __enter__(self) -> Sink:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
