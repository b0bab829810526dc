"""Guessing how a text table is written: its encoding, its delimiter and where its header is.

- Encoding: a byte-order mark decides (UTF-8, UTF-16 LE/BE); UTF-16 without a mark is
  recognised by its zero bytes; text that decodes as UTF-8 is UTF-8; otherwise
  charset-normalizer chooses among the single-byte encodings, Windows-1252 being the default
  (it is what spreadsheet programs on Windows write, and a superset of Latin-1's letters).
- Delimiter: ``,`` ``;`` tab or ``|``: the one that splits the sample into the most consistent
  number of columns (quoted fields, including embedded newlines, are honoured).
- Header: the first of the sample's rows whose cells look like column names (one of them names
  an email column, or none holds an address while the rows below do). Junk lines before it
  (titles, export dates, blank lines) are skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from collections.abc import Sequence

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_SINGLE_BYTE = ("cp1252", "iso8859_15", "latin_1", "cp1250", "iso8859_2", "cp1257", "cp1251", "koi8_r",
                "cp850", "mac_roman")
_ADDRESS_LIKE = re.compile(r"(?<![^@\s<>,;])[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def has_address(cell: str) -> bool:
    return "@" in cell and _ADDRESS_LIKE.search(cell) is not None


def detect_encoding(sample: bytes, *, complete: bool = False) -> str:
    """The Python codec name for ``sample`` (the first bytes of a file; ``complete`` when it is
    the whole file, so a multi-byte character cut at its end is not expected)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    head = sample[:4096]
    if len(head) >= 4:
        even_zero = head[0::2].count(0)
        odd_zero = head[1::2].count(0)
        half = len(head) // 2
        if odd_zero > half * 0.3 and even_zero < half * 0.05:
            return "utf-16-le"
        if even_zero > half * 0.3 and odd_zero < half * 0.05:
            return "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        matches = list(from_bytes(sample[:200_000], cp_isolation=list(_SINGLE_BYTE)))
    except Exception:  # a detector failure must not stop the import: fall back below
        matches = []
    if matches:
        best = matches[0]
        # Windows-1252 wins every tie: it is what Western spreadsheet programs write.
        for m in matches:
            if (codecs.lookup(m.encoding).name == "cp1252" and m.chaos <= best.chaos + 0.01
                    and m.coherence >= best.coherence - 0.01):
                return "cp1252"
        name = codecs.lookup(best.encoding).name
        if name in ("latin-1", "iso8859-1") or _same_text(sample, name, "cp1252"):
            return "cp1252"
        return name
    return "cp1252"


def _same_text(sample: bytes, a: str, b: str) -> bool:
    try:
        return sample.decode(a, errors="strict") == sample.decode(b, errors="strict")
    except UnicodeDecodeError:
        return False


def _rows(sample: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    out: list[list[str]] = []
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter)
    try:
        for row in reader:
            out.append(row)
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def detect_delimiter(sample: str) -> str:
    """The delimiter of a text table (``sample`` = its first few kilobytes, decoded)."""
    if sample and not sample.endswith("\n"):
        sample = sample.rsplit("\n", 1)[0] if "\n" in sample else sample  # drop a cut-off last line
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        rows = [r for r in _rows(sample, delim) if any(c.strip() for c in r)]
        if not rows:
            continue
        widths = Counter(len(r) for r in rows)
        width, count = widths.most_common(1)[0]
        if width < 2:
            continue
        # Consistent width over many rows wins; wider tables break ties (a comma inside a
        # name splits a few rows, the real delimiter splits all of them alike).
        score = count / len(rows) * 1000 + min(width, 50)
        if score > best_score:
            best, best_score = delim, score
    return best


def find_header(rows: Sequence[Sequence[str]], is_header_name) -> int | None:
    """Index of the header row within ``rows`` (the sample's first rows), or None when the
    table has no header. ``is_header_name(cell)`` tells whether a cell names a known column."""
    for index, row in enumerate(rows):
        cells = [c.strip() for c in row if c.strip()]
        if not cells:
            continue
        if any(has_address(c) for c in cells):
            continue
        known = sum(1 for c in cells if is_header_name(c))
        if known >= 1 and any(is_header_name(c) == "email" for c in cells):
            return index
    # No named email column: the row just above the first data row with an address, when it
    # has as many cells as that data row and holds no address itself.
    for index, row in enumerate(rows):
        if any(has_address(c) for c in row):
            if index == 0:
                return None
            above = rows[index - 1]
            filled = [c for c in above if c.strip()]
            if len(filled) >= 1 and len(above) >= len([c for c in row if c.strip()]):
                return index - 1
            return None
    return None
