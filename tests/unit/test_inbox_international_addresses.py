"""Returned mail about international addresses (RFC 6531 local parts, IDN domains).

A bounce for jörg@example.com must name jörg@example.com — not "rg@example.com", which is how an
ASCII-only reading cut it — in the report's fields (also RFC 6533's ``utf-8`` type with its
``\\x{HHHH}`` escapes) and in the text of a notice without them. Words of scripts written without
spaces (Japanese) glued to an address stay outside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_inbox_structure import dsn, plain

from mailer_desktop.domain.inbox import classify
from mailer_desktop.domain.inbox.message import ADDRESS_RE


def _final(field: str) -> list[tuple[str | None, str]]:
    raw = dsn({"Final-Recipient": field, "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "smtp; 550 5.1.1 User unknown"})
    return [(r.recipient, r.kind) for r in classify(raw)]


@pytest.mark.parametrize(("field", "address"), [
    ("rfc822; jörg@example.com", "jörg@example.com"),
    ("utf-8; jörg@example.com", "jörg@example.com"),
    ("utf-8; j\\x{00F6}rg@example.com", "jörg@example.com"),
    ("utf-8; \\x{7528}\\x{6237}@example.com", "用户@example.com"),
    ("rfc822; jörg@bücher.example", "jörg@bücher.example"),
    ("rfc822; ivan@пример.рф", "ivan@пример.рф"),
    ("rfc822; anna@example.xn--p1ai", "anna@example.xn--p1ai"),
    ("rfc822; élodie.müller@example.fr", "élodie.müller@example.fr"),
])
def test_the_report_s_field_names_the_whole_address(field, address):
    assert _final(field) == [(address, "hard")]


def test_a_notice_without_fields_names_the_whole_address():
    raw = plain("Mail delivery failed: returning message to sender",
                "This message was created automatically by mail delivery software.\n\n"
                "A message that you sent could not be delivered to one or more of its\n"
                "recipients. This is a permanent error. The following address(es) failed:\n\n"
                "  jörg@bücher.example\n    SMTP error from remote mail server after RCPT TO:<jörg@bücher.example>:\n"
                "    550 5.1.1 User unknown\n",
                headers="X-Failed-Recipients: jörg@bücher.example\n")
    assert [(r.recipient, r.kind) for r in classify(raw)] == [("jörg@bücher.example", "hard")]


@pytest.mark.parametrize(("text", "found"), [
    ("配信に失敗しましたkijitora@example.jpへ", "kijitora@example.jp"),  # Japanese on both sides
    ("宛先：kijitora@example.jp。", "kijitora@example.jp"),
    ("(jörg@example.com)", "jörg@example.com"),
    ("<Anna.Smith+news@Example.COM>", "Anna.Smith+news@Example.COM"),
])
def test_where_an_address_begins_and_ends(text, found):
    assert ADDRESS_RE.search(text).group(0) == found


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"


@pytest.mark.parametrize("server", ["postfix", "exim", "sendmail"])
def test_real_servers_reports_about_a_utf8_address(server):
    (result,) = classify((FIXTURES / server / "utf8-unknown-user.eml").read_bytes())
    assert (result.recipient, result.kind) == ("jörg@remote.test", "hard")
    # (Exim writes the address's UTF-8 bytes as octal escapes in its Diagnostic-Code: shown as letters)
    assert "<jörg@remote.test>" in result.reason


def test_an_opt_out_from_an_international_address_names_its_sender():
    raw = ("From: =?utf-8?q?J=C3=B6rg?= <jörg@bücher.example>\nTo: leave@shop.example\n"
           "Subject: Re: News for Jörg\nMessage-ID: <r1@bücher.example>\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
           "Please unsubscribe me.\n").encode()
    (result,) = classify(raw)
    assert (result.kind, result.recipient) == ("unsubscribe", "jörg@bücher.example")


@pytest.mark.parametrize(("text", "found"), [
    # a word glued after the address is no part of its domain
    ("Delivery failed for anna@example.de.Überprüfen Sie die Adresse", "anna@example.de"),
    ("anna@example.gr.Σφάλμα", "anna@example.gr"),
    ("Сообщение для anna@example.orgне доставлено", "anna@example.org"),
    ("anna@example.orgé", "anna@example.org"),
])
def test_text_glued_after_an_address(text, found):
    assert ADDRESS_RE.search(text).group(0) == found


@pytest.mark.parametrize("field", ["utf-8; a\\x{FFFFFF}@example.org", "utf-8; a\\x{D800}@example.org",
                                   "utf-8; anna\\x{000A}@example.org"])
def test_an_escape_that_names_no_character_is_not_decoded(field):
    # (beyond Unicode, a surrogate, a control character: no one's address; the report is still read)
    (result,) = classify(dsn({"Final-Recipient": field, "Action": "failed", "Status": "5.1.1",
                              "Diagnostic-Code": "smtp; 550 5.1.1 User unknown"}))
    assert result.kind == "hard" and "\n" not in (result.recipient or "")
    assert all(not 0xD800 <= ord(c) <= 0xDFFF for c in result.recipient or "")
