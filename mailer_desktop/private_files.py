"""Files and folders only their owner may read: logs, exports, reports.

They hold personal data (addresses, consent trails) or traces of it, so they are created
0600 in folders made 0700 where the OS has POSIX modes; elsewhere (Windows) the user's own
profile folders already keep other accounts out. A file is created with its mode, never
created open and tightened afterwards, so there is no moment when others could open it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: str | os.PathLike[str]) -> Path:
    """Create ``path`` (and its parents) if needed and make it the owner's only."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if os.name == "posix":
        try:
            path.chmod(FOLDER_MODE)
        except OSError:
            pass
    return path


def open_private(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing or appending ('w', 'a', 'wb', 'ab'), the file created
    0600 (and an existing one made 0600)."""
    if not mode or mode[0] not in "wa":
        raise ValueError(f"open_private is for writing, not mode {mode!r}")
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode[0] == "a" else os.O_TRUNC)
    flags |= getattr(os, "O_BINARY", 0) if "b" in mode else 0
    fd = os.open(path, flags, FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise


def write_private_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8",
                       newline: str | None = None) -> None:
    with open_private(path, "w", encoding=encoding, newline=newline) as fh:
        fh.write(text)
