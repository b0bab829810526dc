"""Restoring a ``.mdbackup`` into a data folder: a new computer's empty one, or over the current one.

Order of work, so that a failure at any step changes nothing:
1. Refuse early: a backup from a newer schema, or (without ``force``) a data folder that
   already holds data or a damaged database.
2. Decrypt and verify the whole file into a private temporary file beside the database
   (wrong passphrase, truncated or tampered file → a specific BackupError).
3. Open the copy with the normal checks and migrations (an older backup is upgraded here),
   then run the full integrity check.
4. Put the keys back into the keyring under the backup's install id (the previous values are
   remembered), move the current database aside (``.before-restore``) and move the restored
   one into place. Any failure puts the keys and the old file back.
5. Only then delete the ``.before-restore`` copy. A damaged database is never deleted: it is
   kept as ``<db>.damaged-<time>`` for whoever wants to rescue something from it.

The caller must have closed the data folder (``app.close()``) before restoring over it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import struct
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import keyring.backend

from ...config import resolve_paths
from ...secrets import SUPPRESSION_KEY, SecretStore
from ...storage.db import Database, DatabaseError, now_iso
from ...storage.meta import set_meta
from ...storage.schema import load_migrations
from ..progress import NO_PROGRESS, Progress
from ..sending.lock import CampaignBusy, CampaignLock
from . import carryover as restore_carryover
from .carryover import CarryoverResult
from .format import BackupDamagedError, BackupError, BackupReader, BackupTruncatedError, read_header

log = logging.getLogger(__name__)

_SIDE_FILES = ("", "-wal", "-shm")


class BackupTooNewError(BackupError):
    pass


class RestoreBusyError(BackupError):
    """A send is running in this data folder."""


class RestoreWouldOverwriteError(BackupError):
    """The data folder holds data; the caller must confirm (``force=True``)."""


@dataclass
class RestoreReport:
    install_id: str
    created_at: str
    schema_in_backup: int
    schema_now: int
    contacts: int
    secrets_restored: list[str]
    replaced_existing: bool
    damaged_kept: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    carried: CarryoverResult = field(default_factory=CarryoverResult)

    def as_dict(self) -> dict[str, Any]:
        return {"install_id": self.install_id, "created_at": self.created_at,
                "schema_in_backup": self.schema_in_backup, "schema_now": self.schema_now,
                "contacts": self.contacts, "secrets_restored": self.secrets_restored,
                "replaced_existing": self.replaced_existing,
                "damaged_kept": str(self.damaged_kept) if self.damaged_kept else None,
                "suppressions_kept": self.carried.suppressions_kept,
                "erasures_reapplied": self.carried.erasures_reapplied,
                "opt_outs_applied": self.carried.opt_outs_applied,
                "suppressions_not_carried": self.carried.suppressions_not_carried,
                "current_opt_outs_unreadable": self.carried.current_unreadable}


# -- reading ----------------------------------------------------------------------------------
def _latest_schema() -> int:
    migrations = load_migrations()
    return migrations[-1].version if migrations else 0


def _check_header_compatible(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        header = read_header(fh, path.name)
    try:
        schema = int(header.get("schema_version", 0))
    except (TypeError, ValueError):
        raise BackupDamagedError(f"{path.name} is damaged: its schema version is unreadable.") from None
    latest = _latest_schema()
    if schema > latest:
        raise BackupTooNewError(
            f"{path.name} was made by a newer version of Mailer Desktop (database schema {schema}, this "
            f"version knows {latest}). Update the program, then restore it. Nothing was changed."
        )
    return header.fields


def _inflate(unpacker, data: bytes, path: Path) -> bytes:
    try:
        return unpacker.decompress(data)
    except zlib.error as exc:
        raise BackupDamagedError(f"{path.name} is damaged: its compressed database is unreadable ({exc}).") from exc


def _decrypt(path: Path, passphrase: str, db_out: BinaryIO | None,
             progress: Progress = NO_PROGRESS) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decrypt and verify all of ``path``; the database bytes go to ``db_out`` (if given).

    Returns (header, manifest). Raises a BackupError subclass on any problem.
    """
    total = max(1, path.stat().st_size)
    with open(path, "rb") as fh:
        reader = BackupReader(fh, passphrase, path.name)
        pending = bytearray()
        manifest: dict[str, Any] | None = None
        digest = hashlib.sha256()
        written = 0
        compression = reader.header.get("compression")
        if compression not in (None, "zlib"):
            raise BackupDamagedError(f"{path.name} uses a compression this version does not know ({compression}).")
        unpacker = zlib.decompressobj() if compression == "zlib" else None
        for plain in reader:
            if manifest is None:
                pending += plain
                if len(pending) < 4:
                    continue
                (length,) = struct.unpack(">I", pending[:4])
                if len(pending) < 4 + length:
                    continue
                try:
                    manifest = json.loads(bytes(pending[4:4 + length]).decode("utf-8"))
                except ValueError as exc:
                    raise BackupDamagedError(f"{path.name} is damaged: its contents list is unreadable.") from exc
                plain = bytes(pending[4 + length:])
                pending.clear()
            if unpacker is not None:
                plain = _inflate(unpacker, plain, path)
            digest.update(plain)
            written += len(plain)
            if db_out is not None:
                db_out.write(plain)
            progress.update(min(fh.tell(), total), total, "Checking and decrypting the backup")
            progress.check()
        if manifest is None:
            raise BackupTruncatedError(f"{path.name} is incomplete: it ends before its contents list.")
        if unpacker is not None and not unpacker.eof:
            raise BackupDamagedError(f"{path.name} is damaged: its compressed database ends early.")
    expected = manifest.get("database") or {}
    if written != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
        raise BackupDamagedError(f"{path.name} is damaged: the database inside does not match its checksum.")
    header = reader.header.fields
    if manifest.get("install_id") != header.get("install_id"):
        raise BackupDamagedError(f"{path.name} is damaged: its header and contents disagree.")
    return header, manifest


def verify_backup(path: Path, passphrase: str, progress: Progress = NO_PROGRESS) -> dict[str, Any]:
    """Open and verify the whole backup without writing anything; returns its header."""
    path = Path(path)
    _check_header_compatible(path)
    header, manifest = _decrypt(path, passphrase, None, progress)
    return {**header, "secrets": sorted(manifest.get("secrets", {})),
            "includes_passwords": bool(manifest.get("includes_passwords"))}


# -- the target folder -----------------------------------------------------------------------
_DATA_TABLES = ("contacts", "suppressions", "campaigns", "templates", "lists", "inbox_messages")


def folder_state(db_path: Path) -> str:
    """'absent', 'empty' (only what a first start creates), 'data', or 'damaged'."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return "absent"
    try:
        db = Database.open(db_path, migrate=False)
    except DatabaseError:
        return "damaged"
    try:
        conn = db.conn
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for table in _DATA_TABLES:
            if table in tables and conn.execute(f"SELECT EXISTS(SELECT 1 FROM {table})").fetchone()[0]:
                return "data"
        if "accounts" in tables and conn.execute(
                "SELECT EXISTS(SELECT 1 FROM accounts WHERE builtin = 0)").fetchone()[0]:
            return "data"
    except sqlite3.DatabaseError:
        return "damaged"
    finally:
        db.close()
    return "empty"


def _move_aside(db_path: Path, label: str) -> list[tuple[Path, Path]]:
    moved = []
    for suffix in _SIDE_FILES:
        src = Path(str(db_path) + suffix)
        if src.exists():
            dst = Path(f"{db_path}.{label}{suffix}")
            os.replace(src, dst)
            moved.append((src, dst))
    return moved


def recover_interrupted_restore(db_path: Path) -> str | None:
    """Finish what a restore cut off by a crash or power loss left behind; call before opening.

    The database is moved aside and the restored file moved in by two renames. Between them
    the database is missing: the moved-aside file goes back. After them only the deletion of
    the old copy is missing: it is deleted as the restore would have. Returns what was done.
    """
    aside = Path(f"{db_path}.before-restore")
    if not aside.exists():
        return None
    if not db_path.exists():
        for suffix in _SIDE_FILES:
            src = Path(f"{aside}{suffix}")
            if src.exists():
                os.replace(src, Path(str(db_path) + suffix))
        log.warning("an interrupted restore was undone: %s is back", db_path)
        return "undone"
    for suffix in _SIDE_FILES:
        with contextlib.suppress(OSError):
            Path(f"{aside}{suffix}").unlink()
    log.warning("an interrupted restore was completed: removed the old copy of %s", db_path)
    return "completed"


def _hold_send_locks(home: Path) -> contextlib.ExitStack:
    """Take every campaign's send lock, so no send (another window, a `campaign send`) runs
    while the database is swapped; refuse while one does."""
    stack = contextlib.ExitStack()
    for lock_file in sorted((Path(home) / "locks").glob("campaign-*.lock")):
        try:
            campaign_id = int(lock_file.stem.split("-", 1)[1])
        except ValueError:
            continue
        try:
            stack.enter_context(CampaignLock(Path(home), campaign_id))
        except CampaignBusy:
            stack.close()
            raise RestoreBusyError(
                f"Campaign {campaign_id} is being sent right now (in this or another window, or a command). "
                "Wait until it finishes or pause it, then restore. Nothing was changed.") from None
    return stack


def _checkpoint(db_path: Path) -> None:
    """Fold the -wal file into the database so that moving the main file moves everything."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(db_path, isolation_level=None, timeout=10)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- restoring ---------------------------------------------------------------------------------
def _prepare_copy(path: Path, passphrase: str, workdir: Path, progress: Progress,
                  carry: restore_carryover.Carryover | None = None,
                  ) -> tuple[Path, dict[str, Any], dict[str, Any], int, str, int, CarryoverResult]:
    """Decrypt into ``workdir``, open with checks and migrations, bring in the current data's
    later opt-outs and erasures (``carry``); (file, header, manifest, ...)."""
    restored = workdir / "restored.sqlite3"
    fd = os.open(restored, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        header, manifest = _decrypt(path, passphrase, out, progress)
        out.flush()
        os.fsync(out.fileno())
    progress.update(0, None, "Checking the restored database")
    try:
        db = Database.open(restored)  # application id, quick check, then the normal migrations
    except DatabaseError as exc:
        raise BackupDamagedError(f"The database inside {path.name} cannot be used: {exc}") from exc
    try:
        problem = db.integrity_check()
        if problem:
            raise BackupDamagedError(f"The database inside {path.name} fails its integrity check ({problem}).")
        conn = db.conn
        schema_now = db.schema_version()
        install_id = conn.execute("SELECT value FROM app_meta WHERE key = 'install_id'").fetchone()
        if install_id is None or install_id[0] != manifest.get("install_id"):
            raise BackupDamagedError(f"{path.name} is damaged: the database does not name its own install id.")
        carried = CarryoverResult()
        if carry is not None:
            progress.update(0, None, "Keeping the opt-outs and erasures made since the backup")
            backup_key = (manifest.get("secrets") or {}).get(SUPPRESSION_KEY)
            carried = restore_carryover.apply(conn, carry, base64.b64decode(backup_key) if backup_key else None,
                                              install_id[0])
            if carried.erasures_reapplied:  # no byte of an erased person may stay in the file
                _compact(conn, path)
        contacts = conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0]
        with db.transaction() as tx:
            set_meta(tx, "restored_at", now_iso())
            set_meta(tx, "restored_from", f"{path.name} ({header.get('created_at', '')})")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        db.close()
    return restored, header, manifest, schema_now, install_id[0], contacts, carried


def _compact(conn, path: Path) -> None:
    """Rewrite the restored copy so no byte of a contact erased again stays in it (search index
    merged, sample keys of ANALYZE dropped, VACUUM)."""
    try:
        conn.execute("INSERT INTO contacts_search(contacts_search) VALUES ('optimize')")
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").fetchone():
            conn.execute("DELETE FROM sqlite_stat4")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        raise BackupError(f"Restoring {path.name} needs to compact the restored copy (contacts erased since the "
                          f"backup are erased again) and that failed: {exc}. Free some disk space beside the data "
                          "folder (about twice the database's size) and try again. Nothing was changed.") from exc


def restore_backup(
    home: str | Path | None,
    path: str | Path,
    passphrase: str,
    *,
    keyring_backend: keyring.backend.KeyringBackend | None = None,
    force: bool = False,
    progress: Progress = NO_PROGRESS,
) -> RestoreReport:
    """Restore ``path`` into the data folder ``home`` (see the module docstring for the rules)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    paths = resolve_paths(home)
    created_home = not paths.home.exists()
    try:
        return _restore(paths, path, passphrase, keyring_backend, force, progress)
    except BaseException:
        if created_home:  # a failed restore into a new folder leaves no folder behind
            shutil.rmtree(paths.home, ignore_errors=True)
        raise


def _restore(paths, path: Path, passphrase: str, keyring_backend, force: bool,
             progress: Progress) -> RestoreReport:
    paths.ensure()
    db_path = paths.database
    _check_header_compatible(path)
    state = folder_state(db_path)
    if state in ("data", "damaged") and not force:
        what = "holds data" if state == "data" else "holds a damaged database"
        raise RestoreWouldOverwriteError(
            f"The data folder {paths.home} {what}. Restoring replaces it with the backup; confirm to go "
            "ahead (command line: --force). Nothing was changed."
        )
    locks = _hold_send_locks(paths.home)
    workdir = Path(tempfile.mkdtemp(prefix=".restore-", dir=paths.home))
    try:
        carry = restore_carryover.read_current(db_path, keyring_backend) if state == "data" else None
        restored, header, manifest, schema_now, install_id, contacts, carried = _prepare_copy(
            path, passphrase, workdir, progress, carry)
        progress.check()  # last point where cancelling is possible: after this, all or nothing
        secrets: dict[str, str] = manifest.get("secrets") or {}
        store = SecretStore(install_id, keyring_backend)
        store.check()
        previous = {name: store.get(name) for name in secrets}
        moved: list[tuple[Path, Path]] = []
        label = ("damaged-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S")) if state == "damaged" \
            else "before-restore"
        try:
            for name, value in secrets.items():
                store.set(name, value)
            if state != "damaged":
                _checkpoint(db_path)
            moved = _move_aside(db_path, label)
            os.replace(restored, db_path)
            _fsync_dir(db_path.parent)
        except BaseException:
            for original, aside in reversed(moved):
                with contextlib.suppress(OSError):
                    os.replace(aside, original)
            for name, value in previous.items():
                with contextlib.suppress(Exception):
                    store.delete(name) if value is None else store.set(name, value)
            raise
    except OSError as exc:
        raise BackupError(f"The restore could not write into {paths.home}: {exc.strerror or exc}. "
                          "Nothing was changed.") from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        locks.close()
    damaged_kept = None
    for _original, aside in moved:
        if state == "damaged":
            damaged_kept = damaged_kept or aside
        else:
            with contextlib.suppress(OSError):
                aside.unlink()
    # Open once through the normal path: WAL mode and file permissions as for any data folder.
    Database.open(db_path).close()
    log.info("restored %s into %s (install %s)", path.name, paths.home, install_id)
    return RestoreReport(
        install_id=install_id, created_at=str(header.get("created_at", "")),
        schema_in_backup=int(header.get("schema_version", 0)), schema_now=schema_now,
        contacts=contacts, secrets_restored=sorted(secrets), replaced_existing=state in ("data", "damaged"),
        damaged_kept=damaged_kept, carried=carried,
    )


def restore_into_app(app, path: str | Path, passphrase: str, *,
                     progress: Progress = NO_PROGRESS) -> RestoreReport:
    """Restore over the data folder that ``app`` has open, then point ``app`` at the result.

    For the GUI, whose pages all hold the same App: its connections are closed (every thread
    opens a fresh one on next use), the folder is restored with ``force`` (the caller warned
    the user), and the App takes the restored install id and keyring name. On failure nothing
    changed and the App simply reconnects to the old file.
    """
    from . import keys_guard

    backend = app.secrets.backend
    app.db.close()
    try:
        report = restore_backup(app.paths.home, path, passphrase, keyring_backend=backend, force=True,
                                progress=progress)
    finally:
        app.db.close()  # drop any connection opened meanwhile to the file that was replaced
    app.install_id = report.install_id
    app.secrets = SecretStore(report.install_id, backend)
    keys_guard.forget(app)
    return report
