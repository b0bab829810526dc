"""The Campaigns page's reads on a big send log: a campaign of 1,000,000 recipients.

Fills a fresh data folder with N contacts, one campaign sent to all of them (2 % failed) and a
smaller earlier one (every tenth contact), then times what the page reads: windows of the
send log at several depths (all recipients, and the failed ones), the log's row count, and the
campaign history's per-campaign counts.

    .venv/bin/python bench/delivery_log.py [--contacts N]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))


def timed(fn, repeat: int = 3) -> float:
    """The best of ``repeat`` runs, in milliseconds (the page cache warm, as when scrolling)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=1_000_000)
    args = ap.parse_args()
    n = args.contacts

    from memkeyring import MemoryKeyring

    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.sending import reports as sender_reports

    work = Path(tempfile.mkdtemp(prefix="delivery-log-bench-"))
    try:
        app = open_app(work / "data", keyring_backend=MemoryKeyring(), log_to_file=False)
        conn = app.db.conn
        start = time.perf_counter()
        with app.db.transaction():
            conn.execute("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < ?) "
                         "INSERT INTO contacts (email, email_key, name, status, created_at, updated_at, "
                         "status_changed_at) SELECT 'user' || x || '@example.com', 'user' || x || '@example.com', "
                         "'User ' || x, 'confirmed', 'x', 'x', 'x' FROM i", (n,))
            for cid, name, every in ((1, "earlier", 10), (2, "big", 1)):
                conn.execute("INSERT INTO campaigns (id, name, created_at) VALUES (?, ?, 'x')", (cid, name))
                conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, attempts, queued_at) "
                             "SELECT ?, id, CASE WHEN id % 50 = 0 THEN 'failed' ELSE 'sent' END, 1, 'x' "
                             "FROM contacts WHERE id % ? = 0", (cid, every))
        print(f"filled {n:,} contacts and {n + n // 10:,} deliveries in {time.perf_counter() - start:.1f} s")
        total = sender_reports.delivery_count(app, 2)
        failed = sender_reports.delivery_count(app, 2, "failed")
        for label, state, rows in (("all recipients", None, total), ("failed only", "failed", failed)):
            for offset in (0, rows // 2, max(0, rows - 200)):
                # as the page reads it: with the log's size known, from the end in the second half
                ms = timed(lambda o=offset, s=state, t=rows: sender_reports.delivery_page(app, 2, o, 200, s, t))
                print(f"log window at row {offset:>9,} ({label:14}) {ms:8.1f} ms")
        print(f"log row count (all recipients)         {timed(lambda: sender_reports.delivery_count(app, 2)):8.1f} ms")
        print(f"campaign history with its counts       {timed(lambda: sender_reports.campaign_lines(app)):8.1f} ms")
        app.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
