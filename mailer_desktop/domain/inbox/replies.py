"""Mail written (or auto-generated) by people: auto-replies, unsubscribe and confirmation replies.

Tokens count only where the person's mail program put them on purpose — the recipient address
(plus-addressing), the subject, or the unquoted top of the body. A token inside a quoted copy
of our newsletter (every footer carries one) is not a request: a reply saying "thanks" must
never unsubscribe anybody.
"""

from __future__ import annotations

import re

from ..tokens import TOKEN_RE
from .message import Mail
from .result import Result, reason_text

_AUTO_SUBJECT = re.compile(
    r"(?i)\b(?:auto(?:matic|matische|matisk|matique)?[ -]?(?:reply|response|antwort|svar|r\u00e9ponse|risposta|"
    r"respuesta|resposta|antwoord)|autoreply|autoresponse|out of (?:the )?office|ooo\b|on vacation|vacation|"
    r"abwesen|abwesenheit|nicht im b\u00fcro|absence|absent|r\u00e9ponse automatique|fuera de la oficina|"
    r"respuesta autom\u00e1tica|risposta automatica|resposta autom\u00e1tica|afwezig|automatisch antwoord|"
    r"away from (?:the|my) (?:office|desk)|on (?:annual )?leave|autosvar|poissa|\u4e0d\u5728|"
    # Japanese 自動応答/自動返信/自動回答, Chinese 自动回复/自動回覆, Korean 자동 응답/자동응답,
    # Russian "Автоответ"/"Автоматический ответ", Polish, Czech, Turkish
    r"\u81ea\u52d5(?:\u5fdc\u7b54|\u8fd4\u4fe1|\u56de\u7b54|\u56de\u8986|\u56de\u5fa9)|\u81ea\u52a8\u56de\u590d|\uc790\ub3d9 ?\uc751\ub2f5|"
    r"\u0430\u0432\u0442\u043e\u043e\u0442\u0432\u0435\u0442|\u0430\u0432\u0442\u043e\u043c\u0430\u0442\u0438\u0447\u0435\u0441\u043a\u0438\u0439 \u043e\u0442\u0432\u0435\u0442|"
    r"automatyczna odpowied\u017a|automatick\u00e1 odpov\u011b\u010f|otomatik (?:yan\u0131t|cevap))"
)
_AUTO_SUBJECT_PREFIX = re.compile(r"(?i)^\s*(?:auto:|autoreply:|automatic reply:|\[auto(?:-reply)?\])")
_QUOTE_START = re.compile(
    r"(?im)^(?:>|-{2,}\s*(?:original message|forwarded message|urspr\u00fcngliche nachricht|message d'origine|"
    r"weitergeleitete nachricht)|_{5,}|on .{0,200} wrote:\s*$|am .{0,200} schrieb .{0,100}:\s*$|"
    r"le .{0,200} a \u00e9crit\s*:\s*$|from:\s.+$|von:\s.+$|de\s*:\s.+$|begin forwarded message)"
)
_UNSUBSCRIBE_WORDS = re.compile(
    r"(?i)\b(?:unsubscribe|unsubscribing|unsub|remove me|remove my (?:e-?mail|address|name)|take me off|"
    r"opt(?:-| )?out|stop (?:sending|e-?mailing|mailing|all)|no more (?:e-?mails|mails|newsletters)|"
    r"(?:do not|don'?t) (?:e-?mail|send|contact) me|abmelden|abbestellen|austragen|abmeldung|"
    r"d\u00e9sabonner|d\u00e9sinscri(?:re|ption)|darse de baja|dar de baja|cancelar suscripci\u00f3n|"
    r"disiscriv|cancellami|uitschrijven|afmelden)\b"
)
_STOP_ONLY = re.compile(r"(?i)^\W*(?:stop|remove|unsubscribe|cancel|quit|end|abmelden|stopp)\W*$")
_REPLY_PREFIX = re.compile(r"(?i)^\s*(?:(?:re|aw|sv|antw|r|wg|fwd?|tr|rif)\s*(?:\[\d+\])?\s*:\s*)+")
_CONFIRM_WORDS = re.compile(
    r"(?i)\b(?:confirm|confirmed|confirmation|best\u00e4tig|confirmer|confirmar|confermo|bevestig|yes,? (?:please|i)|"
    r"subscribe me|sign me up)\b"
)
_LIST_HEADERS = ("List-Id", "List-Unsubscribe", "List-Post", "Mailing-List", "X-Mailing-List")
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


def _bulk_precedence(mail: Mail) -> bool:
    """vacation(1) and most older responders mark their answer bulk or junk (so that other
    responders leave it alone); a list's mail says so with its List-* headers."""
    return (mail.header("Precedence").strip().lower() in ("bulk", "junk")
            and not any(mail.header(h) for h in _LIST_HEADERS))


def _marked_automatic(mail: Mail) -> bool:
    auto = mail.header("Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation", "X-AutoReply-From"):
        if mail.header(name):
            return True
    if mail.header("Precedence").strip().lower() in ("auto_reply", "auto-reply"):
        return True
    if "vacation" in mail.header("X-Mailer").lower():
        return True
    if "oof" in mail.header("X-MS-Exchange-Inbox-Rules-Loop").lower():
        return True
    return bool(_AUTO_SUBJECT_PREFIX.search(mail.subject) or _AUTO_SUBJECT.search(mail.subject))


def unquoted_top(text: str, limit: int = 2000) -> str:
    """The part of a reply the person wrote: everything before the first quote marker."""
    text = text[:20000]
    m = _QUOTE_START.search(text)
    return (text[: m.start()] if m else text)[:limit]


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


def unsubscribe_wording(mail: Mail) -> str:
    """'clear' when subject or the short own text is an opt-out request, 'vague' when the request
    is only mentioned somewhere in a longer text, '' when there is none."""
    subject = _REPLY_PREFIX.sub("", mail.subject).strip()
    own = unquoted_top(mail.body_text).strip()
    if _STOP_ONLY.match(subject) or _STOP_ONLY.match(own.split("\n", 1)[0] if own else ""):
        return "clear"
    subject_hit = bool(_UNSUBSCRIBE_WORDS.search(subject))
    body_hit = bool(_UNSUBSCRIBE_WORDS.search(own))
    if subject_hit and (not own or body_hit or len(own) < 400):
        return "clear"
    if body_hit and len(own) < 300:
        return "clear"
    if subject_hit or body_hit:
        return "vague"
    return ""


def confirmation_wording(mail: Mail) -> bool:
    return bool(_CONFIRM_WORDS.search(mail.subject) or _CONFIRM_WORDS.search(unquoted_top(mail.body_text, 500)))


# -- what a reply to a confirmation request says -----------------------------------------------
# The signature or the mail program's tag line ends what the person wrote.
_SIGNATURE_START = re.compile(
    r"(?im)^(?:--\s*$|__+\s*$|sent from my |sent from (?:outlook|mail|yahoo)|get outlook for |"
    r"von meinem .{0,40} gesendet|gesendet von |envoy\u00e9 de mon |envoy\u00e9 depuis |enviado desde mi |"
    r"inviato da(?:l mio)? |verzonden (?:vanaf|met) |skickat fr\u00e5n )"
)
# Refusals and opt-outs in the languages the inbox reads (en, de, fr, es, it, nl, sv).
_REFUSAL = re.compile(
    r"(?i)(?:^\W*(?:no|nope|nah|nein|non|nee|nej)\b|\bno,? thanks?\b|\bno thank you\b|"
    r"\bnot interested\b|\bnever (?:signed|subscribed|registered|asked|opted)|"
    r"\b(?:did not|didn'?t|have not|haven'?t|never) (?:sign(?:ed)? up|subscribe|register|ask|opt(?:ed)? in)|"
    r"\bwho (?:are you|is this)\b|\bwrong (?:person|address|e-?mail)\b|\bspam\b|\bstop\b|\bcancel\b|"
    r"\bkein interesse\b|\bnie angemeldet|\bnicht angemeldet|\bnicht bestellt|\bkeine (?:e-?mails|mails|werbung)|"
    r"\bpas int\u00e9ress\u00e9|\bjamais inscrit|\bpas inscrit|\bne (?:m'ai|me suis) (?:jamais|pas)|"
    r"\bno me (?:he )?suscrib|\bnunca me suscrib|\bno estoy interesad|"
    r"\bnon (?:sono|mi sono) (?:mai )?iscritt|\bmai iscritt|\bnon mi interessa|"
    r"\bniet ge\u00efnteresseerd|\bnooit aangemeld|\bniet aangemeld|\binte intresserad|\baldrig anm\u00e4ld|"
    # opt-out verbs by their stems, whatever the ending (désabonnez-moi, abmelden, uitschrijven ...)
    r"\b(?:d[e\u00e9]sabonn|d[e\u00e9]sinscri|abmeld|abbestell|austrag|uitschrijv|afmeld|disiscriv|cancellam|"
    r"avregistr|avprenumer|dar(?:se|me)? de baja))"
)
_NEGATION = re.compile(
    r"(?i)\b(?:not|n'?t|never|no|nicht|nie|kein\w*|pas|jamais|nunca|nada|mai|non|niet|nooit|geen|inte|aldrig)\b"
    r"|n't\b"
)
_AFFIRMATIVE = re.compile(
    r"(?i)\b(?:yes|yeah|yep|yup|sure|ok|okay|confirm\w*|subscribe me|sign me up|count me in|add me|"
    r"(?:i(?:'d| would)?|we(?:'d| would)?) (?:like|love|want) (?:to (?:subscribe|join|receive|get)|the newsletter|it)|"
    r"please (?:subscribe|add|sign|do)|thanks?|thank you|ja|gerne|klar|best\u00e4tig\w*|danke|oui|d'accord|"
    r"volontiers|merci|s[i\u00ed]|claro|por favor|gracias|certo|grazie|bevestig\w*|graag|bedankt|dank je|"
    r"tack|g\u00e4rna|absolutely|of course|great|perfect|\U0001F44D)"
)
_NO_ONLY = re.compile(r"(?i)^\W*(?:no|nope|nein|non|nee|nej|no,? thanks?|not interested)\W*$")
_CONFIRM_INTENT_LIMIT = 300  # an affirmative reply is short; a long letter goes to a person


def own_words(mail: Mail, limit: int = 2000) -> str:
    """What the person wrote in a reply: the text before the quote, without signature or the mail
    program's tag line, whitespace collapsed."""
    text = unquoted_top(mail.body_text, limit)
    m = _SIGNATURE_START.search(text)
    if m:
        text = text[: m.start()]
    return " ".join(text.split())


def confirmation_intent(mail: Mail) -> tuple[str, str]:
    """('yes' | 'no' | 'unclear', the person's own words) for a reply to a confirmation request.

    Empty or affirmative → yes; refusal or opt-out wording (in the text or a subject the person
    rewrote) → no, and that wins over a yes ("yes, unsubscribe me"); anything else is for a person
    to read. Tokens are taken out before the words are read."""
    own = TOKEN_RE.sub(" ", own_words(mail))
    own = " ".join(own.split())
    subject = TOKEN_RE.sub(" ", _REPLY_PREFIX.sub("", mail.subject))
    words = own.strip(" .!,;:-()[]\"'")
    if _REFUSAL.search(own) or _UNSUBSCRIBE_WORDS.search(own) or _STOP_ONLY.match(own):
        return "no", own
    # The subject is ours unless the person rewrote it: only a subject that is nothing but a
    # refusal counts (a business called "Stop & Shop" must not turn every reply into a no).
    if _STOP_ONLY.match(subject) or _NO_ONLY.match(subject):
        return "no", own or subject.strip()
    if not words:
        return "yes", own
    if len(own) <= _CONFIRM_INTENT_LIMIT and _AFFIRMATIVE.search(own) and not _NEGATION.search(own):
        return "yes", own
    return "unclear", own


def classify_reply(mail: Mail, common: dict) -> list[Result]:
    """A mail from a person or their mail program: an opt-out, a confirmation, an automatic reply or
    something a person should read. ``common`` holds the fields every result of the mail shares."""
    sender = common["sender"]
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
    if confirmation_wording(mail) and _REPLY_SUBJECT.match(mail.subject):
        return [Result(sender, "confirmation", "", "reads like a confirmation but carries no token", "text",
                       review=True, **common)]
    return [Result(sender, "unknown", "", reason_text(mail.subject) or "not a bounce, complaint or request",
                   "other", review=True, **common)]


_REPLY_SUBJECT = re.compile(r"(?i)^\s*(?:re|aw|sv|antw)\s*:")
