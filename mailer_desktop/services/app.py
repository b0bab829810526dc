"""The application context every service receives: paths, database, settings, secrets.

Both shells build one with :func:`open_app` and pass it down; nothing reaches for globals.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import keyring.backend

from ..config import Paths, resolve_paths
from ..logging_setup import configure as configure_logging
from ..secrets import SUPPRESSION_KEY, TOKEN_KEY, SecretStore
from ..storage import Database
from ..storage.meta import SettingsStore, ensure_install_id
from .backup_restore import recover_interrupted_restore
from .keys_guard import guarded_key

log = logging.getLogger(__name__)


@dataclass
class App:
    paths: Paths
    db: Database
    secrets: SecretStore
    install_id: str
    settings: SettingsStore = field(init=False)

    def __post_init__(self) -> None:
        self.settings = SettingsStore(lambda: self.db.conn)

    # Keys used by the domain: created on first use for a new data folder. A key this folder
    # used before that is now missing or different raises keys_guard.KeysMissing instead of
    # being silently replaced (see services/keys_guard).
    def token_key(self) -> bytes:
        return guarded_key(self, TOKEN_KEY)

    def suppression_key(self) -> bytes:
        return guarded_key(self, SUPPRESSION_KEY)

    def close(self) -> None:
        self.db.close()


def upgrade_pending(home: str | Path | None = None) -> bool:
    """True when opening the data folder will first bring an older database up to date."""
    return Database.upgrade_pending(resolve_paths(home).database)


def open_app(
    home: str | Path | None = None,
    *,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    log_to_file: bool = True,
) -> App:
    """Open (creating if needed) the data folder and its database, run migrations."""
    paths = resolve_paths(home).ensure()
    if log_to_file:
        configure_logging(paths.logs)
    recover_interrupted_restore(paths.database)
    db = Database.open(paths.database)
    with db.transaction() as conn:
        install_id = ensure_install_id(conn)
    log.info("opened data folder %s (schema %s)", paths.home, db.schema_version())
    return App(paths=paths, db=db, secrets=SecretStore(install_id, keyring_backend), install_id=install_id)
