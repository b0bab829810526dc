"""The keyring backends: which ones are usable, their names for people, and the in-memory one
for throw-away data folders and tests. Loading these loads the keyring package (tens of
milliseconds), so the secret store reaches for this module only when it talks to the keyring.
"""

from __future__ import annotations

import sys

import keyring.backend
import keyring.errors
from keyring.compat.properties import classproperty

# Backends that keep secrets in a plain file or nowhere: never used.
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")


def install_hint() -> str:
    """How to get a usable keyring on this system (a clause that ends a sentence)."""
    if sys.platform == "darwin":
        return "check that the macOS login keychain exists and is unlocked"
    if sys.platform.startswith("win"):
        return "check that Windows Credential Manager works for your Windows account"
    return ("install and start GNOME Keyring (Debian/Ubuntu: apt install gnome-keyring) or KWallet "
            "in a desktop session with D-Bus, or unlock it if it is locked")


_HUMAN_NAMES = (
    ("keyring.backends.SecretService", "Secret Service (GNOME Keyring, KWallet or KeePassXC)"),
    ("keyring.backends.libsecret", "Secret Service via libsecret (GNOME Keyring, KWallet or KeePassXC)"),
    ("keyring.backends.kwallet", "KWallet"),
    ("keyring.backends.macOS", "macOS Keychain"),
    ("keyring.backends.Windows", "Windows Credential Manager"),
    ("keyring.backends.fail", "none (no keyring found)"),
    ("keyring.backends.null", "none (keyring turned off)"),
    ("keyrings.alt", "a plain file (refused)"),
)


def human_backend_name(backend: keyring.backend.KeyringBackend) -> str:
    """The keyring as a person would name it ("macOS Keychain"), for the About box and doctor."""
    if isinstance(backend, EphemeralKeyring):
        return "memory only (this run's keys are forgotten when the program closes)"
    inner = getattr(backend, "backends", None)
    if inner is not None:  # ChainerBackend: the usable ones it chains
        names = [human_backend_name(b) for b in inner if usable(b)]
        return ", ".join(names) if names else "none (no keyring found)"
    module = type(backend).__module__
    for prefix, title in _HUMAN_NAMES:
        if module.startswith(prefix):
            return title
    return type(backend).__qualname__


def describe_backend(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    name = f"{cls.__module__}.{cls.__qualname__}"
    inner = getattr(backend, "backends", None)
    if inner:
        name += " [" + ", ".join(f"{type(b).__module__}.{type(b).__qualname__}" for b in inner) + "]"
    return name


def usable(backend: keyring.backend.KeyringBackend) -> bool:
    if isinstance(backend, EphemeralKeyring):
        return True  # never chosen by keyring itself (see the class): it was asked for by name
    inner = getattr(backend, "backends", None)
    if inner is not None:  # ChainerBackend
        return any(usable(b) for b in inner)
    mod = type(backend).__module__
    if any(mod.startswith(r) for r in _REFUSED_MODULES):
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend whose priority check raises is not viable
        return False


class EphemeralKeyring(keyring.backend.KeyringBackend):
    """Keeps secrets in this process's memory only, for throw-away data folders (``--demo``)
    and tests.

    Never chosen automatically: keyring registers every backend class it sees and picks the
    viable one with the highest priority, so this class declares itself not viable. It is used
    only when passed explicitly (``open_app(..., keyring_backend=EphemeralKeyring())``) or
    named in ``PYTHON_KEYRING_BACKEND``; a real data folder always uses the OS keyring."""

    @classproperty
    def priority(cls) -> float:
        raise RuntimeError("the in-memory keyring is used only when chosen explicitly")

    def __init__(self) -> None:
        super().__init__()
        self._values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._values.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)
