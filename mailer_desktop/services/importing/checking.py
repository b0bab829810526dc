"""The per-row work of an import — clean the address, look it up in the suppression list,
collect the name and custom fields — done batch by batch: in this process for small files,
for big ones in reading processes that check their share of the batches (the checks are pure:
rows in, verdicts out). Each reading process reads only its own pieces of a CSV file
(readers.csv_pieces); any other table it reads whole, parsing the other processes' batches
only to find where its own begin.

What stays in the importing process: de-duplication in file order, the report and the
staging table.

A batch of rows comes back as one :data:`Checked` tuple of plain lists (cheap to send
between processes, and shaped for the importing process's loop, which touches each row once):
``(rows, ok, flagged, rejected)`` —
- ``rows``: how many rows the batch held (0: no batch yet, "still working");
- ``ok``: ``(number, email, key, name, fields_json)`` of each row with a valid address, in
  file order (the shape of a staged row);
- ``flagged``: ``(index in ok, flags, suggestion)`` of those ``ok`` rows that carry a
  role / disposable / typo / non-ASCII flag;
- ``rejected``: one tuple per row that is not imported, in file order:
  ``(BAD, number, row, raw_cell, reason)`` no valid address (blank row, repeated header …),
  ``(OPTOUT, number, email, source_value)`` marked as opted out in the source file,
  ``(SUPPRESSED, number, email)`` on the suppression list,
  ``(PROBLEM, number, column, value, reason)`` a value breaks a limit (name too long …).
"""

from __future__ import annotations

import itertools
import logging
import marshal
import multiprocessing
import os
import queue
import signal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ...domain.addresses import AddressError
from ...domain.importing.cleaning import AddressCleaner
from ...domain.spreadsheet import restore_row
from ...domain.suppression import KeyedHasher
from ..child_processes import main_module_hidden
from .readers import (
    ImportInputError,
    Table,
    csv_pieces,
    piece_rows,
    raw_data_rows,
    shown_undecodable,
    undecodable_cells,
)
from .rows import RowPlan, RowProblem

log = logging.getLogger(__name__)

BAD, OPTOUT, SUPPRESSED, PROBLEM = range(1, 5)
Checked = tuple[int, list[tuple], list[tuple], list[tuple]]
STILL_WORKING: Checked = (0, [], [], [])
BATCH_ROWS = 4000
CHUNK_BYTES = 192 * 1024  # the pieces of a CSV file that reading processes read each (readers.csv_pieces)
QUEUED_BATCHES = 4
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
    undecodable: str = ""    # the file's encoding when some of its bytes are not valid in it


class RowChecker:
    def __init__(self, setup: CheckSetup):
        self.plan = setup.plan
        self.cleaner = AddressCleaner()
        self.suppressions = SuppressionHits(setup.suppression_key, setup.suppression_hashes)
        self.undecodable = setup.undecodable

    def check(self, rows: list[tuple[int, list[str]]]) -> Checked:
        plan = self.plan
        email_i = plan.email
        cleaner = self.cleaner
        plain = cleaner.plain
        hit = self.suppressions.hit if self.suppressions.hashes else None
        encode = plan.encoder()
        optout = plan.opted_out if plan.optout is not None else None
        undecodable = self.undecodable
        ok: list[tuple] = []
        flagged: list[tuple] = []
        out: list[tuple] = []
        append = out.append
        for number, row in rows:
            if undecodable and (bad := undecodable_cells(row)) is not None:
                append((PROBLEM, number, plan.column_name(bad), shown_undecodable(row[bad]),
                        f"holds bytes that are not valid {undecodable} (the rest of the file is); "
                        "correct the row, or choose the file's encoding if it is another"))
                continue
            raw = row[email_i] if email_i < len(row) else ""
            # the plain ASCII address of most rows: a tuple, no name in the cell
            c = plain(raw)
            if c is not None:
                email, key, domain, flags, suggestion = c
                name_hint = ""
            else:
                try:
                    email, key, domain, name_hint, flags, suggestion = cleaner(raw)
                except AddressError as exc:
                    append((BAD, number, row, raw, str(exc)))
                    continue
            if optout is not None:
                source_value = optout(row)
                if source_value is not None:
                    append((OPTOUT, number, email, source_value))
                    continue
            if hit is not None and hit(key, domain):
                append((SUPPRESSED, number, email))
                continue
            try:
                name, fields = encode(row, name_hint)
            except RowProblem as exc:
                append((PROBLEM, number, exc.column, exc.value, exc.reason))
                continue
            if flags:
                flagged.append((len(ok), flags, suggestion))
            ok.append((number, email, key, name, fields))
        return len(rows), ok, flagged, out


# -- the reading process -------------------------------------------------------------------
def _die_with_parent() -> None:
    """A killed import must not leave its reading process behind, even when it was killed while
    this process was starting."""
    from ..child_processes import die_with_parent

    die_with_parent()


def _read_and_check(open_rows, first_data_row: int, setup: CheckSetup, batch_rows: int, share: tuple[int, int],
                    out, chunk_bytes: int = CHUNK_BYTES) -> None:
    """In a reading process: check every ``count``-th batch of rows, starting with batch
    ``index``; send the verdicts, then None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the importing process
    _die_with_parent()
    if hasattr(os, "nice"):  # a helper of the importing process (maybe the window's): it yields the CPU first
        os.nice(5)
    try:
        checker = RowChecker(setup)
        for batch in _own_batches(open_rows, first_data_row, batch_rows, share, chunk_bytes):
            # marshal: three times quicker to write than pickle for these plain lists and tuples
            out.put(marshal.dumps(checker.check(batch)))
        out.put(None)
    except ImportInputError as exc:
        out.put(ImportInputError(str(exc)))
    except _PieceUnsure as exc:
        out.put(RuntimeError(str(exc)))
    except BaseException as exc:  # anything else arrives as a plain error with its text
        out.put(RuntimeError(f"checking the rows failed: {type(exc).__name__}: {exc}"))


def _own_batches(open_rows, first_data_row: int, batch_rows: int, share: tuple[int, int],
                 chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[tuple[int, list[str]]]]:
    """This process's batches of data rows (the ' of our exports taken off).

    A CSV file is read piece by piece (readers.csv_pieces), each process reading only its own
    pieces (one batch per piece, possibly empty); should a piece not hold what was counted for
    it, this raises :class:`_PieceUnsure` (the importing process then checks the rows from there
    on itself). Any other table is read whole by every process: the other processes' batches
    are only parsed (to find where the next one starts), not prepared."""
    index, count = share
    pieces = csv_pieces(open_rows, chunk_bytes)
    if pieces is not None:
        for number, piece in enumerate(pieces[index::count]):
            rows = piece_rows(open_rows, piece, restored=True)
            if rows is None:
                raise _PieceUnsure(f"piece {number * count + index} of the file (from byte {piece[0]}) does not "
                                   "read on its own as counted")
            yield rows if not rows or rows[0][0] >= first_data_row else [r for r in rows if r[0] >= first_data_row]
        return
    rows = raw_data_rows(open_rows, first_data_row)
    for number in itertools.count():
        chunk = list(itertools.islice(rows, batch_rows))
        if not chunk:
            break
        if number % count == index:
            yield [(n, restore_row(cells)) for n, cells in chunk]


class _PieceUnsure(Exception):
    """A piece of the file did not hold what its line ends and quotes said (a file that does not
    quote by the rules): the rows from there on are checked in the importing process."""


def _batches(rows: Iterable[tuple[int, list[str]]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch


class _ReadersLost(Exception):
    """The reading processes could not start or stopped: the rows are checked here from then on."""

    def __init__(self, batches_done: int, rows_done: int, reason: str):
        super().__init__(reason)
        self.batches_done, self.rows_done = batches_done, rows_done


def checked_batches(table: Table, setup: CheckSetup, *, parallel: bool) -> Iterator[Checked]:
    """The verdicts for every data row of ``table``, batch by batch, in file order.

    With ``parallel`` (and a table that can be read again from its file) reading processes
    check the rows while this one de-duplicates and stages, so the work spreads over the
    cores. A batch of no rows now and then means "still working" (time to look for a cancel).
    Should the processes fail to start or stop half-way (say, a script without an
    ``if __name__ == "__main__"`` guard), the remaining batches are checked here."""
    done = 0  # rows checked (one verdict each)
    if parallel and table.rereadable:
        try:
            yield from _from_readers(table, setup)
            return
        except _ReadersLost as lost:
            log.warning("checking rows in this process from batch %d on: %s", lost.batches_done, lost)
            done = lost.rows_done
    checker = RowChecker(setup)
    rows = itertools.islice(table.rows(), done, None)
    for batch in _batches(rows, BATCH_ROWS):
        yield checker.check(batch)


def _from_readers(table: Table, setup: CheckSetup) -> Iterator[Checked]:
    ctx = multiprocessing.get_context("spawn")  # no fork: the GUI process has threads
    count = reader_count()
    queues = [ctx.Queue(maxsize=QUEUED_BATCHES) for _ in range(count)]  # bounded: memory stays flat
    readers = [ctx.Process(target=_read_and_check, name="mailer-desktop-import", daemon=True,
                           args=(table.open_rows, table.first_data_row, setup, BATCH_ROWS, (i, count), queues[i],
                                 CHUNK_BYTES))
               for i in range(count)]
    try:
        try:
            with main_module_hidden():
                for reader in readers:
                    reader.start()
        except (OSError, RuntimeError) as exc:
            raise _ReadersLost(0, 0, f"the reading processes did not start ({exc})") from None
        rows_done = 0
        for number in itertools.count():
            reader, verdicts = readers[number % count], queues[number % count]
            while True:
                try:
                    item = verdicts.get(timeout=0.25)
                    break
                except queue.Empty:
                    if reader.is_alive():
                        yield STILL_WORKING
                        continue
                    try:
                        item = verdicts.get(timeout=1)
                        break
                    except queue.Empty:
                        raise _ReadersLost(number, rows_done,
                                           f"a reading process stopped (exit code {reader.exitcode})") from None
            if item is None:
                return
            if isinstance(item, ImportInputError):  # the file itself: the same error here
                raise item
            if isinstance(item, BaseException):
                raise _ReadersLost(number, rows_done, str(item))
            item = marshal.loads(item)
            rows_done += item[0]
            yield item
    finally:
        for reader in readers:
            if reader.is_alive():
                reader.kill()
            if reader.pid is not None:
                reader.join()
        for verdicts in queues:
            verdicts.close()
            verdicts.cancel_join_thread()


def reader_count() -> int:
    """Reading processes for a big file: each checks its share of the batches (the costly part);
    this process de-duplicates and stages."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1
