"""A file-backed keyring backend for tests that span processes (never used by the application).

Subprocesses started by end-to-end tests select it with
``PYTHON_KEYRING_BACKEND=filekeyring.FileKeyring`` and ``PYTHONPATH=tests/support``; the file
is named by ``MAILER_DESKTOP_TEST_KEYRING_FILE``. The test process uses the same file, so
both see the same token and suppression keys. CI uses the real OS keyring instead
(``MAILER_DESKTOP_REAL_KEYRING=1``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import keyring.backend
import keyring.errors

ENV = "MAILER_DESKTOP_TEST_KEYRING_FILE"


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self, path: str | os.PathLike | None = None):
        super().__init__()
        chosen = path or os.environ.get(ENV)
        if not chosen:
            raise RuntimeError(f"FileKeyring needs a file: set {ENV}")
        self.path = Path(chosen)

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".keyring-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, self.path)

    @staticmethod
    def _k(service: str, username: str) -> str:
        return f"{service}\x00{username}"

    def get_password(self, service, username):
        return self._load().get(self._k(service, username))

    def set_password(self, service, username, password):
        data = self._load()
        data[self._k(service, username)] = password
        self._save(data)

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(self._k(service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(data)
