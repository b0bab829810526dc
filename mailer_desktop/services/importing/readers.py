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
import re
from collections.abc import Iterator
from email.utils import getaddresses
from functools import partial
from pathlib import Path

from ...domain.importing import vcard
from ...domain.importing.sniff import DELIMITERS, detect_delimiter, detect_encoding
from ...domain.spreadsheet import restore_row
from ..file_kinds import not_a_file
from .table import (  # noqa: F401  (the readers' API)
    FIELD_LIMIT,
    FORMAT_TITLES,
    HEADER_SCAN_ROWS,
    PREVIEW_ROWS,
    SAMPLE_BYTES,
    TEXT_LIMIT,
    UNDECODABLE,
    ImportInputError,
    Table,
    data_rows,
    finish,
    header_of,
    raw_data_rows,
    shown_undecodable,
)
from .xlsx import open_xlsx

# -- CSV and text tables ------------------------------------------------------------------
SCAN_CHUNK = 1024 * 1024


def _utf8_counts(data: bytes, decoder=None) -> tuple[int, int, int]:
    """(UTF-8 multi-byte characters, bytes that are not UTF-8, offset of the first such byte or -1)."""
    text = decoder.decode(data, final=not data) if decoder else data.decode("utf-8", "surrogateescape")
    if text.isascii():
        return 0, 0, -1
    found = UNDECODABLE.search(text)
    bad = len(UNDECODABLE.findall(text)) if found else 0
    return len(text) - len(text.encode("ascii", "ignore")) - bad, bad, (found.start() if found else -1)


def _all_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            while chunk := fh.read(SCAN_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _check_utf8(path: Path, encoding: str, sample: bytes = b"") -> tuple[str, bool]:
    """Verify a guessed encoding against the whole file (streamed) when UTF-8 is possible.

    Returns (encoding, whether some bytes are not valid in it). A file written in UTF-8 (it
    has multi-byte characters, at least as many as bad bytes) stays UTF-8 with a few bad
    bytes: the rows holding them are reported one by one, the others are imported. A file
    with no UTF-8 characters and a byte that is not UTF-8 (a legacy encoding whose first
    accent comes late) is detected again from the text around that byte."""
    if encoding not in ("utf-8", "utf-8-sig"):
        if encoding.startswith("utf-16") or not sample:
            return encoding, False
        wide, bad, _ = _utf8_counts(sample)
        if not wide or wide < bad:
            return encoding, False  # a legacy encoding: its accents are not UTF-8
        encoding = "utf-8"
    if _all_utf8(path):
        return encoding, False
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    wide = bad = 0
    first_bad = -1
    offset = 0
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(SCAN_CHUNK)
            more_wide, more_bad, at = _utf8_counts(chunk, decoder)
            if more_bad and first_bad < 0:
                first_bad = offset + at
            wide, bad = wide + more_wide, bad + more_bad
            if not chunk:
                break
            offset += len(chunk)
    if not bad:
        return encoding, False
    if wide >= bad:
        return encoding, True
    with path.open("rb") as fh:
        fh.seek(max(0, first_bad - 100_000))
        return detect_encoding(fh.read(200_000)), False


def _csv_stream(path: Path, encoding: str, delimiter: str, errors: str = "strict",
                ) -> Iterator[tuple[int, list[str]]]:
    try:
        with path.open(encoding=encoding, newline="", errors=errors) as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            numbers = itertools.count(1)
            try:
                yield from zip(numbers, reader, strict=False)  # no Python code per row
            except csv.Error as exc:
                raise ImportInputError(f"{path.name}, row {next(numbers) - 1}: {exc}") from None
            except UnicodeDecodeError as exc:
                raise ImportInputError(f"{path.name}, {_bad_byte_place(path, encoding)}: the file is not valid "
                                       f"{encoding} ({exc.reason}); choose its encoding") from None
    except UnicodeDecodeError as exc:
        raise ImportInputError(f"{path.name}: the file is not valid {encoding} ({exc.reason})") from None


# Encodings in which the bytes of a double quote, CR and LF only ever stand for those characters.
_BYTE_SAFE = frozenset({"utf-8", "utf-8-sig", "ascii", "latin-1", "mac-roman", "koi8-r", "koi8-u", "cp437", "cp850"})
_QUOTED = re.compile(rb'"[^"]*"')  # a quoted part of a cell (a doubled quote inside one: two parts)
PIECE_END = "mailer-desktop:end-of-piece:7d1f0c"  # a record put after each piece to see that it ends whole
PIECE_LIMIT = 16  # a piece grows to at most this many times the size asked for (memory stays flat)


def _byte_safe(encoding: str) -> bool:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name in _BYTE_SAFE or name.startswith(("cp125", "iso8859-"))


def _even_cut(buf: bytes) -> int:
    """The offset just after the last LF in ``buf`` with an even number of double quotes
    before it (``buf`` starts outside quotes), or 0."""
    total, after, end = buf.count(b'"'), 0, len(buf)
    while (nl := buf.rfind(b"\n", 0, end)) >= 0:
        after += buf.count(b'"', nl, end)
        if (total - after) % 2 == 0:
            return nl + 1
        end = nl
    return 0


def csv_pieces(open_rows, size: int) -> list[tuple[int, int, int, int]] | None:
    """A CSV table's file cut into pieces of about ``size`` bytes, each starting at a record, so
    that reading processes each read only their own: (byte offset, end offset, number of the
    first record, number of records). None for anything but a CSV file, and when the encoding
    may use the bytes of CR, LF or the double quote inside other characters (UTF-16 …).

    A piece ends after an LF with an even number of double quotes before it: outside quotes
    (a quoted cell keeps its line breaks; its own quotes are doubled). Its records are its line
    ends (LF, CR LF or a lone CR, as the csv module reads them; a blank line is a record too)
    once the quoted parts are taken out. That holds for every file that quotes by the rules
    (RFC 4180); for one that does not (a stray quote in an unquoted cell, ``5" screen``),
    :func:`piece_rows` finds out when it parses the piece — or no record end is found for
    :data:`PIECE_LIMIT` times ``size`` bytes, and this gives None."""
    if not (isinstance(open_rows, partial) and open_rows.func is _csv_stream and not open_rows.keywords):
        return None
    path, encoding = open_rows.args[0], open_rows.args[1]
    if not _byte_safe(encoding):
        return None
    pieces: list[tuple[int, int, int, int]] = []
    start, number, buf = 0, 1, b""
    with path.open("rb") as fh:
        while True:
            block = fh.read(size)
            buf += block
            if block and len(buf) < size:
                continue
            cut = _even_cut(buf) if block else len(buf)
            if cut == 0:
                if not block:
                    return pieces
                if len(buf) > PIECE_LIMIT * size:
                    return None  # no record end for that long: a stray quote, likely (read the file whole)
                continue  # no record ends here yet (a long line, a long quoted cell): the piece goes on
            piece = buf[:cut]
            body = _QUOTED.sub(b"", piece) if b'"' in piece else piece
            records = body.count(b"\n") + body.count(b"\r") - body.count(b"\r\n")
            if not block and piece and not piece.endswith((b"\n", b"\r")):
                records += 1  # the last record without a line end
            if records:
                pieces.append((start, start + cut, number, records))
            number += records
            start += cut
            buf = buf[cut:]
            if not block:
                return pieces


def piece_rows(open_rows, piece: tuple[int, int, int, int], *,
               restored: bool = False) -> list[tuple[int, list[str]]] | None:
    """(row number, cells) of the records of one piece of :func:`csv_pieces`, or None when the
    piece does not hold exactly the records counted for it, ending whole (the file does not
    quote by the rules), or does not decode or parse (reading the file from its start tells
    the user where and why).

    With ``restored`` the cells come as :func:`restore_row` gives them; a piece in which no
    cell can start with ``'`` (none at the start of the text, or after a delimiter, a line end
    or a quote) is given as parsed, without looking at each row."""
    path, encoding, delimiter, *rest = open_rows.args
    errors = rest[0] if rest else "strict"
    start, end, first, records = piece
    with path.open("rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    if start and codecs.lookup(encoding).name == "utf-8-sig":
        encoding = "utf-8"  # a byte order mark is only taken off at the file's start
    try:
        text = data.decode(encoding, errors)
        text += PIECE_END + "\n" if text.endswith("\n") else "\n" + PIECE_END + "\n"
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except (UnicodeDecodeError, csv.Error):
        return None
    if len(rows) != records + 1 or rows[-1] != [PIECE_END]:
        return None
    rows.pop()
    if restored and (text.startswith("'") or any(c + "'" in text for c in (delimiter, "\n", "\r", '"'))):
        rows = [restore_row(cells) for cells in rows]
    return list(zip(itertools.count(first), rows, strict=False))


def _bad_byte_place(path: Path, encoding: str) -> str:
    """'line N (byte 0xNN)' of the first byte that does not decode (read again in chunks:
    this only runs on errors, and memory stays flat whatever the size of the file)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(SCAN_CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                data = exc.object
                lines += data[:exc.start].decode(encoding, errors="replace").count("\n")
                return f"line {lines}" + (f" (byte 0x{data[exc.start]:02x})" if exc.start < len(data) else "")
            lines += text.count("\n")
            if not chunk:
                return "at the end of the file"


def undecodable_cells(row: list[str]) -> int | None:
    """Index of the first cell holding a byte that was not valid UTF-8, or None."""
    for i, cell in enumerate(row):
        if not cell.isascii() and UNDECODABLE.search(cell):
            return i
    return None


def open_csv(path: Path, encoding: str | None = None, delimiter: str | None = None) -> Table:
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            complete = len(sample) < SAMPLE_BYTES
    except OSError as exc:
        raise ImportInputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    undecodable = False
    if encoding is None:
        encoding, undecodable = _check_utf8(path, detect_encoding(sample, complete=complete), sample)
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
    errors = "surrogateescape" if undecodable else "strict"
    table = Table(path.name, "csv", [], None, [], partial(_csv_stream, path, encoding, delimiter, errors),
                  encoding=encoding, delimiter=delimiter, undecodable=undecodable)
    if undecodable:
        table.notes.append(f"a few bytes are not valid {encoding}: the rows holding them are reported, not imported")
    head = list(itertools.islice(_csv_stream(path, encoding, delimiter, errors), HEADER_SCAN_ROWS))
    table.header, table.header_row, table.first_data_row = header_of(head)
    return finish(table)


# -- Excel ---------------------------------------------------------------------------------
# -- vCard ---------------------------------------------------------------------------------
def _vcf_stream(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with path.open(encoding=encoding, errors="replace", newline="") as fh:
        try:
            yield from vcard.cards(_bounded_lines(fh, vcard.LINE_LIMIT))
        except vcard.VCardError as exc:
            raise ImportInputError(f"{path.name}, {exc}") from None


def _bounded_lines(fh, limit: int) -> Iterator[str]:
    """The lines of a text file, none read beyond ``limit`` characters at a time (the rest of a
    longer line comes as the next piece, which unfold refuses first): a file that is one endless
    line never sits in memory."""
    while line := fh.readline(limit + 2):
        yield line


def open_vcf(path: Path, encoding: str | None = None) -> Table:
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    encoding = encoding or _check_utf8(path, detect_encoding(sample, complete=len(sample) < SAMPLE_BYTES))[0]
    if b"BEGIN:VCARD" not in sample.decode(encoding, errors="replace").upper().encode():
        raise ImportInputError(f"{path.name}: no vCard (BEGIN:VCARD) found in the file")
    table = Table(path.name, "vcf", list(vcard.HEADER), None, [], partial(_vcf_stream, path, encoding),
                  encoding=encoding)
    return finish(table)


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
    header, header_row, first = header_of(head)
    widths = {len(r) for _, r in parsed if any(c.strip() for c in r)}
    tabular = delimiter == "\t" or (header_row is not None and len(header) >= 2)
    if tabular and max(widths, default=0) >= 2:
        table = Table(name, "text", header, header_row, [], lambda: iter(parsed), delimiter=delimiter,
                      first_data_row=first)
        return finish(table)
    rows = _blob_rows(text)
    table = Table(name, "text", ["email", "name"], None, [], lambda: iter(rows), first_data_row=1)
    table.notes.append("addresses taken from free text")
    return finish(table)


def open_table(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None) -> Table:
    """Open a contact file by its extension (``.xlsx``, ``.vcf``; anything else as a text table)."""
    path = Path(path)
    problem = not_a_file(path)
    if problem:
        raise ImportInputError(problem)
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


