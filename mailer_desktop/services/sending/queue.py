"""The send engine's work queue: queued rows in id order, fetched from the log in batches and
checked again (consent, suppression) shortly before use, plus retries waiting for their time.
The next batch is fetched when the current one is half used, so that its messages can be
rendered ahead (:mod:`.render`) while the rest of the current one is sent."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from ...storage import deliveries as store
from ..app import App
from ..contacts.people import Contact
from .control import SendControl
from .log import SendLog
from .recipients import Eligibility
from .render import RenderAhead


class _Options(Protocol):
    batch_size: int


class QueueOwner(Protocol):
    """What the queue reads from the send run that owns it."""

    app: App
    campaign_id: int
    options: _Options
    eligibility: Eligibility
    log: SendLog
    control: SendControl
    render: RenderAhead


@dataclass
class Item:
    delivery_id: int
    contact: Contact
    attempts: int
    ahead: Any = None  # (future, index) of its message rendered in another process


class WorkQueue:
    """Queued rows in id order (fetched in batches), plus retries waiting for their time."""

    def __init__(self, run: QueueOwner):
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
        fresh: list[Item] = []
        for row, reason in zip(rows, r.eligibility.reasons(rows), strict=True):
            if reason is not None:
                r.log.skip(row["delivery_id"], reason)
                r.control.count("skipped")
                continue
            fresh.append(Item(row["delivery_id"], Contact.from_row(row), row["attempts"]))
        self.pending.extend(fresh)
        r.render.submit(fresh)

    def get_nowait(self) -> Item | None:
        """The next item when one is ready now, else None."""
        if self.run.control.ending:
            return None
        if self.retries and self.retries[0][0] <= time.monotonic():
            item = heapq.heappop(self.retries)[2]
            self.in_flight += 1
            return item
        if len(self.pending) <= self.run.options.batch_size // 2 and not self.exhausted:
            self._refill()
        if self.pending:
            self.in_flight += 1
            return self.pending.popleft()
        return None

    async def get(self) -> Item | None:
        ctl = self.run.control
        while True:
            if ctl.ending:
                return None
            item = self.get_nowait()
            if item is not None:
                return item
            now = time.monotonic()
            if not self.retries and self.in_flight == 0:
                return None
            timeout = max(0.0, self.retries[0][0] - now) if self.retries else None
            self.changed.clear()
            await ctl.wait_for(self.changed, timeout)  # or until the run ends

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
