"""The send rate limiter: per second (smooth and never above the limit in any one-second
window), per hour (sliding window), and the per-day budget that persists in ``account_usage``.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

# Grants that must be at least one second apart are kept this much further apart, so that
# scheduling jitter of a few milliseconds never lets the receiving side count one too many.
WINDOW_MARGIN = 0.012
# Waits longer than this happen before a transaction is opened (see RateLimiter.ready).
SHORT_WAIT = 1.0


class RateLimiter:
    """``await limiter.acquire()`` before each message. ``per_second`` 0 means no limit."""

    def __init__(self, per_second: float = 0, per_hour: int = 0, *, clock: Callable[[], float] = time.monotonic):
        self.per_second = float(per_second or 0)
        self.per_hour = int(per_hour or 0)
        self.interval = 1.0 / self.per_second if self.per_second > 0 else 0.0
        self._window = max(1, math.floor(self.per_second)) if self.per_second >= 1 else 0
        self._recent: deque[float] = deque(maxlen=self._window or 1)
        self._hour: deque[float] = deque()
        self._next = 0.0
        self._clock = clock
        self._lock = asyncio.Lock()

    def _earliest(self, now: float) -> float:
        target = self._next
        if self._window and len(self._recent) == self._window:
            target = max(target, self._recent[0] + 1.0 + WINDOW_MARGIN)
        if self.per_hour:
            while self._hour and self._hour[0] <= now - 3600.0:
                self._hour.popleft()
            if len(self._hour) >= self.per_hour:
                target = max(target, self._hour[0] + 3600.0)
        return target

    def wait_time(self) -> float:
        """Seconds until the next grant (for progress texts: 'waiting for the hourly limit')."""
        now = self._clock()
        return max(0.0, self._earliest(now) - now)

    async def ready(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        """Wait until the next grant is near: long waits (an hourly limit) must not happen while a
        transaction is open on the server. ``sleep`` may end early (the run ends): then so does this."""
        while self.wait_time() > SHORT_WAIT:
            before = self.wait_time()
            await sleep(min(before - SHORT_WAIT + 0.01, 60.0))
            if self.wait_time() >= before:  # woken early
                return

    async def acquire(self) -> None:
        if not self.interval and not self.per_hour:
            return
        async with self._lock:
            while True:
                now = self._clock()
                target = self._earliest(now)
                if target <= now:
                    break
                await asyncio.sleep(target - now)
            now = self._clock()
            if self.interval:
                # Keep to the schedule when slightly late (no drift), restart it when far behind
                # (no catch-up burst after a stall).
                base = self._next if now - self._next < self.interval else now
                self._next = base + self.interval
                self._recent.append(now)
            if self.per_hour:
                self._hour.append(now)


class DailyBudget:
    """Messages left today for an account; ``limit`` 0 means no daily limit."""

    def __init__(self, limit: int, used_before: int):
        self.limit = int(limit or 0)
        self.used = int(used_before)

    def take(self) -> bool:
        if self.limit and self.used >= self.limit:
            return False
        self.used += 1
        return True

    def give_back(self) -> None:
        self.used = max(0, self.used - 1)

    @property
    def exhausted(self) -> bool:
        return bool(self.limit) and self.used >= self.limit
