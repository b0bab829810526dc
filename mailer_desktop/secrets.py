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
import sys
import threading

import keyring
import keyring.backend
import keyring.errors
from keyring.compat.properties import classproperty

log = logging.getLogger(__name__)

SERVICE_PREFIX = "mailer-desktop"
TOKEN_KEY = "token-key"
SUPPRESSION_KEY = "suppression-key"

# Backends that keep secrets in a plain file or nowhere: never used.
_REFUSED_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")


class KeyringUnavailable(RuntimeError):
    """No usable OS keyring. The message tells the user what to do."""


def _install_hint() -> str:
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
        names = [human_backend_name(b) for b in inner if _usable(b)]
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


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    if isinstance(backend, EphemeralKeyring):
        return True  # never chosen by keyring itself (see the class): it was asked for by name
    inner = getattr(backend, "backends", None)
    if inner is not None:  # ChainerBackend
        return any(_usable(b) for b in inner)
    mod = type(backend).__module__
    if any(mod.startswith(r) for r in _REFUSED_MODULES):
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend whose priority check raises is not viable
        return False


_redact_lock = threading.Lock()
_known_secrets: set[str] = set()


def redact(text: str) -> str:
    """Replace every secret this process has handled by '***' (used by the log filter)."""
    with _redact_lock:
        known = list(_known_secrets)
    for value in known:
        if value and value in text:
            text = text.replace(value, "***")
    return text


def _remember(value: str | None) -> None:
    if value and len(value) >= 4:
        with _redact_lock:
            _known_secrets.add(value)


def remember(*values: str | None) -> None:
    """Redact these values from logs too (parts of a stored secret, such as the tokens inside
    an account's OAuth2 sign-in)."""
    for value in values:
        _remember(value)


class RedactingFilter(logging.Filter):
    """Log filter: no secret handled by a SecretStore ever reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:
            return True
        cleaned = redact(msg)
        if cleaned != msg:
            record.msg, record.args = cleaned, None
        return True


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


def _refused(verb: str, name: str, exc: Exception) -> KeyringUnavailable:
    if isinstance(exc, keyring.errors.KeyringLocked):
        where = "read from" if verb == "read" else "stored in"
        return KeyringUnavailable(f"The keyring is locked, so '{name}' could not be {where} it: unlock it "
                                  "(for example by logging in to the desktop again) and try again.")
    return KeyringUnavailable(f"The keyring refused to {verb} '{name}' ({exc}): {_install_hint()}.")


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
        return self._backend or keyring.get_keyring()

    def backend_name(self) -> str:
        return describe_backend(self.backend)

    def backend_title(self) -> str:
        """The backend's human name ("macOS Keychain"), see :func:`human_backend_name`."""
        return human_backend_name(self.backend)

    def check(self) -> None:
        """Raise :class:`KeyringUnavailable` unless a real keyring is available."""
        if not _usable(self.backend):
            raise KeyringUnavailable(
                f"No usable keyring was found (only {self.backend_name()}), and Mailer Desktop keeps passwords "
                f"and keys only in the operating system's keyring, never in a file or in memory: "
                f"{_install_hint()}.")

    def available(self) -> bool:
        try:
            self.check()
        except KeyringUnavailable:
            return False
        return True

    def get(self, name: str) -> str | None:
        self.check()
        try:
            value = self.backend.get_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            raise _refused("read", name, exc) from exc
        _remember(value)
        return value

    def set(self, name: str, value: str) -> None:
        self.check()
        _remember(value)
        try:
            self.backend.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise _refused("store", name, exc) from exc
        log.info("stored secret %s in %s", name, self.backend_name())

    def delete(self, name: str) -> None:
        self.check()
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
