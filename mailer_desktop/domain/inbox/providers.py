"""The big receiving providers' own replies, as their postmaster pages document them.

Microsoft (Outlook.com, Office 365), Yahoo/AOL, au (KDDI), Tencent (QQ), Cox, Spectrum/Charter,
GoDaddy, Mimecast, i.ua and Orange/La Poste answer with wordings and codes of their own, and Gmail tags each reply it quotes
with the state its SMTP client was in. Each rule here is one such reply:
a reply or status code *and* the provider's own token or sentence, never a word alone.

- A rule that calls the address dead applies only to a 5xx failure, and wins over the generic
  reading (which would file, say, Office 365's "Recipient address rejected: Access denied.
  AS(201806281)" — its directory saying no such recipient — as a block).
- A provider's block or policy code (Outlook.com's "SC-001", Cox's "CXBL", Spectrum's "AUP#...", GoDaddy's "IB...",
  Orange's "OFR_..." and La Poste's "LPN...") keeps the failure soft even when the code beside it
  (5.1.x) or a generic wording would call the address dead: it is the provider saying why it
  refused, and that is about the sender. Orange's and La Poste's codes give way only when the
  words say the address does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .rules import HARD_REASONS, VAGUE_REASONS, Rules, offer
from .smtp_codes import GMAIL_AFTER_DATA, window

_DEAD = "userunknown"
_AT_RCPT = "dead-at-rcpt"  # a dead address as the provider says it in answer to RCPT TO
_REPLY = r"\b[45]\d\d[ -]"  # a reply code before the provider's token, in the same reply

# (reason, reply): read in the lowercased reply, whitespace collapsed, links kept.
_RULES: tuple[tuple[str, str], ...] = (
    # Microsoft Outlook.com: no such user (5.5.0; or Hotmail's numeric trailer after the sentence)
    # — its answer to RCPT TO (the same words said after DATA are no lookup: see verdict)
    (_AT_RCPT, r"\b5\.5\.0 requested action not taken: mailbox unavailable\b"),
    (_AT_RCPT, r"\b550 requested action not taken: mailbox unavailable \(-?\d+:\d+:-?\d+\)"),
    # Office 365 directory-based edge blocking: the recipient is not in the tenant's directory
    # (the "AS(201806281)" tag came later; 5.4.1 with these words is that check either way)
    # (not Google's reply of the same words, which its help page ties to the domain's own routing
    # settings: unsure)
    (_AT_RCPT, r"\b5\.4\.1 recipient address rejected: access denied\b(?![^;]{0,160}\b(?:google|gsmtp)\b)"),
    # Outlook.com's own block and rate codes: SC-001..004, OU-001/002, DY-001/002, RP-001..003
    ("blocked", r"\b5\d\d (?:sc|ou|dy|rp)-00\d\b"),
    # Yahoo/AOL: "554 delivery error: dd This user doesn't have a yahoo.com account" (the domain
    # must be the recipient's: see verdict) and "552 1 Requested mail action aborted, mailbox not found"
    ("yahoo-dd", r"\b5\d\d delivery error: dd this user doesn'?t have an? ([a-z0-9.-]+\.[a-z]{2,}) account\b"),
    (_DEAD, r"\b552 1 requested mail action aborted, mailbox not found\b"),
    # au (KDDI; ezweb.ne.jp, au.com): "550 <addr>: User unknown" names a mailbox it does not have
    # (it says so at RCPT TO; the same words after DATA stay unsure); "550 : User unknown", with
    # nothing between, is how it refuses mail its subscriber's reception settings reject (the
    # recipient's own filter), at whatever stage. See verdict.
    ("kddi-dead", r"\b550:? <([^<>\s@]+@(?:ezweb\.ne\.jp|au\.com))>: user unknown\b"),
    ("kddi-filter", r"\b550 : user unknown\b"),
    # Tencent (QQ): "550 Mailbox not found." with its help page
    (_DEAD, r"\b550 mailbox not found\.? (?:https?://)?service\.mail\.qq\.[a-z]+/"),
    # Cox: its block codes (CXBL block list, CXDNS, CXSMTP, CXMJ, CXCNCT connections, CXMXRT rate ...)
    ("blocked", _REPLY + r"(?:[^;]{0,200}?)\bcx(?:bl|dns|smtp|mj|cnct|mxrt|thrt|sndr|tls|ob|dlvr)\b"),
    # Spectrum/Charter: "AUP#..." codes of its acceptable use policy
    ("blocked", _REPLY + r"(?:[^;]{0,200}?)\baup#[a-z0-9-]+"),
    # GoDaddy: "IB..." codes of its inbound filter
    ("blocked", _REPLY + r"(?:[^;]{0,200}?)\bib\d{3}\b"),
    # Gmail quoting a reply the remote gave after DATA ("550 550 #5.1.0 Address rejected. (state
    # 17).", "550 550 Unknown user x (state 18)."): the recipient was accepted, the message was not
    ("filtered", _REPLY + r"(?:[^;]{0,300}?)" + GMAIL_AFTER_DATA),
    # Mimecast's recipient validation ("550 Invalid Recipient - https://community.mimecast.com/docs/
    # DOC-1369#550 [id]"; 501 and 503 as its documentation lists them)
    (_DEAD, r"\b5\d\d (?:invalid recipient|user unknown|invalid address) - (?:https?://)?community\.mimecast\.[a-z]+/"),
    # i.ua (Ukraine) numbers its replies and links each: ".../err/2/" no such user, see _IUA_CODES
    ("iua", _REPLY + r"(?:[^;]{0,300}?)\.i\.ua/err/\d+"),
    # Orange ("OFR_416", "OFR006_102", "OFR102-104"; Orange UK "OUK_513") and La Poste ("LPN416",
    # "LPN007_426", "LPN105-104")
    ("orange", _REPLY + r"(?:[^;]{0,300}?)\b(?:ofr|ouk|lpn(?:aaa)?)(?:\d{3})?[_-]?\d{3}\b"),
)
PROVIDER_REPLIES = Rules("provider:replies", [rx for _, rx in _RULES])
# The words every rule above needs, looked for first: most replies hold none of them, and this
# one search costs a third of the rules' own (keep it a superset of them).
_ANY_TOKEN = re.compile(r"requested (?:mail )?action|5\.4\.1 recipient|delivery error: dd|mailbox not found|: user unknown|"
                        r"community\.mimecast\.[a-z]+/|\.i\.ua/err/|"
                        r"\b(?:cx[a-z]{2,4}|aup#|ib\d{3}|(?:ofr|ouk|lpn)\w*?[_-]?\d{3}|(?:sc|ou|dy|rp)-00\d)|" + GMAIL_AFTER_DATA)
_ONE_BY_ONE = [(reason, re.compile(rx)) for reason, rx in _RULES]
_AT_RCPT_REPLIES = re.compile("|".join(rx for reason, rx in _RULES if reason == _AT_RCPT))


def needs_stage(text: str) -> bool:
    """Whether ``text`` holds a provider's dead-address reply that counts only where the
    recipient's own lines do not say it answered DATA (see verdict)."""
    return bool(_AT_RCPT_REPLIES.search(" ".join(text.lower().split())))
# Orange's and La Poste's numbers that name the recipient's state, as their postmaster pages list
# them ("OFR_416 Destinataire invalide. Invalid recipient", 418 the same, "OFR_417 ... Recipient overquota",
# "LPN007_426 Destinataire suspendu"); the others are about the sender and stay filtered.
_ORANGE_NUMBER = re.compile(r"(?:ofr|ouk|lpn(?:aaa)?)(?:\d{3})?[_-]?(\d{3})\b")
_ORANGE_CODES = {"416": _DEAD, "418": _DEAD, "417": "mailboxfull", "420": "suspend", "426": "suspend"}
# i.ua's numbered replies (its error pages): 2 no such user, 3 a mailbox unused for over three
# months, 4 full; the others are about the sender (relaying, limits, HELO, our address, a block list).
_IUA_NUMBER = re.compile(r"\.i\.ua/err/(\d+)")
_IUA_CODES = {"2": _DEAD, "3": "suspend", "4": "mailboxfull", "1": "norelaying", "6": "norelaying",
              "5": "toomanyconn", "7": "blocked", "8": "rejected", "9": "blocked", "10": "filtered"}
# What Orange's and La Poste's codes give way to: words that say the address does not exist.
_DOES_NOT_EXIST = re.compile(r"does(?: not|n'?t) exist|n'existe pas|inexistant|unknown|inconnu")


def verdict(reason: str, code: str, texts: list[str], recipient: str, settled: bool,
            reason_of: Callable[[str], str],
            after_data: Callable[[], bool] | None = lambda: False) -> tuple[str, str, str] | None:
    """(reason, phrase, text) where a provider's documented reply overrules ``reason`` (the
    generic reading of ``texts``, with status ``code``); None where it does not, or where the
    verdict is ``settled`` already (a relay's own category, a local program's output).
    ``reason_of`` is the generic reading of a text: a dead mailbox is not taken from a reply
    whose other words name another reason (a block, a full mailbox). ``after_data``: says whether
    the recipient's own lines say the reply answered DATA (None: those lines were not read yet)."""
    for text in texts:
        if not text:
            continue
        low = " ".join(window(text).lower().split())
        if settled or not _ANY_TOKEN.search(low):
            offer(low, PROVIDER_REPLIES)  # provenance: the rules would have judged this text
            continue
        m = PROVIDER_REPLIES.search(low)
        if not m:
            continue
        said = m.group(0)
        kind, rx = next((k, r) for k, r in _ONE_BY_ONE if r.fullmatch(said))
        if kind == "yahoo-dd":
            # the account the reply says is missing must be at the recipient's own domain
            mine = recipient.rpartition("@")[2].lower()
            kind = _DEAD if mine and rx.fullmatch(said).group(1) == mine else ""
        if kind == _AT_RCPT:  # (not until the recipient's own lines are read: they may name DATA)
            kind = "" if after_data is None or after_data() else _DEAD
        if kind in ("kddi-dead", "kddi-filter"):
            # au's own answers, about its own subscribers only
            mine = recipient.lower()
            if not mine.endswith(("@ezweb.ne.jp", "@au.com")):
                kind = ""
            elif kind == "kddi-filter":
                kind = "filtered"
            else:  # the dead one names the recipient, and is not taken from a reply to DATA
                named = rx.fullmatch(said).group(1) == mine
                kind = _DEAD if named and after_data is not None and not after_data() else ""
        if kind == "orange":
            number = _ORANGE_NUMBER.search(said)
            kind = _ORANGE_CODES.get(number.group(1) if number else "", "")
            if not kind:
                kind = "" if _DOES_NOT_EXIST.search(low) else "filtered"
        if kind == "iua":
            kind = _IUA_CODES.get(_IUA_NUMBER.search(said).group(1), "")
        if kind == _DEAD:
            other = reason_of(low.replace(said, " "))
            unsure = code[:1] != "5" or other not in VAGUE_REASONS and other not in HARD_REASONS
            return None if unsure else (kind, said, text)
        if kind and (reason in VAGUE_REASONS or reason in HARD_REASONS):
            return kind, said, text
        return None
    return None


# Microsoft's SMTP service (IIS SMTPSVC; Hotmail's outbound servers) writes its notices in one
# fixed layout and passes on the far side's reply without its stage. RFC 5321's own words for
# 550, "Requested action not taken: mailbox unavailable", alone as the reply there, are the far
# side's answer to RCPT TO: its recipient lookup (a refusal after DATA names its reason).
_SMTPSVC_NOTICE = Rules("layout:smtpsvc-notice", [r"this is an automatically generated delivery status notification\.\s+"
                                                 r"delivery to the following recipients failed\."],
                        re.I, r"\A\s*(?:<<ALTERNATIVES>>)")
_BARE_UNAVAILABLE = re.compile(r"\s*550 requested action not taken: mailbox unavailable\.?(?: \(-?\d+:\d+:-?\d+\))?\s*",
                               re.I)


def answers_rcpt(notice: str, diagnostic: str) -> bool:
    """Whether ``diagnostic``, in a notice laid out as ``notice``, is known to answer RCPT TO."""
    return bool(_BARE_UNAVAILABLE.fullmatch(diagnostic)) and bool(_SMTPSVC_NOTICE.search(notice[:300]))
