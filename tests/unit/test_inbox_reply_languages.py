"""People's replies in the words they write them in: opt-out requests asked in a sentence of
one's own (in the languages the inbox reads), and out-of-office answers their headers do not mark.

An opt-out the person negates ("no me den de baja", "配信を停止しないで") is no request; a
person who is away but writes something else (a question, an opt-out) is read for that.
"""

from __future__ import annotations

import pytest

from mailer_desktop.domain.inbox import classify


def _reply(body: str, subject: str = "Re: Our December news") -> tuple[str, bool]:
    raw = (f"From: Anna <anna@example.org>\nTo: news@shop.example\nSubject: {subject}\n"
           "Message-ID: <r1@example.org>\nIn-Reply-To: <nl-1@shop.example>\nMIME-Version: 1.0\n"
           f"Content-Type: text/plain; charset=utf-8\n\n{body}\n\n> Hello Anna,\n> our news\n").encode()
    (result,) = classify(raw)
    return result.kind, result.review


@pytest.mark.parametrize("body", [
    "Por favor, denme de baja de esta lista.",
    "No quiero recibir más correos.",
    "Por favor, removam meu e-mail da lista.",
    "Proszę o usunięcie mojego adresu e-mail z listy.",
    "Ich möchte Sie bitten, meine Adresse aus Ihrem Newsletter-Verteiler zu nehmen.",
    "Bitte nehmen Sie mich aus dem Verteiler.",
    "Bitte schicken Sie mir keine weiteren Werbe-E-Mails mehr.",
    "Bitte löschen Sie meine Daten.",
    "今後このメールマガジンの配信を停止していただけますでしょうか。",
    "Please delete my data.",
    "I don't want any more emails.",
    "Rimuovete il mio indirizzo, grazie.",
    "Je ne veux plus recevoir vos messages.",
    "Verwijder mij van de lijst.",
    "No more emails please.",
    "Please, no more emails.",
    "Ich möchte keine Werbung mehr.",
    "Schicken Sie mir bitte keine E-Mails mehr.",
])
def test_an_opt_out_in_a_sentence_of_one_s_own(body):
    assert _reply(body) == ("unsubscribe", False)


@pytest.mark.parametrize("body", [
    "Por favor, no me den de baja, me encanta.",
    "配信を停止しないでください。",
    "Please do not remove me from your list.",
    "I don't want to miss any more emails!",
    "Bitte nehmen Sie mich in Ihren Verteiler auf.",  # "please add me"
])
def test_a_negated_opt_out_is_no_request(body):
    assert _reply(body)[0] != "unsubscribe"


@pytest.mark.parametrize("body", [
    # saying that mail stopped coming is no request to stop it
    "I have received no more emails since May.",
    "Since the update I get no more newsletters.",
    "Ich bekomme keine E-Mails mehr von Ihnen.",
    "Ich habe keine E-Mails mehr erhalten.",
    # a wish about which mail, not about all of it
    "I don't want emails about shoes, only bags.",
    "No quiero recibir correos sobre zapatos, solo bolsos.",
])
def test_words_near_an_opt_out_that_ask_for_none(body):
    assert _reply(body)[0] != "unsubscribe"


@pytest.mark.parametrize("body", [
    "Sono fuori ufficio fino al 7 gennaio e non potrò leggere la posta.",
    "Estaré de vacaciones hasta el miércoles 8 de enero con acceso limitado al correo.",
    "Ich bin bis 5.1. nicht im Büro.",
    "Ik ben afwezig tot 6 januari.",
    "Jestem na urlopie do 6 stycznia.",
    "I am out of the office until 4 January with limited access to email.",
])
def test_an_unmarked_out_of_office_answer_is_an_automatic_reply(body):
    assert _reply(body)[0] == "auto_reply"


def test_the_subject_of_an_italian_out_of_office_marks_it():
    assert _reply("Per urgenze scrivere a segreteria@example.org.", "Fuori sede: Our December news")[0] == "auto_reply"


@pytest.mark.parametrize(("body", "kind"), [
    ("I'm on vacation until Monday, please remove me from your list.", "unsubscribe"),
    ("I am out of the office until 4 January. Can you ship to Austria?", "unknown"),
    ("We are closed until 7 January for inventory.", "unknown"),
])
def test_being_away_does_not_hide_what_a_person_writes(body, kind):
    assert _reply(body)[0] == kind


def test_a_japanese_footer_offering_to_stop_delivery_is_no_request():
    assert _reply("素敵なニュースをありがとう。\n配信停止はこちら: https://shop.example/u")[0] != "unsubscribe"
