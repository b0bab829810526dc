"""Hostile and broken input files: each is refused with a sentence, or read, in bounded time and
memory, and a refused import leaves the database exactly as it was.

The files are built here (tests/support/hostile_inputs.py), scaled down where the behaviour is
the same at any size (streaming is shown by the peak memory staying far below the file's
size); bench/hostile_files.py runs the same cases at the sizes of the reports.
"""

from __future__ import annotations

import collections
import os
import time
import tracemalloc
from pathlib import Path

import pytest
from hostile_inputs import (
    MB,
    csv_with_bad_byte,
    mbox,
    returned_mail_repeating,
    vcard_long_line,
    vcard_soft_breaks,
    xlsx_declared_everything,
    xlsx_giant_cell,
    xlsx_shared_strings,
    xlsx_shared_strings_bomb,
)

from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.importing import ImportInputError, import_file, readers, xlsx
from mailer_desktop.services.inbox.sources import iter_paths

pytestmark = pytest.mark.timeout(60)


def dump(app) -> list[str]:
    return list(app.db.conn.iterdump())


def peak_of(work) -> tuple[object, int]:
    """(result, peak bytes allocated by Python while ``work()`` ran)."""
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def drain(path: Path, **kwargs) -> int:
    table = readers.open_table(path, **kwargs)
    return sum(1 for _ in table.rows())


def refused(app, path: Path, **kwargs) -> str:
    """The import's error text; the database must be as before."""
    contacts.add_contact(app, "kept@example.com", "Kept")
    before = dump(app)
    with pytest.raises(ImportInputError) as caught:
        import_file(app, path, **kwargs)
    assert dump(app) == before
    return str(caught.value)


# -- Excel ---------------------------------------------------------------------------------------

def test_a_sheet_declaring_every_cell_of_the_grid_is_read_as_it_is(app, tmp_path):
    path = xlsx_declared_everything(tmp_path / "dimension.xlsx")
    started = time.monotonic()
    report = import_file(app, path)
    assert time.monotonic() - started < 10
    assert report.added == 2
    assert {c.email for c in contacts.iter_contacts(app)} == {"anna@example.com", "bob@example.org"}


def test_a_shared_strings_bomb_is_refused_before_it_is_unpacked(app, tmp_path):
    path = xlsx_shared_strings_bomb(tmp_path / "strings.xlsx", unpacked=64 * MB)
    assert path.stat().st_size < MB
    message, peak = peak_of(lambda: refused(app, path))
    assert message.startswith("strings.xlsx: xl/sharedStrings.xml unpacks to 65 MB from ")
    assert message.endswith(" KB, more than real spreadsheets pack")
    assert peak < 16 * MB


def test_more_shared_strings_than_fit_in_memory_are_refused(app, tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "XLSX_STRINGS_MEMORY", MB)
    path = xlsx_shared_strings(tmp_path / "many.xlsx", [f"Name {i}" for i in range(16_000)])
    message = refused(app, path)
    assert message == "many.xlsx: xl/sharedStrings.xml holds 16002 texts, more than can be read at once"


def test_a_giant_cell_is_refused_like_a_giant_csv_field(app, tmp_path):
    path = xlsx_giant_cell(tmp_path / "cell.xlsx", size=64 * MB)
    started = time.monotonic()
    message, peak = peak_of(lambda: refused(app, path))
    assert time.monotonic() - started < 10
    assert message == "cell.xlsx, row 2: a cell holds more than 1 MB of text (the limit for one field)"
    assert peak < 40 * MB


def test_a_giant_shared_string_is_refused_before_openpyxl_reads_it(app, tmp_path):
    path = xlsx_shared_strings(tmp_path / "shared.xlsx", ["x@example.com", "y" * (2 * MB)])
    assert refused(app, path) == "shared.xlsx: a cell holds more than 1 MB of text (the limit for one field)"


def test_the_longest_cell_excel_can_hold_is_read(app, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["email", "name"])
    book.active.append(["x@example.com", "&<" * (32_767 // 2)])
    book.save(tmp_path / "long.xlsx")
    table = readers.open_table(tmp_path / "long.xlsx")
    assert list(table.rows()) == [(2, ["x@example.com", "&<" * (32_767 // 2)])]
    path = xlsx_shared_strings(tmp_path / "shared.xlsx", ["y@example.com", "&amp;" * 32_767])
    assert list(readers.open_table(path).rows()) == [(2, ["y@example.com", "&" * 32_767])]


# -- vCard -----------------------------------------------------------------------------------------

def test_quoted_printable_soft_breaks_are_joined_in_linear_time(tmp_path):
    path = vcard_soft_breaks(tmp_path / "qp.vcf", breaks=13_000)  # just under the field limit
    started = time.monotonic()
    table = readers.open_table(path)
    rows = list(table.rows())
    assert time.monotonic() - started < 2
    assert rows == [(1, ["qp@example.com", "Q P", "", "", "", "", ""])]


@pytest.mark.parametrize("folded", [False, True], ids=["one line", "folded"])
def test_a_vcard_value_beyond_the_field_limit_is_refused(app, tmp_path, folded):
    path = vcard_long_line(tmp_path / "long.vcf", size=96 * MB, folded=folded)
    message, peak = peak_of(lambda: refused(app, path))
    assert message == "long.vcf, line 4: a value longer than 1048576 characters (the limit for one field)"
    assert peak < 48 * MB  # one line is read up to 16 MB at most (photos may be that long)


def test_forty_thousand_soft_breaks_are_refused_at_once(app, tmp_path):
    path = vcard_soft_breaks(tmp_path / "qp.vcf", breaks=40_000)
    started = time.monotonic()
    assert "line 4: a value longer than 1048576 characters" in refused(app, path)
    assert time.monotonic() - started < 2


# -- CSV -------------------------------------------------------------------------------------------

def test_a_bad_byte_with_the_encoding_given_is_found_streaming(app, tmp_path):
    path, row = csv_with_bad_byte(tmp_path / "big.csv", 16 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(ImportInputError) as caught:
            drain(path, encoding="utf-8")
        assert tracemalloc.get_traced_memory()[1] < 6 * MB
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (f"big.csv, line {row} (byte 0xfc): the file is not valid utf-8 (invalid start byte); "
                                 "choose its encoding")
    small, row = csv_with_bad_byte(tmp_path / "small.csv", 2000)
    assert refused(app, small, encoding="utf-8").startswith(f"small.csv, line {row} (byte 0xfc): ")


def test_a_utf8_file_with_one_bad_byte_stays_utf8_and_reports_the_row(app, tmp_path):
    path, row = csv_with_bad_byte(tmp_path / "names.csv", 300)
    table = readers.open_table(path)
    assert table.encoding == "utf-8"
    report = import_file(app, path)
    names = {c.email: c.name for c in contacts.iter_contacts(app)}
    assert names["person2@example.com"] == "J\u00fcrgen 2"
    assert f"late{row}@example.com" not in names
    assert report.added == row - 2 and report.invalid == 1
    (issue,) = report.issues
    assert (issue.row, issue.kind, issue.column, issue.value) == (row, "invalid", "name", "J\\xfcrgen")
    assert "not valid utf-8" in issue.reason


def test_a_bad_byte_far_into_a_big_utf8_file_keeps_it_utf8(tmp_path):
    path, row = csv_with_bad_byte(tmp_path / "names.csv", 2 * readers.SAMPLE_BYTES)
    table = readers.open_table(path)
    assert table.encoding == "utf-8" and table.undecodable
    assert table.preview[0] == (2, ["person2@example.com", "J\u00fcrgen 2"])


def test_a_legacy_file_whose_first_accent_comes_late_is_still_detected(tmp_path):
    path = tmp_path / "legacy.csv"
    lines = ["email,name"] + [f"p{i}@example.com,Plain {i}" for i in range(20_000)] + ["late@example.com,J\u00fcrgen"]
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    table = readers.open_table(path)
    assert table.encoding == "cp1252" and not table.undecodable
    assert list(table.rows())[-1] == (20_002, ["late@example.com", "J\u00fcrgen"])


# -- not files -------------------------------------------------------------------------------------

def test_contacts_import_says_what_a_folder_or_a_pipe_is(cli, tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = cli("contacts", "import", str(fifo))
    assert code != 0 and f"{fifo}: is a named pipe (FIFO), not a regular file" in err
    code, _, err = cli("contacts", "import", str(tmp_path))
    assert code != 0 and f"{tmp_path}: is a folder, not a file" in err
    code, _, err = cli("contacts", "import", str(tmp_path / "missing.csv"))
    assert code != 0 and "missing.csv: no such file" in err


@pytest.mark.timeout(20)
def test_inbox_import_refuses_a_pipe_without_waiting_for_it(cli, tmp_path):
    fifo = tmp_path / "returns.mbox"
    os.mkfifo(fifo)
    code, _, err = cli("inbox", "import", str(fifo))
    assert code != 0 and "is a named pipe (FIFO), not a regular file" in err


# -- mbox ------------------------------------------------------------------------------------------

def test_an_mbox_is_read_one_message_at_a_time(tmp_path):
    path = mbox(tmp_path / "archive.mbox", 40 * MB)
    count, peak = peak_of(lambda: collections.deque(enumerate(iter_paths([path]), 1), maxlen=1)[0][0])
    assert count > 3000
    assert peak < 4 * MB


def test_a_long_line_in_an_mbox_does_not_split_it_and_a_huge_message_is_cut(tmp_path, monkeypatch):
    from mailer_desktop.services.inbox import sources as inbox_sources

    monkeypatch.setattr(inbox_sources, "MESSAGE_LIMIT", 2 * MB)
    path = tmp_path / "long.mbox"
    path.write_bytes(b"From a@example.org Mon Jan  1 00:00:00 2024\nSubject: one\n\n" + b"x" * (3 * MB)
                     + b"\nFrom the start of a body line, no separator\n\n"
                     + b"From b@example.org Mon Jan  1 00:00:01 2024\nSubject: two\n\nbody\n")
    messages = list(iter_paths([path]))
    assert [m.label for m in messages] == ["long.mbox#1", "long.mbox#2"]
    assert 2 * MB <= len(messages[0].raw) <= 3 * MB
    assert messages[1].raw == b"Subject: two\n\nbody\n"


def test_a_notice_repeating_one_recipient_thousands_of_times_is_read_in_linear_time(tmp_path):
    from mailer_desktop.domain.inbox import classify

    path = returned_mail_repeating(tmp_path / "loop.mbox", 3 * MB)  # 44,000 times the same line
    raw = next(iter_paths([path])).raw
    started = time.monotonic()
    results = classify(raw)
    assert time.monotonic() - started < 10  # (quadratic, it took minutes)
    assert [(r.recipient, r.kind, r.status) for r in results] == [("anna@example.org", "hard", "5.1.1")]


_REPLY = (b"From: Anna <anna@example.org>\nTo: shop@example.com\nSubject: Re: Please confirm your subscription\n"
          b"Content-Type: text/html; charset=utf-8\n\n")
_REPORT = (b"From: fbl@isp.example\nTo: shop@example.com\nSubject: complaint\nContent-Type: multipart/report;"
           b" report-type=feedback-report; boundary=B\n\n--B\n\nA complaint.\n--B\n"
           b"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nVersion: 1\n")


@pytest.mark.parametrize("raw, expected", [
    (_REPLY + b"<!--" * 100_000 + b"Yes", ("anna@example.org", "confirmation")),
    (_REPLY + b"<style>" * 100_000 + b"Yes", ("anna@example.org", "confirmation")),
    (_REPLY + b"<a " * 100_000 + b"Yes", ("anna@example.org", "confirmation")),
    (_REPORT + b"".join(b"Original-Rcpt-To: u%d@example.net\n" % i for i in range(40_000)) + b"--B--\n",
     ("u0@example.net", "complaint")),
    (b"From: MAILER-DAEMON@mx.example.net\nTo: shop@example.com\nSubject: Mail delivery failed\nX-Failed-Recipients: "
     + b", ".join(b"u%d@example.net" % i for i in range(40_000)) + b"\n\n550 5.1.1 User unknown\n",
     ("u0@example.net", "hard")),
], ids=["unclosed comments", "unclosed styles", "unclosed tags", "40,000 complaining recipients",
        "40,000 failed recipients in X-Failed-Recipients"])
def test_replies_and_reports_built_to_stall_the_import_are_read_in_linear_time(raw, expected):
    from mailer_desktop.domain.inbox import classify

    started = time.monotonic()
    results = classify(raw)
    assert time.monotonic() - started < 10  # (quadratic, each took 20 s to minutes)
    assert (results[0].recipient, results[0].kind) == expected


# -- templates -------------------------------------------------------------------------------------

TOO_LONG = "the text made is longer than 5,000,000 characters, the limit for one part of a message"
TOO_MANY = "more than 200,000 loop turns and calls; make the loops smaller"


@pytest.mark.parametrize(("body", "error"), [
    ('{{ "a" * 2000000000 }}', f"HTML body: {TOO_LONG}"),
    ("{{ range(10**6)|length }}", "HTML body: Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000)."),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", f"HTML body: {TOO_MANY}"),
    ('{% set ns = namespace(x="a") %}{% for i in range(60) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}',
     f"HTML body: {TOO_LONG}"),
    ('{% set ns = namespace(x="a") %}{% for i in range(60) %}{% set ns.x = ns.x + ns.x %}{% endfor %}',
     f"HTML body: {TOO_LONG}"),
    ("{% macro m() %}{% for i in range(100000) %}{{ 'a' * 4000000 }}{% endfor %}{% endmacro %}{{ m()|length }}",
     f"HTML body: {TOO_LONG}"),
    ("{% set x %}{% for i in range(100000) %}" + "static text " * 100 + "{% endfor %}{% endset %}{{ x|length }}",
     f"HTML body: {TOO_LONG}"),
    ("{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}x{% endmacro %}{{ f(40) }}",
     f"HTML body: {TOO_MANY}"),
    ('{{ "a"|center(2000000000) }}',
     "HTML body: the number 2000000000 is too big for a width, count or repetition in a template"),
    ('{{ "x".ljust(2000000000) }}',
     "HTML body: the number 2000000000 is too big for a width, count or repetition in a template"),
    ('{{ "{:>2000000000}".format(1) }}',
     "HTML body: a format with a width of millions of characters is not allowed in templates"),
    ('{{ "%2000000000d" % 1 }}', "HTML body: a format with a width of millions of characters is not allowed in templates"),
    ("{{ 10 ** 100000000 }}", "HTML body: a power too big for a template (a number of tens of thousands of digits)"),
    ('{% set x = "ab" * 1000000 %}{{ x|replace("", x) }}', f"HTML body: {TOO_LONG}"),
], ids=["repeat", "range", "loops", "concat", "plus", "macro", "set-block", "fan-out", "center", "ljust", "format",
        "percent", "power", "replace"])
def test_templates_that_would_take_forever_or_all_memory_stop_with_one_line(body, error):
    from mailer_desktop.domain.templates import TemplateError, TemplateSource, compile_template, merge_values

    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        compile_template(TemplateSource(subject="News for {{ contact.name }}", html=body)).render(
            merge_values("anna@example.com", "Anna", {}))
    assert str(caught.value) == error
    assert time.monotonic() - started < 5


def test_ordinary_loops_filters_and_formats_still_render():
    from mailer_desktop.domain.templates import TemplateSource, compile_template, merge_values

    body = ('{% for i in range(3) %}{{ loop.index }}{{ contact.name ~ "!" }}{% endfor %} {{ "%5.2f" % 3.14159 }}'
            ' {{ "{:>4}".format("x") }} {{ "a,b".split(",")|join("-") }} {{ contact.name * 2 }}'
            ' {{ range(100000)|length }} {{ "ab"|center(6) }}')
    html = compile_template(TemplateSource(subject="S", html=body)).render(merge_values("a@example.com", "Ann", {})).html
    assert html.startswith("1Ann!2Ann!3Ann!  3.14    x a-b AnnAnn 100000   ab  ")


def test_campaign_create_reports_a_template_error_in_one_line(cli, app, tmp_path):
    code, _, err = cli("sender", "set", "--name", "Shop", "--from", "news@shop.example",
                       "--postal-address", "1 Main Street\\nSpringfield", "--unsubscribe-mailbox", "unsub@shop.example")
    assert code == 0, err
    contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    body = tmp_path / "range.html"
    body.write_text("<p>{{ range(10**6)|length }}</p>", encoding="utf-8")
    code, _, err = cli("campaign", "create", "--name", "N", "--subject", "S", "--list", "News", "--html", str(body))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "HTML body: Range too big" in err and "Traceback" not in err


def test_a_photo_of_a_few_megabytes_is_skipped_not_refused(tmp_path):
    photo = "QUJD" * (700 * 1024)  # 2.8 MB of base64
    folded = "\r\n ".join(photo[i:i + 74] for i in range(0, len(photo), 74))
    path = tmp_path / "photos.vcf"
    path.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:One Line\r\nEMAIL:one@example.com\r\n"
                    f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\nEND:VCARD\r\n"
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Folded\r\nEMAIL:folded@example.com\r\n"
                    f"PHOTO;ENCODING=b;TYPE=JPEG:{folded}\r\nEND:VCARD\r\n", encoding="ascii")
    rows, peak = peak_of(lambda: list(readers.open_table(path).rows()))
    assert [r[1][:2] for r in rows] == [["one@example.com", "One Line"], ["folded@example.com", "Folded"]]
    assert peak < 48 * MB


def test_a_photo_beyond_sixteen_megabytes_is_refused(app, tmp_path):
    path = tmp_path / "huge.vcf"
    with path.open("w", encoding="ascii", newline="") as fh:
        fh.write("BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:x@example.com\r\nPHOTO;ENCODING=b:")
        for _ in range(20):
            fh.write("QUJD" * (256 * 1024))
        fh.write("\r\nEND:VCARD\r\n")
    assert refused(app, path) == "huge.vcf, line 4: a picture, sound or key longer than 16777216 characters"
