"""Structure rules of the bounce classifier on small hand-built mails.

Each test builds the smallest mail that shows one structural signal (an RFC 3464 field, an
RFC 3463 code, an SMTP reply, a server layout) and checks the verdict it leads to. The
principle under test throughout: *when unsure, soft or review, never hard*.
"""

from __future__ import annotations

from mailer_desktop.domain.inbox import classify

_SENDER = "shop@example.test"


def dsn(*blocks: dict[str, str], notice: str = "Your message could not be delivered.",
        returned: str = "") -> bytes:
    """A multipart/report with one delivery-status block per recipient."""
    fields = "\n\n".join("\n".join(f"{k}: {v}" for k, v in b.items()) for b in blocks)
    parts = [
        "Content-Type: text/plain; charset=us-ascii\n\n" + notice + "\n",
        "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n" + fields + "\n",
        "Content-Type: message/rfc822\n\n" + (returned or f"From: {_SENDER}\nTo: someone@example.org\n"
                                                 "Subject: News\nMessage-ID: <n1@example.test>\n\nHello\n"),
    ]
    body = "".join(f"--B\n{p}" for p in parts) + "--B--\n"
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: {_SENDER}\n"
            "Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n" + body).encode()


def plain(subject: str, text: str, sender: str = "MAILER-DAEMON@mx.example.net", headers: str = "") -> bytes:
    """A bounce without MIME structure, the returned message quoted below the text."""
    return (f"From: {sender}\nTo: {_SENDER}\nSubject: {subject}\n{headers}\n{text}\n\n"
            "--- Below this line is a copy of the message.\n\n"
            f"From: {_SENDER}\nTo: someone@example.org\nSubject: News\n\nHello\n").encode()


def verdicts(raw: bytes) -> list[tuple[str | None, str]]:
    return [(r.recipient, r.kind) for r in classify(raw)]


def test_a_local_delivery_programs_own_words_never_make_a_hard_bounce():
    # Postfix's pipe to procmail: "No such user" is the program's complaint, not a lookup.
    raw = dsn({"Final-Recipient": "rfc822; r@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": 'x-unix; procmail: Couldn\'t create "/var/spool/mail/r": No such user'})
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.category) == ("r@example.org", "soft", "mailererror")


def test_a_delivery_agents_exit_status_translated_by_the_server_is_the_servers_verdict():
    # Sendmail writes the local delivery agent's EX_NOUSER as a reply with an enhanced code.
    raw = dsn({"Final-Recipient": "rfc822; gone@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "X-Unix; 550 5.1.1 User unknown"})
    assert verdicts(raw) == [("gone@example.org", "hard")]


def test_words_beside_a_dead_address_code_decide_the_reason():
    # A server that answers its own trouble with 5.1.1: the words name the real reason.
    raw = dsn({"Final-Recipient": "rfc822; busy@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "smtp; 550 5.1.1 <busy@example.org>: internal server error"})
    [r] = classify(raw)
    assert (r.kind, r.category) == ("soft", "systemerror")
    # The code alone, or with words of a dead address, stays hard.
    raw = dsn({"Final-Recipient": "rfc822; gone@example.org", "Action": "failed", "Status": "5.1.1",
               "Diagnostic-Code": "smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown"})
    assert verdicts(raw) == [("gone@example.org", "hard")]
    raw = dsn({"Final-Recipient": "rfc822; gone@example.org", "Action": "failed", "Status": "5.1.1"})
    assert verdicts(raw) == [("gone@example.org", "hard")]


def _arf(feedback_type: str) -> bytes:
    return (f"From: fbl@mail.provider.example\nTo: {_SENDER}\nSubject: Report\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\n\n"
            "--F\nContent-Type: text/plain\n\nA report.\n"
            f"--F\nContent-Type: message/feedback-report\n\nFeedback-Type: {feedback_type}\nVersion: 1\n"
            "Original-Rcpt-To: <anna@example.org>\n"
            f"--F\nContent-Type: message/rfc822\n\nFrom: {_SENDER}\nTo: anna@example.org\nSubject: News\n\nHi\n"
            "--F--\n").encode()


def test_feedback_reports_that_are_no_recipients_complaint_say_so():
    for ftype in ("abuse", "fraud", "virus", "other"):
        [r] = classify(_arf(ftype))
        assert (r.recipient, r.kind, r.category, r.action) == ("anna@example.org", "complaint", ftype, ""), ftype
    for ftype in ("auth-failure", "not-spam"):  # RFC 6591 forensic report; RFC 6650 "not spam"
        [r] = classify(_arf(ftype))
        assert (r.recipient, r.kind, r.category, r.action) == ("anna@example.org", "complaint", ftype, "report")
        assert "not a complaint" in r.reason


def test_an_address_that_starts_a_line_with_words_after_it_is_a_recipient():
    # Exchange's "addr on DATE", Zoho's "addr Invalid Address": the address leads its own line.
    for line in ("bob@example.org on 4/29/2026 11:34:45 PM", "bob@example.org Invalid Address, ERROR_CODE :550"):
        raw = plain("Undeliverable: News", f"Your message did not reach some or all of the intended recipients.\n\n"
                                           f"      {line}\n            Mailbox unavailable\n", sender="postmaster@example.org")
        assert [r.recipient for r in classify(raw)] == ["bob@example.org"], line


def test_a_gateway_passing_on_the_bounce_it_got_is_read_through_to_that_bounce():
    inner = ("From: MAILER-DAEMON@relay.example.org\nTo: shop@example.test\nSubject: Returned mail\n\n"
             "----- The following addresses had permanent fatal errors -----\n<carl@example.org>\n\n"
             "----- Transcript of session follows -----\n... while talking to mx.example.org:\n"
             ">>> RCPT To:<carl@example.org>\n<<< 550 5.1.1 <carl@example.org>... Invalid recipient\n")
    raw = ("From: postmaster@gateway.example.org\nTo: shop@example.test\nSubject: Mail could not be delivered\n"
           "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"G\"\n\n"
           "--G\nContent-Type: text/plain\n\nThe following mail could not be delivered.\n"
           "Reason:  Unable to deliver message to <carl@example.org>.\n"
           f"--G\nContent-Type: message/rfc822\n\n{inner}--G--\n").encode()
    [r] = classify(raw)
    assert (r.recipient, r.kind, r.status) == ("carl@example.org", "hard", "5.1.1")
    # The outer report's own words come first: a reason there is not overruled by the copy.
    raw = raw.replace(b"Unable to deliver message to <carl@example.org>.",
                      b"Unable to deliver message to <carl@example.org>: mailbox is full.")
    assert verdicts(raw) == [("carl@example.org", "soft")]


def test_a_dead_address_is_not_borrowed_from_the_lines_about_another_recipient():
    text = ("   ----- Transcript of session follows -----\n"
            "554 <dora@example.org>... Transaction failed\n"
            "550 example.org (smtp)... 550 Host unknown\n"
            "554 <emil@example.org>... 550 Host unknown (Authoritative answer from name server)\n")
    raw = plain("Returned mail: Host unknown", text)
    assert sorted(verdicts(raw)) == [("dora@example.org", "soft"), ("emil@example.org", "hard")]
