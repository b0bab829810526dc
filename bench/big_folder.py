"""Every page of the window on a big data folder: how long the window's thread is held.

Fills a fresh data folder with N contacts (default 1,000,000), a campaign sent to all of them
and an earlier one to every tenth (1,100,000 deliveries), 200,000 suppression entries and
100,000 processed returned mails, then drives the main window (offscreen): each page shown
and refreshed, the big campaign chosen and its send log scrolled to the end, the suppression
list scrolled to its end. For each step it prints the time of the call itself and the longest
stall of a 5 ms heartbeat on the window's thread while the step and its background reads ran.

    .venv/bin/python bench/big_folder.py [--contacts N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

BIG, EARLIER = 2, 1  # campaign ids


def fill(app, n: int) -> None:
    conn = app.db.conn
    with app.db.transaction():
        conn.execute("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < ?) "
                     "INSERT INTO contacts (email, email_key, name, status, created_at, updated_at, status_changed_at) "
                     "SELECT 'user' || x || '@example.com', 'user' || x || '@example.com', 'User ' || x, "
                     "'confirmed', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM i", (n,))
        for cid, name, every in ((EARLIER, "Autumn news", 10), (BIG, "Winter sale", 1)):
            conn.execute("INSERT INTO campaigns (id, name, state, created_at, finished_at) "
                         "VALUES (?, ?, 'done', '2026-11-01T00:00:00Z', '2026-11-01T02:00:00Z')", (cid, name))
            conn.execute("INSERT INTO deliveries (campaign_id, contact_id, state, attempts, queued_at, finished_at) "
                         "SELECT ?, id, CASE WHEN id % 50 = 0 THEN 'failed' ELSE 'sent' END, 1, "
                         "'2026-11-01T00:00:00Z', '2026-11-01T01:00:00Z' FROM contacts WHERE id % ? = 0", (cid, every))
        conn.execute("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 200000) "
                     "INSERT INTO suppressions (hash, scope, reason, created_at, display) "
                     "SELECT hex(randomblob(32)), 'address', CASE x % 3 WHEN 0 THEN 'hard_bounce' WHEN 1 "
                     "THEN 'unsubscribed' ELSE 'complaint' END, '2026-10-01T00:00:00Z', 'gone' || x || '@example.net' "
                     "FROM i")
        conn.execute("WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i WHERE x < 100000) "
                     "INSERT INTO inbox_messages (message_key, source, sender, subject, received_at, processed_at, "
                     "kind, outcome, contact_id, needs_review, snippet) SELECT 'k' || x, 'mbox', "
                     "'mailer-daemon@example.net', 'Undelivered Mail', '2026-11-02', '2026-11-02T00:00:00Z', 'hard', "
                     "'suppressed', x * 7 % ? + 1, x % 100 = 0, 'The mail system' FROM i", (n,))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contacts", type=int, default=1_000_000)
    args = ap.parse_args()
    qt = QApplication.instance() or QApplication([])

    from memkeyring import MemoryKeyring

    from mailer_desktop.services.app import open_app
    from mailer_desktop.ui.gc import MainThreadGarbageCollector
    from mailer_desktop.ui.main_window import MainWindow

    work = Path(tempfile.mkdtemp(prefix="big-folder-bench-"))
    collector = MainThreadGarbageCollector(qt)
    try:
        app = open_app(work / "data", keyring_backend=MemoryKeyring(), log_to_file=False)
        start = time.perf_counter()
        fill(app, args.contacts)
        print(f"filled {args.contacts:,} contacts, {args.contacts + args.contacts // 10:,} deliveries, 200,000 "
              f"suppression entries, 100,000 processed mails in {time.perf_counter() - start:.0f} s")

        gaps: list[int] = []
        clock = QElapsedTimer()
        beat = QTimer()
        beat.setInterval(5)
        beat.timeout.connect(lambda: gaps.append(clock.restart()))

        def run(ms: int) -> None:
            loop = QEventLoop()
            QTimer.singleShot(ms, loop.quit)
            loop.exec()

        def step(label: str, fn, settle_ms: int = 1500) -> None:
            gaps.clear()
            clock.restart()
            t0 = time.perf_counter()
            fn()
            call_ms = (time.perf_counter() - t0) * 1000
            gaps.append(clock.restart())  # the call itself held the thread this long
            run(settle_ms)
            print(f"{label:44} call {call_ms:7.1f} ms   longest stall {max(gaps):5d} ms")

        t0 = time.perf_counter()
        window = MainWindow(app)
        window.resize(1300, 800)
        window.show()
        print(f"main window built in {time.perf_counter() - t0:.2f} s")
        beat.start()
        run(2000)
        for key in list(window.pages):
            page = window.pages[key]
            step(f"{key}: shown", lambda k=key: window.show_page(k))
            if hasattr(page, "refresh"):
                step(f"{key}: refreshed", page.refresh)
        campaigns = window.show_page("campaigns")
        step("campaigns: the 1,000,000-recipient campaign chosen", lambda: campaigns.select_campaign(BIG))
        step("campaigns: its send log scrolled to the end",
             lambda: (campaigns.log_view.scrollToBottom(), qt.processEvents()))
        suppression = window.show_page("suppression")
        step("suppression: the list scrolled to the end",
             lambda: (suppression.table.scrollToBottom(), qt.processEvents()))
        beat.stop()
        window.close()
        run(200)
        app.close()
    finally:
        collector.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
