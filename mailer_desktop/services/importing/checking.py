"""The per-row work of an import — clean the address, look it up in the suppression list,
collect the name and custom fields — done batch by batch, in this process for small files and
in worker processes for big ones (the checks are pure: rows in, verdicts out).

What stays in the importing process: reading the file (row order and row numbers),
de-duplication in file order, the report and the staging table.

One verdict per row, a plain tuple (cheap to send between processes):
- ``(OK, number, email, key, name, fields_json, flags, suggestion)``
- ``(BAD, number, row, raw_cell, reason)``       no valid address (blank row, repeated header …)
- ``(OPTOUT, number, email, source_value)``       marked as opted out in the source file
- ``(SUPPRESSED, number, email)``                 on the suppression list
- ``(PROBLEM, number, column, value, reason)``    a value breaks a limit (name too long …)
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from ...domain.addresses import AddressError
from ...domain.importing.cleaning import AddressCleaner
from ...domain.suppression import KeyedHasher
from .rows import RowPlan, RowProblem, fields_json

OK, BAD, OPTOUT, SUPPRESSED, PROBLEM = range(5)
BATCH_ROWS = 4000
# Below this many rows (estimated from the file size) starting worker processes costs more than it saves.
PARALLEL_MIN_ROWS = 60_000


def _raw(hex_hash: str) -> bytes:
    try:
        return bytes.fromhex(hex_hash)
    except ValueError:  # not one of ours: can match nothing
        return hex_hash.encode()


class SuppressionHits:
    """Suppression hashes (domain/suppression.py) compared as raw digests, per-domain verdicts cached."""

    def __init__(self, key: bytes, hashes: Iterable[str]):
        self.key = key
        self.hashes = frozenset(_raw(h) for h in hashes)
        self._keyed = KeyedHasher(key)
        self._domains: dict[str, bool] = {}

    def hit(self, addr_key: str, domain: str) -> bool:
        if not self.hashes:
            return False
        listed = self._domains.get(domain)
        if listed is None:
            listed = self._keyed.domain(domain) in self.hashes
            if len(self._domains) < 200_000:
                self._domains[domain] = listed
        return listed or self._keyed.address(addr_key) in self.hashes


@dataclass(frozen=True)
class CheckSetup:
    """Everything a checker needs; small and picklable (sent once to each worker)."""

    plan: RowPlan
    suppression_key: bytes
    suppression_hashes: frozenset[str]


class RowChecker:
    def __init__(self, setup: CheckSetup):
        self.plan = setup.plan
        self.cleaner = AddressCleaner()
        self.suppressions = SuppressionHits(setup.suppression_key, setup.suppression_hashes)

    def check(self, rows: list[tuple[int, list[str]]]) -> list[tuple]:
        plan = self.plan
        email_i = plan.email
        cleaner = self.cleaner
        hit = self.suppressions.hit
        values = plan.values
        optout = plan.opted_out if plan.optout is not None else None
        out: list[tuple] = []
        append = out.append
        for number, row in rows:
            raw = row[email_i] if email_i < len(row) else ""
            try:
                c = cleaner(raw)
            except AddressError as exc:
                append((BAD, number, row, raw, str(exc)))
                continue
            if optout is not None:
                source_value = optout(row)
                if source_value is not None:
                    append((OPTOUT, number, c.email, source_value))
                    continue
            if hit(c.key, c.domain):
                append((SUPPRESSED, number, c.email))
                continue
            try:
                name, fields = values(row, c.name)
            except RowProblem as exc:
                append((PROBLEM, number, exc.column, exc.value, exc.reason))
                continue
            append((OK, number, c.email, c.key, name, fields_json(fields), c.flags, c.suggestion))
        return out


# -- worker processes ------------------------------------------------------------------
_worker: RowChecker | None = None


def _start_worker(setup: CheckSetup) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the importing process
    if sys.platform.startswith("linux"):
        _die_with_parent()
    _worker = RowChecker(setup)


def _die_with_parent() -> None:
    """A killed import must not leave workers behind (Linux: PR_SET_PDEATHSIG)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _check_in_worker(rows: list[tuple[int, list[str]]]) -> list[tuple]:
    assert _worker is not None
    return _worker.check(rows)


def worker_count() -> int:
    """Worker processes for a big import: one per core, the importing process reads the file."""
    return max(1, min(4, (os.cpu_count() or 1)))


def _batches(rows: Iterable[tuple[int, list[str]]]) -> Iterator[list[tuple[int, list[str]]]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, BATCH_ROWS)):
        yield batch


def checked_batches(rows: Iterable[tuple[int, list[str]]], setup: CheckSetup, *, parallel: bool,
                    ) -> Iterator[list[tuple]]:
    """The verdicts for ``rows``, batch by batch, in file order."""
    if not parallel:
        checker = RowChecker(setup)
        for batch in _batches(rows):
            yield checker.check(batch)
        return
    workers = worker_count()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(setup,))
    pending: deque[Future] = deque()
    try:
        for batch in _batches(rows):
            pending.append(pool.submit(_check_in_worker, batch))
            if len(pending) > 2 * workers:  # bounded: memory stays flat however big the file
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=not pending, cancel_futures=True)
