"""The guard against silently replacing lost keys.

Two keys give a data folder its meaning: the token key (unsubscribe and confirm links in mail
already sent) and the suppression key (hashes of erased and unsubscribed addresses). If a
data folder is moved to another computer or the keyring is wiped, creating fresh keys would
quietly break every link already sent and let suppressed addresses back in. So:

- When a key is created or first seen, its fingerprint (a hash of the key, not the key) is
  recorded in ``app_meta`` as ``key_fingerprint:<name>``.
- :func:`guarded_key` (behind ``App.token_key()`` / ``App.suppression_key()``) raises
  :class:`KeysMissing` when a key whose fingerprint is recorded is missing from the keyring or
  differs from it, or when :func:`check_keys` flagged the folder at start-up. Sending and
  inbox processing need the keys, so they stop until the user decides.
- :func:`check_keys` (called at start-up by both shells) also catches folders where the key
  was used but no fingerprint was recorded: suppression entries exist without a suppression
  key, or mail was sent without a token key.
- The user decides: restore a backup (services/backup/archive), or :func:`accept_new_keys`, which
  creates new keys, records their fingerprints and notes the date — after the clear warning
  in :data:`NEW_KEYS_WARNING`.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Protocol

from ...secrets import SUPPRESSION_KEY, TOKEN_KEY, KeyringUnavailable, SecretStore
from ...storage.db import Database, now_iso
from ...storage.meta import get_meta, set_meta

GUARDED = (TOKEN_KEY, SUPPRESSION_KEY)
_LABELS = {TOKEN_KEY: "the token key (unsubscribe and confirm links)",
           SUPPRESSION_KEY: "the suppression key (erased and unsubscribed addresses)"}
_lock = threading.Lock()


@dataclass
class KeyState:
    """What the guard knows about one open data folder's keys: the problem found (which blocks
    the keys until it is resolved) and the keys already checked."""

    problem: KeysProblem | None = None
    cache: dict[str, bytes] = field(default_factory=dict)


class App(Protocol):
    """The parts of an open data folder the guard uses (services.app.App has them)."""

    db: Database
    secrets: SecretStore
    install_id: str
    keys: KeyState

NEW_KEYS_WARNING = (
    "Starting with new keys cannot be undone. Unsubscribe and confirmation links in every message "
    "already sent stop working, so people who reply to an old message can no longer be matched "
    "by their token, and addresses on the suppression list (unsubscribed, bounced, erased people) "
    "are no longer recognised and could be imported and mailed again. Restore a backup instead "
    "if you have one."
)


class KeysMissing(KeyringUnavailable):
    """A key this data folder has used is missing or different; nothing that needs it may run.

    A subclass of KeyringUnavailable so that both shells show its message like any other
    keyring problem."""

    def __init__(self, problem: KeysProblem):
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class KeysProblem:
    missing: list[str] = field(default_factory=list)  # secret names absent from the keyring
    replaced: list[str] = field(default_factory=list)  # present, but not the key recorded
    install_id: str = ""

    @property
    def names(self) -> list[str]:
        return self.missing + self.replaced

    @property
    def message(self) -> str:
        parts = []
        if self.missing:
            parts.append("missing from the keyring: " + ", ".join(_LABELS.get(n, n) for n in self.missing))
        if self.replaced:
            parts.append("different from the key this folder used: "
                         + ", ".join(_LABELS.get(n, n) for n in self.replaced))
        return ("This data folder has contacts or sent mail, but its keys are " + "; ".join(parts)
                + ". Sending and inbox processing are blocked. Restore a backup to bring the keys back, "
                "or start with new keys (old unsubscribe links stop working).")


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"mailer-desktop key fingerprint:" + key).hexdigest()[:32]


def _meta_name(name: str) -> str:
    return f"key_fingerprint:{name}"


def _record(app: App, name: str, key: bytes) -> None:
    with app.db.transaction() as conn:
        set_meta(conn, _meta_name(name), fingerprint(key))


def _used_without_record(app: App, name: str) -> bool:
    """Evidence that the key was in use although no fingerprint was recorded."""
    conn = app.db.conn
    if name == SUPPRESSION_KEY:
        return bool(conn.execute("SELECT EXISTS(SELECT 1 FROM suppressions)").fetchone()[0])
    if name == TOKEN_KEY:
        return bool(conn.execute(
            "SELECT EXISTS(SELECT 1 FROM deliveries WHERE state IN ('sent', 'uncertain', 'sending'))"
        ).fetchone()[0])
    return False


def _inspect(app: App, name: str, *, thorough: bool) -> tuple[str, bytes | None]:
    """('ok' | 'missing' | 'replaced' | 'new', key)."""
    key = app.secrets.get_key(name)
    recorded = get_meta(app.db.conn, _meta_name(name))
    if key is None:
        if recorded is not None or (thorough and _used_without_record(app, name)):
            return "missing", None
        return "new", None
    if recorded is not None and recorded != fingerprint(key):
        return "replaced", key
    if recorded is None:
        _record(app, name, key)
    return "ok", key


def check_keys(app: App) -> KeysProblem | None:
    """Start-up check: None when the keys are fine (or not yet needed), else the problem.

    A problem also blocks ``App.token_key()`` / ``App.suppression_key()`` for this App until
    :func:`accept_new_keys` or a restore.
    """
    problem = KeysProblem(install_id=app.install_id)
    for name in GUARDED:
        state, _key = _inspect(app, name, thorough=True)
        if state == "missing":
            problem.missing.append(name)
        elif state == "replaced":
            problem.replaced.append(name)
    if not problem.names:
        app.keys.problem = None
        return None
    app.keys.problem = problem
    app.keys.cache.clear()
    return problem


def current_problem(app: App) -> KeysProblem | None:
    """The problem flagged by :func:`check_keys` (or a guarded key access), if any."""
    return app.keys.problem


def forget(app: App) -> None:
    """Drop cached keys and flags (after a restore replaced the folder under this App)."""
    app.keys.problem = None
    app.keys.cache.clear()


def guarded_key(app: App, name: str) -> bytes:
    """The key ``name``, created on first use of a new folder; KeysMissing if it was lost."""
    cache = app.keys.cache
    problem = current_problem(app)
    if problem is not None and name in problem.names:
        raise KeysMissing(problem)
    if name in cache:
        return cache[name]
    with _lock:
        state, key = _inspect(app, name, thorough=False)
        if state in ("missing", "replaced"):
            problem = problem or KeysProblem(install_id=app.install_id)
            (problem.missing if state == "missing" else problem.replaced).append(name)
            app.keys.problem = problem
            raise KeysMissing(problem)
        if state == "new":
            key = app.secrets.ensure_key(name)
            _record(app, name, key)
        cache[name] = key
        return key  # type: ignore[return-value]


def accept_new_keys(app: App) -> list[str]:
    """The user's explicit choice after NEW_KEYS_WARNING: use new keys from now on.

    Missing keys are created; a key that differs from the recorded one is adopted. Returns the
    names that changed. The date is kept in app_meta (``keys_replaced_at``).
    """
    problem = current_problem(app) or check_keys(app)
    if problem is None:
        return []
    changed = []
    with _lock:
        for name in problem.missing:
            key = app.secrets.get_key(name) or app.secrets.ensure_key(name)
            _record(app, name, key)
            changed.append(name)
        for name in problem.replaced:
            key = app.secrets.get_key(name)
            if key is None:
                key = app.secrets.ensure_key(name)
            _record(app, name, key)
            changed.append(name)
        with app.db.transaction() as conn:
            set_meta(conn, "keys_replaced_at", now_iso())
            set_meta(conn, "keys_replaced", ",".join(changed))
        app.keys.problem = None
        app.keys.cache.clear()
    return changed
