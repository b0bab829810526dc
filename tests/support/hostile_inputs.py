"""Hostile and broken input files, built on the spot at a chosen size (never stored).

Used by tests/unit/test_hostile_files.py (small sizes where the behaviour is the same) and
bench/hostile_files.py (the sizes of the reports). Every builder streams what it writes, so
making a gigabyte file takes little memory.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

MB = 1024 * 1024

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '{strings}</Types>')
_STRINGS_TYPE = ('<Override PartName="/xl/sharedStrings.xml" '
                 'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>{strings}</Relationships>')
_STRINGS_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships/sharedStrings" Target="sharedStrings.xml"/>')
_SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<dimension ref="{dimension}"/><sheetData>')
_SHEET_END = "</sheetData></worksheet>"


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _rows(rows: list[list[str]]) -> str:
    out = []
    for number, cells in enumerate(rows, start=1):
        out.append(f'<row r="{number}">' + "".join(_inline(f"{chr(65 + i)}{number}", c) for i, c in enumerate(cells))
                   + "</row>")
    return "".join(out)


def _write_parts(path: Path, sheet_parts, strings_parts=None) -> Path:
    """A workbook whose sheet (and shared strings) are the concatenation of the given pieces."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(strings=_STRINGS_TYPE if strings_parts else ""))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.format(strings=_STRINGS_REL if strings_parts
                                                                                else ""))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for piece in sheet_parts:
                fh.write(piece.encode() if isinstance(piece, str) else piece)
        if strings_parts:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                for piece in strings_parts:
                    fh.write(piece.encode() if isinstance(piece, str) else piece)
    return path


def _repeat(piece: bytes, total: int):
    block = piece * max(1, MB // len(piece))
    written = 0
    while written < total:
        yield block
        written += len(block)


def xlsx_declared_everything(path: Path) -> Path:
    """A tiny sheet that declares A1:XFD1048576 (17 billion cells) as its size."""
    rows = [["email", "name"], ["anna@example.com", "Anna"], ["bob@example.org", "Bob"]]
    return _write_parts(path, [_SHEET_START.format(dimension="A1:XFD1048576"), _rows(rows), _SHEET_END])


def xlsx_shared_strings_bomb(path: Path, unpacked: int = 3 * 1024 * MB) -> Path:
    """Shared strings that unpack to ``unpacked`` bytes of short repeated texts."""
    count = unpacked // 32
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst '
            f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{count}" '
            f'uniqueCount="{count}">')
    sheet = [_SHEET_START.format(dimension="A1:A1"), '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', _SHEET_END]
    return _write_parts(path, sheet, [head, *_repeat(b"<si><t>aaaaaaaaaaaaaaaaa</t></si>", unpacked), "</sst>"])


def xlsx_shared_strings(path: Path, texts: list[str]) -> Path:
    """Row 1 "email", "name"; row 2 the shared strings ``texts`` (indexes 2 on)."""
    items = "".join(f"<si><t>{t}</t></si>" for t in ["email", "name", *texts])
    from openpyxl.utils import get_column_letter

    cells = "".join(f'<c r="{get_column_letter(i + 1)}2" t="s"><v>{i + 2}</v></c>' for i in range(len(texts)))
    sheet = [_SHEET_START.format(dimension="A1:B2"),
             '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
             f'<row r="2">{cells}</row>', _SHEET_END]
    head = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return _write_parts(path, sheet, [head, items, "</sst>"])


def xlsx_giant_cell(path: Path, size: int = 1024 * MB) -> Path:
    """One inline cell of ``size`` characters in row 2."""
    head = _SHEET_START.format(dimension="A1:B2") + _rows([["email", "name"]])
    return _write_parts(path, [head, '<row r="2"><c r="A2" t="inlineStr"><is><t>x@example.com',
                               *_repeat(b"a", size), "</t></is></c></row>", _SHEET_END])


def vcard_soft_breaks(path: Path, breaks: int = 40_000) -> Path:
    """A vCard 2.1 note in quoted-printable with ``breaks`` soft line breaks (about 75 bytes each)."""
    line = "=41" * 24 + "=\r\n"
    with path.open("w", encoding="ascii", newline="") as fh:
        fh.write("BEGIN:VCARD\r\nVERSION:2.1\r\nEMAIL;INTERNET:qp@example.com\r\n"
                 "NOTE;ENCODING=QUOTED-PRINTABLE:")
        for _ in range(breaks):
            fh.write(line)
        fh.write("=41\r\nFN:Q P\r\nEND:VCARD\r\n")
    return path


def vcard_long_line(path: Path, size: int = 100 * MB, folded: bool = False) -> Path:
    """A card whose NOTE is ``size`` bytes on one line, or folded into 75-byte lines."""
    with path.open("wb") as fh:
        fh.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:long@example.com\r\nNOTE:")
        piece = b"a" * 74 + b"\r\n " if folded else b"a" * 75
        for block in _repeat(piece, size):
            fh.write(block)
        fh.write(b"\r\nFN:Long Line\r\nEND:VCARD\r\n")
    return path


def mbox(path: Path, size: int) -> Path:
    """An mbox of about ``size`` bytes of ordinary 10 KB messages."""
    body = ("The quick brown fox jumps over the lazy dog. " * 20 + "\n") * 10
    with path.open("w", encoding="ascii", newline="") as fh:
        written, number = 0, 0
        while written < size:
            number += 1
            message = (f"From someone@example.org Mon Jan  1 00:00:00 2024\n"
                       f"From: someone@example.org\nTo: shop@example.com\nSubject: note {number}\n"
                       f"Message-ID: <n{number}@example.org>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\n{body}\n")
            fh.write(message)
            written += len(message)
    return path


def returned_mail_repeating(path: Path, size: int) -> Path:
    """A returned-mail notice of about ``size`` bytes that repeats one recipient's line (a server
    in a loop, or someone who wants the import to stall)."""
    head = (b"From MAILER-DAEMON Mon Jan  1 00:00:00 2024\n"
            b"From: Mail Delivery System <MAILER-DAEMON@mail.example.org>\nTo: shop@example.com\n"
            b"Subject: Undelivered Mail Returned to Sender\n\n")
    line = b"<anna@example.org>: host mx.example.org said: 550 5.1.1 User unknown\n"
    with path.open("wb") as fh:
        fh.write(head)
        for block in _repeat(line * 1000, size):
            fh.write(block)
    return path


def csv_with_bad_byte(path: Path, size: int, *, at_end: bool = True) -> tuple[Path, int]:
    """A UTF-8 CSV of about ``size`` bytes (names with umlauts) and one Latin-1 byte in its last
    row; returns (path, the number of that row)."""
    with path.open("wb") as fh:
        fh.write(b"email,name\n")
        written, number = 0, 1
        while written < size:
            number += 1
            line = f"person{number}@example.com,J\u00fcrgen {number}\n".encode()
            fh.write(line)
            written += len(line)
        number += 1
        fh.write(f"late{number}@example.com,J".encode() + b"\xfc" + b"rgen\n")
    return path, number


def deflate_ratio(data: bytes) -> float:
    return len(data) / max(1, len(zlib.compress(data, 9)))
