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

_AUTO_SUBJECT = re.compile(
    r"(?i)\b(?:auto(?:matic|matische|matisk|matique)?[ -]?(?:reply|response|antwort|svar|r\u00e9ponse|risposta|"
    r"respuesta|resposta|antwoord)|autoreply|autoresponse|out of (?:the )?office|ooo\b|on vacation|vacation|"
    r"abwesen|abwesenheit|nicht im b\u00fcro|absence|absent|r\u00e9ponse automatique|fuera de la oficina|"
    r"respuesta autom\u00e1tica|risposta automatica|resposta autom\u00e1tica|afwezig|automatisch antwoord|"
    r"away from (?:the|my) (?:office|desk)|on (?:annual )?leave|autosvar|poissa|\u4e0d\u5728)"
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
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")


def auto_reply(mail: Mail) -> bool:
    auto = mail.header("Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return True
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation", "X-AutoReply-From"):
        if mail.header(name):
            return True
    if mail.header("Precedence").lower() in ("auto_reply", "auto-reply"):
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
