"""Backups: one encrypted ``.mdbackup`` file holding the database and the keys that give it meaning.

What a backup holds (format: services/backup/format.py):
- a consistent snapshot of the database made with SQLite's online backup API (one step, so
  the copy is one read transaction: safe while the app runs and while a send writes its log),
  checked with ``PRAGMA integrity_check`` before anything is written — a damaged database is
  never backed up, so it can never push a good backup out of the kept set;
- the token key, the suppression key and the DKIM key of the From domain from the keyring;
  SMTP/IMAP passwords only when asked (``include_passwords=True``); never the backup
  passphrase itself. While the folder's keys are missing (services/backup/keys_guard) no backup is
  made: it could not restore them, yet it would push older backups that can out of the set;
- the install id (the keyring name of the folder's secrets) and the schema version.

The database is compressed (zlib) and then encrypted (backup_format.py).

Files are named ``mailer-desktop-YYYYMMDD-HHMMSS.mdbackup`` (UTC) in the backup folder
(setting ``backup.folder``; empty = the data folder's ``backups/``). After each automatic or
"Back up now" backup the oldest of this folder's own backups beyond ``backup.keep`` are
deleted; files of other data folders sharing a cloud folder are left alone.

Automatic backups (after each campaign, and daily while the app runs) use a passphrase the
user stored in the keyring (:func:`set_auto_passphrase`), never in a file.

Restore lives in services/backup/restore.py and is re-exported here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import sqlite3
import struct
import tempfile
import threading
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ... import __version__
from ...secrets import SUPPRESSION_KEY, TOKEN_KEY, SecretStore
from ...storage.db import connect_read_only
from ...storage.meta import get_meta, set_meta
from ..progress import NO_PROGRESS, Progress
from .format import (
    BackupDamagedError,
    BackupError,
    BackupTruncatedError,
    BackupWriter,
    NotABackupError,
    WrongPassphraseError,
    check_passphrase_rules,
    check_structure,
    read_header,
)

log = logging.getLogger(__name__)

__all__ = [
    "AUTO_PASSPHRASE", "BackupDamagedError", "BackupError", "BackupInfo", "BackupTruncatedError",
    "DatabaseDamagedError", "NotABackupError", "WrongPassphraseError", "after_campaign",
    "auto_passphrase", "backup_folder", "campaign_awaiting_backup", "create_backup", "folder_of",
    "list_backups", "maybe_backup_daily", "newest_good_backup", "prune_backups", "set_auto_passphrase",
]

SUFFIX = ".mdbackup"
AUTO_PASSPHRASE = "backup-passphrase"
_NAME_RE = re.compile(r"^mailer-desktop-(\d{8})-(\d{6})(?:-\d+)?\.mdbackup$")
_COPY_BLOCK = 1 << 20
_name_lock = threading.Lock()


class DatabaseDamagedError(BackupError):
    """The live database fails its integrity check; it is not backed up."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    created_at: str  # UTC ISO timestamp from the header ('' when unreadable)
    install_id: str
    schema_version: int
    problem: str | None = None  # why the file cannot be used (None: looks complete)
    modified: float = 0.0  # file time, orders backups made within the same second

    @property
    def ok(self) -> bool:
        return self.problem is None

    def as_dict(self) -> dict[str, Any]:
        return {"file": str(self.path), "size": self.size, "created_at": self.created_at,
                "install_id": self.install_id, "schema_version": self.schema_version,
                "ok": self.ok, "problem": self.problem}


# -- folder and listing ----------------------------------------------------------------------
def backup_folder(app) -> Path:
    chosen = str(app.settings.get("backup.folder") or "").strip()
    return Path(chosen).expanduser() if chosen else app.paths.backups


def describe(path: Path) -> BackupInfo:
    """What the file says about itself, checking its structure (not its contents)."""
    path = Path(path)
    try:
        stat = path.stat()
        size, modified = stat.st_size, stat.st_mtime
        with open(path, "rb") as fh:
            header = read_header(fh, path.name)
    except BackupError as exc:
        return BackupInfo(path, size, "", "", 0, str(exc), modified)
    except OSError as exc:
        return BackupInfo(path, 0, "", "", 0, f"cannot read {path.name}: {exc.strerror or exc}")
    problem = None
    try:
        check_structure(path)
    except BackupError as exc:
        problem = str(exc)
    except OSError as exc:
        problem = f"cannot read {path.name}: {exc.strerror or exc}"
    try:
        schema = int(header.get("schema_version", 0))
    except (TypeError, ValueError):
        schema = 0
    return BackupInfo(path, size, str(header.get("created_at", "")), str(header.get("install_id", "")),
                      schema, problem, modified)


def list_backups(folder: Path, install_id: str | None = None) -> list[BackupInfo]:
    """Every ``*.mdbackup`` in ``folder`` (optionally only one data folder's), newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    infos = [describe(p) for p in folder.iterdir() if p.suffix == SUFFIX and p.is_file()]
    if install_id is not None:
        infos = [i for i in infos if i.install_id == install_id]
    infos.sort(key=lambda i: (i.created_at, i.modified, i.path.name), reverse=True)
    return infos


def folder_of(paths) -> Path:
    """The backup folder of a data folder whose database may not open (damaged): the setting is
    read through a read-only connection when that still works, else the default folder."""
    try:
        conn = connect_read_only(paths.database)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'backup.folder'").fetchone()
        finally:
            conn.close()
        chosen = str(json.loads(row[0])).strip() if row else ""
    except (sqlite3.Error, ValueError, TypeError):
        chosen = ""
    return Path(chosen).expanduser() if chosen else paths.backups


def newest_good_backup(folder: Path, install_id: str | None = None,
                       passphrase: str | None = None) -> BackupInfo | None:
    """The newest backup that is complete (and, given the passphrase, opens and verifies)."""
    for info in list_backups(folder, install_id):
        if not info.ok:
            continue
        if passphrase is None:
            return info
        from .restore import verify_backup

        try:
            verify_backup(info.path, passphrase)
        except BackupError as exc:
            log.warning("backup %s skipped: %s", info.path.name, exc)
            continue
        return info
    return None


def prune_backups(folder: Path, install_id: str, keep: int) -> list[Path]:
    """Delete this data folder's automatic backups beyond the newest ``keep``; returns them."""
    keep = max(1, int(keep))
    ours = [i for i in list_backups(folder, install_id) if _NAME_RE.match(i.path.name)]
    removed = []
    for info in ours[keep:]:
        with contextlib.suppress(OSError):
            info.path.unlink()
            removed.append(info.path)
    return removed


# -- secrets ---------------------------------------------------------------------------------
def auto_passphrase(app) -> str | None:
    """The passphrase for automatic backups, if the user stored one in the keyring."""
    return app.secrets.get(AUTO_PASSPHRASE)


def set_auto_passphrase(app, passphrase: str | None) -> None:
    """Store (or with None forget) the automatic-backup passphrase in the keyring."""
    if passphrase is None:
        app.secrets.delete(AUTO_PASSPHRASE)
        return
    check_passphrase_rules(passphrase)
    app.secrets.set(AUTO_PASSPHRASE, passphrase)


def _secret_names(snapshot: sqlite3.Connection, include_passwords: bool) -> list[str]:
    from ..accounts.oauth_tokens import secret_name as oauth_secret_name
    from ..compose.dkim import secret_name as dkim_secret_name

    names = [TOKEN_KEY, SUPPRESSION_KEY]
    # The DKIM key belongs to the From address's domain (services/compose/dkim.py).
    row = snapshot.execute("SELECT value FROM settings WHERE key = 'sender.from_address'").fetchone()
    with contextlib.suppress(ValueError, TypeError):
        domain = str(json.loads(row[0])).rpartition("@")[2].strip() if row else ""
        if domain:
            names.append(dkim_secret_name(domain))
    if include_passwords:
        for (account_id,) in snapshot.execute("SELECT id FROM accounts ORDER BY id"):
            names += [SecretStore.smtp_name(account_id), SecretStore.imap_name(account_id),
                      oauth_secret_name(account_id)]
    return list(dict.fromkeys(names))


def _collect_secrets(secrets: SecretStore, names: list[str]) -> dict[str, str]:
    found = {}
    for name in names:
        value = secrets.get(name)
        if value is not None:
            found[name] = value
    return found


# -- creating --------------------------------------------------------------------------------
def _snapshot(app, target: Path, progress: Progress) -> None:
    """Copy the live database into ``target`` with the online backup API, then check the copy."""
    source = app.db.connect()
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        progress.update(0, None, "Copying the database")
        # pages=-1: one step = one read transaction; a stepped copy would restart whenever
        # another connection (a running send) writes, and might never finish.
        source.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode = DELETE")  # the copy stands alone, without a -wal file
        progress.update(0, None, "Checking the database")
        rows = [r[0] for r in dest.execute("PRAGMA integrity_check")]
    except sqlite3.OperationalError as exc:  # locked, disk full, no permission: not damage
        raise BackupError(f"The database could not be copied: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    finally:
        dest.close()
        source.close()
    if rows != ["ok"]:
        raise DatabaseDamagedError(
            f"The database fails its integrity check ({'; '.join(rows[:3])}); no backup was made and "
            "the existing backups were kept. Restore the newest good backup or contact support."
        )


def _unique_name(folder: Path, when: datetime) -> Path:
    base = f"mailer-desktop-{when:%Y%m%d-%H%M%S}"
    candidate = folder / f"{base}{SUFFIX}"
    n = 2
    while candidate.exists():
        candidate = folder / f"{base}-{n}{SUFFIX}"
        n += 1
    return candidate


def create_backup(
    app,
    passphrase: str,
    *,
    to: Path | None = None,
    include_passwords: bool = False,
    prune: bool = True,
    progress: Progress = NO_PROGRESS,
) -> BackupInfo:
    """Write one backup (to ``to``, or a new dated file in the backup folder) and return it.

    Raises BackupError (a passphrase too short, DatabaseDamagedError, a folder that cannot be
    written) with a message for the user; a failed or cancelled backup leaves no file behind.
    """
    check_passphrase_rules(passphrase)
    from .keys_guard import check_keys

    try:
        problem = check_keys(app)
    except sqlite3.DatabaseError:  # a damaged file: the integrity check below says so properly
        problem = None
    if problem is not None:
        # Such a backup could not bring the keys back, yet it would push older backups that
        # can out of the kept set.
        raise BackupError("No backup was made: " + problem.message)
    now = datetime.now(UTC)
    folder = Path(to).expanduser().parent if to else backup_folder(app)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"The backup folder {folder} cannot be created: {exc.strerror or exc}.") from exc
    target = Path(to).expanduser() if to else _unique_name(folder, now)
    if target.suffix != SUFFIX:
        target = target.with_name(target.name + SUFFIX)
    workdir = Path(tempfile.mkdtemp(prefix=".backup-", dir=app.paths.home))
    # A private partial name per run: two backups started in the same second never share a file.
    partial = folder / f".{target.stem}.{os.urandom(4).hex()}.partial"
    try:
        snapshot_path = workdir / "snapshot.sqlite3"
        _snapshot(app, snapshot_path, progress)
        progress.check()
        snap = sqlite3.connect(snapshot_path)
        try:
            schema = snap.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
            install_id = snap.execute("SELECT value FROM app_meta WHERE key = 'install_id'").fetchone()[0]
            names = _secret_names(snap, include_passwords)
        finally:
            snap.close()
        secrets = _collect_secrets(app.secrets, names)
        db_size = snapshot_path.stat().st_size
        db_hash = hashlib.sha256()
        with open(snapshot_path, "rb") as fh:
            for block in iter(lambda: fh.read(_COPY_BLOCK), b""):
                db_hash.update(block)
        created_at = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        # zlib level 1: an SQLite file shrinks to about a third at little cost (compressing before
        # encrypting; the header naming it is authenticated like everything else).
        header = {"created_at": created_at, "install_id": install_id, "schema_version": schema,
                  "app_version": __version__, "compression": "zlib"}
        manifest = {**header, "secrets": secrets, "includes_passwords": include_passwords,
                    "database": {"size": db_size, "sha256": db_hash.hexdigest()}}
        manifest_raw = json.dumps(manifest, sort_keys=True).encode("utf-8")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, open(snapshot_path, "rb") as src:
            writer = BackupWriter(out, passphrase, header)
            writer.write(struct.pack(">I", len(manifest_raw)) + manifest_raw)
            done = 0
            packer = zlib.compressobj(1)
            for block in iter(lambda: src.read(_COPY_BLOCK), b""):
                writer.write(packer.compress(block))
                done += len(block)
                progress.update(done, db_size, "Encrypting the backup")
                progress.check()
            writer.write(packer.flush())
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        with _name_lock:
            if not to and target.exists():  # another backup took this name meanwhile
                target = _unique_name(folder, now)
            os.replace(partial, target)
    except OSError as exc:
        raise BackupError(f"The backup could not be written to {folder}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
        shutil.rmtree(workdir, ignore_errors=True)
    with contextlib.suppress(sqlite3.Error):
        with app.db.transaction() as conn:
            set_meta(conn, "last_backup_at", created_at)
            set_meta(conn, "last_backup_file", str(target))
    log.info("backup written: %s (%d bytes)", target, target.stat().st_size)
    if prune and not to:
        prune_backups(folder, install_id, app.settings.get("backup.keep"))
    return describe(target)


# -- automatic backups ------------------------------------------------------------------------
def last_backup_at(app) -> datetime | None:
    value = get_meta(app.db.conn, "last_backup_at")
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _auto(app, passphrase: str | None, reason: str, progress: Progress) -> BackupInfo | None:
    passphrase = passphrase or auto_passphrase(app)
    if not passphrase:
        log.info("automatic backup (%s) skipped: no passphrase stored for automatic backups", reason)
        return None
    return create_backup(app, passphrase, progress=progress)


def maybe_backup_daily(app, passphrase: str | None = None, *, now: datetime | None = None,
                       progress: Progress = NO_PROGRESS) -> BackupInfo | None:
    """Back up when the daily schedule is on and the last backup is a day old (or none exists).

    Returns the new backup, or None when none was due or no passphrase is stored. Call it at
    start-up and then every hour or so while the app runs.
    """
    if not app.settings.get("backup.daily"):
        return None
    last = last_backup_at(app)
    now = now or datetime.now(UTC)
    if last is not None and now - last < timedelta(days=1):
        return None
    return _auto(app, passphrase, "daily", progress)


def after_campaign(app, campaign_id: int | None = None, passphrase: str | None = None, *,
                   progress: Progress = NO_PROGRESS) -> BackupInfo | None:
    """The backup taken when a campaign finished (setting ``backup.after_campaign``)."""
    if not app.settings.get("backup.after_campaign"):
        return None
    return _auto(app, passphrase, f"after campaign {campaign_id}", progress)


def campaign_awaiting_backup(app) -> int | None:
    """The newest campaign that finished after the last backup, if any (for the GUI's hook)."""
    last = get_meta(app.db.conn, "last_backup_at") or ""
    row = app.db.conn.execute(
        "SELECT id FROM campaigns WHERE kind = 'campaign' AND state = 'done' AND finished_at > ? "
        "ORDER BY finished_at DESC, id DESC LIMIT 1", (last,)).fetchone()
    return int(row[0]) if row else None


def backup_due_text(app) -> str:
    """A short line for the settings page: when the last backup was made."""
    last = last_backup_at(app)
    return f"Last backup: {last:%Y-%m-%d %H:%M} UTC" if last else "No backup has been made yet."


from .restore import (  # noqa: E402
    BackupTooNewError,
    RestoreBusyError,
    RestoreReport,
    RestoreWouldOverwriteError,
    restore_backup,
    restore_into_app,
    verify_backup,
)

__all__ += ["BackupTooNewError", "RestoreBusyError", "RestoreReport", "RestoreWouldOverwriteError", "restore_backup",
            "restore_into_app", "verify_backup"]
