"""Opening a contact file (or pasted text) as a table: header, preview, and a row stream.

Formats: CSV/TSV/text tables (encoding and delimiter detected, see domain/importing/sniff),
Excel ``.xlsx`` (openpyxl read-only, formulas read as their cached values, blank rows
dropped), vCard ``.vcf``, and text pasted from the clipboard (a table copied from a
spreadsheet, or any blob of addresses such as ``Anna <anna@example.com>, bob@example.org``).

Rows are streamed: ``Table.rows()`` opens the file again and yields ``(row number, cells)``
for every record after the header, so a million-row file never sits in memory. Row numbers
are the record's position in the file counted from 1, as a spreadsheet program shows them.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.utils import getaddresses
from functools import partial
from pathlib import Path

from ...domain.importing import vcard
from ...domain.importing.mapping import guess_target
from ...domain.importing.sniff import DELIMITERS, detect_delimiter, detect_encoding, find_header, has_address
from ...domain.spreadsheet import restore_row

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
    rows = itertools.dropwhile(lambda numbered: numbered[0] < first_data_row, open_rows())
    return ((number, restore_row(cells)) for number, cells in rows)


def _header_of(rows: list[tuple[int, list[str]]]) -> tuple[list[str], int | None, int]:
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


def _finish(table: Table) -> Table:
    table.preview = list(itertools.islice(table.rows(), PREVIEW_ROWS))
    widest = max((len(r) for _, r in table.preview), default=0)
    for i in range(len(table.header), widest):
        table.header.append(f"Column {i + 1}")
    return table


# -- CSV and text tables ------------------------------------------------------------------
def _check_utf8(path: Path, encoding: str) -> str:
    """UTF-8 guessed from the sample: verify the whole file (cheap) before trusting it."""
    if encoding not in ("utf-8", "utf-8-sig"):
        return encoding
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        offset = 0
        while chunk := fh.read(4 * 1024 * 1024):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                fh.seek(max(0, offset + exc.start - 1000))
                return detect_encoding(fh.read(200_000))
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return encoding


def _csv_stream(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    try:
        with path.open(encoding=encoding, newline="", errors="strict") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            numbers = itertools.count(1)
            try:
                yield from zip(numbers, reader, strict=False)  # no Python code per row
            except csv.Error as exc:
                raise ImportInputError(f"{path.name}, row {next(numbers) - 1}: {exc}") from None
            except UnicodeDecodeError as exc:
                raise ImportInputError(f"{path.name}, {_bad_byte_place(path, encoding, exc)}: the file is not valid "
                                       f"{encoding} ({exc.reason}); choose its encoding") from None
    except UnicodeDecodeError as exc:
        raise ImportInputError(f"{path.name}: the file is not valid {encoding} ({exc.reason})") from None


def _bad_byte_place(path: Path, encoding: str, exc: UnicodeDecodeError) -> str:
    """'line N' of the first byte that does not decode (read again: this only runs on errors)."""
    data = path.read_bytes()
    try:
        data.decode(encoding)
    except UnicodeDecodeError as found:
        line = data[: found.start].decode(encoding, errors="replace").count("\n") + 1
        return f"line {line} (byte 0x{data[found.start]:02x})"
    return f"near byte {exc.start}"


def open_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> Table:
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            complete = len(sample) < SAMPLE_BYTES
    except OSError as exc:
        raise ImportInputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if encoding is None:
        encoding = _check_utf8(path, detect_encoding(sample, complete=complete))
    else:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ImportInputError(f"unknown encoding {encoding!r}") from None
    text = sample.decode(encoding, errors="replace")
    if delimiter is None:
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") and "\t" in text else detect_delimiter(text)
    elif delimiter not in DELIMITERS:
        raise ImportInputError("the delimiter must be one of , ; | or tab")
    table = Table(path.name, "csv", [], None, [], partial(_csv_stream, path, encoding, delimiter),
                  encoding=encoding, delimiter=delimiter)
    head = list(itertools.islice(_csv_stream(path, encoding, delimiter), HEADER_SCAN_ROWS))
    table.header, table.header_row, table.first_data_row = _header_of(head)
    return _finish(table)


# -- Excel ---------------------------------------------------------------------------------
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


def _xlsx_stream(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportInputError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return
        for row in sheet.iter_rows():
            cells = [_cell_text(getattr(c, "value", None)) for c in row]
            number = next((c.row for c in row if getattr(c, "row", None)), None)
            if number is None or not any(cells):
                continue  # blank rows are dropped
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    finally:
        book.close()


def open_xlsx(path: Path) -> Table:
    table = Table(path.name, "xlsx", [], None, [], partial(_xlsx_stream, path))
    head = list(itertools.islice(_xlsx_stream(path), HEADER_SCAN_ROWS))
    table.header, table.header_row, table.first_data_row = _header_of(head)
    return _finish(table)


# -- vCard ---------------------------------------------------------------------------------
def _vcf_stream(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        yield from vcard.cards(fh)


def open_vcf(path: Path, encoding: str | None = None) -> Table:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    encoding = encoding or _check_utf8(path, detect_encoding(sample, complete=len(sample) < SAMPLE_BYTES))
    if b"BEGIN:VCARD" not in sample.decode(encoding, errors="replace").upper().encode():
        raise ImportInputError(f"{path.name}: no vCard (BEGIN:VCARD) found in the file")
    table = Table(path.name, "vcf", list(vcard.HEADER), None, [], partial(_vcf_stream, path, encoding),
                  encoding=encoding)
    return _finish(table)


# -- pasted text ---------------------------------------------------------------------------


def _blob_rows(text: str) -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        for piece in _split_pieces(line):
            if "@" not in piece:
                rows.append((number, [piece.strip(), ""]))
                continue
            for name, address in getaddresses([piece]):
                rows.append((number, [(address or piece).strip(), name.strip()]))
    return rows


def _split_pieces(line: str) -> list[str]:
    """Split a line at commas/semicolons that are outside double quotes."""
    pieces, buf, quoted = [], [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        if ch in ",;" and not quoted:
            pieces.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    pieces.append("".join(buf))
    return [p for p in pieces if p.strip()]


def table_from_text(text: str, name: str = "pasted text") -> Table:
    """A table from pasted text: a copied table (tabs, or a consistent delimiter with a header),
    else every address in the text, one per row (``Name <addr>`` keeps the name)."""
    text = text.lstrip("\ufeff")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    delimiter = "\t" if any("\t" in ln for ln in lines[:20]) else detect_delimiter(text[:SAMPLE_BYTES])
    try:
        parsed = list(enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1))
    except csv.Error:  # not a table after all (e.g. stray quotes): take the addresses from the text
        parsed = []
    head = parsed[:HEADER_SCAN_ROWS]
    header, header_row, first = _header_of(head)
    widths = {len(r) for _, r in parsed if any(c.strip() for c in r)}
    tabular = delimiter == "\t" or (header_row is not None and len(header) >= 2)
    if tabular and max(widths, default=0) >= 2:
        table = Table(name, "text", header, header_row, [], lambda: iter(parsed), delimiter=delimiter,
                      first_data_row=first)
        return _finish(table)
    rows = _blob_rows(text)
    table = Table(name, "text", ["email", "name"], None, [], lambda: iter(rows), first_data_row=1)
    table.notes.append("addresses taken from free text")
    return _finish(table)


def open_table(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """Open a contact file by its extension (``.xlsx``, ``.vcf``; anything else as a text table)."""
    path = Path(path)
    if not path.is_file():
        raise ImportInputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return open_xlsx(path)
    if suffix == ".xls":
        raise ImportInputError(f"{path.name}: old Excel .xls files cannot be read; save it as .xlsx or CSV")
    if suffix in (".vcf", ".vcard"):
        return open_vcf(path, encoding)
    with path.open("rb") as fh:
        start = fh.read(4096)
    if not start:
        raise ImportInputError(f"{path.name}: the file is empty")
    if start.startswith(b"PK\x03\x04"):
        return open_xlsx(path)
    kind = _not_a_table(start)
    if kind:
        raise ImportInputError(f"{path.name}: this is {kind}, not a contact table; import a CSV or TSV file, "
                               "an Excel workbook (.xlsx) or vCards (.vcf)")
    if b"BEGIN:VCARD" in start.upper() and b"," not in start.split(b"BEGIN:VCARD")[0]:
        return open_vcf(path, encoding)
    table = open_csv(path, encoding, delimiter)
    if suffix == ".txt" and table.header_row is None and delimiter is None and path.stat().st_size < TEXT_LIMIT:
        # Not a table: a text file of addresses, read like pasted text.
        text = path.read_bytes().decode(table.encoding, errors="replace")
        blob = table_from_text(text, path.name)
        blob.encoding = table.encoding
        return blob
    return table


_SIGNATURES = ((b"%PDF-", "a PDF document"), (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc)"),
               (b"\x89PNG", "an image"), (b"\xff\xd8\xff", "an image"), (b"GIF8", "an image"),
               (b"{\\rtf", "a rich-text document"), (b"\x1f\x8b", "a compressed file"),
               (b"7z\xbc\xaf", "a compressed file"), (b"Rar!", "a compressed file"))


_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32))  # all but tab, line ends and form feeds


def _not_a_table(start: bytes) -> str | None:
    """What a file that cannot be a text table is (by its first bytes), or None."""
    for magic, kind in _SIGNATURES:
        if start.startswith(magic):
            return kind
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NUL bytes by nature
        return None
    even, odd = start[0::2].count(0), start[1::2].count(0)
    if max(even, odd) * 5 > len(start) // 2 * 2:  # a NUL in most other bytes: UTF-16 without a BOM
        return None
    controls = len(start) - len(start.translate(None, _CONTROL_BYTES))
    return "binary data" if controls * 50 > len(start) else None  # text tables have next to none


def looks_like_address(cell: str) -> bool:
    return has_address(cell)
