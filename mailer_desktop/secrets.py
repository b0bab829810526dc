"""SecretStore: the one seam over the OS keyring.

Passwords (SMTP, IMAP), the token key, the suppression key and DKIM keys live only here.
Each data folder has its own keyring service name, ``mailer-desktop/<install_id>``, so two
data folders (a demo, a second business) never share keys, and a restored backup brings its
keys back under the same name.

There is no silent fallback: when no usable backend exists (or only a plaintext-file one)
:class:`KeyringUnavailable` says which backend was found and what to install.
"""

from __future__ import annotations

import base64
import logging
import secrets as _random
from typing import TYPE_CHECKING

from .redaction import remember

if TYPE_CHECKING:
    import keyring.backend

log = logging.getLogger(__name__)

SERVICE_PREFIX = "mailer-desktop"
TOKEN_KEY = "token-key"
SUPPRESSION_KEY = "suppression-key"


class KeyringUnavailable(RuntimeError):
    """No usable OS keyring. The message tells the user what to do."""


def _refused(verb: str, name: str, exc: Exception) -> KeyringUnavailable:
    import keyring.errors

    from .keyring_backends import install_hint

    if isinstance(exc, keyring.errors.KeyringLocked):
        where = "read from" if verb == "read" else "stored in"
        return KeyringUnavailable(f"The keyring is locked, so '{name}' could not be {where} it: unlock it "
                                  "(for example by logging in to the desktop again) and try again.")
    return KeyringUnavailable(f"The keyring refused to {verb} '{name}' ({exc}): {install_hint()}.")


class SecretStore:
    """Secrets of one data folder.

    ``backend`` defaults to whatever keyring chose for this system; tests pass an in-memory one.
    """

    def __init__(self, install_id: str, backend: keyring.backend.KeyringBackend | None = None):
        if not install_id:
            raise ValueError("install_id is required")
        self.service = f"{SERVICE_PREFIX}/{install_id}"
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def backend_name(self) -> str:
        from .keyring_backends import describe_backend

        return describe_backend(self.backend)

    def backend_title(self) -> str:
        """The backend's human name ("macOS Keychain"), see keyring_backends.human_backend_name."""
        from .keyring_backends import human_backend_name

        return human_backend_name(self.backend)

    def check(self) -> None:
        """Raise :class:`KeyringUnavailable` unless a real keyring is available."""
        from .keyring_backends import install_hint, usable

        if not usable(self.backend):
            raise KeyringUnavailable(
                f"No usable keyring was found (only {self.backend_name()}), and Mailer Desktop keeps passwords "
                f"and keys only in the operating system's keyring, never in a file or in memory: "
                f"{install_hint()}.")

    def available(self) -> bool:
        try:
            self.check()
        except KeyringUnavailable:
            return False
        return True

    def get(self, name: str) -> str | None:
        self.check()
        import keyring.errors

        try:
            value = self.backend.get_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            raise _refused("read", name, exc) from exc
        remember(value)
        return value

    def set(self, name: str, value: str) -> None:
        self.check()
        remember(value)
        import keyring.errors

        try:
            self.backend.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise _refused("store", name, exc) from exc
        log.info("stored secret %s in %s", name, self.backend_name())

    def delete(self, name: str) -> None:
        self.check()
        import keyring.errors

        try:
            self.backend.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            pass

    # -- binary keys ---------------------------------------------------------------------
    def get_key(self, name: str) -> bytes | None:
        value = self.get(name)
        return base64.b64decode(value) if value else None

    def set_key(self, name: str, key: bytes) -> None:
        self.set(name, base64.b64encode(key).decode("ascii"))

    def ensure_key(self, name: str, *, nbytes: int = 32) -> bytes:
        """The key called ``name``, created on first use. Callers that must not silently
        create a key (see the missing-key guard) use :meth:`get_key` instead."""
        key = self.get_key(name)
        if key is None:
            key = _random.token_bytes(nbytes)
            self.set_key(name, key)
        return key

    # -- account passwords ---------------------------------------------------------------
    @staticmethod
    def smtp_name(account_id: int) -> str:
        return f"smtp-password:{account_id}"

    @staticmethod
    def imap_name(account_id: int) -> str:
        return f"imap-password:{account_id}"
