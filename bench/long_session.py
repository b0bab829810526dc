"""A long session: the main window on the demo data, used round after round.

Each round shows every page, types two searches on the Contacts page, refreshes the Sandbox and
the Overview (background jobs), and lets the event loop run. Every ``--every`` rounds it prints
the resident memory, open file handles, threads, database connections and the reference count
of ``True`` (a Qt binding that frees references it does not own makes that fall until the
interpreter aborts). Healthy: all of them level off after the first rounds.

Usage: python bench/long_session.py [--rounds 800] [--every 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=800)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()

    qt = QApplication.instance() or QApplication([])
    from mailer_desktop.services.demo import open_demo
    from mailer_desktop.ui.gc import MainThreadGarbageCollector
    from mailer_desktop.ui.main_window import MainWindow

    collector = MainThreadGarbageCollector(qt)  # as in the application
    app = open_demo(None)
    window = MainWindow(app)
    window.resize(1300, 800)
    window.show()

    def run_events(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def figures(label: str) -> None:
        rss_mb = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
        print(f"{label:>10}  memory {rss_mb:6.1f} MB  files {len(os.listdir('/proc/self/fd')):3d}  "
              f"threads {threading.active_count():2d}  connections {len(app.db._all):2d}  "
              f"refs to True {sys.getrefcount(True)}", flush=True)

    figures("start")
    started = time.perf_counter()
    contacts = window.pages["contacts"]
    for number in range(1, args.rounds + 1):
        for key in window.pages:
            window.show_page(key)
            run_events(5)
        for text in ("a" if number % 2 else "example", ""):
            contacts.search.setText(text)
            contacts.apply_filters()
            run_events(20)
        for key in ("sandbox", "dashboard"):
            page = window.pages[key]
            if hasattr(page, "refresh"):
                page.refresh()
        run_events(30)
        if number % args.every == 0:
            figures(f"round {number}")
    print(f"{args.rounds} rounds in {time.perf_counter() - started:.0f} s")
    window.close()
    collector.deleteLater()
    app.close()


if __name__ == "__main__":
    main()
