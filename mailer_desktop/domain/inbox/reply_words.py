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
    r"aus (?:ihrem|dem|ihrer|der|eurem) (?:newsletter-?|e-?mail-?|mail-?)?(?:verteiler|newsletter|mailingliste|e-?mail-?liste|adressliste)"
    r"\w* (?:zu )?(?:nehmen|streichen|l[o\u00f6]schen|entfernen|austragen)|"
    # (a wish or a request to send: "ich bekomme keine E-Mails mehr" says something else)
    r"keine (?:weiteren )?" + _DE_MAIL + r" mehr (?:zu )?(?:schicken|senden|zusenden)|"
    r"(?:m[o\u00f6]chte|will|w\u00fcnsche) (?:\w+ ){0,2}keine (?:weiteren )?" + _DE_MAIL + r" mehr|"
    r"(?:schicken|senden) sie mir (?:bitte )?keine (?:weiteren )?" + _DE_MAIL + r"|"
    r"(?:^|(?<=[.!,;:]))\s*keine (?:weiteren )?" + _DE_MAIL + r" mehr|"  # "Keine Werbung mehr, bitte"
    r"(?:l[o\u00f6]schen|entfernen|streichen|nehmen|tragen) sie (?:bitte )?mich (?:bitte )?(?:aus|von)\b|"
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
    r"retirez[- ]moi (?:de|des) (?:la |votre |vos |cette |ces )?(?:liste de diffusion|listes? d'envoi|newsletter|mailing|fichier)|"
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
    r"odhla(?:s|\u0161)te m[e\u011b]|listeden [c\u00e7][i\u0131]kar[i\u0131]n|iratkoztasson le|poistakaa minut)\b"
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
