"""The application context every service receives: paths, database, settings, secrets.

Both shells build one with :func:`open_app` and pass it down; nothing reaches for globals.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Paths, resolve_paths
from ..logging_setup import configure as configure_logging
from ..secrets import SUPPRESSION_KEY, TOKEN_KEY, SecretStore
from ..storage import Database
from ..storage.db import CorruptDatabaseError, release_thread_connections, working_with_databases
from ..storage.meta import SettingsStore, ensure_install_id, read_install_id
from .backup.keys_guard import KeyState, guarded_key

if TYPE_CHECKING:
    import keyring.backend

log = logging.getLogger(__name__)


@dataclass
class App:
    paths: Paths
    db: Database
    secrets: SecretStore
    install_id: str
    settings: SettingsStore = field(init=False)
    keys: KeyState = field(init=False, default_factory=KeyState)

    def __post_init__(self) -> None:
        self.settings = SettingsStore(lambda: self.db.conn, transaction=lambda: self.db.transaction())

    # Keys used by the domain: created on first use for a new data folder. A key this folder
    # used before that is now missing or different raises keys_guard.KeysMissing instead of
    # being silently replaced (see services/backup/keys_guard).
    def token_key(self) -> bytes:
        return guarded_key(self, TOKEN_KEY)

    def suppression_key(self) -> bytes:
        return guarded_key(self, SUPPRESSION_KEY)

    def close(self) -> None:
        self.db.close()


DEMO_MARK = "demo.folder"  # app_meta key: the folder was filled by the demo (services/demo.py)


def is_demo(app: App) -> bool:
    """The data folder is the demo's throw-away folder."""
    from ..storage.meta import get_meta

    return get_meta(app.db.conn, DEMO_MARK) == "1"


def worker_thread_working():
    """Context manager around a worker thread's use of the database: closing the app waits for
    it (interrupting its query) rather than closing a connection in use."""
    return working_with_databases()


def worker_thread_done() -> None:
    """A worker thread is about to end: close the database connections it opened."""
    release_thread_connections()


def opening_note(home: str | Path | None = None) -> str | None:
    """What to tell the user while the data folder opens, when that takes a while: an older
    database is brought up to date. None when opening is quick (the window checks a file that
    was not closed cleanly in the background, see ui/startup_check.py)."""
    database = resolve_paths(home).database
    if Database.upgrade_pending(database):
        return "updating your data for this version…"
    return None


def open_app(
    home: str | Path | None = None,
    *,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    log_to_file: bool = True,
    defer_check: bool = False,
) -> App:
    """Open (creating if needed) the data folder and its database, run migrations. With
    ``defer_check`` the database's start-up check may be left to the caller (``app.db.checked``
    is False then; the window runs it in the background, see ui/startup_check.py)."""
    paths = resolve_paths(home).ensure()
    if log_to_file:
        configure_logging(paths.logs)
    if Path(f"{paths.database}.before-restore").exists():  # a restore was cut off: finish it first
        from .backup.restore import recover_interrupted_restore

        recover_interrupted_restore(paths.database)
    db = Database.open(paths.database, defer_check=defer_check)
    install_id = None
    if not db.checked:  # read only: nothing writes to a file before its check has passed
        try:
            install_id = read_install_id(db.conn)
        except sqlite3.DatabaseError:
            install_id = None
        if install_id is None and db.verify() is not None:
            db.close()
            raise CorruptDatabaseError(db.damaged)
    if install_id is None:
        with db.transaction() as conn:
            install_id = ensure_install_id(conn)
    log.info("opened data folder %s (schema %s)", paths.home, db.schema_version())
    return App(paths=paths, db=db, secrets=SecretStore(install_id, keyring_backend), install_id=install_id)
