"""Delay warnings written in other languages, and a complaint service's report with the reported
message inline, on hand-built mails.

The mails are constructed, not real servers' mail. The delay warnings follow the layout of a
non-DSN warning: a daemon sender, a text that names the recipient in angle brackets and says
the server keeps trying (or only a subject that says the delivery is late), the message quoted
below a "copy of the message" line. The complaint follows the layout of SpamCop's reports: a
"[ SpamCop V... ]" heading, a short text with a link, then "[ Offending message ]" on a line of
its own and the reported message inline below it, sent from an address of the service's domain.
"""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify

SENDER = "shop@example.test"
RCPT = "anna@example.org"
COPY = (f"------ This is a copy of the message, including all the headers. ------\n"
        f"From: Shop <{SENDER}>\nTo: {RCPT}\nSubject: News\nMessage-ID: <n1@example.test>\n\nHello\n")


def warning(subject: str, text: str) -> bytes:
    return (f"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\nTo: {SENDER}\nSubject: {subject}\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n\n" + COPY).encode()


REPLY = f"<{RCPT}>: host mx.example.org[192.0.2.25] said: 451 4.3.0 please come back\n\n"
# The body says the server keeps trying; the subject says nothing about a delay.
BODIES = [
    ("Benachrichtigung", "Ihre Nachricht konnte noch nicht zugestellt werden.\n\n"),
    ("Benachrichtigung", "Die Zustellung Ihrer Nachricht wird weiter versucht.\n\n"),
    ("Benachrichtigung", "Das System wird weiterhin versuchen, die Nachricht zuzustellen.\n\n"),
    ("Avis", "Remise différée de votre message.\n\n"),
    ("Benachrichtigung", "Warnung: Verzögerung bei der Zustellung Ihrer Nachricht.\n\n"),
    ("Avis", "La remise de votre message a été retardée. Aucune action n'est requise.\n\n"),
    ("Avis", "Votre message n'a pas encore été remis au destinataire.\n\n"),
    ("Aviso", "La entrega de su mensaje se ha retrasado.\n\n"),
    ("Aviso", "Su mensaje todavía no ha sido entregado.\n\n"),
    ("Avviso", "La consegna del messaggio è stata ritardata.\n\n"),
    ("Aviso", "A entrega da sua mensagem foi atrasada.\n\n"),
    ("Melding", "De bezorging van uw bericht is vertraagd.\n\n"),
    ("\u304a\u77e5\u3089\u305b", "\u30e1\u30fc\u30eb\u306e\u914d\u4fe1\u304c\u9045\u308c\u3066\u3044\u307e\u3059\u3002\n\n"),
    ("\u304a\u77e5\u3089\u305b", "\u914d\u4fe1\u9045\u5ef6\u306e\u304a\u77e5\u3089\u305b\u3067\u3059\u3002\n\n"),
]


@pytest.mark.parametrize(("subject", "said"), BODIES, ids=[b[1][:30] for b in BODIES])
def test_a_warning_that_says_in_its_language_that_the_server_keeps_trying_is_a_delay(subject, said):
    (r,) = classify(warning(subject, said + REPLY))
    assert (r.recipient, r.kind, r.action, r.category) == (RCPT, "soft", "delayed", "delayed")


SUBJECTS = ["Zustellung verzögert", "Message retardé", "Mensaje retrasado", "Messaggio ritardato", "Mensagem atrasada",
            "Bericht vertraagd", "\u914d\u4fe1\u9045\u5ef6"]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_warning_whose_subject_says_in_its_language_the_delivery_is_late_is_a_delay(subject):
    (r,) = classify(warning(subject, REPLY))
    assert (r.recipient, r.kind, r.action) == (RCPT, "soft", "delayed")


GAVE_UP = ["Die Zustellung wurde nach mehreren Verzögerungen endgültig eingestellt.",
           "Die Zustellung wurde nach langer Verzögerung aufgegeben.",
           "Message retardé trop longtemps : échec définitif.", "Message retardé puis abandonné.",
           "La entrega se ha retrasado y ha fallado de forma definitiva."]


@pytest.mark.parametrize("said", GAVE_UP)
def test_a_failure_that_mentions_the_delay_it_gave_up_after_is_a_failure(said):
    (r,) = classify(warning("Benachrichtigung", said + "\n\n" + REPLY.replace("451 4.3.0", "550 5.4.7")))
    assert (r.recipient, r.action) == (RCPT, "failed")


def spamcop(sender: str = "0123456789@reports.spamcop.net", marker: str = "[ Offending message ]") -> bytes:
    return (f"From: {sender}\nTo: abuse@example.test\nSubject: [SpamCop (http://example.test/) id:1234567]News\n\n"
            "[ SpamCop V5.2.0 ]\nThis message is brief for your comfort.  Please use links below for details.\n\n"
            "Email from 192.0.2.7 / Sun, 6 Dec 2026 04:00:00 +0000\nhttps://www.spamcop.net/sc?id=z1234z\n\n"
            f"{marker}\nReturn-Path: <{SENDER}>\nDelivered-To: x\nFrom: Shop <{SENDER}>\nTo: <{RCPT}>\n"
            "Subject: News\nMessage-ID: <n1@example.test>\n\nHello\n").encode()


def test_a_spam_report_with_the_reported_message_inline_is_a_complaint():
    results = classify(spamcop(sender="reports@example.net"))
    assert [(r.kind, r.recipient) for r in results] == [("complaint", RCPT)]


def test_a_report_from_the_complaint_services_domain_is_a_complaint_whatever_its_marker():
    results = classify(spamcop(marker="------ Original message follows ------"))
    assert [(r.kind, r.recipient) for r in results] == [("complaint", RCPT)]
