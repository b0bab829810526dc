"""Steering a running send from any thread (a Qt worker, the GUI thread, a signal handler) and
reading its live figures.

``pause()`` lets each connection finish its current message and wait; ``resume()`` continues;
``cancel()`` ends the run and marks the campaign cancelled. The engine itself calls
``stop(reason)`` when it must pause the campaign (authentication refused, policy blocks, the
daily limit): the run ends and the campaign is left ``paused`` with that reason.

When the run ends, nothing waits longer than it must: back-off sleeps and waits for a
connection end at once, and replies still awaited get a short grace (the engine's
``stop_grace``) before their transactions are given up. :func:`stop_on_signals` turns SIGTERM,
SIGINT and SIGHUP into such a stop, so the campaign is left ``paused``, not ``sending``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace


@dataclass
class SendStats:
    total: int = 0          # rows of this campaign that can be worked on (not skipped at selection)
    done_before: int = 0    # of those, finished in earlier runs
    sent: int = 0
    failed: int = 0
    bounced: int = 0        # of failed: hard bounces
    deferred: int = 0
    skipped: int = 0        # left out at send time (opted out meanwhile)
    uncertain: int = 0      # found cut off at this start
    cut_off: int = 0        # uncertain in this run: the message went out, its reply never came
    retries: int = 0
    rate: float = 0.0       # messages per second over the last few seconds
    eta_seconds: float | None = None
    state: str = "starting"  # starting, sending, paused, waiting, finished
    note: str = ""           # e.g. why it is waiting or paused
    pace: str = ""           # which limit sets the pace, and the expected finish
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.done_before + self.sent + self.failed + self.deferred + self.skipped + self.cut_off

    def text(self) -> str:
        parts = [f"{self.sent:,} sent", f"{self.failed:,} failed", f"{self.deferred:,} deferred"]
        if self.skipped:
            parts.append(f"{self.skipped:,} skipped")
        if self.cut_off:
            parts.append(f"{self.cut_off:,} uncertain")
        line = ", ".join(parts)
        if self.rate:
            line += f" · {self.rate:,.1f} msg/s"
        if self.eta_seconds is not None and self.state == "sending":
            s = int(self.eta_seconds)
            line += f" · about {s // 3600}:{s // 60 % 60:02d}:{s % 60:02d} left"
        if self.note:
            line += f" · {self.note}"
        if self.pace and self.state == "sending":
            line += f" · {self.pace}"
        return line


class SendControl:
    """Thread-safe handle on one run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paused = False
        self._cancelled = False
        self._stop_reason: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: asyncio.Event | None = None
        self._ended: asyncio.Event | None = None
        self.stats = SendStats()
        self._times: deque[tuple[float, int]] = deque(maxlen=64)

    # -- called from any thread --------------------------------------------------------------
    def pause(self) -> None:
        with self._lock:
            self._paused = True
        self._signal(False)

    def resume(self) -> None:
        with self._lock:
            self._paused = False
        self._signal(True)

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
        self._signal(True)

    def stop(self, reason: str) -> None:
        """End the run, leaving the campaign paused with ``reason`` (first reason wins)."""
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = reason
        self._signal(True)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def stop_reason(self) -> str | None:
        return self._stop_reason

    @property
    def ending(self) -> bool:
        return self._cancelled or self._stop_reason is not None

    def snapshot(self) -> SendStats:
        with self._lock:
            return replace(self.stats)

    # -- engine side -------------------------------------------------------------------------
    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._running = asyncio.Event()
        self._ended = asyncio.Event()
        if not self._paused:
            self._running.set()
        if self.ending:
            self._ended.set()

    def _signal(self, running: bool) -> None:
        loop, event = self._loop, self._running
        if loop is None or event is None or loop.is_closed():
            return
        action = event.set if (running or self.ending) else event.clear
        try:
            loop.call_soon_threadsafe(action)
            if self.ending and self._ended is not None:
                loop.call_soon_threadsafe(self._ended.set)
        except RuntimeError:  # the loop has just closed: the run is over anyway
            pass

    async def sleep(self, seconds: float) -> None:
        """Sleep, but no longer than the run lasts."""
        await self.wait_for(None, seconds)

    async def wait_for(self, event: asyncio.Event | None, timeout: float | None) -> None:
        """Until ``event`` is set, the run ends, or ``timeout`` seconds pass."""
        if self.ending or (event is not None and event.is_set()):
            return
        waits = [asyncio.ensure_future(e.wait()) for e in (event, self._ended) if e is not None]
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()

    async def until_ended(self, task: asyncio.Future, timeout: float | None = None) -> bool:
        """Wait for ``task``; False (and ``task`` cancelled) when the run ends or ``timeout`` passes first."""
        if not self.ending and self._ended is not None:
            ended = asyncio.ensure_future(self._ended.wait())
            try:
                await asyncio.wait([task, ended], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            finally:
                ended.cancel()
        elif not self.ending:
            await asyncio.wait([task], timeout=timeout)
        if task.done():
            return True
        task.cancel()
        with contextlib.suppress(BaseException):
            await task
        return False

    async def wait_running(self) -> None:
        if self._running is not None and not self.ending:
            await self._running.wait()

    def update(self, **changes) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(self.stats, k, v)

    def count(self, name: str, n: int = 1) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + n)

    def measure(self) -> None:
        """Refresh rate and ETA from the messages finished in the last seconds."""
        now = time.monotonic()
        with self._lock:
            st = self.stats
            finished = st.sent + st.failed + st.deferred
            self._times.append((now, finished))
            while len(self._times) > 2 and now - self._times[0][0] > 5.0:
                self._times.popleft()
            t0, n0 = self._times[0]
            st.rate = (finished - n0) / (now - t0) if now - t0 > 0.2 else st.rate
            left = max(0, st.total - st.done)
            st.eta_seconds = left / st.rate if st.rate > 0 else None


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def stop_on_signals(control: SendControl, resume_hint: str = "") -> Iterator[None]:
    """While the block runs (in the main thread), SIGTERM, SIGINT and SIGHUP stop the send cleanly:
    the transactions in flight finish or are given up, the campaign is left paused. A second
    signal acts as it normally would."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, object] = {}

    def handler(signum, frame) -> None:
        name = signal.Signals(signum).name
        control.stop(f"Sending paused: the program was asked to stop ({name}).{resume_hint}")
        for s, h in previous.items():  # a second signal is not caught
            with contextlib.suppress(ValueError, OSError):
                signal.signal(s, h if h is not None else signal.SIG_DFL)  # type: ignore[arg-type]

    for s in STOP_SIGNALS:
        with contextlib.suppress(ValueError, OSError):
            previous[s] = signal.signal(s, handler)
    try:
        yield
    finally:
        for s, h in previous.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(s, h if h is not None else signal.SIG_DFL)  # type: ignore[arg-type]
