"""What every reader makes of a contact file: a :class:`Table` (header, preview, a row stream)
and the error that names the file and the problem."""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from ...domain.importing.mapping import guess_target
from ...domain.importing.sniff import find_header
from ...domain.spreadsheet import restore_row

UNDECODABLE = re.compile("[\udc80-\udcff]")  # a byte that was not UTF-8 (surrogateescape)
SAMPLE_BYTES = 256 * 1024
PREVIEW_ROWS = 50
HEADER_SCAN_ROWS = 40
FIELD_LIMIT = 1024 * 1024
TEXT_LIMIT = 20 * 1024 * 1024  # .txt files below this without a table header are read as free text
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))

FORMAT_TITLES = {"csv": "CSV / text table", "xlsx": "Excel workbook", "vcf": "vCard", "text": "Pasted text"}


class ImportInputError(ValueError):
    """The file cannot be read as a contact table; the message names the file and the problem."""


@dataclass
class Table:
    name: str
    file_format: str
    header: list[str]
    header_row: int | None            # row number of the header (None: the table has none)
    preview: list[tuple[int, list[str]]]
    open_rows: Callable[[], Iterator[tuple[int, list[str]]]]
    encoding: str = ""
    delimiter: str = ""
    first_data_row: int = 1           # rows before this (junk, header) are not data
    notes: list[str] = field(default_factory=list)
    undecodable: bool = False         # some bytes are not valid in the encoding: their rows are reported

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every data row (blank rows included for CSV/text)."""
        return data_rows(self.open_rows, self.first_data_row)

    @property
    def rereadable(self) -> bool:
        """Whether another process can read the rows again from the file (see :func:`data_rows`)."""
        return isinstance(self.open_rows, partial)


def data_rows(open_rows: Callable[[], Iterator[tuple[int, list[str]]]], first_data_row: int,
              ) -> Iterator[tuple[int, list[str]]]:
    """The data rows, with the ``'`` our exports put before formula-like cells taken off again."""
    return ((number, restore_row(cells)) for number, cells in raw_data_rows(open_rows, first_data_row))


def raw_data_rows(open_rows: Callable[[], Iterator[tuple[int, list[str]]]], first_data_row: int,
                  ) -> Iterator[tuple[int, list[str]]]:
    """The data rows as read (:func:`data_rows` without the ``'`` taken off)."""
    return itertools.dropwhile(lambda numbered: numbered[0] < first_data_row, open_rows())


def header_of(rows: list[tuple[int, list[str]]]) -> tuple[list[str], int | None, int]:
    """(header cells, header row number or None, first data row number)."""
    cells = [r for _, r in rows]
    index = find_header(cells, guess_target)
    if index is None:
        first = next((n for n, r in rows if any(c.strip() for c in r)), 1)
        width = max((len(r) for r in cells), default=1)
        return [f"Column {i + 1}" for i in range(width)], None, first
    number, header = rows[index]
    header = [h.strip().lstrip("\ufeff") for h in header]
    while header and not header[-1]:
        header.pop()
    header = [h or f"Column {i + 1}" for i, h in enumerate(header)]
    return header, number, number + 1


def finish(table: Table) -> Table:
    table.preview = list(itertools.islice(table.rows(), PREVIEW_ROWS))
    if table.undecodable:
        table.preview = [(n, [shown_undecodable(c) for c in r]) for n, r in table.preview]
    widest = max((len(r) for _, r in table.preview), default=0)
    for i in range(len(table.header), widest):
        table.header.append(f"Column {i + 1}")
    return table


def shown_undecodable(cell: str) -> str:
    """A cell with bad bytes as text that can be shown and written (each byte as \\xNN)."""
    return UNDECODABLE.sub(lambda m: f"\\x{ord(m.group()) - 0xdc00:02x}", cell)
