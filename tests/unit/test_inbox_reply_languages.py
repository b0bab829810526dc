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
    "Rimuovete il mio indirizzo email, grazie.",
    "Je ne veux plus recevoir vos e-mails.",
    "Verwijder mij van de lijst.",
    "No more emails please.",
    "Please, no more emails.",
    "Ich möchte keine Werbung mehr.",
    "Schicken Sie mir bitte keine E-Mails mehr.",
    # a failed attempt or a denial of consent before the request: still a request
    "I can't unsubscribe with your link, it is broken.",
    "I never asked for this remove me",
    "I do not know who you are remove me from your list",
    "I would like to receive no more emails from you.",
    "Hi - no more emails please",
    "I no longer wish to receive your emails.",
    "Ich will keine Newsletter mehr.",
    "Keine Werbung mehr, bitte.",
    "Por favor, no me envíen más correos.",
    "Ik wil geen nieuwsbrief meer ontvangen.",
    # more languages: Polish, Russian, Chinese, Korean, Danish, Norwegian, Portuguese, Czech,
    # Turkish, Hungarian, Finnish
    "Proszę o wypisanie z listy.", "Отпишите меня, пожалуйста.", "请退订", "수신거부", "Afmeld mig venligst.",
    "Meld meg av.", "Por favor, me remova da lista.", "Odhlaste mě prosím.", "Lütfen beni listeden çıkarın.",
    "Kérem, iratkoztasson le.", "Poistakaa minut listalta.",
    # the verb first, the address as its object; a passive wish; French with "me retirer"; a
    # sentence the mail program wrapped
    "Guten Tag,\n\nbitte nehmen Sie meine Adresse aus Ihrem Newsletter-Verteiler. Danke.",
    "Dr. Okafor would like to be removed from your mailing list.",
    "Bonjour, merci de me retirer de votre liste. Cordialement",
    "Hello, please stop\nsending me the newsletter.",
])
def test_an_opt_out_in_a_sentence_of_one_s_own(body):
    assert _reply(body) == ("unsubscribe", False)


@pytest.mark.parametrize("body", [
    "Por favor, no me den de baja, me encanta.",
    "配信を停止しないでください。",
    "Please do not remove me from your list.",
    "I don't want to miss any more emails!",
    "Bitte nehmen Sie mich in Ihren Verteiler auf.",  # "please add me"
    "我不想退订", "请不要退订我", "Не отписывайте меня", "Não me remova da lista", "Ikke afmeld mig",
    "수신거부하지 마세요",
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
    # asking to stop or remove something else than our mail: an address for parcels, a wish list,
    # a paper catalogue, calls, an order, a waiting list, an invoice
    "Please delete my address in Berlin from my account, I moved to Hamburg.",
    "The blue jacket is sold out, please take it off my wish list.",
    "I don't want any more messages by SMS, email is fine.",
    "Löschen Sie bitte meine Bestellung vom 3. Mai, ich habe doppelt bestellt.",
    "Schicken Sie mir bitte keine Papierkataloge mehr, die E-Mails reichen mir völlig.",
    "Ich möchte keine E-Mail verpassen!",
    "Könnten Sie den blauen Pullover aus der Wunschliste entfernen?",
    "Nehmen Sie meine Tochter aus dem Kurs am Montag.",
    "Je ne veux plus recevoir le catalogue papier, la newsletter me suffit.",
    "Supprimez mon adresse de livraison à Lyon, j'ai déménagé.",
    "Retirez-moi de la liste d'attente pour le vélo rouge.",
    "No quiero recibir más llamadas, escríbanme por email.",
    "Por favor, den de baja el pedido 1234.",
    "Bórrenme el artículo del carrito.",
    "Não quero mais receber ligações, só e-mails.",
    "Removam o meu endereço de entrega antigo.",
    "Quero cancelar a assinatura do plano premium.",
    "Per favore rimuovete l'articolo dal mio ordine.",
    "Non voglio più ricevere telefonate, scrivetemi solo per email.",
    "Verwijder mijn adres in Utrecht, ik woon nu in Delft.",
    "Haal me uit de wachtrij voor de fiets.",
    "Proszę wypisać fakturę na firmę XYZ.",
    "Rezygnuję z zamówienia nr 123.",
    "Nie chcę już otrzymywać faktur papierowych, wystarczą e-maile.",
    "Ta bort mig från väntelistan för cykeln.",
    "配信停止されたようです。再開してください。",
    "配信停止はしないでください。",
    "登録を解除していないのに届きません。",
])
def test_a_request_about_something_else_is_no_opt_out(body):
    assert _reply(body)[0] != "unsubscribe"


@pytest.mark.parametrize("body", [
    "Sono fuori ufficio fino al 7 gennaio e non potrò leggere la posta.",
    "Estaré de vacaciones hasta el miércoles 8 de enero con acceso limitado al correo.",
    "Ich bin bis 5.1. nicht im Büro.",
    "Ik ben afwezig tot 6 januari en lees mijn e-mail niet.",
    "Jestem na urlopie do 6 stycznia, odpowiem na wiadomość po powrocie.",
    "Ich bin vom 20.12. bis 6.1. im Urlaub. Ihre E-Mail wird nicht weitergeleitet.",
    "Je suis absente du bureau jusqu'au 6 janvier.",
    "Thank you for your message. I am out of the office until 3 January. For urgent matters please contact bob@example.org.",
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
    # a person who is (or was) away and writes about something else
    ("I was out of the office until yesterday, so I missed the sale. Please extend the discount for me.", "unknown"),
    ("Please hold my parcel at the depot, I am away until the 20th.", "unknown"),
    ("I'm currently on leave, but I went through your catalogue and want to order the red lamp.", "unknown"),
    ("Ich war im Urlaub bis gestern und habe die Bestellung nicht erhalten. Bitte schicken Sie sie nochmal.", "unknown"),
    ("Ich bin ab Montag abwesend, bitte liefern Sie bis Freitag.", "unknown"),
    ("Sono in ferie fino al 10, spedite pure l'ordine 555.", "unknown"),
    ("I am away until the 20th, please send the invoice by email.", "unknown"),
])
def test_being_away_does_not_hide_what_a_person_writes(body, kind):
    assert _reply(body)[0] == kind


@pytest.mark.parametrize("body", [
    # a robot that says it is one, answering the confirmation request (its subject repeated)
    "This is an automatic reply. I am no longer employed at Nordlicht AS; please write to post@nordlicht.example.",
    "Dies ist eine automatische Antwort. Ich bin bis zum 12.08. nicht erreichbar.",
    # a challenge-response system asking us to prove we are a person
    "I'm protecting myself from receiving junk mail. Just this once, click the link below so I can receive your "
    "email.\nhttp://verify.example/a2?id=1",
])
def test_a_robot_answering_the_confirmation_request_confirms_nothing(body):
    assert _answer(body)[0] == "auto_reply"


def test_a_japanese_footer_offering_to_stop_delivery_is_no_request():
    assert _reply("素敵なニュースをありがとう。\n配信停止はこちら: https://shop.example/u")[0] != "unsubscribe"


_REQUEST = "Please confirm your subscription to Corner Shop (ref. mdc3e8xvfovmrowbp7lmtig)"


def _answer(body: str, subject: str = f"Re: {_REQUEST}") -> tuple[str, bool]:
    raw = (f"From: Anna <anna@example.org>\nTo: confirm+mdc3e8xvfovmrowbp7lmtig@shop.example\nSubject: {subject}\n"
           "Message-ID: <a1@example.org>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"
           f"{body}\n").encode()
    (result,) = classify(raw)
    return result.kind, result.review


_QUOTED = ("Hello Anna, please confirm that you want to receive our newsletter by replying to this message. "
           "If you did not ask for it, ignore this message and you will hear no more from us.\n"
           "Corner Shop, 1 Main Street — Unsubscribe: https://shop.example/u/mdu3e8xe3fh5cjpaxnyaxbh")


@pytest.mark.parametrize(("body", "answer"), [
    # the person's words below the quote (bottom-posting)
    ("Am 16.07.24 um 10:21 schrieb Corner Shop:\n> " + _QUOTED.replace("\n", "\n> ") + "\n\nNein danke.\n\nW. Huber",
     ("unsubscribe", False)),
    # a quote under a header block in another language: its "hear no more" and "Unsubscribe" are ours
    (f"Sì\n\nFrancesca\n\nDa: Corner Shop <news@shop.example>\nInviato: martedì 16 luglio 2024\n\n{_QUOTED}",
     ("confirmation", False)),
    (f"Ja graag!\n\nVan: Corner Shop <news@shop.example>\nVerzonden: dinsdag 16 juli 2024\n\n{_QUOTED}",
     ("confirmation", False)),
    # only a signature and its disclaimer above a quote that is not marked line by line: it may hide
    # words written below it, so a person reads it (an empty reply above a "> " quote confirms)
    ("Kind regards,\nThomas Reed\nIf you no longer wish to receive marketing e-mails from us, reply with "
     "UNSUBSCRIBE.\n\nFrom: Corner Shop <news@shop.example>\n" + _QUOTED, ("confirmation", True)),
    ("Kind regards,\nThomas Reed\n\nOn Tue, 16 Jul 2024, Corner Shop <news@shop.example> wrote:\n> "
     + _QUOTED.replace("\n", "\n> "), ("confirmation", False)),
    # an empty reply above Outlook's header block, with the person's "no" written below the quote
    ("\nDa: Corner Shop <news@shop.example>\nInviato: martedì 16 luglio 2024\n\n" + _QUOTED
     + "\n\nNo grazie, non mi sono mai iscritta.", ("confirmation", True)),
    # the first quoted line is ours, not the person's; Apple Mail's attribution inside the quote
    ("> If you did not ask for it, ignore this message and you will hear no\n> more from us.\n\n"
     "I did ask - yes please!", ("confirmation", False)),
    ("> On 16 Jul 2024, at 10:21, Corner Shop <news@shop.example> wrote:\n> " + _QUOTED.replace("\n", "\n> "),
     ("confirmation", False)),
    # an attribution line in Spanish above the quote
    ("Sí\n\nEl mar, 16 jul 2024 a las 10:21, Corner Shop (<news@shop.example>) escribió:\n> "
     + _QUOTED.replace("\n", "\n> "), ("confirmation", False)),
    # a ticket robot that says it is one below its "Kind regards" (automatic: confirms nothing), a
    # P.S. below a signature
    ("Thank you for contacting us.\n\nKind regards,\nCustomer Service\n\nThis is an automated reply - please do "
     "not reply.", ("auto_reply", False)),
    ("Thanks for getting in touch.\n\nKind regards,\nAnna\n\nP.S. I never signed up for this - please remove me.",
     ("unsubscribe", False)),
    ("Jag avstår, tack.", ("unsubscribe", False)),
    # yes in more languages, above the attribution lines their mail programs write
    ("Sim\n\nEm 16/07/2024 10:21, Corner Shop escreveu:\n> " + _QUOTED.replace("\n", "\n> "), ("confirmation", False)),
    ("Tak\n\nwt., 16 lip 2024 o 10:21 Corner Shop <news@shop.example> napisał(a):\n> "
     + _QUOTED.replace("\n", "\n> "), ("confirmation", False)),
    ("はい\n\n2024年7月16日(火) 10:21 Corner Shop <news@shop.example>:\n> " + _QUOTED.replace("\n", "\n> "),
     ("confirmation", False)),
    ("Ja graag\n\nOp 16-07-2024 om 10:21 schreef Corner Shop:\n> " + _QUOTED.replace("\n", "\n> "),
     ("confirmation", False)),
    ("Ja tack\n\nDen 2024-07-16 kl. 10:21, skrev Corner Shop:\n> " + _QUOTED.replace("\n", "\n> "),
     ("confirmation", False)),
    # an absence below the signature of a short "Danke!"
    ("Danke!\n\nViele Grüße\nTom\n\nIch bin bis 22.07. nicht im Büro und lese keine E-Mails.", ("confirmation", True)),  # "I'll pass, thanks" (its "ja" and "tack" are no yes)
    ("Please don't add me to your mailing list. Thank you.", ("unsubscribe", False)),
    # "no problem, but ..." and a yes with a condition or another address: for a person
    ("No problem, but can you send it monthly only?", ("confirmation", True)),
    ("Ja tak, men send det venligst til min arbejdsadresse lene@kontor.example i stedet.", ("confirmation", True)),
    ("Vem har gett er min adress? Jag har aldrig anmält mig hos er.", ("unsubscribe", False)),
    # no, thanks, and "I never signed up", in more languages: an opt-out, never a yes
    *[(no, ("unsubscribe", False)) for no in (
        "Nie, dziękuję", "Нет, спасибо", "不用了，谢谢", "不要", "いいえ、結構です", "아니요, 괜찮습니다", "Não, obrigado",
        "Ne, děkuji", "Hayır, teşekkürler", "Nem, köszönöm", "Ei kiitos", "Я не подписывался", "我没有订阅",
        "登録した覚えはありません", "구독한 적 없습니다")],
    # "no problem" is no refusal (a person reads it), "Ne sarei felice" (Italian) no Czech "no"
    ("Nie ma problemu", ("confirmation", True)), ("Não tem problema, sim", ("confirmation", True)),
    ("Ne sarei felice", ("confirmation", True)),
    # yes in more languages
    *[(yes, ("confirmation", False)) for yes in ("Да", "Ano", "Evet", "Igen", "Kyllä", "Да, конечно", "Ano, prosím", "👍")],
    # a question beside a yes: the person is unsure or asks something — a person reads it
    *[(asked, ("confirmation", True)) for asked in (
        "Yes?", "Ja?", "Wer sind Sie? Ja, ich frage.", "Кто дал вам мой адрес? Да как вы смеете!", "Igen? Ki maga?",
        "是的？", "¿Sí")],
    # a yes with a condition, in more languages: a person reads it
    *[(but, ("confirmation", True)) for but in (
        "Да, но только раз в месяц", "Evet ama ayda bir", "Kyllä, mutta vain kerran kuukaudessa", "是的，但只要每月一次",
        "はい、でも月一回だけ", "네, 하지만 한 달에 한 번만", "Igen, de csak havonta", "Ano, jen jednou měsíčně",
        # "if", "unless", "as long as" are conditions too
        "yes if it's free", "Yes, unless you share my address", "Ja, falls es kostenlos ist", "Да, если это бесплатно",
        "Tak, jeśli to nic nie kosztuje", "是的，如果是免费的")],
])
def test_a_reply_to_a_confirmation_request(body, answer):
    assert _answer(body) == answer


@pytest.mark.parametrize("subject", [
    "YNT: Please confirm your subscription", "Odp: Please confirm your subscription", "VS: Please confirm your subscription",
    "Vá: Please confirm your subscription", "Ответ: Please confirm your subscription", "回复：Please confirm your subscription",
    "返信: Please confirm your subscription", "회신: Please confirm your subscription", "ΑΠ: Please confirm your subscription",
])
def test_a_reply_prefix_in_another_language_marks_a_reply_to_the_confirmation_request(subject):
    raw = (f"From: Anna <anna@example.org>\nTo: confirm@shop.example\nSubject: {subject}\nMessage-ID: <a1@example.org>\n"
           "Content-Type: text/plain; charset=utf-8\n\nYes\n").encode()
    ((kind, review),) = [(r.kind, r.review) for r in classify(raw)]
    assert (kind, review) == ("confirmation", True)  # no token: a person matches it to the request


@pytest.mark.parametrize(("body", "answer"), [
    # the person's words below a quote under an attribution line in another language
    ("2025. 03. 11. 7:58 keltezéssel, Shop írta:\n> " + _QUOTED.replace("\n", "\n> ") + "\n\nIgen, megerősítem.",
     ("confirmation", False)),
    ("11 мар. 2025 г., в 10:21, Shop <news@shop.example> написал(а):\n> " + _QUOTED.replace("\n", "\n> ")
     + "\n\nДа, подтверждаю.", ("confirmation", False)),
    # yes, no and "who are you" in more languages
    ("Ναι, επιβεβαιώνω την εγγραφή μου.\n\nΣτάλθηκε από το iPhone μου", ("confirmation", False)),
    ("Vâng, tôi xác nhận đăng ký.", ("confirmation", False)),
    ("購読の確認をいたします。", ("confirmation", False)),
    ("内容を確認します。後ほど連絡します。", ("confirmation", True)),  # "I'll check it, I'll write later": no yes
    ("내용 확인합니다", ("confirmation", True)),
    ("Kdo jste? K žádnému odběru jsem se nepřihlašoval.", ("unsubscribe", False)),
    ("Nu, mulțumesc. Nu vreau să mă abonez.", ("unsubscribe", False)),
])
def test_a_reply_to_a_confirmation_request_in_more_languages(body, answer):
    assert _answer(body) == answer


@pytest.mark.parametrize("body", [
    "你好，\n请不要再给我发这种邮件了，我要退订。\n谢谢。\n------------------ 原始邮件 ------------------\n"
    "发件人: \"Shop\"<news@shop.example>;\n主题: Our news\n\nOur news ... " + "x" * 400,
    "Dobrý deň,\nprosím, odhláste ma z odberu noviniek.",
    "Будь ласка, видаліть мою адресу з вашої розсилки.",
    "נא להסיר אותי מרשימת התפוצה שלכם.",
    "กรุณายกเลิกการส่งจดหมายข่าวมาที่อีเมลนี้",
    "توقفوا عن مراسلتي فوراً.",
])
def test_an_opt_out_in_still_more_languages(body):
    assert _reply(body) == ("unsubscribe", False)


_MARKED = "\n> " + _QUOTED.replace("\n", "\n> ")


@pytest.mark.parametrize(("body", "answer"), [
    # a greeting alone above a quote marked line by line, the words below it: all are read
    ("Здравствуйте, Shop.\n\nВы писали 11 марта 2025 г., 11:30:02:" + _MARKED + "\n\nДа, подтверждаю.",
     ("confirmation", False)),
    ("Hi," + _MARKED + "\n\nNo thanks", ("unsubscribe", False)),
    ("Dear Shop," + _MARKED + "\n\nPlease remove me.", ("unsubscribe", False)),
    # nothing below: the greeting alone is no yes
    ("Hello," + _MARKED, ("confirmation", True)),
    # the top is never dropped: a refusal above, a signature below
    ("Hello Shop, I never signed up!" + _MARKED + "\n\n-- \nSent from my phone", ("unsubscribe", False)),
])
def test_a_greeting_above_the_quote_and_the_answer_below_it(body, answer):
    assert _answer(body) == answer

