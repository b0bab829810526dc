"""Rendering ahead in another process, so that a large send renders its messages on a second
core while the engine works through the SMTP transactions and the send log.

The campaign's renderer is pickled once into one worker process (its templates are compiled
again there). When the work queue fetches a batch of recipients, their messages are rendered
there in chunks, in queue order, and each item gets its chunk's future. The engine takes an
item's message from that future, or renders it itself when there is none: the first batches
while the process starts, retries, small sends, a renderer that cannot be pickled, a worker
process that failed.

Rendering has no side effects (the renderer reads the database only when it is built), so
which process renders a message changes nothing else; the claim in the send log still comes
first and carries the Message-ID.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import pickle
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..child_processes import die_with_parent, main_module_hidden

log = logging.getLogger(__name__)

MIN_MESSAGES = 2000  # below this, starting a process costs more than it saves
CHUNK = 50           # messages per hand-over to the worker process

_renderer: Any = None  # in the worker process


class RenderFailed(Exception):
    """One recipient's message could not be made (e.g. an address that cannot go into a header);
    the message says why. It fails that recipient only."""


def _init(blob: bytes) -> None:
    global _renderer
    die_with_parent()  # a killed engine must not leave its renderer behind
    if hasattr(os, "nice"):  # a helper of the window's process: it yields the CPU to the window first
        os.nice(5)
    _renderer = pickle.loads(blob)


def _ready() -> bool:
    return _renderer is not None


def _render_one(renderer: Any, contact: Any) -> tuple[bytes | None, str]:
    """(bytes, Message-ID), or (None, why) when this recipient's message cannot be made."""
    try:
        return renderer.bytes_for(contact)
    except Exception as exc:
        return None, str(exc) or type(exc).__name__


def _render(contacts: list[dict]) -> list[tuple[bytes | None, str]]:
    return [_render_one(_renderer, c) for c in contacts]


def _parts(contact: Any) -> dict:
    return {"id": contact.id, "email": contact.email, "name": contact.name, "fields": contact.fields,
            "token_id": contact.token_id}


class RenderAhead:
    """One worker process rendering the messages of queued items (see the module docstring)."""

    def __init__(self, renderer: Any):
        self.renderer = renderer
        self.pool: ProcessPoolExecutor | None = None
        self.started: Future | None = None
        self.failed = False

    @classmethod
    def start(cls, renderer: Any, queued: int) -> RenderAhead:
        """Start the worker process when the send is large enough and the renderer can move."""
        ahead = cls(renderer)
        if queued < MIN_MESSAGES or (multiprocessing.cpu_count() or 1) < 2:
            return ahead
        try:
            blob = pickle.dumps(renderer)
        except Exception:  # e.g. a test's renderer: everything is rendered in the engine
            return ahead
        try:
            with main_module_hidden():  # the process starts on the first submit
                ahead.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_init, initargs=(blob,))
                ahead.started = ahead.pool.submit(_ready)
        except Exception:
            log.warning("rendering in a worker process is not available; rendering in the engine", exc_info=True)
            ahead.pool = None
        return ahead

    @property
    def ready(self) -> bool:
        return (self.pool is not None and not self.failed and self.started is not None
                and self.started.done() and self.started.exception() is None)

    def submit(self, items: list) -> None:
        """Render these items' messages in the worker process (when it is up)."""
        if not items or not self.ready:
            return
        loop = asyncio.get_running_loop()
        try:
            for i in range(0, len(items), CHUNK):
                chunk = items[i:i + CHUNK]
                fut = asyncio.wrap_future(self.pool.submit(_render, [_parts(it.contact) for it in chunk]), loop=loop)
                fut.add_done_callback(_consume)
                for k, item in enumerate(chunk):
                    item.ahead = (fut, k)
        except Exception:  # the pool broke: the engine renders from now on
            log.warning("the rendering process failed; rendering in the engine", exc_info=True)
            self.failed = True

    async def message(self, item: Any) -> tuple[bytes, str]:
        """The item's wire bytes and Message-ID: rendered ahead, or here and now. Raises
        :class:`RenderFailed` when this recipient's message cannot be made."""
        data, text = await self._message(item)
        if data is None:
            raise RenderFailed(text)
        return data, text

    async def _message(self, item: Any) -> tuple[bytes | None, str]:
        ahead, item.ahead = item.ahead, None
        if ahead is not None and not self.failed:
            fut, k = ahead
            try:
                if not fut.done():  # shielded: the chunk's future is shared with other connections
                    await asyncio.shield(fut)
                return fut.result()[k]
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not fut.cancelled() or (task is not None and task.cancelling()):
                    raise
            except Exception:  # rendered again here: a content error is raised from the engine as before
                log.warning("rendering in the worker process failed; rendering in the engine", exc_info=True)
                self.failed = True
        return _render_one(self.renderer, item.contact)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def _consume(fut: asyncio.Future) -> None:
    """Retrieve an exception of a chunk nobody awaits (the run ended), so asyncio does not log it."""
    if not fut.cancelled():
        fut.exception()
