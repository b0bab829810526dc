"""``backup create | restore | list | verify`` and ``keys check | accept-new``."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ..config import resolve_paths
from ..services.backup import archive as service
from ..services.backup import keys_guard
from ..services.progress import NO_PROGRESS
from .base import Cli, CliError, Context


def register(cli: Cli) -> None:
    p = cli.add("backup", "create", create, help="write an encrypted backup of the data folder and its keys")
    p.add_argument("--to", metavar="FILE", help="write to this file instead of a new file in the backup folder")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the passphrase from the first line of standard input")
    p.add_argument("--include-passwords", action="store_true",
                   help="also store the SMTP/IMAP passwords from the keyring in the backup")

    p = cli.add("backup", "restore", restore, help="restore a backup into the data folder (and its keys)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the passphrase from the first line of standard input")
    p.add_argument("--force", action="store_true",
                   help="replace a data folder that already holds data (or a damaged database)")

    p = cli.add("backup", "list", list_, help="list the backups in the backup folder with dates and sizes")
    p.add_argument("--folder", metavar="DIR", help="list this folder instead of the configured one")

    cli.add("keys", "check", keys_check, help="check that this data folder's token and suppression keys are in "
            "the keyring")
    p = cli.add("keys", "accept-new", keys_accept_new,
                help="lost keys and no backup: start with new keys (old unsubscribe links stop working)")
    p.add_argument("--yes", action="store_true", help="confirm that you read what stops working")

    p = cli.add("backup", "verify", verify, help="check that a backup opens with the passphrase and is complete")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--passphrase-stdin", action="store_true",
                   help="read the passphrase from the first line of standard input")


def _passphrase(args, ctx: Context, *, confirm: bool, stored: str | None = None) -> str:
    if args.passphrase_stdin:
        line = sys.stdin.readline()
        value = line.rstrip("\r\n")
        if not value:
            raise CliError("--passphrase-stdin: standard input held no passphrase")
        return value
    if stored:
        return stored
    if not sys.stdin.isatty():
        raise CliError("no passphrase: give it with --passphrase-stdin "
                       "(or store one for automatic backups in the app's Settings → Backups)")
    value = getpass.getpass("Backup passphrase: ")
    if confirm and getpass.getpass("Repeat the passphrase: ") != value:
        raise CliError("the two passphrases differ")
    return value


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def create(args, ctx: Context) -> int:
    app = ctx.app
    passphrase = _passphrase(args, ctx, confirm=True, stored=None if args.passphrase_stdin
                             else service.auto_passphrase(app))
    try:
        info = service.create_backup(app, passphrase, to=Path(args.to) if args.to else None,
                                     include_passwords=args.include_passwords, progress=NO_PROGRESS)
    except service.BackupError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({**info.as_dict(), "includes_passwords": bool(args.include_passwords)})
    else:
        ctx.say(f"Backup written: {info.path} ({_size(info.size)})")
        if args.include_passwords:
            ctx.say("It includes the SMTP/IMAP passwords: keep it as safe as the passphrase.")
    return 0


def _backup_file(name: str) -> Path:
    """The backup file named on the command line, checked to be one before a passphrase is asked for."""
    file = Path(name).expanduser()
    if not file.is_file():
        raise CliError(f"{file}: no such backup file")
    info = service.describe(file)
    if info.problem and not info.created_at:  # not a backup at all (damage inside shows later)
        raise CliError(info.problem)
    return file


def restore(args, ctx: Context) -> int:
    # The data folder is not opened through ctx.app: restoring must work on a folder that does
    # not exist yet (a new computer) or whose database is damaged.
    file = _backup_file(args.file)
    passphrase = _passphrase(args, ctx, confirm=False)
    try:
        report = service.restore_backup(getattr(args, "home", None), file, passphrase,
                                        keyring_backend=ctx.keyring_backend, force=args.force)
    except service.BackupError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({"restored": str(file), **report.as_dict()})
    else:
        ctx.say(f"Restored {file.name} (made {report.created_at}) into {resolve_paths(getattr(args, 'home', None)).home}")
        ctx.say(f"{report.contacts} contacts; keys restored: {', '.join(report.secrets_restored) or 'none'}")
        if report.schema_in_backup != report.schema_now:
            ctx.say(f"The database was upgraded from schema {report.schema_in_backup} to {report.schema_now}.")
        if report.damaged_kept:
            ctx.say(f"The damaged database was kept as {report.damaged_kept}.")
        if report.carried.summary():
            ctx.say(report.carried.summary())
    return 0


def list_(args, ctx: Context) -> int:
    folder = Path(args.folder).expanduser() if args.folder else service.backup_folder(ctx.app)
    infos = service.list_backups(folder)
    if ctx.json:
        for info in infos:
            ctx.emit(info.as_dict())
        return 0
    if not infos:
        ctx.say(f"No backups in {folder}.")
        return 0
    ctx.say(f"Backups in {folder} (newest first):")
    for info in infos:
        state = "" if info.ok else f"  PROBLEM: {info.problem}"
        ctx.say(f"  {info.created_at or '?':20}  {_size(info.size):>10}  {info.path.name}{state}")
    return 0


def verify(args, ctx: Context) -> int:
    file = _backup_file(args.file)
    passphrase = _passphrase(args, ctx, confirm=False)
    try:
        header = service.verify_backup(file, passphrase)
    except service.BackupError as exc:
        raise CliError(str(exc)) from None
    if ctx.json:
        ctx.emit({"file": str(file), "ok": True, **header})
    else:
        ctx.say(f"{file.name} is complete and opens with this passphrase (made {header.get('created_at')}, "
                f"schema {header.get('schema_version')}).")
    return 0


def keys_check(args, ctx: Context) -> int:
    problem = keys_guard.check_keys(ctx.app)
    if ctx.json:
        ctx.emit({"ok": problem is None, "missing": problem.missing if problem else [],
                  "replaced": problem.replaced if problem else [],
                  "message": problem.message if problem else ""})
    else:
        ctx.say("The keys are in place." if problem is None else problem.message)
    return 0 if problem is None else 1


def keys_accept_new(args, ctx: Context) -> int:
    app = ctx.app
    problem = keys_guard.check_keys(app)
    if problem is None:
        if ctx.json:
            ctx.emit({"changed": []})
        else:
            ctx.say("The keys are in place; nothing to do.")
        return 0
    if not args.yes:
        raise CliError("this cannot be undone: " + keys_guard.NEW_KEYS_WARNING + " Add --yes to go ahead.")
    changed = keys_guard.accept_new_keys(app)
    if ctx.json:
        ctx.emit({"changed": changed})
    else:
        ctx.say("New keys in use: " + ", ".join(changed) + ". Old unsubscribe links no longer work.")
    return 0
