"""Readers: encodings, delimiters, header detection, ragged rows, Excel, vCard, pasted text, presets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mailer_desktop.domain.importing.sniff import detect_delimiter, detect_encoding
from mailer_desktop.services.importing import ImportInputError, open_table, preview_table, table_from_text
from mailer_desktop.services.importing.readers import FIELD_LIMIT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def rows_of(table):
    return [row for _, row in table.rows()]


def test_bom_and_semicolons():
    table, mapping = preview_table(FIXTURES / "bom_semicolon.csv")
    assert table.encoding == "utf-8-sig"
    assert table.delimiter == ";"
    assert table.header == ["E-Mail", "Vorname", "Nachname", "Firma"]
    assert mapping.targets == ["email", "first_name", "last_name", "field:company"]
    rows = rows_of(table)
    assert rows[1] == ["jörg@exämple.de", "Jörg", "Groß", "Groß & Söhne; GmbH"]


def test_windows_1252_accents_are_decoded():
    table = open_table(FIXTURES / "cp1252_accents.csv")
    assert table.encoding == "cp1252"
    names = [row[1] for row in rows_of(table)]
    assert names == ["René Lefèvre", "José Núñez", "Zoë Brontë", "Chloé “Coco” Dupré"]
    assert rows_of(table)[3][2] == "Liège €"


@pytest.mark.parametrize("name, encoding, delimiter", [
    ("utf16_tab.txt", "utf-16", "\t"),
    ("utf16le_nobom.csv", "utf-16-le", ","),
])
def test_utf16_with_and_without_bom(name, encoding, delimiter):
    table = open_table(FIXTURES / name)
    assert (table.encoding, table.delimiter) == (encoding, delimiter)
    assert table.header == ["email", "name"]
    assert all("@" in row[0] for row in rows_of(table))
    assert any(ch in "".join(row[1] for row in rows_of(table)) for ch in "øÑŁ")


def test_header_after_junk_lines_and_repeated_header():
    table = open_table(FIXTURES / "header_in_middle.csv")
    assert table.header_row == 4
    assert table.header == ["Name", "Email Address", "Phone"]
    numbers = [n for n, _ in table.rows()]
    assert numbers[0] == 5  # row numbers are the file's record numbers, as a spreadsheet shows them


def test_ragged_rows_pipes_and_embedded_newlines():
    table = open_table(FIXTURES / "ragged_multiline.csv")
    assert table.delimiter == "|"
    rows = rows_of(table)
    assert rows[0][2] == "first line\nsecond line"
    assert rows[1] == ["bob@example.com"]
    assert rows[2][:3] == ["cy@example.com", "Cy Young", 'said "hi" | bye']
    assert len(table.header) >= 6  # extra cells get placeholder column names


def test_delimiter_detection_prefers_consistent_columns():
    assert detect_delimiter("a;b;c\n1;2,5;3\n4;5;6\n") == ";"
    assert detect_delimiter("email,name\nx@example.com,\"Doe; John\"\n") == ","
    assert detect_delimiter("email\tname\nx@example.com\tA, B\n") == "\t"
    assert detect_delimiter("email|name|city\nx@example.com|A|B\n") == "|"


def test_encoding_detection_rules():
    assert detect_encoding("é".encode() * 10) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfemail") == "utf-8-sig"
    assert detect_encoding("email,name\n".encode("utf-16-be")) == "utf-16-be"
    assert detect_encoding("Müller,Straße,Café\n".encode("cp1252") * 5) == "cp1252"


def test_excel_formulas_read_as_cached_values_and_blank_rows_dropped(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "list.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Contacts exported 2024"])
    sheet.append([])
    sheet.append(["Email", "First Name", "Last Name", "Joined", "Orders"])
    sheet.append(["xl.one@example.com", "Xena", "Lopez", datetime(2024, 2, 3), 3.0])
    sheet.append([None, None, None, None, None])
    sheet.append(["=LOWER(\"XL.TWO@EXAMPLE.COM\")", "Yann", None, None, 2.5])
    book.save(path)
    _inject_cached_value(path, "A6", "xl.two@example.com")

    table = open_table(path)
    assert table.file_format == "xlsx"
    assert table.header_row == 3
    rows = list(table.rows())
    assert [n for n, _ in rows] == [4, 6]
    assert rows[0][1] == ["xl.one@example.com", "Xena", "Lopez", "2024-02-03", "3"]
    assert rows[1][1][0] == "xl.two@example.com"  # the formula's cached value, not its text
    assert rows[1][1][4] == "2.5"


def _inject_cached_value(path: Path, cell: str, value: str) -> None:
    """openpyxl writes formulas without results; put a cached result in, as Excel would."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = {n: zin.read(n) for n in zin.namelist()}
    name = "xl/worksheets/sheet1.xml"
    xml = items[name].decode()
    xml, count = re.subn(rf'<c r="{cell}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?</c>',
                         rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v></c>', xml)
    if count == 0:
        xml, count = re.subn(rf'<c r="{cell}"([^>]*)><f>(.*?)</f></c>',
                             rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{value}</v></c>', xml)
    assert count == 1, xml
    items[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, data in items.items():
            zout.writestr(n, data)


def test_vcard_folding_multiple_emails_and_names():
    table = open_table(FIXTURES / "contacts.vcf")
    assert table.file_format == "vcf"
    rows = rows_of(table)
    assert rows[0][:4] == ["vera@example.com", "Vera Card", "Vera", "Card"]  # pref + folded line
    assert rows[0][4] == "Cards, Inc. Sales"
    assert rows[0][6] == "vera.home@example.com"
    assert rows[1][:2] == ["walter@bücher.example", "Walter Vier"]
    assert rows[2][0] == ""  # a card without EMAIL is still a row (reported invalid on import)


def test_pasted_blob_of_addresses():
    table = table_from_text('Anna Smith <anna@example.com>, bob@example.org; "Cara, D." <cara@example.net>\n')
    assert rows_of(table) == [["anna@example.com", "Anna Smith"], ["bob@example.org", ""],
                              ["cara@example.net", "Cara, D."]]


def test_pasted_spreadsheet_table():
    table = table_from_text("Name\tE-mail\nAnna\tanna@example.com\nBen\tben@example.org\n")
    assert table.header == ["Name", "E-mail"]
    assert rows_of(table) == [["Anna", "anna@example.com"], ["Ben", "ben@example.org"]]


def test_text_file_without_table_is_read_as_free_text():
    table = open_table(FIXTURES / "pasted_blob.txt")
    emails = [row[0] for row in rows_of(table)]
    assert "cara@example.net" in emails and "dee@example.com" in emails


@pytest.mark.parametrize("name, preset, email_header", [
    ("mailchimp.csv", "mailchimp", "Email Address"),
    ("listmonk.csv", "listmonk", "email"),
    ("google.csv", "google", "E-mail 1 - Value"),
    ("outlook.csv", "outlook", "E-mail Address"),
    ("shopify.csv", "shopify", "Email"),
])
def test_presets_are_recognised(name, preset, email_header):
    table, mapping = preview_table(FIXTURES / name)
    assert mapping.preset == preset
    assert table.header[mapping.email_column] == email_header


def test_missing_file_and_old_excel_are_clear_errors(tmp_path):
    with pytest.raises(ImportInputError, match="no such file"):
        open_table(tmp_path / "nope.csv")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportInputError, match=r"\.xls"):
        open_table(old)


def test_read_errors_name_the_file_and_the_row(tmp_path):
    bad_bytes = tmp_path / "latin.csv"
    bad_bytes.write_bytes(b"email,name\na@example.com,A\nb@example.com,B\nc@example.com,J\xf6rg\n")
    with pytest.raises(ImportInputError, match=r"latin\.csv, line 4 \(byte 0xf6\): the file is not valid utf-8"):
        open_table(bad_bytes, encoding="utf-8")
    huge = tmp_path / "huge.csv"
    huge.write_text("email,note\na@example.com,x\nb@example.com,\"" + "y" * (FIELD_LIMIT + 10) + "\"\n", encoding="utf-8")
    with pytest.raises(ImportInputError, match=r"huge\.csv, row 3: field larger than field limit"):
        open_table(huge)


@pytest.mark.parametrize("name, content, said", [
    ("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "this is a PDF document, not a contact table"),
    ("contacts.csv", b"%PDF-1.7\n", "this is a PDF document"),  # the name does not decide
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "this is an image"),
    ("export.dat", bytes(range(256)) * 16, "this is binary data"),
    ("empty.csv", b"", "the file is empty"),
])
def test_files_that_are_no_table_are_named_for_what_they_are(tmp_path, name, content, said):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportInputError, match=f"^{name}: {said}"):
        open_table(path)


def test_text_tables_are_not_taken_for_binary_data(tmp_path):
    for name, data in (("utf16.csv", "email,name\nanna@example.org,Ånna\n".encode("utf-16-le")),
                       ("latin.csv", "email,name\nanna@example.org,J\xf6rg\n".encode("cp1252")),
                       ("form_feed.csv", b"email,name\r\nanna@example.org,Anna\x0c\r\n")):
        path = tmp_path / name
        path.write_bytes(data)
        assert rows_of(open_table(path))[0][0] == "anna@example.org", name


# -- a piece's cells restored as one pass restores them ---------------------------------------
_PIECE_CELLS = ["'=1+1", "''+x", "'-2", "O'Brien", "'plain", "x'", "'", "''", "@SUM(1)", "'@a", "a\n'=b",
                "'\t", "it's", "", "Zoë", "'\r", "\"'=q\"", "a,'=b", "a;'-c"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("seed", range(12))
def test_piece_rows_restored_as_each_row_is(tmp_path, delimiter, seed):
    """piece_rows(restored=True) gives exactly restore_row of every parsed row, whether or not
    a cell of the piece starts with ' (random files of tricky cells, pieces of many sizes)."""
    import csv
    import random

    from mailer_desktop.domain.spreadsheet import restore_row
    from mailer_desktop.services.importing import readers

    rnd = random.Random(seed)
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator=rnd.choice(["\r\n", "\n"]))
        w.writerow(["Email", "Name", "Note"])
        for i in range(300):
            cells = [f"p{i}@example.com", rnd.choice(_PIECE_CELLS), rnd.choice(_PIECE_CELLS)]
            if rnd.random() < 0.05:
                cells[0] = "'" + rnd.choice(["=", "+", "-"]) + cells[0]
            w.writerow(cells)
    table = open_table(path)
    checked = 0
    for size in (64, 200, 1000, 4096):
        pieces = readers.csv_pieces(table.open_rows, size)
        if pieces is None:
            continue
        for piece in pieces:
            parsed = readers.piece_rows(table.open_rows, piece)
            fast = readers.piece_rows(table.open_rows, piece, restored=True)
            if parsed is None:
                assert fast is None
                continue
            assert fast == [(n, restore_row(cells)) for n, cells in parsed]
            checked += 1
    assert checked
