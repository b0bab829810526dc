"""The background-job helper: progress, result, cancel, errors — all back on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from mailer_desktop.ui.tasks import JobRunner


def test_result_and_progress_arrive_on_the_gui_thread(qtbot):
    runner = JobRunner()
    seen_progress, seen_threads = [], []
    worker_thread = []

    def work(progress):
        worker_thread.append(threading.get_ident())
        for i in range(1, 6):
            progress.update(i, 5, f"step {i}")
        return "done!"

    def on_progress(done, total, text):
        seen_progress.append((done, total, text))
        seen_threads.append(QThread.currentThread() is QApplication.instance().thread())

    results = []
    job = runner.run(work, on_result=results.append, on_progress=on_progress)
    qtbot.waitUntil(lambda: job not in runner.active, timeout=5000)  # 'ended' has been delivered
    qtbot.waitUntil(lambda: results == ["done!"], timeout=2000)
    assert seen_progress[-1] == (5, 5, "step 5")  # the final report is never throttled away
    assert all(seen_threads)
    assert worker_thread[0] != threading.get_ident()
    qtbot.waitUntil(lambda: runner.active == [], timeout=2000)


def test_cancel_is_honoured(qtbot):
    runner = JobRunner()
    started = threading.Event()
    steps = []

    def work(progress):
        started.set()
        for i in range(10_000):
            progress.check()
            steps.append(i)
            threading.Event().wait(0.001)
        return "finished anyway"

    results, cancelled = [], []
    job = runner.run(work, on_result=results.append, on_cancelled=lambda: cancelled.append(True))
    assert started.wait(5)
    job.cancel()
    qtbot.waitUntil(lambda: job not in runner.active, timeout=5000)  # 'ended' has been delivered
    qtbot.waitUntil(lambda: cancelled == [True], timeout=2000)
    assert results == [] and len(steps) < 10_000


def test_errors_come_back_as_messages(qtbot):
    runner = JobRunner()

    def work(progress):
        raise ValueError("row 7 of contacts.csv has no address")

    errors = []
    job = runner.run(work, on_error=errors.append)
    qtbot.waitUntil(lambda: job not in runner.active, timeout=5000)  # 'ended' has been delivered
    qtbot.waitUntil(lambda: errors == ["row 7 of contacts.csv has no address"], timeout=2000)
    assert isinstance(job.error, ValueError)


def test_garbage_is_collected_on_the_gui_thread_only(qtbot, main_thread_gc):
    import gc

    assert not gc.isenabled()  # nothing collects automatically in a worker thread
    for _ in range(5000):
        a, b = [], []
        a.append(b)
        b.append(a)  # cycles only the collector can free
    assert gc.get_count()[0] > 0
    qtbot.waitUntil(lambda: gc.get_count()[0] < main_thread_gc.threshold[0], timeout=3000)


def test_a_finished_job_leaves_no_database_connection_open(qtbot, app):
    import os

    def open_files() -> int:  # Linux; elsewhere only the connection count is checked
        return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0

    runner = JobRunner()
    app.db.conn.execute("SELECT 1")  # this thread's own connection stays
    before_conns, before_files = len(app.db._all), open_files()
    counts = []
    for _ in range(40):
        job = runner.run(lambda progress: app.db.conn.execute("SELECT count(*) FROM contacts").fetchone()[0],
                         on_result=counts.append)
        qtbot.waitUntil(lambda j=job: j not in runner.active, timeout=5000)
    assert counts == [0] * 40
    assert len(app.db._all) == before_conns
    assert open_files() <= before_files + 2  # 40 jobs used to leave 80 file handles open
    app.db.conn.execute("SELECT 1")  # the GUI thread's connection still works


def test_a_finished_job_is_freed_with_its_result(qtbot):
    import gc
    import weakref

    class Payload:
        pass

    runner = JobRunner()
    got = []
    gone = weakref.ref(runner.run(lambda progress: Payload(), on_result=got.append))
    qtbot.waitUntil(lambda: runner.active == [], timeout=5000)
    assert len(got) == 1
    payload = weakref.ref(got.pop())
    gc.collect()
    assert payload() is None and gone() is None  # callbacks held by Qt no longer keep them alive


def test_a_job_asked_of_a_runner_whose_window_is_gone_does_not_start(qtbot):
    import shiboken6

    from mailer_desktop.ui.tasks import JobRunner

    runner = JobRunner()
    shiboken6.delete(runner)
    ran = []
    job = runner.run(lambda progress: ran.append(True), name="late")
    assert not job.running and ran == []


def test_a_later_job_starts_after_its_pause_or_at_once_when_asked_and_not_when_called_off(qtbot):
    runner = JobRunner()
    ran = []
    called_off = runner.run_later(30, lambda progress: ran.append("off"), name="off")
    called_off.cancel()
    soon = runner.run_later(60_000, lambda progress: "now", name="soon", on_result=ran.append)
    soon.start_now()  # a window waits for it: no reason to wait the minute
    qtbot.waitUntil(lambda: ran == ["now"], timeout=5000)
    assert not called_off._timer.isActive() and called_off.job is None  # it will not start
    qtbot.waitUntil(lambda: runner.active == [], timeout=5000)


def test_reads_hand_over_the_newest_result_and_a_kept_thread_serves_them_all(qtbot, app):
    from mailer_desktop.ui.tasks import LatestRead

    shown, threads = [], set()
    gate = threading.Event()

    def read(n):
        def run(app_, wanted):
            threads.add(threading.get_ident())
            if n == 1:
                gate.wait(5)  # still running while two more are asked for
                assert not wanted()  # ... so it knows it is stale
            return n
        return run

    reader = LatestRead(app, shown.append, lambda exc: shown.append(exc), "test-reader",
                        drop_stale=True, keep_thread=True)
    reader.ask(read(1))
    reader.ask(read(2))
    reader.ask(read(3))
    assert reader.reading
    gate.set()
    qtbot.waitUntil(lambda: not reader.reading, timeout=5000)
    assert shown == [3]  # 1 was stale when it ended, 2 never began
    reader.ask(read(4))
    qtbot.waitUntil(lambda: shown == [3, 4], timeout=5000)
    assert len(threads) == 1 and threading.get_ident() not in threads
    reader.stop()
    assert reader._thread is None
