"""The one way the GUI runs work in the background. Two kinds:

**Jobs** (work with progress and Cancel): ``ctx.jobs.run(fn, ...)`` runs ``fn(progress)`` in a
worker thread (``ctx.jobs.run_later(ms, fn, ...)`` after a pause, unless called off). ``progress``
is a :class:`mailer_desktop.services.progress.Progress`: the job reports with
``progress.update()`` and stops at ``progress.check()`` once the user pressed Cancel. Results,
errors, progress and cancellation come back on the GUI thread through the :class:`Job`'s
signals. Jobs that need asyncio call ``asyncio.run`` inside ``fn`` (each worker thread owns its
loop). Progress signals are throttled so that a fast job cannot flood the event loop.

**Reads** (figures of a big database a widget shows): :class:`LatestRead` runs ``read(app)`` off
the window's thread and hands the newest result to the widget on it.

The rules for both: no UI calls inside the function; every thread that uses the database does
so inside ``Database.working()`` (closing the database interrupts and waits for it) and closes
its connection before it ends.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer, Signal

from ..services.app import worker_thread_done, worker_thread_working
from ..services.progress import Cancelled, Progress

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals (the last one always goes out)


class _JobProgress(Progress):
    def __init__(self, job: Job):
        super().__init__()
        self._job = job
        self._last = 0.0

    def update(self, done: int, total: int | None = None, text: str = "") -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if final or now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            self._job.progress.emit(int(done), -1 if total is None else int(total), text)


class Job(QObject):
    """One background job. Signals arrive on the GUI thread; ``ended`` always comes last."""

    progress = Signal(int, int, str)  # done, total (-1: unknown), text
    succeeded = Signal(object)  # the function's return value
    failed = Signal(str)  # a message for the user (details are in the log)
    cancelled = Signal()
    ended = Signal()

    def __init__(self, fn: Callable[[Progress], Any], name: str = ""):
        super().__init__()
        self.name = name or getattr(fn, "__name__", "job")
        self._fn = fn
        self._progress = _JobProgress(self)
        self._thread = _Worker(self)
        self.error: BaseException | None = None
        self.result: Any = None
        self.running = False

    def start(self) -> None:
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next check; it leaves its data consistent."""
        self._progress.cancel()

    @property
    def cancel_requested(self) -> bool:
        return self._progress.cancelled

    def wait(self, msecs: int = 30000) -> bool:
        return self._thread.wait(msecs)

    def release(self) -> None:
        """After ``ended``: drop the callbacks and the function. Qt holds the connected callbacks,
        and those that refer to the job (or to its result) would keep it alive for good."""
        for signal in (self.progress, self.succeeded, self.failed, self.cancelled, self.ended):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # "nothing was connected"
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass
        self._fn = None
        self.result = None

    def _execute(self) -> None:
        with worker_thread_working():  # closing the database waits for this job
            self._run_fn()

    def _run_fn(self) -> None:
        try:
            self.result = self._fn(self._progress)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # reported to the user; nothing may escape a worker thread
            self.error = exc
            log.error("job %s failed: %s\n%s", self.name, exc, traceback.format_exc())
            self.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.succeeded.emit(self.result)
        finally:
            worker_thread_done()  # this thread ends now: its database connection goes with it
            self.running = False
            self.ended.emit()


class _Worker(QThread):
    def __init__(self, job: Job):
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job._execute()


class JobRunner(QObject):
    """Starts jobs and keeps them alive until they end. One per main window."""

    started = Signal(object)  # Job
    finished = Signal(object)  # Job

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._jobs: list[Job] = []

    def run(
        self,
        fn: Callable[[Progress], Any],
        *,
        name: str = "",
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        on_ended: Callable[[], None] | None = None,
    ) -> Job:
        job = Job(fn, name)
        if not shiboken6.isValid(self):  # its window is gone (a timer of a closed page): nothing to do it for
            return job
        for signal, callback in ((job.succeeded, on_result), (job.failed, on_error), (job.progress, on_progress),
                                 (job.cancelled, on_cancelled), (job.ended, on_ended)):
            if callback:
                signal.connect(self._while_alive(callback))
        job.ended.connect(lambda: self._forget(job))
        self._jobs.append(job)
        self.started.emit(job)
        job.start()
        return job

    def run_later(self, delay_ms: int, fn: Callable[[Progress], Any], **options: Any) -> Later:
        """:meth:`run` after ``delay_ms`` (say, once the user has stayed on a choice), unless
        :meth:`Later.cancel` is called first; ``options`` are :meth:`run`'s."""
        return Later(self, delay_ms, lambda: self.run(fn, **options))

    def _while_alive(self, callback: Callable[..., None]) -> Callable[..., None]:
        """``callback``, unless the runner (its window) is gone by the time the job reports: a
        page closed while its job ran has nothing left to show the result in."""
        def call(*args) -> None:
            if not shiboken6.isValid(self):
                return
            try:
                callback(*args)
            except RuntimeError as exc:
                if "already deleted" not in str(exc):
                    raise
                log.debug("job %s reported to a widget that is gone", callback)
        return call

    def _forget(self, job: Job) -> None:
        job.wait()
        if job in self._jobs:
            self._jobs.remove(job)
        try:
            self.finished.emit(job)
        except RuntimeError:  # the runner (its window) was deleted meanwhile: nobody to tell
            pass
        job.release()

    @property
    def active(self) -> list[Job]:
        return list(self._jobs)

    def cancel_all(self) -> None:
        for job in list(self._jobs):
            job.cancel()

    def wait_all(self, msecs: int = 30000) -> bool:
        return all(job.wait(msecs) for job in list(self._jobs))


class Later(QObject):
    """A job that starts after a pause (see :meth:`JobRunner.run_later`)."""

    def __init__(self, runner: JobRunner, delay_ms: int, start: Callable[[], Job]):
        super().__init__(runner)
        self.job: Job | None = None
        self._start = start
        self._cancelled = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._go)
        self._timer.start(delay_ms)

    def start_now(self) -> None:
        """No reason to wait longer: start on the next turn of the event loop."""
        if self.job is None and not self._cancelled:
            self._timer.start(0)

    def cancel(self) -> None:
        """Do not start it, or ask the job that started to stop."""
        self._cancelled = True
        self._timer.stop()
        if self.job is not None:
            self.job.cancel()

    def _go(self) -> None:
        if self.job is None and not self._cancelled:
            self.job = self._start()


_STOP = object()


class LatestRead(QObject):
    """Reads of a few tens of milliseconds (a count over a million rows) that would make the
    window stutter, run in a thread with a connection of its own; the newest result is handed to
    ``done`` on the window's thread (an exception to ``failed``, and the widget reads on its own
    thread instead, where errors are reported as usual).

    - ``ask(read)`` runs ``read(app)`` unless a read is running; asked again meanwhile, the
      newest ``read`` runs once after it (the results in between would be stale anyway);
    - ``shown_now()`` says the widget has just read on its own thread (after its own change):
      results of reads asked for before are dropped;
    - ``drop_stale``: only the result of the newest ``ask`` is handed over, and a read can stop
      early: ``read(app, wanted)`` gets a function that says whether it is still wanted;
    - ``keep_thread``: one thread serves every read and keeps its connection (and what it
      prepared on it) until :meth:`stop`; otherwise each read has a short-lived thread.
    """

    _loaded = Signal(int, object)  # from the reading thread: ticket, result or exception

    def __init__(self, app, done: Callable[[Any], None], failed: Callable[[BaseException], None],
                 name: str, parent: QObject | None = None, *, drop_stale: bool = False,
                 keep_thread: bool = False):
        super().__init__(parent)
        self._app = app
        self._done, self._failed = done, failed
        self._name = name
        self._drop_stale, self._keep_thread = drop_stale, keep_thread
        self._wanted = self._shown = 0  # reads asked for / the newest one shown
        self._running = False
        self._next: Callable[..., Any] | None = None
        self._queue: queue.SimpleQueue | None = None
        self._thread: threading.Thread | None = None
        self._loaded.connect(self._arrived)

    @property
    def reading(self) -> bool:
        """A read that was asked for has not been shown yet."""
        return self._wanted > self._shown

    def ask(self, read: Callable[..., Any]) -> None:
        self._wanted += 1
        self._next = read
        if not self._running:
            self._start()

    def shown_now(self) -> None:
        self._wanted += 1
        self._shown = self._wanted
        self._next = None

    def stop(self) -> None:
        """Drop what was asked for and end the kept thread (its connection closes with it)."""
        self.shown_now()
        if self._thread is not None and self._queue is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = self._queue = None
            self._running = False

    def _start(self) -> None:
        read, self._next = self._next, None
        if read is None:
            return
        ticket = self._wanted
        self._running = True
        if not self._keep_thread:
            threading.Thread(target=self._serve_one, args=(ticket, read, True), name=self._name, daemon=True).start()
            return
        if self._thread is None:
            self._queue = queue.SimpleQueue()
            self._thread = threading.Thread(target=self._serve, args=(self._queue,), name=self._name, daemon=True)
            self._thread.start()
        assert self._queue is not None
        self._queue.put((ticket, read))

    def _serve(self, jobs: queue.SimpleQueue) -> None:
        """The kept thread: one read after another until told to stop."""
        try:
            while (item := jobs.get()) is not _STOP:
                self._serve_one(*item, last=False)
        finally:
            self._app.db.release_thread()

    def _serve_one(self, ticket: int, read: Callable[..., Any], last: bool) -> None:
        app, loaded = self._app, self._loaded
        with app.db.working():  # closing the database waits for this read
            try:
                if self._drop_stale and ticket != self._wanted:
                    result: object = _STOP  # asked again before it began: not wanted
                elif self._drop_stale:
                    result = read(app, lambda: ticket == self._wanted)
                else:
                    result = read(app)
            except Exception as exc:  # noqa: BLE001 - handed to the widget, which reads again itself
                result = exc
            finally:
                if last:
                    app.db.release_thread()  # the thread ends: its connection goes with it
        with contextlib.suppress(RuntimeError):  # the widget is gone: nobody waits for the result
            loaded.emit(ticket, result)

    def _arrived(self, ticket: int, result: object) -> None:
        self._running = False
        stale = ticket != self._wanted if self._drop_stale else ticket <= self._shown
        if not stale and result is not _STOP:
            self._shown = ticket
            if isinstance(result, BaseException):
                self._failed(result)
            else:
                self._done(result)
        if self._wanted > self._shown and self._next is not None:
            self._start()
