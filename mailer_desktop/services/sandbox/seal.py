"""How a sender knows it talks to this data folder's sandbox and not to another program that
happens to listen on the sandbox's port.

Each data folder has a secret, ``sandbox.key`` (random, readable by its owner only). A client
that wants proof names a fresh random challenge in its EHLO (``<challenge>.sandbox-check.localhost``);
the sandbox answers with the extension line ``X-MAILER-DESKTOP-SANDBOX <proof>``, the HMAC-SHA256
of the challenge under the key. Another program cannot compute it, and an answer seen once is
no use for the next challenge. The sandbox of another data folder has another key, so it is a
stranger too: its folder is not the one whose Sandbox page the user looks at.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

KEY_FILE = "sandbox.key"
EXTENSION = "X-MAILER-DESKTOP-SANDBOX"
_CHECK = re.compile(r"^([0-9a-f]{32})\.sandbox-check\.localhost$")


def key_for(home: str | os.PathLike[str]) -> bytes:
    """The data folder's sandbox key, created (0600) on first use."""
    path = Path(home) / KEY_FILE
    try:
        text = path.read_text("ascii").strip()
        if len(text) == 64:
            return bytes.fromhex(text)
    except (OSError, ValueError):
        pass
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{KEY_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key.hex().encode("ascii") + b"\n")
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # the first writer wins; a concurrent one reads the winner's key
    except FileExistsError:
        tmp.unlink(missing_ok=True)
        return bytes.fromhex(path.read_text("ascii").strip())
    except OSError:  # no hard links (some file systems): replace instead
        os.replace(tmp, path)
        return key
    tmp.unlink(missing_ok=True)
    return key


def new_challenge() -> str:
    """A fresh EHLO name carrying the challenge."""
    return f"{secrets.token_hex(16)}.sandbox-check.localhost"


def proof(key: bytes, ehlo_name: str) -> str | None:
    """The sandbox's answer to an EHLO name carrying a challenge; None for any other name."""
    m = _CHECK.match(ehlo_name or "")
    if m is None:
        return None
    return hmac.new(key, m.group(1).encode("ascii"), hashlib.sha256).hexdigest()


def verify(key: bytes, ehlo_name: str, answer: str | None) -> bool:
    expected = proof(key, ehlo_name)
    return expected is not None and answer is not None and hmac.compare_digest(expected, answer.strip())
