"""The one background-job helper of the GUI.

``ctx.jobs.run(fn, ...)`` runs ``fn(progress)`` in a worker thread. ``progress`` is a
:class:`mailer_desktop.services.progress.Progress`: the job reports with ``progress.update()``
and stops at ``progress.check()`` once the user pressed Cancel. Results, errors, progress and
cancellation come back on the GUI thread through the :class:`Job`'s signals.

The single rule: no UI calls inside ``fn``. Jobs that need asyncio call ``asyncio.run`` inside
``fn`` (each worker thread owns its loop). Progress signals are throttled so that a fast job
cannot flood the event loop.
"""

from __future__ import annotations

import logging
import time
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal

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
