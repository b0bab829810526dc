"""Start, kill and restart :mod:`smtp_process` servers from a test, and read what they saw."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from smtp_servers import free_port

SCRIPT = Path(__file__).with_name("smtp_process.py")


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in fd_dir.iterdir() if fd_dir.is_dir() else ():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def established_to(port: int, pid: int | None = None) -> int:
    """Connections of process ``pid`` (default: this one) to ``port`` in the ESTABLISHED state, counted
    at the connecting side (a socket the client stopped using but never closed stays ESTABLISHED)."""
    mine = _socket_inodes(pid or os.getpid())
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            remote, state, inode = fields[2], fields[3], fields[9]
            if state == "01" and inode in mine and int(remote.rsplit(":", 1)[1], 16) == port:
                n += 1
    return n


class Sampler:
    """Samples :func:`established_to` in a thread while a block runs: ``with Sampler(port) as s: ...; s.peak``."""

    def __init__(self, port: int, every: float = 0.02):
        self.port, self.every = port, every
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(established_to(self.port))

    @property
    def peak(self) -> int:
        return max(self.samples, default=0)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class ServerProcess:
    def __init__(self, log: Path, *, port: int | None = None, behaviour: str = "normal",
                 pipelining: bool = False, every: int = 50):
        self.log = Path(log)
        self.port = port or free_port()
        self.args = ["--behaviour", behaviour, "--every", str(every)] + (["--pipelining"] if pipelining else [])
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        self.proc = subprocess.Popen([sys.executable, str(SCRIPT), "--port", str(self.port), "--log", str(self.log),
                                      *self.args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if line.strip() != "ready":
            self.kill()
            raise RuntimeError(f"the test SMTP server did not start on port {self.port}")
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        if self.proc is not None and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.kill()

    # -- what it saw ---------------------------------------------------------------------------
    def _lines(self) -> list[str]:
        try:
            return self.log.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return []

    def counts(self, kind: str) -> Counter[str]:
        prefix = kind + " "
        return Counter(line[len(prefix):] for line in self._lines() if line.startswith(prefix))

    @property
    def stored(self) -> Counter[str]:
        return self.counts("stored")

    @property
    def rcpts(self) -> Counter[str]:
        return self.counts("rcpt")

    def open_connections(self) -> list[int]:
        """The number of open connections after each change, in order (the last run of the server)."""
        return [int(line.split()[1]) for line in self._lines() if line.startswith(("open ", "close "))]

    def wait_stored(self, n: int, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while sum(self.stored.values()) < n:
            if time.monotonic() > end:
                raise AssertionError(f"the server stored {sum(self.stored.values())} messages, not {n}")
            time.sleep(0.02)
