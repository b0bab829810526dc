"""One run per campaign at a time, across processes (the GUI and a CLI `campaign send`).

An OS file lock in the data folder: the operating system releases it when the process ends,
even by a crash or a kill, so a stale lock can never block a resume.
"""

from __future__ import annotations

import os
from pathlib import Path


class CampaignBusy(RuntimeError):
    pass


class CampaignLock:
    def __init__(self, home: Path, campaign_id: int):
        self.path = Path(home) / "locks" / f"campaign-{campaign_id}.lock"
        self.campaign_id = campaign_id
        self._fd: int | None = None

    def __enter__(self) -> CampaignLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise CampaignBusy(f"campaign {self.campaign_id} is being sent by another window or command right "
                               "now; wait for it to finish or pause it there") from None
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
