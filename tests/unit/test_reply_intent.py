"""What a reply to a confirmation request says, and which Authentication-Results are believed."""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import auth, classify
from mailer_desktop.domain.inbox.message import read
from mailer_desktop.domain.inbox.replies import confirmation_intent

TOKEN = "mdc2ax" + "bcdefghijklmnopq"


def reply(body: str, subject: str = f"Re: Please confirm your subscription to Stop & Shop ({TOKEN})") -> bytes:
    return (f"From: anna@example.org\nTo: news@shop.example\nSubject: {subject}\nMessage-ID: <r1@example.org>\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n\nOn Monday, Shop wrote:\n> Please confirm.\n"
            f"> Yes, subscribe me\n").encode()


@pytest.mark.parametrize("body", [
    "", "Yes", "Yes, I want the newsletter.", "yes please!", "Confirmed.", "ok", "Thanks!\n\nAnna\n-- \nAnna's Bakery",
    "Sent from my iPhone", "ja, gerne", "Ja bitte", "oui", "Oui, merci", "sí, por favor", "certo, grazie", "ja graag",
    f"confirm {TOKEN}", "Sign me up!",
])
def test_yes(body):
    assert confirmation_intent(read(reply(body)))[0] == "yes"
    assert [r.kind for r in classify(reply(body))] == ["confirmation"]
    assert not classify(reply(body))[0].review


@pytest.mark.parametrize("body", [
    "No", "No! I never signed up. Unsubscribe me.", "I already unsubscribed. STOP emailing me.", "no thanks",
    "Please remove me", "I did not sign up for this", "Who are you?", "Nein danke", "Bitte abmelden",
    "Ich habe mich nie angemeldet", "Non merci", "Je ne me suis jamais inscrit", "désabonnez-moi",
    "No me he suscrito", "darse de baja", "Non mi sono mai iscritto", "cancellami", "Nee", "uitschrijven aub",
    "Yes, unsubscribe me",
])
def test_no_is_an_opt_out(body):
    assert confirmation_intent(read(reply(body)))[0] == "no"
    result = classify(reply(body))[0]
    assert (result.kind, result.category) == ("unsubscribe", "refusal")
    assert result.tokens[0] == TOKEN  # the confirm token names the person who said no


def test_a_subject_that_is_only_a_refusal_counts():
    assert confirmation_intent(read(reply("", subject=f"NO ({TOKEN})")))[0] == "no"


@pytest.mark.parametrize("body", [
    "Can you tell me more about your prices first?", "Yes please, but not the weekly one",
    "Is this the bakery on Main Street? I visited last week and would like to know the opening hours " * 3,
    # challenge–response systems and acknowledgement robots: their "confirm" asks us, it is no yes
    "Please click the link to confirm that you are a person: https://cr.example/v/123",
    "Please confirm that you are a human by clicking the button below.",
    "I have received your email and will reply soon. Confirmed receipt.",
    "Your message is held until the recipient approves you. Ok?",
    "Bitte best\u00e4tigen Sie, dass Sie kein Roboter sind: klicken Sie hier.",
    # out-of-office answers without the headers or subject that would mark them: their thanks is no yes
    "Thanks for your message! I'm away until Monday and will reply then.",
    "Thank you for your email. I am out of the office until 12 May with limited access to email.",
    # a refusal word after a negation is no refusal (it was an opt-out): "don't stop", "don't cancel"
    "Yes please, don't stop sending!", "Please don't cancel, yes!",
    # an opt-out about another address or person: who opts out is for a person to read
    "Yes I confirm. Unsubscribe my old address anna@old.example please", "OK, stop sending to my work address",
])
def test_anything_else_is_for_a_person(body):
    result = classify(reply(body))[0]
    assert (result.kind, result.review) == ("confirmation", True)
    assert "does not clearly say yes" in result.reason


AR = ("Authentication-Results: mx.shop.example;\n\tspf=fail (sender IP is 192.0.2.9) smtp.mailfrom=example.org;\n"
      "\tdkim=none (message not signed);\n\tdmarc=fail action=none header.from=example.org\n")


def test_only_the_configured_servers_results_are_read():
    raw = ("Authentication-Results: mx.evil.example; spf=pass; dmarc=pass\n" + AR
           + "From: a@example.org\n\nunsubscribe\n").encode()
    assert auth.trusted(raw, None) is None
    assert auth.trusted(raw, "") is None
    found = auth.trusted(raw, "MX.shop.example")
    assert found.authserv_id == "mx.shop.example" and found.from_domain_failed
    assert found.summary().startswith("spf=fail dkim=none dmarc=fail")
    assert not auth.trusted(raw, "mx.evil.example").from_domain_failed


@pytest.mark.parametrize("results, failed", [
    ("spf=pass; dmarc=pass", False),
    ("spf=fail; dmarc=pass", False),            # DKIM aligned: DMARC passes
    ("spf=fail; dkim=pass; dmarc=fail", True),  # DMARC is what counts when present
    ("spf=softfail; dkim=none", True),          # no DMARC verdict: SPF failed and nothing passed
    ("spf=fail; dkim=pass header.d=example.org", False),
    ("spf=none; dkim=none", False),             # nothing known is not a failure
])
def test_from_domain_failure(results, failed):
    assert auth.parse(f"mx.shop.example; {results}").from_domain_failed is failed


def test_unreadable_headers_are_ignored():
    assert auth.parse("") is None
    assert auth.parse("; spf=pass") is None
    assert auth.trusted(b"Authentication-Results: spf=pass\n\nx", "spf=pass") is None
