"""Refusals by the program that files mail into a mailbox (Dovecot's LDA, a Sieve script), made
by real servers in tests/fixtures/bounces/ and varied by hand here.

- Sendmail hands a local delivery to Dovecot's LDA, which reports a full mailbox as an exit
  status: the report's Diagnostic-Code is only that number (``X-Unix; 77``), the words are in
  the transcript above it.
- Without ``-e`` the LDA mails its own refusal: an RFC 3464 report for a full mailbox, an RFC 8098
  disposition notification ("deleted") for a Sieve ``reject``, the script's sentence in the text.
"""

from __future__ import annotations

import re
from pathlib import Path

from mailer_desktop.domain.inbox import classify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"


def test_an_exit_status_alone_does_not_name_the_reason():
    raw = (FIXTURES / "sendmail" / "mailbox-full.eml").read_bytes()
    assert b"Diagnostic-Code: X-Unix; 77" in raw
    (result,) = classify(raw)
    assert (result.recipient, result.kind, result.category) == ("full@example.test", "soft", "mailboxfull")
    assert "Quota exceeded" in result.reason


def test_an_exit_status_never_makes_a_delivery_program_s_words_hard():
    # (a program's "user unknown" under its exit status is its own output, not a server's lookup)
    raw = (FIXTURES / "sendmail" / "mailbox-full.eml").read_bytes()
    raw = raw.replace(b"Quota exceeded (mailbox for user is full)", b"No such user here")
    (result,) = classify(raw)
    assert result.kind == "soft"


def test_the_lda_s_own_report_of_a_full_mailbox():
    (result,) = classify((FIXTURES / "dovecot" / "quota-rejected.eml").read_bytes())
    assert (result.kind, result.status, result.category) == ("soft", "5.2.2", "mailboxfull")


def test_a_sieve_reject_is_the_recipient_s_filter_with_its_sentence_shown():
    (result,) = classify((FIXTURES / "dovecot" / "sieve-rejected.eml").read_bytes())
    assert (result.kind, result.category) == ("soft", "filtered")
    # the script's own sentence, on the line below "was automatically rejected:"
    assert result.reason.endswith("automatically rejected: I never signed up for this. Please stop.")


def _as_if_from_the_person(raw: bytes, disposition: bytes) -> bytes:
    raw = raw.replace(b"From: Postmaster <postmaster@mail.example.test>", b"From: Shop Owner <shop@mail.example.test>")
    raw = re.sub(rb"(?m)^Subject: Rejected: ", b"Subject: Re: ", raw)
    raw = re.sub(rb"(?m)^Auto-Submitted: .*$", b"Auto-Submitted: auto-replied", raw)
    return raw.replace(b"automatic-action/MDN-sent-automatically; deleted", disposition)


def test_a_notification_of_deletion_is_a_refusal_whoever_sends_it():
    raw = (FIXTURES / "dovecot" / "sieve-rejected.eml").read_bytes()
    (result,) = classify(_as_if_from_the_person(raw, b"automatic-action/MDN-sent-automatically; deleted"))
    assert (result.kind, result.category) == ("soft", "filtered")


def test_a_notification_that_the_message_was_read_stays_a_receipt():
    raw = (FIXTURES / "dovecot" / "sieve-rejected.eml").read_bytes()
    (result,) = classify(_as_if_from_the_person(raw, b"manual-action/MDN-sent-manually; displayed"))
    assert (result.kind, result.category) == ("auto_reply", "receipt")
