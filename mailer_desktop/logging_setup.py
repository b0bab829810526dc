"""Logging to a rotating file in the log folder. Secrets never reach it (RedactingFilter).

The folder is private (0700) and every log file, the rotated ones included, is created 0600:
logs name addresses and servers."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from .private_files import FILE_MODE, open_private, private_folder
from .redaction import RedactingFilter

_configured: set[Path] = set()


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose every file (the first and each one after a rollover) is 0600."""

    def _open(self):
        return open_private(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors)

    def rotate(self, source: str, dest: str) -> None:
        super().rotate(source, dest)
        if os.name == "posix" and os.path.exists(dest):
            try:
                os.chmod(dest, FILE_MODE)
            except OSError:
                pass


def configure(log_dir: Path, level: int = logging.INFO) -> Path:
    private_folder(log_dir)
    path = log_dir / "mailer-desktop.log"
    if path in _configured:
        return path
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    _configured.add(path)
    return path
