"""Responsiveness: the longest stall of the Qt event loop while the real Campaigns page sends
20,000 personalised messages over 4 connections to Postfix's smtp-sink on loopback.

A 5 ms timer beats on the GUI thread during the whole send; a stall is the time between two
beats. The garbage collector runs on the GUI thread as in the application
(``mailer_desktop/ui/gc.py``). Runs without a display (``QT_QPA_PLATFORM=offscreen``).

Target: the longest stall <= 50 ms.
Usage: python bench/gui_stall.py [--messages N] [--connections C]
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import Sink, cleanup, data_folder, loopback_account, send_size_args  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from mailer_desktop.services.sending.engine import warm_up  # noqa: E402
from mailer_desktop.ui.context import Events, UiContext  # noqa: E402
from mailer_desktop.ui.gc import MainThreadGarbageCollector  # noqa: E402
from mailer_desktop.ui.pages.campaigns import CampaignsPage  # noqa: E402
from mailer_desktop.ui.tasks import JobRunner  # noqa: E402


def wait_until(condition, timeout: float) -> None:
    """Run the event loop until ``condition()`` holds. (A QEventLoop, not repeated
    QApplication.processEvents() calls: with PySide6 6.12.0, which pyproject.toml keeps out,
    each of those frees a reference to None it does not own.)"""
    loop = QEventLoop()
    end = time.monotonic() + timeout
    timed_out = []

    def check() -> None:
        if condition():
            loop.quit()
        elif time.monotonic() > end:
            timed_out.append(True)
            loop.quit()

    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(check)
    poll.start()
    if not condition():
        loop.exec()
    poll.stop()
    if timed_out:
        raise SystemExit("timed out")


def main() -> None:
    n, c = send_size_args(__doc__.splitlines()[0] if __doc__ else "")
    qt = QApplication.instance() or QApplication([])
    collector = MainThreadGarbageCollector(qt)
    app, campaign_id = data_folder(n, pool=c)
    try:
        with Sink() as sink:
            loopback_account(app, sink.port, c)
            jobs = JobRunner()
            page = CampaignsPage(UiContext(app=app, jobs=jobs, events=Events()))
            page.resize(1100, 700)
            page.show()
            page.select_campaign(campaign_id)
            page.account.setCurrentIndex(page.account.findData("bench"))
            wait_until(lambda: not jobs.active, 60)
            warm_up()  # as the application does once its window is up
            collector.settle()
            QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
            gaps: list[int] = []
            clock = QElapsedTimer()
            beat = QTimer()
            beat.setInterval(5)
            beat.timeout.connect(lambda: gaps.append(clock.restart()))
            clock.start()
            beat.start()
            t0 = time.perf_counter()
            page.send_button.click()
            wait_until(lambda: page.last_result is not None or page.last_error, 600)
            wait_until(lambda: page.job is None, 60)
            wall = time.perf_counter() - t0
            beat.stop()
            if page.last_error or page.last_result["sent"] != n:
                raise SystemExit(f"the send did not complete: {page.last_error or page.last_result}")
            jobs.wait_all()
            page.close()
    finally:
        collector.stop()
        cleanup(app)
    gaps = gaps[1:] or [0]
    qs = statistics.quantiles(gaps, n=100) if len(gaps) > 1 else [gaps[0]] * 99
    print(f"messages: {n}, connections: {c}, send took {wall:.2f} s ({n / wall:,.0f} msg/s)")
    print(f"heartbeats: {len(gaps)}, median gap {statistics.median(gaps):.0f} ms, 99th percentile {qs[98]:.0f} ms")
    print(f"stalls over 50 ms: {sum(g > 50 for g in gaps)}, over 20 ms: {sum(g > 20 for g in gaps)}")
    at, elapsed = [], 0
    for g in gaps:
        elapsed += g
        if g > 30:
            at.append(f"{g} ms at {elapsed / 1000:.1f} s")
    print(f"stalls over 30 ms: {', '.join(at) or 'none'}")
    print(f"longest stall: {max(gaps)} ms  (target: <= 50 ms)")


if __name__ == "__main__":
    main()
