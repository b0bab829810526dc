"""The send engine's work queue: queued rows in id order, fetched from the log in batches and
checked again (consent, suppression) just before use, plus retries waiting for their time."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..storage import deliveries as store
from .contacts import Contact

if TYPE_CHECKING:
    from .sender import _Run


@dataclass
class Item:
    delivery_id: int
    contact: Contact
    attempts: int


class WorkQueue:
    """Queued rows in id order (fetched in batches), plus retries waiting for their time."""

    def __init__(self, run: _Run):
        self.run = run
        self.pending: deque[Item] = deque()
        self.retries: list[tuple[float, int, Item]] = []
        self.in_flight = 0
        self.after_id = 0
        self.exhausted = False
        self.changed = asyncio.Event()
        self._seq = itertools.count()

    def _refill(self) -> None:
        r = self.run
        rows = store.queued_batch(r.app.db.conn, r.campaign_id, self.after_id, r.options.batch_size)
        if not rows:
            self.exhausted = True
            return
        self.after_id = rows[-1]["delivery_id"]
        for row, reason in zip(rows, r.eligibility.reasons(rows), strict=True):
            if reason is not None:
                r.log.skip(row["delivery_id"], reason)
                r.control.count("skipped")
                continue
            self.pending.append(Item(row["delivery_id"], Contact.from_row(row), row["attempts"]))

    async def get(self) -> Item | None:
        ctl = self.run.control
        while True:
            if ctl.ending:
                return None
            now = time.monotonic()
            if self.retries and self.retries[0][0] <= now:
                item = heapq.heappop(self.retries)[2]
                self.in_flight += 1
                return item
            if not self.pending and not self.exhausted:
                self._refill()
            if self.pending:
                self.in_flight += 1
                return self.pending.popleft()
            if not self.retries and self.in_flight == 0:
                return None
            timeout = max(0.0, self.retries[0][0] - now) if self.retries else None
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), timeout)
            except TimeoutError:
                pass

    def done(self) -> None:
        self.in_flight -= 1
        self.changed.set()

    def put_back(self, item: Item) -> None:
        self.in_flight -= 1
        self.pending.appendleft(item)
        self.changed.set()

    def retry(self, item: Item, delay: float) -> None:
        self.in_flight -= 1
        heapq.heappush(self.retries, (time.monotonic() + delay, next(self._seq), item))
        self.changed.set()
