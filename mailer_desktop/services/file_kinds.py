"""What a path given to a reading command is, in words, when it is not a regular file.

Opening a named pipe waits for a writer and a device can be endless, so the readers look
before they open: ``not_a_file(path)`` says what the path is instead (None for a regular file).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def not_a_file(path: str | os.PathLike[str], *, folders: bool = False) -> str | None:
    """None for a regular file (and for a folder with ``folders``); otherwise a sentence
    naming the path and what it is."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{path}: no such file" + (" or folder" if folders else "")
    except OSError as exc:
        return f"{path}: cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(mode) or (folders and stat.S_ISDIR(mode)):
        return None
    if stat.S_ISDIR(mode):
        return f"{path}: is a folder, not a file; choose a file in it"
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "something other than a file"
    return f"{path}: is {kind}, not a regular file; save the data to a file first and give that"
