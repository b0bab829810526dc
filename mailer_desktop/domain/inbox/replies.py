"""Mail written (or auto-generated) by people: auto-replies, unsubscribe and confirmation replies.

Tokens count only where the person's mail program put them on purpose — the recipient address
(plus-addressing), the subject, or the unquoted top of the body. A token inside a quoted copy
of our newsletter (every footer carries one) is not a request: a reply saying "thanks" must
never unsubscribe anybody.
"""

from __future__ import annotations

import re

from ..tokens import TOKEN_RE
from . import reply_words as lexicon
from .message import Mail
from .reply_words import ABOUT_MAIL, ABSENT, AFFIRMATIVE, NEGATION, REFUSAL, REQUEST, UNSUBSCRIBE_WORDS, UNTIL
from .result import Result, reason_text

_AUTO_SUBJECT = re.compile(
    r"(?i)\b(?:auto(?:matic|matische|matisk|matique)?[ -]?(?:reply|response|antwort|svar|r\u00e9ponse|risposta|"
    r"respuesta|resposta|antwoord)|autoreply|autoresponse|out of (?:the )?office|ooo\b|on vacation|vacation|"
    r"abwesen|abwesenheit|nicht im b\u00fcro|absence|absent|r\u00e9ponse automatique|fuera de la oficina|"
    r"fuori (?:sede|ufficio)|"
    r"respuesta autom\u00e1tica|risposta automatica|resposta autom\u00e1tica|afwezig|automatisch antwoord|"
    r"away from (?:the|my) (?:office|desk)|on (?:annual )?leave|autosvar|poissa|\u4e0d\u5728|"
    # Japanese 自動応答/自動返信/自動回答, Chinese 自动回复/自動回覆, Korean 자동 응답/자동응답,
    # Russian "Автоответ"/"Автоматический ответ", Polish, Czech, Turkish
    r"\u81ea\u52d5(?:\u5fdc\u7b54|\u8fd4\u4fe1|\u56de\u7b54|\u56de\u8986|\u56de\u5fa9)|\u81ea\u52a8\u56de\u590d|\uc790\ub3d9 ?\uc751\ub2f5|"
    r"\u0430\u0432\u0442\u043e\u043e\u0442\u0432\u0435\u0442|\u0430\u0432\u0442\u043e\u043c\u0430\u0442\u0438\u0447\u0435\u0441\u043a\u0438\u0439 \u043e\u0442\u0432\u0435\u0442|"
    r"automatyczna odpowied\u017a|automatick\u00e1 odpov\u011b\u010f|otomatik (?:yan\u0131t|cevap)|"
    # Polish "Autoodpowiedź", Korean 자동 회신, Swedish "Frånvaro", Danish/Norwegian "Fravær"
    r"autoodpowied[\u017az]|\uc790\ub3d9 ?\ud68c\uc2e0|fr\u00e5nvaro|frav\u00e6r)"
)
_AUTO_SUBJECT_PREFIX = re.compile(
    r"(?i)^\s*(?:auto:|autoreply:|automatic reply:|\[auto(?:-reply)?\]|"
    # Outlook's "Automatic reply:" in its other languages, as the prefix it writes (a person's
    # subject may speak of automatic replies): Polish (either order), Finnish, Greek, Hungarian,
    # Croatian/Serbian/Bosnian, Slovenian, Romanian, Slovak, Estonian, Latvian, Lithuanian,
    # Ukrainian, Bulgarian, Hebrew, Arabic, Vietnamese, Indonesian, Catalan
    r"(?:odpowied\u017a automatyczna|automaattinen vastaus|\u03b1\u03c5\u03c4\u03cc\u03bc\u03b1\u03c4\u03b7 "
    r"\u03b1\u03c0\u03ac\u03bd\u03c4\u03b7\u03c3\u03b7|automatikus v\u00e1lasz|automatski odgovor|"
    r"samodejni odgovor|r\u0103spuns automat|automatick\u00e1 odpove\u010f|automaatne vastus|"
    r"autom\u0101tisk\u0101 atbilde|automatinis atsakymas|\u0430\u0432\u0442\u043e\u0432\u0456\u0434\u043f\u043e\u0432\u0456\u0434\u044c|"
    r"\u0430\u0432\u0442\u043e\u043c\u0430\u0442\u0438\u0447\u043d\u0430 \u0432\u0456\u0434\u043f\u043e\u0432\u0456\u0434\u044c|"
    r"\u0430\u0432\u0442\u043e\u043c\u0430\u0442\u0438\u0447\u0435\u043d \u043e\u0442\u0433\u043e\u0432\u043e\u0440|"
    r"\u05ea\u05e9\u05d5\u05d1\u05d4 \u05d0\u05d5\u05d8\u05d5\u05de\u05d8\u05d9\u05ea|\u0631\u062f \u062a\u0644\u0642\u0627\u0626\u064a|"
    r"tr\u1ea3 l\u1eddi t\u1ef1 \u0111\u1ed9ng|balasan otomatis|resposta autom\u00e0tica)\s*:)")
_QUOTE_START = re.compile(
    r"(?im)^(?:>|[ \t]{0,20}-{2,}\s*(?:original message|forwarded message|urspr\u00fcngliche nachricht|message d'origine|"
    r"weitergeleitete nachricht|"
    # "Original message" as the mail programs of other languages write it (QQ's 原始邮件, Korean,
    # Japanese, Russian, Czech, Slovak, Polish, Hungarian, Turkish, Portuguese, Spanish, Italian,
    # Dutch, Swedish, Finnish, Greek, Romanian)
    r"\u539f\u59cb\u90ae\u4ef6|\u539f\u59cb\u90f5\u4ef6|\uc6d0\ubcf8 \uba54\uc2dc\uc9c0|\u5143\u306e\u30e1\u30c3\u30bb\u30fc\u30b8|"
    r"\u0438\u0441\u0445\u043e\u0434\u043d\u043e\u0435 \u0441\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u0435|p\u016fvodn\u00ed zpr\u00e1va|"
    r"p\u00f4vodn\u00e1 spr\u00e1va|oryginalna wiadomo\u015b\u0107|eredeti \u00fczenet|orijinal mesaj|mensagem original|"
    r"mensaje original|messaggio originale|oorspronkelijk bericht|ursprungligt meddelande|alkuper\u00e4inen viesti|"
    r"\u03b1\u03c1\u03c7\u03b9\u03ba\u03cc \u03bc\u03ae\u03bd\u03c5\u03bc\u03b1|mesajul original)|[ \t]{0,20}_{5,}|[ \t]{0,20}on .{0,200} wrote:\s*$|[ \t]{0,20}am .{0,200} schrieb .{0,100}:\s*$|"
    r"[ \t]{0,20}le .{0,200} a \u00e9crit\s*:\s*$|[ \t]{0,20}from:\s.+$|[ \t]{0,20}von:\s.+$|[ \t]{0,20}de\s*:\s.+$|[ \t]{0,20}begin forwarded message|"
    # a mail program's line above the quote in any language: it names the author's address and
    # ends with a colon ("El mar, 16 jul 2024, Corner Shop (<news@...>) escribió:", "... schreef ...:")
    r"[ \t]{0,20}[^\n]{0,200}?(?:<[^<>\s@]+@[^<>\s]+>\)?[ \t]*(?:[^\W\d_]{1,20}(?:\([^\W\d_]\))?[ \t]?){0,3}|"
    r"\b(?:wrote|schrieb|escribi\u00f3|scritto|schreef|escreveu|pisze|napisa\u0142(?:\(a\))?|skrev|kirjoitti|geschreven|"
    # Russian/Ukrainian "написал(а)", Greek, Turkish, Czech, Slovak, Hungarian, Romanian,
    # Vietnamese, Indonesian, Korean "작성"
    r"\u043d\u0430\u043f\u0438\u0441\u0430\w*(?:\(\w+\))?|\u043f\u0438\u0441\u0430\u043b\u0438|\u03ad\u03b3\u03c1\u03b1\u03c8\u03b5|yazd\u0131|naps\w*|nap\u00edsal\w*|"
    r"\u00edrta|a scris|\u0111\u00e3 vi\u1ebft|menulis|\uc791\uc131|"
    r"\u00e9crit))[ \t]?:[ \t]*$|[ \t]{0,20}[^\n]{0,100}\d[^\n]{0,100}\b(?:schreef|skrev|schrieb|pisze)\b[^\n]{0,60}:[ \t]*$|"
    # The Bat!'s "You wrote <date>:" ("Вы писали 11 марта 2025 г., 11:30:02:", "You wrote on ...:")
    r"[ \t]{0,20}(?:\u0432\u044b \u043f\u0438\u0441\u0430\u043b\u0438|you wrote)\b[^\n]{0,80}\d[^\n]{0,40}:[ \t]*$|"
    # the header block a mail program puts above the quoted message, in any language ("Da: Corner
    # Shop <news@...>" then "Inviato: ...", "Van:"/"Verzonden:", "Fra:"/"Sendt:", "差出人:"): a short
    # label, a name and an address, and a second such line below it
    r"[^\W\d_]{1,15}[ \t]?:[ \t]*[^\n<>]{0,80}<[^<>\s@]+@[^<>\s]+?(?:<mailto:[^<>\s]+>)?>[ \t]*\n"
    r"[^\W\d_][^\n:]{0,20}:)"
)
_STOP_ONLY = re.compile(r"(?i)^\W*(?:stop|remove|unsubscribe|cancel|quit|end|abmelden|stopp)\W*$")
# The prefixes mail programs put before the subject of a reply or a forward, in many languages.
# (and the prefixes mail programs write in other languages: Turkish "YNT", Polish "Odp", Hungarian
# "Vá", Finnish "VS", Scandinavian "Svar", Croatian "Odg", Portuguese "RES", Russian "Ответ",
# Ukrainian "Відп", Greek "ΑΠ", Chinese 回复/回覆/答复, Japanese 返信, Korean 회신)
_PREFIXES_ABROAD = (r"ynt|odp|v\u00e1|vs|svar|odg|res|\u043e\u0442\u0432(?:\u0435\u0442)?|\u0432\u0456\u0434\u043f|"
                    r"\u03b1\u03c0|\u56de\u590d|\u56de\u8986|\u7b54\u590d|\u8fd4\u4fe1|\ud68c\uc2e0")
REPLY_PREFIX = re.compile(r"(?i)^\s*(?:(?:re|aw|sv|antw|r|wg|fwd?|tr|rif|rv|" + _PREFIXES_ABROAD
                          + r")\s*(?:\[\d+\])?\s*[:\uff1a]\s*)+")
# The same for a reply only (not a forward).
ANSWER_PREFIX = re.compile(r"(?i)^\s*(?:re|aw|sv|antw|r|rif|" + _PREFIXES_ABROAD + r")\s*(?:\[\d+\])?\s*[:\uff1a]")
_CONFIRM_WORDS = re.compile(
    r"(?i)\b(?:confirm|confirmed|confirmation|best\u00e4tig|confirmer|confirmar|confermo|bevestig|yes,? (?:please|i)|"
    r"subscribe me|sign me up)\b"
)
_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "Mailing-List", "X-Mailing-List")
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


def _bulk_precedence(mail: Mail) -> bool:
    """vacation(1) and most older responders mark their answer bulk or junk (so that other
    responders leave it alone); a list's mail says so with its List-* headers. Exchange's
    responders ask that no automatic answer come back to theirs ("X-Auto-Response-Suppress:
    OOF, AutoReply"): a mark as weak, as mail programs set it on other automatic mail too."""
    return (mail.header("Precedence").strip().lower() in ("bulk", "junk")
            and not any(mail.header(h) for h in _LIST_HEADERS)
            or bool(_SUPPRESSES_AUTO.search(mail.header("X-Auto-Response-Suppress"))))


_SUPPRESSES_AUTO = re.compile(r"(?i)\b(?:oof|autoreply)\b")


def _marked_automatic(mail: Mail) -> bool:
    auto = mail.header("Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation", "X-AutoReply-From",
                 "X-Mail-Autoreply", "X-Autoresponse"):
        if mail.header(name):
            return True
    # responders that name themselves in a header of their own ("X-Autogenerated: Reply",
    # "X-POST-MessageClass: 9; Autoresponder", "Delivered-To: Autoresponder")
    if ("reply" in mail.header("X-Autogenerated").lower()
            or "autoresponder" in (mail.header("X-POST-MessageClass") + " " + mail.header("Delivered-To")).lower()):
        return True
    if mail.header("Precedence").strip().lower() in ("auto_reply", "auto-reply"):
        return True
    if "vacation" in (mail.header("X-Mailer") + " " + mail.header("X-Apple-Action")).lower():
        return True
    if "oof" in mail.header("X-MS-Exchange-Inbox-Rules-Loop").lower():
        return True
    # a robot that says it is one, a challenge-response system asking us to prove we are a person
    top = " ".join(unquoted_top(mail.body_text, 1000).split())
    if lexicon.SELF_DECLARED.search(top) or lexicon.CHALLENGE_RESPONSE.search(top):
        return True
    return bool(_AUTO_SUBJECT_PREFIX.search(mail.subject) or _AUTO_SUBJECT.search(mail.subject))


def unquoted_top(text: str, limit: int = 2000) -> str:
    """The part of a reply the person wrote: everything before the first quote marker — or, where
    nothing stands above the quote (a reply written below it), the lines after it that are not
    quoted ("> ..." and the "On ... wrote:" line taken out)."""
    text = text[:20000]
    m = _QUOTE_START.search(text)
    top = text[: m.start()] if m else text
    if m and (not top.strip() or _GREETING_ONLY.fullmatch(top.strip())):
        # (a greeting alone above the quote — "Hello Shop," — is read with the words below it, when
        # the quote is marked line by line and words stand below it; nothing of the top is dropped)
        rest = text[m.start():]
        if not rest.startswith(">"):
            rest = rest.split("\n", 1)[1] if "\n" in rest else ""  # (the "On ... wrote:" line itself)
        if rest.lstrip().startswith(">"):  # only a quote marked line by line can be told from the words below
            below = _QUOTED_LINE.sub("", rest)
            cut = _QUOTE_START.search(below)
            below = (below[: cut.start()] if cut else below).strip("\n")
            if not top.strip():
                return below[:limit]
            if below.strip():
                return (top.rstrip() + "\n" + below)[:limit]  # the greeting and the words below: all the person's
    return top[:limit]


_QUOTED_LINE = re.compile(r"(?m)^[ \t]*>.*(?:\n|$)")
# A greeting on its own line, nothing else ("Hello Shop,", "Dear team,", "Здравствуйте, Shop.")
_GREETING_ONLY = re.compile(
    r"(?i)(?:hello|hi|hey|dear|good (?:morning|afternoon|evening)|hallo|guten tag|liebe[rs]?|sehr geehrte[rs]?|"
    r"bonjour|salut|hola|buenos d[i\u00ed]as|buongiorno|ciao|salve|ol[a\u00e1]|bom dia|goedendag|beste|hej|"
    r"dzie\u0144 dobry|witam|dobr[y\u00fd] den|\u0437\u0434\u0440\u0430\u0432\u0441\u0442\u0432\u0443\u0439\u0442\u0435|"
    r"\u0434\u043e\u0431\u0440\u044b\u0439 \u0434\u0435\u043d\u044c|\u043f\u0440\u0438\u0432\u0435\u0442|merhaba)"
    r"\b[^\n?]{0,40}[,.!:]?")


def token_in_request(mail: Mail) -> tuple[str, str] | None:
    """(token, where) for the first token the sender put in address, subject or own words."""
    for name in _RECIPIENT_HEADERS:
        for value in mail.header_all(name):
            m = TOKEN_RE.search(value)
            if m:
                return m.group(0).lower(), "address"
    m = TOKEN_RE.search(mail.subject)
    if m:
        return m.group(0).lower(), "subject"
    m = TOKEN_RE.search(unquoted_top(mail.body_text))
    if m:
        return m.group(0).lower(), "body"
    return None


def quoted_tokens(mail: Mail) -> list[str]:
    return [m.group(0).lower() for m in TOKEN_RE.finditer(mail.body_text[:200000])]


# A sentence that offers an opt-out instead of asking for one — a newsletter's or an offer's own
# footer ("If you no longer wish to receive these emails, unsubscribe here", "To unsubscribe,
# click here", "you may opt-out", "Wenn Sie ... abmelden", "Si vous ... désabonner") — unless it
# speaks of the writer ("... please unsubscribe me").
_OFFER = re.compile(
    r"(?i)\bif\s+(?:you\s+)?(?:no\s+longer\s+|don'?t\s+|do\s+not\s+|would\s+(?:rather\s+)?(?:not\s+)?)?"
    r"(?:wish|want|like|prefer)\b|\bto\s+(?:unsubscribe|opt[- ]?out)\b.{0,80}\b(?:click|tap|follow|visit|use|go\s+to|"
    r"link|here|below)\b|\b(?:click|tap|follow|visit)\b.{0,60}\bto\s+(?:unsubscribe|opt[- ]?out)\b|"
    r"\byou\s+(?:may|can|could)\s+(?:always\s+|also\s+|at\s+any\s+time\s+)?(?:unsubscribe|opt[- ]?out)\b|"
    r"\bwenn\s+sie\b|\bum\s+sich\b.{0,80}abzumelden|\bsi\s+vous\b|\bpour\s+(?:vous\s+)?d[\u00e9e]s(?:abonner|inscrire)|"
    r"\bsi\s+(?:ya\s+)?no\s+(?:desea|quiere)|\bpara\s+darse\s+de\s+baja|\bse\s+non\s+(?:desideri|vuoi|desidera)|"
    r"\bals\s+(?:u|je)\b|"
    # the words as the label of a link ("Unsubscribe here: https://...", "Désabonnement : <https://...>")
    r"(?:unsubscribe|opt[- ]?out|abmelden|abmeldung|d[e\u00e9]sabonn\w*|d[e\u00e9]sinscri\w*|baja|uitschrijven|afmelden)"
    r"\W{0,5}(?:here|hier|ici|aqu[i\u00ed]|qui)?\W{0,5}(?:https?://|www\.)|"
    # Japanese footers: "配信停止はこちら" (to stop delivery: here), "…をご希望の方は" (those who wish …)
    r"(?:\u914d\u4fe1|\u767b\u9332|\u8cfc\u8aad)\u3092?(?:\u505c\u6b62|\u89e3\u9664)"
    r"(?:\u3092?\u3054\u5e0c\u671b\u306e\u65b9\u306f|\u306f(?:\u3053\u3061\u3089|\u4e0b\u8a18))")
_WRITER = re.compile(r"(?i)\b(?:me|my|i|mich|mein\w*|moi|mon|mes|mij|mijn|ik|yo|mi|mis)\b")
# A sentence: up to a full stop, "!" or "?" that ends a word (not the dots inside an address or a link).
_SENTENCE = re.compile(r"[^\n.!?\u3002\uff01\uff1f]+(?:[.!?]+(?![\s]|$)[^\n.!?\u3002\uff01\uff1f]*)*[.!?\u3002\uff01\uff1f]*")


def _without_offers(text: str) -> str:
    """``text`` without the sentences that offer an opt-out (see _OFFER)."""
    if not UNSUBSCRIBE_WORDS.search(text):
        return text
    kept = [s for s in _SENTENCE.findall(text)
            if not (UNSUBSCRIBE_WORDS.search(s) and _OFFER.search(s) and not _WRITER.search(s))]
    return "\n".join(kept)


def _someone_elses_bulk_mail(mail: Mail) -> bool:
    """A newsletter or list mail (List-Unsubscribe, List-Id) that answers nothing: its footer's
    opt-out is its own offer, never a request from its sender."""
    return (bool(mail.header("List-Unsubscribe") or mail.header("List-Id"))
            and not REPLY_PREFIX.match(mail.subject) and not mail.header("In-Reply-To"))


_WRAPPED = re.compile(r"(?<=\S)[ \t]*\n[ \t]*(?=[a-z\u00df-\u00ff])")


def unsubscribe_wording(mail: Mail) -> str:
    """'clear' when subject or the short own text is an opt-out request, 'vague' when the request
    is only mentioned somewhere in a longer text, '' when there is none."""
    if _someone_elses_bulk_mail(mail):
        return ""
    subject = REPLY_PREFIX.sub("", mail.subject).strip()
    own = _without_offers(unquoted_top(mail.body_text).strip())
    stop_only = bool(_STOP_ONLY.match(subject) or _STOP_ONLY.match(own.split("\n", 1)[0] if own else ""))
    if not stop_only:
        own = _WRAPPED.sub(" ", own)  # a sentence wrapped by the mail program is one ("Please stop\nsending ...")
    if UNSUBSCRIBE_WORDS.search(own[:5000]) and not _said(UNSUBSCRIBE_WORDS, own):
        return ""  # the person's own words say no to it ("please DON'T unsubscribe me"), whatever the subject says
    if stop_only:
        return "clear"
    said_subject, said_own = _said(UNSUBSCRIBE_WORDS, subject), _said(UNSUBSCRIBE_WORDS, own)
    subject_asks, body_asks = _asks(said_subject), _asks(said_own)
    if (subject_asks or body_asks) and _about_someone_else(said_own, mail.from_addr):
        return "vague"  # about another address or person: not the sender's own opt-out
    if subject_asks and (not own or body_asks or len(own) < 400):
        return "clear"
    if body_asks and len(own) < 300:
        return "clear"
    if said_subject or said_own:
        return "vague"  # mentioned only (in a question about something else, in a long letter)
    return ""


# A negation (reply_words.NEGATION) before the opt-out words in the same clause: "please don't stop
# sending", "I don't want to unsubscribe", "do not unsubscribe me", "never unsubscribing" (and in
# the other languages the inbox reads). The clause starts after a comma, a dash, "so", "and",
# "but" or "please".
_CLAUSE_START = re.compile(r"(?i)[,;:\u2013\u2014\uff0c\uff1b\uff1a\u3001\u3002\uff01\u060c]|\s-\s|\b(?:so|and|but|please|bitte|s'il vous pla\u00eet|por favor)\b")
_OBJECT_ME = re.compile(r"(?i)\b(?:me|mich|moi|mij|mi)\b")
# An opt-out about someone or something other than the writer's address the request went to: an
# address written out, "my old / work address", "my husband's" — who is meant is for a person to
# decide, never the sender's own opt-out.
_SOMEONE_ELSE = re.compile(
    r"(?i)[\w.+-]+@[\w-]+\.[\w.-]+|\b(?:old|other|another|previous|former|work|business|second|private|personal)\s+"
    r"(?:e-?mail\s+)?(?:address|account|mailbox|e-?mail)|\b(?:husband|wife|partner|colleague|son|daughter|mother|father|"
    r"boss|friend)(?:'s)?\b|\balte[nr]?\s+(?:e-?mail-?)?adresse|\bancienne\s+adresse|\bantigua\s+direcci")


def _about_someone_else(sentences: list[str], sender: str) -> bool:
    """One of ``sentences`` names another address or person (the sender's own address aside)."""
    own = sender.lower()
    return any(_SOMEONE_ELSE.search(s.lower().replace(own, " ") if own else s) for s in sentences)


# Negations that are no plea to stay: a failed attempt ("I can't unsubscribe with your link", "not
# sure the link worked") or a denial of consent ("I never asked for this, remove me", "I do not
# know who you are"): the opt-out after them is still asked for.
_NOT_A_PLEA = re.compile(
    r"(?i)\b(?:can'?t|cannot|could ?n[o']t|couldn'?t|unable to|not able to|wasn'?t able to|(?:does|did) ?n[o']t work|"
    r"doesn'?t work|didn'?t work|not sure|never (?:asked|signed|subscribed|requested|agreed|gave)|"
    r"(?:did ?n[o']t|didn'?t|do ?n[o']t|don'?t) (?:ask|sign|subscribe|request|agree|know|remember|recall)\w*|"
    r"kann (?:mich )?nicht|konnte (?:mich )?nicht|ne (?:peux|parviens|arrive) pas|no (?:puedo|pude|consigo)|"
    r"non riesco|kan (?:me |mij )?niet|nie mog[e\u0119])")


def _negated(sentence: str, start: int) -> bool:
    """A negation in the clause of ``sentence`` before position ``start`` (not one of _NOT_A_PLEA)."""
    before = sentence[:start]
    clause = before[max((c.end() for c in _CLAUSE_START.finditer(before)), default=0):]
    return bool(NEGATION.search(_NOT_A_PLEA.sub(" ", clause[-80:])[-60:]))


def _said(pattern: re.Pattern, text: str) -> list[str]:
    """The sentences of ``text`` in which ``pattern`` occurs without a negation before it."""
    return [s for s in _SENTENCE.findall(text[:5000])
            if any(not _negated(s, m.start()) for m in pattern.finditer(s))]


def _asks(said: list[str]) -> bool:
    """Whether one of the sentences that mention removal (see _said: negated mentions are not
    among them) asks for it: a sentence that is no question, or a question about the writer ("can
    you remove me?"), not "how do I unsubscribe my old address?"."""
    return any(not s.rstrip().endswith(("?", "\uff1f")) or _OBJECT_ME.search(s) for s in said)


def confirmation_wording(mail: Mail) -> bool:
    return bool(_CONFIRM_WORDS.search(mail.subject) or _CONFIRM_WORDS.search(unquoted_top(mail.body_text, 500)))


# -- what a reply to a confirmation request says -----------------------------------------------
# The signature or the mail program's tag line ends what the person wrote.
_SIGNATURE_START = re.compile(
    r"(?im)^[ \t]*(?:(?:kind |best |warm |many )?regards,?[ \t]*$|mit freundlichen gr\u00fc\u00dfen|viele gr\u00fc\u00dfe|"
    r"cordiali saluti|cordialement|saludos cordiales|met vriendelijke groet|venlig hilsen|med v\u00e4nliga h\u00e4lsningar|"
    r"pozdrawiam|atenciosamente|"
    r"--\s*$|__+\s*$|sent from my |sent from (?:outlook|mail|yahoo)|get outlook for |"
    r"von meinem .{0,40} gesendet|gesendet von |envoy\u00e9 de mon |envoy\u00e9 depuis |enviado desde mi |"
    r"inviato da(?:l mio)? |verzonden (?:vanaf|met) |skickat fr\u00e5n |"
    # "Sent from my iPhone" in Greek, Russian, Polish, Czech, Portuguese, Turkish, Finnish
    r"\u03c3\u03c4\u03ac\u03bb\u03b8\u03b7\u03ba\u03b5 \u03b1\u03c0\u03cc |\u043e\u0442\u043f\u0440\u0430\u0432\u043b\u0435\u043d\u043e \u0441 |"
    r"wys\u0142ane z |odesl\u00e1no z |enviado do meu |iphone'umdan g\u00f6nderildi|l\u00e4hetetty )"
)
# Words no person's "yes" needs and every challenge–response system or acknowledgement robot uses
# (Boxbe, "click the link to confirm that you are a person", "we have received your email"): a
# link, a request to click or verify, a human/robot check, mail held or awaiting approval.
_CHALLENGE = re.compile(
    r"(?i)https?://|\bwww\.|\bclick|\btap (?:here|the|this)\b|\bverif(?:y|ication)\b|\bcaptcha\b|\bhuman\b|\brobot\b|"
    r"\breal person\b|\b(?:that )?you are (?:a|not a) (?:person|human|robot)|\b(?:to|please) confirm (?:that )?you(?:r)?\b|"
    r"\b(?:received|got) your (?:e-?mail|message|mail)\b|\bheld\b|\bquarantin|\bawaiting (?:approval|delivery)|"
    r"\bpending (?:approval|delivery)|\bwhite ?list|\ballow ?list|\bapproved senders?\b|\bguest list\b|"
    r"\bklick|\bcliqu|\bhaga clic|\bclicca|\bveuillez confirmer|\bbitte best\u00e4tigen sie\b|\bconfirme (?:que|su)\b")
# An automatic responder's words where its headers and subject do not say so ("Thanks for your
# message! I'm away until Monday"): its "thanks" is no yes.
_RESPONDER = re.compile(
    r"(?i)\bthanks? (?:you )?for (?:your|the) (?:e-?mail|message|mail|note)\b|\bout of (?:the )?office\b|"
    r"\b(?:i am|i'm|i will be|we are) (?:away|absent|on (?:annual )?leave|on (?:vacation|holiday))|\baway (?:until|till|from)\b|"
    r"\blimited access to (?:e-?mail|my e-?mail)|\b(?:no longer|not) (?:being )?monitored\b|\bhas left\b|"
    r"\bwill (?:reply|respond|answer|get back to you) (?:when|on|after|as soon|upon)\b|"
    r"\bnicht im b\u00fcro\b|\babwesen|\bje suis absent|\ben cong\u00e9\b|\bfuera de la oficina\b|"
    r"\bde vacaciones\b|\bsono assente\b|\bfuori sede\b|\bafwezig\b|\bfr\u00e5nvarande\b|\bp\u00e5 semester\b")
_CONDITION = re.compile(r"(?i)\b(?:but|aber|mais|pero|ma|maar|men|ale|mas|only if|nur wenn|instead|stattdessen|"
                        r"\u043d\u043e|\u0442\u043e\u043b\u044c\u043a\u043e|ama|mutta|csak|jen|"
                        # "if", "unless", "as long as" ("yes if it's free", "ja, falls ...", "да, если ...")
                        r"if|unless|provided|as long as|wenn|falls|sofern|solange|indien|je\u015bli|je\u017celi|"
                        r"\u0435\u0441\u043b\u0438|pokud|jestli|e\u011fer|jos)\b"
                        r"|\u4f46|\u53ea|\u3067\u3082|\u3051\u3069|\u3060\u3051|\ud558\uc9c0\ub9cc|\ub9cc \ubcf4\ub0b4|\u5982\u679c|\u8981\u662f")
_NO_ONLY = re.compile(r"(?i)^\W*(?:no|nope|nein|non|nee|nej|no,? thanks?|not interested)\W*$")
_CONFIRM_INTENT_LIMIT = 300  # an affirmative reply is short; a long letter goes to a person
_QUESTION = re.compile(r"[?\uff1f\u00bf]")


def own_words(mail: Mail, limit: int = 2000) -> str:
    """What the person wrote in a reply: the text before the quote, without signature or the mail
    program's tag line (but with a "P.S." below it), whitespace collapsed."""
    text = unquoted_top(mail.body_text, limit)
    m = _SIGNATURE_START.search(text)
    if m:
        text = text[: m.start()] + " ".join(p.group(0) for p in _POSTSCRIPT.finditer(text, m.start()))
    return " ".join(text.split())


_POSTSCRIPT = re.compile(r"(?im)^[ \t]*p\.?\s?s\b\.?\s*[:\-]?.+(?:\n(?![ \t]*\n).+)*")


def confirmation_intent(mail: Mail) -> tuple[str, str]:
    """('yes' | 'no' | 'unclear', the person's own words) for a reply to a confirmation request.

    Empty or affirmative → yes; refusal or opt-out wording (in the text or a subject the person
    rewrote) → no, and that wins over a yes ("yes, unsubscribe me"); anything else is for a person
    to read. Tokens are taken out before the words are read."""
    own = TOKEN_RE.sub(" ", own_words(mail))
    own = " ".join(own.split())
    subject = TOKEN_RE.sub(" ", REPLY_PREFIX.sub("", mail.subject))
    words = own.strip(" .!,;:-()[]\"'")
    refusals = _said(REFUSAL, own) + _said(UNSUBSCRIBE_WORDS, own)
    if _about_someone_else(refusals, mail.from_addr):
        return "unclear", own  # "yes; unsubscribe my old address": who opts out is for a person to read
    if refusals or _STOP_ONLY.match(own):
        return "no", own  # (not where a negation comes first: "yes please, don't stop sending")
    if REFUSAL.search(own) or UNSUBSCRIBE_WORDS.search(own):
        return "unclear", own  # refusal words, each negated: never a no, whatever the subject says
    # The subject is ours unless the person rewrote it: only a subject that is nothing but a
    # refusal counts (a business called "Stop & Shop" must not turn every reply into a no).
    if _STOP_ONLY.match(subject) or _NO_ONLY.match(subject):
        return "no", own or subject.strip()
    top = unquoted_top(mail.body_text)  # (with the signature and what stands below it)
    if lexicon.AUTOMATED.search(top) or _RESPONDER.search(top) or lexicon.TICKET_SUBJECT.search(mail.subject):
        return "unclear", own  # a robot's answer or an absence below a "Danke!", whatever the first lines say
    if not words:
        # An empty reply confirms — when what it quotes is marked as a quote line by line, so that
        # nothing the person wrote below it can hide in an unmarked quote (Outlook's header block)
        return ("yes" if _QUOTE_START.search(mail.body_text[:20000]) is None or _QUOTED_LINE.search(
            mail.body_text[:20000]) else "unclear"), own
    if _CONDITION.search(own) or _about_someone_else([own], mail.from_addr):
        # a yes with a condition ("yes, but only monthly", "ja tak, men send det til ...") or about
        # another address: for a person to read
        return "unclear", own
    if _CHALLENGE.search(own) or _RESPONDER.search(own):
        # a robot asking us to prove ourselves, acknowledging receipt or saying its person is away:
        # for a person to read
        return "unclear", own
    if _QUESTION.search(own):
        # a question ("Yes?", "Who are you? Yes, I'm asking", "Кто дал вам мой адрес? Да ..."): the
        # person is not sure, or asks something: for a person to read, never consent by itself
        return "unclear", own
    if len(own) <= _CONFIRM_INTENT_LIMIT and AFFIRMATIVE.search(own) and not NEGATION.search(own):
        return "yes", own
    return "unclear", own


def classify_reply(mail: Mail, common: dict) -> list[Result]:
    """A mail from a person or their mail program: an opt-out, a confirmation, an automatic reply or
    something a person should read. ``common`` holds the fields every result of the mail shares."""
    sender = common["sender"]
    if mail.report_type == "disposition-notification":
        # A read receipt (RFC 8098): the reader's mail program saying the message was displayed or
        # deleted — automatic, never a request, whatever its subject carries.
        return [Result(sender, "auto_reply", "", f"read receipt: {reason_text(mail.subject)}", "receipt", **common)]
    if _DMARC_AGGREGATE.search(mail.subject):
        # A DMARC aggregate report (RFC 7489 7.2: "Report Domain: ... Submitter: ..."), sent by a
        # receiving server to the domain's report address: automatic, about no one.
        return [Result(sender, "auto_reply", "", reason_text(mail.subject), "dmarc-report", **common)]
    request = token_in_request(mail)
    mine = dict(common)
    marked = _marked_automatic(mail)
    is_auto = marked or _bulk_precedence(mail)
    if request:
        token, where = request
        action = token[2]
        rest = [t for t in mine["tokens"] if t != token]
        mine["tokens"] = (token, *rest)
        # An opt-out token is a request even when a mail program generated the message; a
        # confirmation must come from a person, never from a vacation responder answering
        # the confirmation request (whose subject and Reply-To carry the token).
        if action == "u":
            return [Result(sender, "unsubscribe", "", f"unsubscribe token in the {where}", "token", **mine)]
        if action == "c" and not is_auto:
            # A reply confirms only when it says yes; a refusal is an opt-out (see replies).
            intent, words = confirmation_intent(mail)
            quote = f": \u201c{words[:200]}\u201d" if words else ""
            if intent == "no":
                return [Result(sender, "unsubscribe", "", f"says no to the confirmation request{quote}", "refusal",
                               **mine)]
            if intent == "unclear":
                return [Result(sender, "confirmation", "", "a reply to the confirmation request that does not clearly"
                               f" say yes{quote}", "unclear", review=True, **mine)]
            return [Result(sender, "confirmation", "", f"confirmation token in the {where}"
                           + (f", says yes{quote}" if words else ", empty reply"), "token", **mine)]
    wording = unsubscribe_wording(mail)
    # Precedence bulk/junk alone is a weak mark: it keeps a confirmation from counting, but a
    # person asking in words to be removed is still heard.
    if marked or is_auto and not wording:
        return [Result(sender, "auto_reply", "", reason_text(mail.subject) or "automatic reply", "vacation",
                       **common)]
    if wording:
        quoted = quoted_tokens(mail)
        mine["tokens"] = tuple(dict.fromkeys([*mine["tokens"], *quoted]))
        return [Result(sender, "unsubscribe", "", f"asks to be removed ({wording} wording, no token)",
                       "text", review=wording != "clear", **mine)]
    own = own_words(mail)
    if (ABSENT.search(own) and UNTIL.search(own) and ABOUT_MAIL.search(own) and "?" not in own
            and not REQUEST.search(own)):
        # away until a date and asking nothing: an out-of-office answer without its marks
        return [Result(sender, "auto_reply", "", reason_text(mail.subject) or "automatic reply", "vacation",
                       **common)]
    if lexicon.ROBOT_ANSWER.search(own) and (lexicon.TICKET_NUMBER.search(own) or lexicon.TICKET_SUBJECT.search(mail.subject)
                                      or lexicon.AUTOMATED.search(own)) and not confirmation_wording(mail):
        # a help desk's acknowledgement ("We have received your message … Ticket #12345") or a
        # mailbox that says it is no longer read: automatic, nothing to do
        return [Result(sender, "auto_reply", "", reason_text(mail.subject) or "automatic reply", "acknowledgement",
                       **common)]
    if confirmation_wording(mail) and _REPLY_SUBJECT.match(mail.subject):
        intent, words = confirmation_intent(mail)
        if intent == "no" and _ABOUT_SUBSCRIBING.search(mail.subject):  # "No thanks", "I never signed up": for you to apply, there being no token
            return [Result(sender, "unsubscribe", "", f"says no to what reads like a confirmation request, but "
                           f"carries no token: “{words[:200]}”", "refusal", review=True, **common)]
        return [Result(sender, "confirmation", "", "reads like a confirmation but carries no token", "text",
                       review=True, **common)]
    return [Result(sender, "unknown", "", reason_text(mail.subject) or "not a bounce, complaint or request",
                   "other", review=True, **common)]


_DMARC_AGGREGATE = re.compile(r"(?i)^\s*report domain:\s*\S+.{0,200}\bsubmitter:")
# A subject about subscribing (not "Re: Your order confirmation").
_ABOUT_SUBSCRIBING = re.compile(r"(?i)subscri|newsletter|anmeld|abonn|inscri|suscri|iscri|aanmeld|prenumer|zapis")
_REPLY_SUBJECT = re.compile(r"(?i)^\s*(?:re|aw|sv|antw|" + _PREFIXES_ABROAD + r")\s*[:\uff1a]")
