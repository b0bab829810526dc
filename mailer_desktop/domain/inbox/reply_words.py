"""The words people write to ask for an opt-out, and the marks of an out-of-office answer its
headers do not give, in the languages the inbox reads (English, German, French, Spanish,
Portuguese, Italian, Dutch, Polish, Swedish, Japanese; the common opt-out phrases also in Russian,
Chinese, Korean, Danish, Norwegian, Czech, Turkish, Hungarian and Finnish). Read by :mod:`.replies`.
"""

from __future__ import annotations

import re

# What an opt-out asked in one's own words stops, in each language: mail, not a catalogue or a call.
_EN_MAIL = r"(?:e-?mails|emails|mails|newsletters?|mailings)"
_DE_MAIL = r"(?:[\w-]+-)?(?:e-?mails?|newsletter|mails?|nachrichten|werbung)"
_FR_MAIL = r"(?:e-?mails?|courriels?|newsletters?|lettres? d'information|mails?)"
_ES_MAIL = (r"(?:correos(?: electr[o\u00f3]nicos)?|e-?mails|emails|mensajes(?: promocionales)?|newsletters?|boletines|"
            r"promociones|publicidad)")
_PT_MAIL = r"(?:e-?mails|emails|mensagens|newsletters?|promo[c\u00e7][o\u00f5]es|informativos?)"
_IT_MAIL = r"(?:e-?mails?|email|mail|newsletters?|comunicazioni|offerte|messaggi promozionali)"
_NL_LIST = r"(?:lijst|mailinglijst|nieuwsbrief|verzendlijst|mailing)"
_PL_MAIL = r"(?:e-?maili|maili|wiadomo\w+|newsletter\w*|ofert|reklam|informacji handlowych)"
UNSUBSCRIBE_WORDS = re.compile(
    r"(?i)\b(?:unsubscribe|unsubscribing|unsub|remove me|remove my (?:e-?mail|address|name)|take me off|"
    r"opt(?:-| )?out|stop (?:sending|e-?mailing|mailing|all)|"
    r"(?:do not|don'?t) (?:e-?mail|send|contact) me|abmelden|abbestellen|austragen|abmeldung|"
    r"d[e\u00e9]sabonn\w*|d[e\u00e9]sinscri\w*|dar(?:me|se|nos)? de baja|cancelar (?:la |mi )?suscripci\u00f3n|"
    r"canc[e\u00e9]lame|disiscriv\w*|cancellami|cancellatemi|uitschrijven|afmelden|meld (?:me|mij) af|"
    r"melden? (?:sie |du )?mich\b.{0,30}?\bab|avregistrera|avsluta (?:min |mitt )?prenumeration|"
    # the same asked in a sentence of one's own, in English and in the languages above — always
    # with what is to stop: our mail, the list, the address ("delete my address in Berlin", "take it
    # off my wish list", "keine Papierkataloge mehr", "rezygnuję z zamówienia" ask something else)
    r"delete my (?:e-?mail(?: address)?|personal data|data)\b|take my e-?mail(?: address)? off|"
    r"take (?:me|it|this address|my (?:e-?mail|address|name)) off (?:of )?(?:your|the|this|that|whatever|any|all|every)"
    r"(?: (?:mailing|e-?mail|newsletter|distribution|marketing|contact))? lists?\b|"
    r"(?:do not|don'?t) want (?:to (?:receive|get) )?(?:any ?more|any further|more|further) " + _EN_MAIL + r"|"
    r"no longer (?:wish|want) to (?:receive|get) (?:\w+ )?" + _EN_MAIL + r"|"
    r"\bbe removed from (?:your|the|this|that|all|any) (?:\w+ ){0,2}(?:lists?|newsletters?|mailings?)\b|"
    r"aus (?:ihrem|dem|ihrer|der|eurem) (?:newsletter-?|e-?mail-?|mail-?)?(?:verteiler|newsletter|mailingliste|e-?mail-?liste|adressliste)"
    r"\w* (?:zu )?(?:nehmen|streichen|l[o\u00f6]schen|entfernen|austragen)|"
    # (a wish or a request to send: "ich bekomme keine E-Mails mehr" says something else)
    r"keine (?:weiteren )?" + _DE_MAIL + r" mehr (?:zu )?(?:schicken|senden|zusenden)|"
    r"(?:m[o\u00f6]chte|will|w\u00fcnsche) (?:\w+ ){0,2}keine (?:weiteren )?" + _DE_MAIL + r" mehr|"
    r"(?:schicken|senden) sie mir (?:bitte )?keine (?:weiteren )?" + _DE_MAIL + r"|"
    r"(?:^|(?<=[.!,;:]))\s*keine (?:weiteren )?" + _DE_MAIL + r" mehr|"  # "Keine Werbung mehr, bitte"
    r"(?:l[o\u00f6]schen|entfernen|streichen|nehmen|tragen) sie (?:bitte )?(?:mich|meine (?:e-?mail-?)?adresse|meine e-?mail) "
    r"(?:bitte )?(?:aus|von)\b|"
    r"(?:l[o\u00f6]schen|entfernen) sie (?:bitte )?meine (?:e-?mail-?adresse|e-?mail|daten)\b|"
    r"d[e\u00e9]n(?:me|nos) de baja|(?:b[o\u00f3]rr|elim[i\u00ed]n)(?:en|e)(?:me|nos) de (?:la |su |sus |esta |vuestra |tu )?"
    r"(?:lista|base de datos|newsletter|bolet[i\u00ed]n|env[i\u00ed]os|correos)|"
    r"no (?:quiero|deseo) (?:seguir recibiendo|recibir m[a\u00e1]s) (?:sus |vuestros |estos |los |m[a\u00e1]s )?" + _ES_MAIL + r"|"
    r"no (?:me )?(?:env[i\u00ed]en|manden|mand[e\u00e9]is) m[a\u00e1]s " + _ES_MAIL + r"|"
    r"remov(?:am|a|er|endo) (?:o )?meu (?:e-?mail|endere[c\u00e7]o de e-?mail|endere[c\u00e7]o eletr[o\u00f4]nico)|descadastr\w*|"
    r"cancelar (?:a |minha )?(?:inscri[c\u00e7][a\u00e3]o|assinatura) (?:da|na|do|dos|de) (?:newsletter|lista|boletim|informativo|e-?mails?)|"
    r"n[a\u00e3]o quero (?:mais receber|receber mais) (?:\w+ )?" + _PT_MAIL + r"|"
    r"rimuovetemi\b|rimuovete il mio (?:indirizzo (?:e-?mail|email|di posta)|e-?mail|contatto)|"
    r"rimuovere (?:il )?mio (?:indirizzo (?:e-?mail|email|di posta)|e-?mail)|"
    r"non (?:voglio|desidero) (?:pi[u\u00f9] ricevere|ricevere pi[u\u00f9]) (?:\w+ )?" + _IT_MAIL + r"|"
    r"(?:retirez[- ]moi|me retirer|me supprimer|me d\u00e9sinscrire) (?:de|des) (?:(?:la |votre |vos |cette |ces )?"
    r"(?:liste de diffusion|listes? d'envoi|newsletter|mailing|fichier)|(?:votre|vos) listes?\b(?! d'attente))|"
    r"supprimez (?:mon adresse (?:e-?mail|mail|[e\u00e9]lectronique)|mon e-?mail|mon courriel)|"
    r"je ne (?:veux|souhaite) plus recevoir (?:vos |de |des |les |d'|ces )?" + _FR_MAIL + r"|"
    r"ne m'envoyez plus\b|non (?:mi )?(?:inviate|mandate)(?:mi)? pi[u\u00f9]\b|non inviatemi pi[u\u00f9]\b|"
    r"wypisa[c\u0107] mnie|wypisz(?:cie)? mnie|wypisanie (?:mnie|mojego adresu)|"
    r"usuni[e\u0119]cie (?:mojego )?adresu (?:e-?mail|mailowego|poczty)|usu[n\u0144](?:cie)? (?:m[o\u00f3]j )?adres (?:e-?mail|mailowy)|"
    r"rezygnuj[e\u0119] z (?:subskrypcji|newslettera|otrzymywania|mailingu|wiadomo\w+|prenumeraty)|"
    r"nie chc[e\u0119] (?:ju[z\u017c] )?otrzymywa[c\u0107] (?:\w+ ){0,2}" + _PL_MAIL + r"|"
    r"verwijder (?:mij|me) (?:uit|van) (?:de |uw |jullie |deze |het )?" + _NL_LIST + r"|verwijder mijn e-?mail(?:adres)?|"
    r"haal (?:mij|me) (?:van|uit) (?:de |uw |jullie |deze |het )?" + _NL_LIST + r"|ik wil geen (?:\w+ )?(?:nieuwsbrie\w+|e-?mails?|mails?) meer|"
    r"ta bort mig (?:fr[a\u00e5]n|ur) (?:er |eran |ert |detta |denna )?(?:lista|listan|utskickslistan|e-?postlistan|nyhetsbrevet|utskick\w*)|"
    r"avanm[a\u00e4]l\w*|"
    # Polish "o wypisanie z listy", Russian, Danish, Norwegian, Portuguese "remova-me", Czech,
    # Turkish, Hungarian, Finnish
    r"o wypisanie(?: mnie)? z (?:listy|newslettera|subskrypcji|mailingu|bazy)|"
    r"\u043e\u0442\u043f\u0438\u0448\u0438\u0442\u0435 \u043c\u0435\u043d\u044f|"
    r"\u043f\u0440\u043e\u0448\u0443 (?:\u043c\u0435\u043d\u044f )?\u043e\u0442\u043f\u0438\u0441\u0430\u0442\u044c|"
    r"\u0443\u0434\u0430\u043b\u0438\u0442\u0435 \u043c\u0435\u043d\u044f \u0438\u0437 (?:\u0440\u0430\u0441\u0441\u044b\u043b\u043a\u0438|"
    r"\u0441\u043f\u0438\u0441\u043a\u0430|\u0431\u0430\u0437\u044b)|"
    r"afmeld mig|meld meg (?:av|ut)|remova-me|me remova (?:da|de|dessa|desta) (?:lista|newsletter|base)|"
    r"odhla(?:s|\u0161)te m[e\u011b]|odhl[a\u00e1]ste ma|listeden [c\u00e7][i\u0131]kar[i\u0131]n|iratkoztasson le|poistakaa minut|"
    # Ukrainian, Hebrew ("remove me"), Arabic ("cancel the subscription")
    r"\u0432\u0438\u0434\u0430\u043b\u0456\u0442\u044c \u043c\u043e\u044e \u0430\u0434\u0440\u0435\u0441\u0443|"
    r"\u0432\u0456\u0434\u043f\u0438\u0448\u0456\u0442\u044c \u043c\u0435\u043d\u0435|"
    r"\u05dc\u05d4\u05e1\u05d9\u05e8 \u05d0\u05d5\u05ea\u05d9|\u05d4\u05e1\u05d9\u05e8\u05d5 \u05d0\u05d5\u05ea\u05d9|"
    r"\u0625\u0644\u063a\u0627\u0621 \u0627\u0644\u0627\u0634\u062a\u0631\u0627\u0643|"
    r"\u062a\u0648\u0642\u0641\u0648\u0627 \u0639\u0646 (?:\u0645\u0631\u0627\u0633\u0644\u062a\u064a|\u0625\u0631\u0633\u0627\u0644))\b"
    # Thai ยกเลิกการส่ง / ยกเลิกการสมัคร / ยกเลิกการรับ (cancel the sending, the subscription, the receiving)
    r"|\u0e22\u0e01\u0e40\u0e25\u0e34\u0e01\u0e01\u0e32\u0e23(?:\u0e2a\u0e48\u0e07|\u0e2a\u0e21\u0e31\u0e04\u0e23|\u0e23\u0e31\u0e1a)"
    # Chinese 退订 / 退訂 (unsubscribe), Korean 수신거부 (refuse to receive)
    r"|\u9000\u8ba2|\u9000\u8a02|\uc218\uc2e0 ?\uac70\ubd80(?!\ud558\uc9c0)"
    # Japanese: stop / cancel the delivery, the registration, the subscription — not "please don't"
    # (しないで), "was stopped" (された), "I haven't cancelled" (していない)
    r"|(?:\u914d\u4fe1|\u767b\u9332|\u8cfc\u8aad)\u3092?(?:\u505c\u6b62|\u89e3\u9664)"
    r"(?![\u306f\u3092\u3082\u304c\u306e]?(?:\u3057\u306a\u3044|\u3057\u307e\u305b\u3093|\u3057\u306a\u304f|\u3055\u308c|\u3057\u3066\u3044?\u306a|\u3057\u3066\u3044\u307e\u305b\u3093))"
    # "No more emails (please)" — not "I have received no more emails since May", "no more
    # newsletters have reached me", "no more emails arrived"
    r"|(?<!received )(?<!got )(?<!get )(?<!getting )(?<!gotten )(?<!had )\bno (?:more|further) (?:\w+ )?" + _EN_MAIL
    + r"\b(?! (?:have|has|had|were|was) (?:reached|arrived|come|been))(?! (?:arrived|came|reached|come)\b)(?!,? since\b)"
)

# An out-of-office answer its headers and subject do not mark: the writer *is* (or will be) away,
# says until when, and says it about the office or the mail ("with no access to email", "will
# answer on my return") — and asks nothing: no "?", no request beyond "please contact X". "I was
# away until yesterday, please resend the order" and "I am away until the 20th, please hold my
# parcel" are a person's mail.
ABSENT = re.compile(
    r"(?i)^\W*out of (?:the )?office\b|\b(?:i am|i'm|i will be|i'll be|we are|we're|currently) (?:currently )?"
    r"(?:out of (?:the |my )?office|away|absent|on (?:annual |parental |sick )?leave|on (?:vacation|holiday))|"
    r"\bich bin\b[^!?\n]{0,40}?\b(?:nicht im b\u00fcro|abwesend|im urlaub|au(?:\u00df|ss)er haus)\b|"
    r"\bje (?:suis|serai)\b[^!?\n]{0,30}?\b(?:absente?|en cong\u00e9s?|hors du bureau|en vacances)\b|"
    r"\b(?:estoy|estar\u00e9|estamos)\b[^!?\n]{0,30}?(?:de vacaciones|ausente|fuera de la oficina)|"
    r"\b(?:sono|sar\u00f2)\b[^!?\n]{0,30}?(?:fuori (?:ufficio|sede)|assente|in ferie)|"
    r"\b(?:ik ben|ben ik)\b[^!?\n]{0,30}?(?:afwezig|met vakantie|op vakantie)|"
    r"\b(?:estou|estarei)\b[^!?\n]{0,30}?(?:de f\u00e9rias|ausente|fora do escrit\u00f3rio)|"
    r"\bjestem\b[^!?\n]{0,30}?(?:poza biurem|na urlopie)|\bjag \u00e4r\b[^!?\n]{0,30}?(?:fr\u00e5nvarande|p\u00e5 semester|ledig)")
UNTIL = re.compile(
    r"(?i)\b(?:until|till|through|returning|back on|bis|jusqu|hasta|fino al?|tot|t\.o\.m\.?|at\u00e9|do(?= \d)|to(?= \d))\b")
# ... about the office or the mail: absence from the office, the mail unread or answered later
ABOUT_MAIL = re.compile(
    r"(?i)\b(?:out of (?:the |my )?office|away from (?:the |my )?(?:office|desk)|nicht im b\u00fcro|(?:hors|absente?) du bureau|"
    r"fuera de la oficina|fuori (?:ufficio|sede)|poza biurem|e-?mails?|mails?|messages?|nachricht\w*|post\b|"
    r"correo\w*|posta\b|courriels?|berichten|wiadomo\w+|poczt\w+|e-?post|will be back|back in the office|"
    r"(?:upon|on|after) my return|when i (?:return|am back|'m back)|nach meiner r\u00fcckkehr|wieder im b\u00fcro|"
    r"\u00e0 mon retour|de retour|a mi (?:regreso|vuelta)|al mio rientro|na mijn terugkeer|po powrocie|tillbaka)")
# A request to us, other than the responder's usual "please contact / call / write to X".
REQUEST = re.compile(
    r"(?i)\b(?:please|kindly|bitte|merci de|veuillez|por favor|per favore|prosz\u0119|graag|gelieve|can you|could you)\b"
    r"(?!(?:\W+\w+)?\W+(?:contact|call|write|reach|email|e-mail|wenden|kontaktier|contacte[rz]?|contactar|"
    r"contatt\w+|neem|skontaktuj|kontakta|schreiben|\u00e9crivez|escriba|scrivete|chiamate|rufen|appelez|llame)\b)")


# -- what a reply to a confirmation request says (read by replies.confirmation_intent) ------------
# Refusals and opt-outs in the languages the inbox reads (en, de, fr, es, it, nl, sv).
REFUSAL = re.compile(
    r"(?i)(?:^\W*(?:no|nope|nah|nein|non|nee|nej)\b(?!\W*(?:problem|problemo|worries|doubt|question|prob)\b)|\bno,? thanks?\b|\bno thank you\b|"
    r"\bnot interested\b|\bnever (?:signed|subscribed|registered|asked|opted)|"
    r"\b(?:did not|didn'?t|have not|haven'?t|never) (?:sign(?:ed)? up|subscribe|register|ask|opt(?:ed)? in)|"
    r"\b(?:do not|don'?t) (?:add|subscribe|sign(?: up)?|put) me\b|\bavst\u00e5r\b|\bnei,? takk\b|\bbitte nicht (?:eintragen|anmelden|aufnehmen)|"
    r"\bne m'inscrivez pas|\bno me (?:suscriban|a\u00f1adan|agreguen|apunten)|\bnon iscrivetemi|\bschrijf me niet in|"
    r"\bwho (?:are you|is this)\b|\bwho gave you my (?:address|e-?mail)|\bwer hat ihnen meine (?:adresse|e-?mail)|"
    r"\bqui vous a donn\u00e9 mon (?:adresse|e-?mail)|\bqui\u00e9n (?:le|les) dio mi (?:direcci\u00f3n|correo)|"
    r"\baldrig anm\u00e4lt|\binte anm\u00e4lt|\bvem (?:har )?gett (?:er|dig) min adress|\bwrong (?:person|address|e-?mail)\b|\bspam\b|\bstop\b|\bcancel\b|"
    r"\bkein interesse\b|\bnie angemeldet|\bnicht angemeldet|\bnicht bestellt|\bkeine (?:e-?mails|mails|werbung)|"
    r"\bpas int\u00e9ress\u00e9|\bjamais inscrit|\bpas inscrit|\bne (?:m'ai|me suis) (?:jamais|pas)|"
    r"\bno me (?:he )?suscrib|\bnunca me suscrib|\bno estoy interesad|"
    r"\bnon (?:sono|mi sono) (?:mai )?iscritt|\bmai iscritt|\bnon mi interessa|"
    r"\bniet ge\u00efnteresseerd|\bnooit aangemeld|\bniet aangemeld|\binte intresserad|\baldrig anm\u00e4ld|"
    # opt-out verbs by their stems, whatever the ending (désabonnez-moi, abmelden, uitschrijven ...)
    r"\b(?:d[e\u00e9]sabonn|d[e\u00e9]sinscri|abmeld|abbestell|austrag|uitschrijv|afmeld|disiscriv|cancellam|"
    r"avregistr|avprenumer|dar(?:se|me)? de baja)|"
    # "no" first, and "I never signed up", in Polish, Russian, Czech, Hungarian, Finnish, Turkish,
    # Portuguese, Japanese, Korean and Chinese (not "no problem": "Nie ma problemu", "Нет проблем")
    r"\bne,? d[e\u011b]kuji|\bei,? kiitos|"
    r"^\W*(?:nie|\u043d\u0435\u0442|nem|hay[i\u0131]r|n[a\u00e3]o)\b(?!\W*(?:\w+ )?(?:probl[e\u00e9]m\w*|"
    r"\u043f\u0440\u043e\u0431\u043b\u0435\u043c\w*|ongelma\w*|gond\w*|sorun\w*|h\u00e4t\u00e4\u00e4))|"
    r"^\W*(?:\u3044\u3044\u3048|\uc544\ub2c8(?:\uc694|\uc624)|\u4e0d\u7528|\u4e0d\u8981|\u4e0d\u4e86)|"
    r"\bnigdy (?:si\u0119 )?nie zapisywa|\b\u043d\u0435 \u043f\u043e\u0434\u043f\u0438\u0441\u044b\u0432\u0430\u043b|"
    r"\bnunca me (?:inscrevi|cadastrei)|"
    # Czech/Slovak "who are you", Romanian "no, thanks" / "I don't want to subscribe", Ukrainian,
    # Greek, Hebrew and Arabic "no, thanks"
    r"\bkdo jste\b|\bkto ste\b|\bnu,? mul[t\u021b\u0163]umesc|\bnu vreau s[a\u0103] m[a\u0103] (?:abonez|inscriu)|"
    r"^\W*\u043d\u0456\b|^\W*\u03cc\u03c7\u03b9\b|\u05dc\u05d0 \u05ea\u05d5\u05d3\u05d4|\u0644\u0627 \u0634\u0643\u0631\u0627|"
    # Arabic "unwanted messages (spam)"
    r"\u0631\u0633\u0627\u0626\u0644 \u0645\u0632\u0639\u062c\u0629|"
    r"\u6ca1(?:\u6709)?\u8ba2\u9605|\u6c92(?:\u6709)?\u8a02\u95b1|\u767b\u9332\u3057\u305f\u899a\u3048\u306f|"
    r"\uad6c\ub3c5\ud55c \uc801 \uc5c6)"
)
NEGATION = re.compile(
    r"(?i)\b(?:not|n'?t|never|no|nicht|nie|kein\w*|pas|jamais|nunca|nada|mai|non|niet|nooit|geen|inte|aldrig|"
    r"ikke|ikkje|ei|nem|ne|n\u00e3o|nao|\u043d\u0435|\u043d\u0435\u0442)\b"
    r"|n't\b"
    # Chinese 不 / 别 / 勿 / 没 (not, don't, never), Japanese ない / しないで before or after: the
    # opt-out words after them in the clause are negated ("我不想退订", "请不要退订我")
    r"|[\u4e0d\u522b\u52ff\u6ca1\u6c92]"
)
AFFIRMATIVE = re.compile(
    r"(?i)\b(?:yes|yeah|yep|yup|sure|ok|okay|confirm\w*|subscribe me|sign me up|count me in|add me|"
    r"(?:i(?:'d| would)?|we(?:'d| would)?) (?:like|love|want) (?:to (?:subscribe|join|receive|get)|the newsletter|it)|"
    r"please (?:subscribe|add|sign|do)|thanks?|thank you|ja|gerne|klar|best\u00e4tig\w*|danke|oui|d'accord|"
    r"volontiers|merci|s[i\u00ed\u00ec]|claro|por favor|gracias|certo|grazie|bevestig\w*|graag|bedankt|dank je|"
    r"tack|g\u00e4rna|absolutely|of course|great|perfect|sim|tak|\u306f\u3044|\u3048\u3048|\u662f\u7684?|\u597d\u7684?|"
    r"\ub124|\uc608|\u0434\u0430|ano|evet|igen|kyll\u00e4|joo|\u03bd\u03b1\u03b9|v\u00e2ng|"
    r"\u05db\u05df|\u0646\u0639\u0645)(?!\w)"
    # "I confirm" the subscription in Japanese (購読の確認をいたします), Korean (구독 … 확인합니다), Chinese (确认订阅 / 確認訂閱),
    # Thai (ใช่): words inside a sentence of a script without spaces
    r"|(?:\u8cfc\u8aad|\u767b\u9332)[\u306e\u3092]?\u78ba\u8a8d\u3092?(?:\u3057\u307e\u3059|\u3044\u305f\u3057\u307e\u3059)|"
    r"\uad6c\ub3c5[^.\n]{0,12}\ud655\uc778\ud569\ub2c8\ub2e4|"
    r"\u786e\u8ba4\u8ba2\u9605|\u78ba\u8a8d\u8a02\u95b1|\u0e43\u0e0a\u0e48|"
    r"\U0001F44D"  # a thumbs-up (no word boundary before a sign that is no letter)  # (not the "ja" of "Jag avstår")
)


# The marks of a robot's answer anywhere above the quote (a ticket system's "automated reply, do not
# reply" below its "Kind regards"), and a ticket number in the subject.
AUTOMATED = re.compile(
    r"(?i)\b(?:automated|automatic(?:ally)?|auto-?generated|do not reply|don'?t reply|no-?reply|ticket|"
    r"automatisch\w*|nicht antworten|automatique\w*|ne pas r\u00e9pondre|autom\u00e1tic\w*|no responda|"
    r"automatic[oa]|non rispondere|niet beantwoorden|automatiskt|svara inte)\b")
# "We have received your message", in the languages help desks answer in, and a mailbox that says
# it is no longer read; a robot that says what it is ("this is an automated note", "you are
# receiving this automatic response") is one by itself (see the processor's reading in replies).
ROBOT_ANSWER = re.compile(
    r"(?i)\b(?:we(?: have|['\u2019]ve)|your (?:e-?mail|message|request) (?:has been|was)) received(?: your (?:e-?mail|message|"
    r"request|inquiry|enquiry))?|\bthis (?:mailbox|e-?mail address|address|inbox) is (?:no longer|not) (?:monitored|"
    r"in use|read|checked)|\bthis is an? (?:automated|automatic|auto-?generated) (?:note|message|response|reply|e-?mail)|"
    r"\byou(?:['\u2019]re| are) receiving this (?:automatic|automated|auto-?) ?(?:response|reply|message|e-?mail)|"
    r"\bhemos recibido (?:su|tu) (?:consulta|mensaje|correo|solicitud|e-?mail)|"
    r"\bnous avons (?:bien )?re\u00e7u votre (?:message|demande|e-?mail|courriel)|"
    r"\bwir haben ihre (?:nachricht|anfrage|e-?mail|mail) (?:erhalten|empfangen)|"
    r"\babbiamo ricevuto (?:la sua|il suo|la tua|il tuo) (?:richiesta|e-?mail|mail|messaggio)|"
    r"\brecebemos (?:a sua |sua |o seu |seu )?(?:mensagem|solicita\u00e7\u00e3o|e-?mail|pedido)|"
    r"\bwe hebben (?:uw|je) (?:bericht|e-?mail|vraag|aanvraag) ontvangen")
TICKET_NUMBER = re.compile(r"(?i)\b(?:ticket|case|reference|request|caso|n\u00famero de caso|vorgang(?:snummer)?|dossier|"
                           r"pratica|chamado|protocolo|conversation)(?: (?:number|no\.?|id))?\s*[#:]?\s*[\w-]*\d")
TICKET_SUBJECT = re.compile(r"(?i)\[(?:ticket|case|request|incident|support|sr)\s*[#:]?\s*[\w-]+\]|\bticket\s*#\s*\d|"
                            r"\b(?:caso|case|ticket)\s+\d{4,}")
# A challenge-response system asking the sender to prove they are a person before the mail is
# delivered (Spam Arrest, Boxbe, "mailbox verification"): automatic, and no request of anyone's.
CHALLENGE_RESPONSE = re.compile(
    r"(?i)\b(?:spam ?arrest|boxbe|challenge[- ]response)\b|"
    r"\b(?:verify|verification|confirm)\b[^\n]{0,200}\b(?:so (?:that )?I can receive|before (?:your|the) (?:e-?mail|message) "
    r"(?:is|can be|will be) delivered|(?:added|add you) to (?:my|the) (?:approved|allowed|safe|trusted) (?:senders?|list))|"
    r"\bI(?:['\u2019]m| am) protecting myself from (?:receiving )?(?:junk|spam)|"
    # ("This account is protected by Bluebottle. Please click ... to have your address added to the
    # recipient's allowed list")
    r"\bhave your (?:e-?mail )?address added to (?:the|my) (?:recipient['\u2019]s )?(?:allowed|approved|safe|trusted) (?:senders?|list)")
# A robot that says it is one, in the languages responders write ("This is an automatic reply",
# "Dies ist eine automatische Antwort", "Ceci est une réponse automatique", ...): automatic whatever
# its subject (a responder answering the confirmation request repeats its subject).
SELF_DECLARED = re.compile(
    r"(?i)\bthis is an? (?:automated|automatic|auto-?generated|auto-?)(?: ?(?:note|message|response|reply|e-?mail|"
    r"notification))\b|\byou(?:['\u2019]re| are) receiving this (?:automatic|automated|auto-?) ?(?:response|reply|"
    r"message|e-?mail)|\bdies ist eine automatische (?:antwort|nachricht|e-?mail|benachrichtigung)|"
    r"\bceci est une? (?:r\u00e9ponse|message|courriel) automatique|\beste es un (?:mensaje|correo|respuesta) autom\u00e1tic[oa]|"
    r"\besta es una respuesta autom\u00e1tica|\bquesto (?:\u00e8|e') un (?:messaggio|risposta) automatic[oa]|"
    r"\bdit is een automatisch (?:antwoord|bericht|gegenereerd)|\bto jest (?:automatyczna odpowied\u017a|wiadomo\u015b\u0107 automatyczna)|"
    r"\beste \u00e9 um (?:e-?mail|mensagem|resposta) autom\u00e1tic[oa]|\bdette er et automatisk (?:svar|svar)|"
    r"\bdetta \u00e4r ett automatiskt (?:svar|meddelande)")
