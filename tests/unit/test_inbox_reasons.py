"""The reason shown for a failed recipient says why, not only who: never the bare address."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailer_desktop.domain.inbox import classify
from mailer_desktop.domain.inbox.result import STATUS_MEANINGS, reason_for, telling

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _dsn(status: str, notice: str, diagnostic: str = "") -> bytes:
    diag = f"Diagnostic-Code: smtp; {diagnostic}\n" if diagnostic else ""
    return (
        "From: postmaster@mx.example.net\nTo: news@shop.example\nSubject: Delivery Status Notification (Failure)\n"
        "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
        f"--b\nContent-Type: text/plain\n\n{notice}\n\n"
        "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n"
        f"Final-Recipient: rfc822; anna@example.org\nAction: failed\nStatus: {status}\n{diag}\n"
        "--b\nContent-Type: text/rfc822-headers\n\nFrom: news@shop.example\nTo: anna@example.org\n"
        "Subject: Our news\n\n--b--\n").encode()


@pytest.mark.parametrize("status, expected", [
    ("5.1.1", "5.1.1 bad destination mailbox address"),
    ("5.2.2", "5.2.2 mailbox full"),
    ("5.1.10", "5.1.10 recipient address has null MX"),
])
def test_a_code_without_words_is_said_by_what_the_code_means(status, expected):
    notice = "Delivery to the following recipients failed.\n\n       anna@example.org"
    (r,) = classify(_dsn(status, notice))
    assert r.recipient == "anna@example.org"
    assert r.reason == expected


def test_the_servers_words_come_before_the_codes_meaning():
    (r,) = classify(_dsn("5.1.1", "anna@example.org", "550 5.1.1 <anna@example.org>: User unknown in local recipient table"))
    assert r.kind == "hard"
    assert "User unknown in local recipient table" in r.reason


def test_a_notice_that_names_only_the_mailbox_gives_its_sentence_above_the_list():
    raw = (b"From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.com>\nTo: news@shop.example\n"
           b"Subject: Mail Delivery Problem\n\n"
           b"Sorry news@shop.example. Your mail to the following recipients could not be delivered "
           b"because they are not accepting mail with attachments or embedded images:\n\tanna\n")
    results = classify(raw)
    assert results and results[0].kind == "soft"
    assert "not accepting mail with attachments" in results[0].reason


def test_the_address_and_the_time_before_exchanges_sentence_are_not_shown():
    raw = (b"From: postmaster@corp.example\nTo: news@shop.example\nSubject: Undeliverable: Our news\n"
           b"Content-Type: text/plain\n\nYour message\n\n  To: anna@example.org\n  Subject: Our news\n"
           b"  Sent: Thu, 29 Apr 2010 16:51:51 -0500\n\ndid not reach the following recipient(s):\n\n"
           b"anna@example.org on Thu, 29 Apr 2010 16:51:51 -0500\n"
           b"    The recipient name is not recognized\n"
           b"    The MTS-ID of the original message is: c=us;a= ;p=corp;l=EX1\n"
           b"    MSEXCH:IMS:CORP:SITE:EX1 0 (000C05A6) Unknown Recipient\n")
    results = classify(raw)
    assert [r.recipient for r in results] == ["anna@example.org"]
    assert results[0].reason.startswith("The recipient name is not recognized")


@pytest.mark.parametrize("text, recipient, expected", [
    ("anna@example.org", "anna@example.org", False),
    ("<anna@example.org>:", "anna@example.org", False),
    ("\tanna", "anna@example.org", False),                 # the mailbox name alone
    ("anna@example.org because:", "anna@example.org", False),
    ("550 Rejected", "anna@example.org", True),             # a code and a word
    ("No such domain.", "anna@example.org", True),
    ("ユーザーがディレクトリのリストにありません", "anna@example.org", True),
    ("annabel is not known here", "anna@example.org", True),  # another name is words
])
def test_telling(text, recipient, expected):
    assert telling(text, recipient) is expected


def test_an_undefined_code_with_no_words_falls_back_to_the_first_text():
    assert reason_for("", ["anna@example.org"], "5.0.0", "undefined", "anna@example.org") == "anna@example.org"
    assert reason_for("", [], "5.0.0", "undefined", "anna@example.org") == "undefined"


def test_every_detail_of_rfc_3463_has_its_name():
    for subject, details in {1: 8, 2: 4, 3: 5, 4: 7, 5: 5, 6: 5, 7: 7}.items():
        for detail in range(details + 1):
            assert STATUS_MEANINGS[f"{subject}.{detail}"]


def test_no_fixture_answer_gives_only_an_address_as_its_reason():
    mails = sorted(FIXTURES.rglob("*.eml"))
    assert len(mails) > 1000
    bare = []
    for path in mails:
        for r in classify(path.read_bytes()):
            if r.kind in ("hard", "soft") and not telling(r.reason, r.recipient):
                bare.append(f"{path.relative_to(FIXTURES)}: {r.recipient}: {r.reason!r}")
    assert not bare, "\n".join(bare)
