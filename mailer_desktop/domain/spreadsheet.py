"""The one way this program writes spreadsheet cells: formulas neutralised.

A CSV or workbook we write is opened in a spreadsheet program, and a cell copied from an
imported file or typed by someone else (``=HYPERLINK("http://…"&A1)``, ``+SUM(1+1)``,
``@SUM(1)``, ``=cmd|' /C calc'!A0``) would run there as a formula. OWASP's rule: a cell whose
text starts with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return gets a leading ``'``,
which spreadsheet programs show as text. Every CSV the program writes goes through
:class:`SafeCsvWriter` (a test checks that nothing else calls ``csv.writer``).

The importer undoes it (:func:`restore`), so an exported file imports back unchanged: a cell
that starts with ``'`` followed by one of those characters loses exactly that one ``'``. A value
that itself starts with apostrophes before such a character gets one more on export, so it too
comes back as it was.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """The cell as written: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(value, str) and value and _needs_quote(value):
        return "'" + value
    return value


def restore(value: str) -> str:
    """The cell as it was before :func:`neutralise` (for the importer)."""
    if value[:1] == "'" and _needs_quote(value):
        return value[1:]
    return value


def restore_row(row: list[str]) -> list[str]:
    """:func:`restore` on every cell; the row itself when no cell starts with ``'`` (fast path)."""
    if "'" not in "".join(row):
        return row
    return [restore(cell) for cell in row]


class SafeCsvWriter:
    """``csv.writer`` with every text cell neutralised (CRLF line ends, as spreadsheets write)."""

    def __init__(self, stream: TextIO, **fmt: Any):
        fmt.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(stream, **fmt)

    def writerow(self, cells: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(c) for c in cells])

