"""Excel ``.xlsx`` workbooks (openpyxl read-only, formulas read as their cached values, blank rows
dropped), read with limits so that a hostile file cannot fill the memory."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date, datetime, time
from functools import partial
from pathlib import Path

from .table import FIELD_LIMIT, HEADER_SCAN_ROWS, ImportInputError, Table, finish, header_of


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


# Parts of a workbook openpyxl reads whole (all but the sheets): their unpacked size is capped,
# and so is the compression ratio of big parts (real spreadsheets' XML packs 5-20 times).
XLSX_PART_LIMIT = 64 * 1024 * 1024
XLSX_STRINGS_LIMIT = 256 * 1024 * 1024
XLSX_STRINGS_MEMORY = 512 * 1024 * 1024   # estimated memory of the shared strings once read
XLSX_RATIO_LIMIT = 100
XLSX_RATIO_FROM = 16 * 1024 * 1024
XLSX_SHEET_RATIO_FROM = 2048 * 1024 * 1024  # sheets stream (a giant cell is caught on the way): only huge ones
# One cell's text in the XML: Excel holds at most 32,767 characters in a cell (openpyxl cuts
# longer ones there), under 200 KB even with every character escaped; longer runs are refused.
XLSX_TEXT_BYTES = FIELD_LIMIT
_ROW_START = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr=\"(\d+)\"")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si\b")


def _workbook_problem(path: Path) -> str | None:
    """Why a workbook must not be handed to openpyxl (a packing bomb, a huge string table, a
    giant cell), or None. Reads the zip directory and streams the shared strings; nothing
    is loaded whole."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for entry in archive.infolist():
                name = entry.filename
                sheet = name.startswith("xl/worksheets/")
                if (entry.file_size > (XLSX_SHEET_RATIO_FROM if sheet else XLSX_RATIO_FROM)
                        and entry.file_size > XLSX_RATIO_LIMIT * max(1, entry.compress_size)):
                    return (f"{name} unpacks to {entry.file_size // 2**20} MB from "
                            f"{max(1, entry.compress_size // 1024)} KB, more than real spreadsheets pack")
                if sheet or not name.endswith((".xml", ".rels")):
                    continue  # sheets are streamed; pictures and other parts are not read
                limit = XLSX_STRINGS_LIMIT if name.endswith("sharedStrings.xml") else XLSX_PART_LIMIT
                if entry.file_size > limit:
                    return f"{name} unpacks to {entry.file_size // 2**20} MB (at most {limit // 2**20} MB are read)"
                if name.endswith("sharedStrings.xml"):
                    problem = _scan_part(archive, name, entry.file_size, _TextRuns(path.name))
                    if problem:
                        return problem
    except ImportInputError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return f"not a readable Excel workbook ({exc})"
    return None


class _TextRuns:
    """Measures the text between XML tags as it streams past; ImportInputError for a run longer
    than a cell may hold (the row it is in, for a sheet)."""

    def __init__(self, name: str):
        self.name = name
        self.run = 0
        self.row = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        first = chunk.find(b"<")
        if first < 0:
            self.run += len(chunk)
        else:
            longest = self.run + first
            if len(chunk) > XLSX_TEXT_BYTES:  # runs inside a small chunk are shorter than the limit
                longest = max(longest, *map(len, chunk[first:].split(b"<")))
            if longest > XLSX_TEXT_BYTES:
                self.run = longest
            else:
                self.run = len(chunk) - chunk.rfind(b"<") - 1
            found = _ROW_START.findall(self._tail + chunk)
            self.row = int(found[-1]) if found else self.row
            self._tail = chunk[-64:]
        if self.run > XLSX_TEXT_BYTES:
            where = f", row {self.row}" if self.row else ""
            raise ImportInputError(f"{self.name}{where}: a cell holds more than {FIELD_LIMIT // 2**20} MB of text "
                                   "(the limit for one field)")


class _GuardedPart:
    """A workbook part read through :class:`_TextRuns` (what openpyxl's sheet parser reads from)."""

    def __init__(self, raw, runs: _TextRuns):
        self._raw, self._runs = raw, runs

    def read(self, size: int = -1) -> bytes:
        chunk = self._raw.read(size)
        self._runs.feed(chunk)
        return chunk

    def close(self) -> None:
        self._raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _scan_part(archive, name: str, size: int, runs: _TextRuns) -> str | None:
    """Stream the shared strings: a giant text, or more strings than fit in memory."""
    strings, tail = 0, b""
    with archive.open(name) as fh:
        while chunk := fh.read(1024 * 1024):
            runs.feed(chunk)
            strings += len(_SHARED_STRING.findall(tail + chunk)) - len(_SHARED_STRING.findall(tail))
            tail = chunk[-16:]
    if strings * 72 + size > XLSX_STRINGS_MEMORY:
        return f"{name} holds {strings} texts, more than can be read at once"
    return None


def _xlsx_stream(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    problem = _workbook_problem(path)
    if problem:
        raise ImportInputError(f"{path.name}: {problem}")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportInputError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        # The sheet streams through a check of its text runs: a giant cell is refused on the way.
        part = sheet._worksheet_path
        sheet._get_source = lambda: _GuardedPart(book._archive.open(part), _TextRuns(path.name))
        # The declared size ('A1:XFD1048576') is not trusted: rows are read as they are in the file.
        sheet.reset_dimensions()
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in row]
            if not any(cells):
                continue  # blank rows are dropped
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    finally:
        book.close()


def open_xlsx(path: Path) -> Table:
    table = Table(path.name, "xlsx", [], None, [], partial(_xlsx_stream, path))
    head = list(itertools.islice(_xlsx_stream(path), HEADER_SCAN_ROWS))
    table.header, table.header_row, table.first_data_row = header_of(head)
    return finish(table)
