"""Logging to a rotating file in the log folder. Secrets never reach it (RedactingFilter)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from .secrets import RedactingFilter

_configured: set[Path] = set()


def configure(log_dir: Path, level: int = logging.INFO) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "mailer-desktop.log"
    if path in _configured:
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    if os.name == "posix":
        try:
            path.touch(exist_ok=True)
            path.chmod(0o600)
        except OSError:
            pass
    _configured.add(path)
    return path
