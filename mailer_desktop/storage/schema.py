"""The schema's migrations: the numbered ``migrations/NNNN_name.sql`` files, read in order and
split into statements (each migration runs in its own transaction, see db.Database.migrate)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    found = []
    folder = resources.files("mailer_desktop.storage") / "migrations"
    for entry in folder.iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must be 1..N without gaps, found {versions}")
    return found


def split_sql(script: str) -> list[str]:
    """Split a migration script into statements (handles triggers' BEGIN … END bodies)."""
    statements, buf = [], []
    for line in script.splitlines():
        buf.append(line)
        candidate = "\n".join(buf).strip()
        if candidate and sqlite3.complete_statement(candidate):
            body = "\n".join(ln for ln in buf if not ln.strip().startswith("--")).strip()
            if body:
                statements.append(candidate)
            buf = []
    rest = "\n".join(ln for ln in buf if not ln.strip().startswith("--")).strip()
    if rest:
        raise ValueError(f"incomplete SQL statement at end of migration: {rest[:80]!r}")
    return statements
