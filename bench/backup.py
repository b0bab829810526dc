"""How long a backup, its verification and a restore take for a data folder of N contacts.

    .venv/bin/python bench/backup.py [N]      # default 200000

Prints the database size, the backup size and the seconds for each step. A figure, not a test.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from memkeyring import MemoryKeyring  # noqa: E402

from mailer_desktop.services.app import open_app  # noqa: E402
from mailer_desktop.services.backup import archive as backup  # noqa: E402
from mailer_desktop.storage.db import now_iso  # noqa: E402

PASS = "benchmark passphrase"


def fill(app, n: int) -> None:
    now = now_iso()
    conn = app.db.conn
    with app.db.transaction():
        conn.execute("INSERT INTO lists(name, created_at) VALUES ('News', ?)", (now,))
        for start in range(0, n, 10000):
            rows = [(f"reader{i}@example{i % 97}.org", f"reader{i}@example{i % 97}.org", f"Reader {i}",
                     json.dumps({"city": "Springfield"}), now, now, now) for i in range(start, min(n, start + 10000))]
            conn.executemany(
                "INSERT INTO contacts(email, email_key, name, fields, status, consent_basis, source, created_at, "
                "updated_at, status_changed_at) VALUES (?, ?, ?, ?, 'confirmed', 'express', 'bench', ?, ?, ?)", rows)
            conn.execute("INSERT INTO consent_events(contact_id, kind, at, channel, evidence) "
                         "SELECT id, 'imported', created_at, 'import', 'bench' FROM contacts WHERE id > ?", (start,))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def timed(label: str, fn):
    t0 = time.perf_counter()
    result = fn()
    print(f"{label:<34} {time.perf_counter() - t0:7.2f} s")
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        keyring = MemoryKeyring()
        app = open_app(Path(tmp) / "data", keyring_backend=keyring, log_to_file=False)
        app.token_key()
        app.suppression_key()
        timed(f"fill {n:,} contacts", lambda: fill(app, n))
        db_mb = app.paths.database.stat().st_size / 1e6
        info = timed("create backup (snapshot+check+enc)", lambda: backup.create_backup(app, PASS))
        print(f"database {db_mb:.1f} MB, backup {info.size / 1e6:.1f} MB")
        timed("verify backup", lambda: backup.verify_backup(info.path, PASS))
        app.close()
        timed("restore into a new folder", lambda: backup.restore_backup(
            Path(tmp) / "new", info.path, PASS, keyring_backend=MemoryKeyring()))


if __name__ == "__main__":
    main()
