"""Text built to make pattern matching slow: every reader of untrusted text stays linear.

Returned mail, feedback reports and imported files come from outside. A pattern whose matching
time grows with the square (or worse) of a run of spaces, tabs or word characters lets one
crafted mail or spreadsheet cell stall an inbox import for hours. Each input below once took
minutes (a run of blanks after "user", after "from", a long hyphenated word in an
Authentication-Results header, a huge spreadsheet cell with an "@"); now each must finish far
within the limit, and still give its answer.
"""

from __future__ import annotations

import time

import pytest

from mailer_desktop.domain.importing.sniff import has_address
from mailer_desktop.domain.inbox import auth, classify

LIMIT = 10.0  # seconds; the quadratic readers took minutes on these sizes


def _notice(body: str) -> bytes:
    return ("From: MAILER-DAEMON@mx.example.org\nTo: shop@example.test\n"
            "Subject: Undelivered Mail Returned to Sender\nContent-Type: text/plain\n\n" + body).encode()


def _timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - start


@pytest.mark.parametrize("body", [
    "user" + " " * 200_000 + "unknown",
    "mail from" + "\t" * 200_000 + "!",
    "delivered to" + " \n" * 100_000 + "anna@example.org",
    "Nachricht" + " " * 200_000 + "an anna@example.org",
], ids=["blanks-after-user", "tabs-after-from", "blank-lines-before-address", "blanks-after-nachricht"])
def test_a_notice_with_long_runs_of_blanks_is_read_quickly(body):
    results, seconds = _timed(classify, _notice(body))
    assert results and seconds < LIMIT, seconds


def test_the_recipient_after_a_long_run_of_blanks_is_still_found():
    results, seconds = _timed(classify, _notice("Your message to" + " " * 100_000 + "anna@example.org failed:\n"
                                                 "550 5.1.1 user unknown\n"))
    assert [r.recipient for r in results] == ["anna@example.org"] and seconds < LIMIT


def test_an_authentication_results_header_with_a_long_word_is_parsed_quickly():
    value = "mx.example.org; spf=pass smtp.mailfrom=shop@example.test; dkim=pass " + "a-" * 50_000 + " header.d=example.test"
    parsed, seconds = _timed(auth.parse, value)
    assert parsed is not None and parsed.properties.get("header.d") == "example.test" and seconds < LIMIT


def test_a_huge_cell_with_an_at_sign_is_checked_quickly():
    found, seconds = _timed(has_address, "a" * 400_000 + "@")
    assert found is False and seconds < LIMIT
    assert has_address("x" * 400_000 + " anna@example.org")


def test_a_megabyte_subject_is_read_quickly():
    raw = ("From: MAILER-DAEMON@mx.example.org\nTo: shop@example.test\nSubject: Undelivered Mail "
           + "x " * 500_000 + "\n\n<anna@example.org>: 550 5.1.1 user unknown (in reply to RCPT TO command)\n").encode()
    results, seconds = _timed(classify, raw)
    assert [(r.recipient, r.kind) for r in results] == [("anna@example.org", "hard")] and seconds < LIMIT


@pytest.mark.parametrize("layout", ["report", "notice"])
def test_a_report_on_tens_of_thousands_of_recipients_reads_the_first_thousand(layout):
    # Each of our messages goes to one recipient: a report on 30,000 is someone else's mailing or
    # a crafted one, and reading every recipient would hold an import for many seconds.
    n = 30_000
    if layout == "report":
        blocks = "".join(f"Final-Recipient: rfc822; u{i}@example.jp\nAction: failed\nStatus: 5.1.1\n\n" for i in range(n))
        raw = ("From: MAILER-DAEMON@mx.example.org\nTo: shop@example.test\nSubject: Undelivered Mail\n"
               "Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n"
               "Content-Type: text/plain\n\nfailed\n\n--B\nContent-Type: message/delivery-status\n\n"
               f"Reporting-MTA: dns; mx.example.org\n\n{blocks}--B--\n").encode()
    else:
        raw = _notice("Your message could not be delivered.\n\n"
                      + "".join(f"<u{i}@example.jp>: host mx said: 550 5.1.1 User unknown\n\n" for i in range(n)))
    results, seconds = _timed(classify, raw)
    assert seconds < LIMIT
    assert len(results) == 1000
    assert results[0].recipient == "u0@example.jp" and results[0].kind == "hard"
    assert results[-1].recipient == "u999@example.jp"


def test_thousands_of_indented_field_lines_are_read_quickly():
    # a letter of indented "name: value" lines that are no copy of a message's header, then one
    body = "  a: b\n" * 1500 + "x\n" + "  c: d\n  e: f\n" * 500 + "\n  From: shop@example.test\n  To: anna@example.org\n" \
        "  Message-ID: <n1@example.test>\n"
    raw = ("From: abuse@isp.example.org\nTo: shop@example.test\nSubject: Complaint\n\n" + body).encode()
    results, took = _timed(classify, raw)
    assert took < LIMIT
    assert [(r.recipient, r.kind) for r in results] == [("anna@example.org", "complaint")]
