"""An in-memory keyring backend for unit tests (never used by the application).

It is an :class:`EphemeralKeyring`, so keyring itself never picks it: a test that forgets to
pass it gets the system's keyring (or the "no usable keyring" error), never this one."""

from __future__ import annotations

from mailer_desktop.keyring_backends import EphemeralKeyring


class MemoryKeyring(EphemeralKeyring):
    @property
    def store(self) -> dict[tuple[str, str], str]:
        return self._values
