"""From a server's error text and status code to a reason and a kind (hard or soft).

Only a few reasons make a bounce *hard* — the address itself is dead: the user is unknown, the
host or domain does not exist, the mailbox has moved, or the domain accepts no mail at all.
Everything else that failed is *soft*: a full mailbox, a disabled account, a block or filter
(even with a 5xx code — those are about the sender, its reputation or its content), an expired
queue entry, network trouble. Suppressing a person by mistake is worse than missing a bounce,
so sender-side and transient phrases are checked before the "user unknown" family.

Status codes follow RFC 3463 (class.subject.detail); the text wins over the code, because
many servers send 5.0.0 or a misleading code with a precise sentence.

Decisions worth knowing:
- "User unknown" is hard only when the code says so (5.1.x), when the server said it in
  answer to RCPT TO, or in wordings only a recipient lookup produces. The same words after
  DATA, or with neither code nor stage, are very often a recipient's filter (``filtered``,
  soft). Measured on real bounces this keeps hard-bounce precision near 1.0.
- A disabled or suspended account (5.2.1, "account disabled") is soft: such mailboxes come
  back, and the soft-bounce limit suppresses the ones that do not.
- Blocks about the sender (reputation, SPF/DKIM/DMARC, PTR, spam, rate limits) are soft and
  flagged ``policy`` so the user is warned instead of the contact being blamed.
"""

from __future__ import annotations

import re
import unicodedata

from . import providers
from .message import INTL_LETTERS
from .rules import HARD_REASONS, VAGUE_REASONS, Rules, offer
from .smtp_codes import (
    BEFORE_RCPT,
    STATUS_RE,
    find_reply_code,
    find_status,
    reason_of_status,
    said_temporary,
    smtp_command,
    window,
)
from .wordings import DIRECTORY_MISS, FAMILIES, UNKNOWN_WORDS

_URL_RE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+")
# (a domain in Unicode letters too: "jörg@bücher.example" is one address, not "<addr>ücher.example")
_ADDR_RE = re.compile(r"(?<![^\s<>()\[\]\"',;:])[^\s<>()\[\]\"',;:@]{1,128}@[a-z0-9.\-" + INTL_LETTERS + "]{1,255}")


_ONLY_UNAVAILABLE = re.compile(r"\b(?:not available|unavailable)\b")  # of a mailbox: for now, or for good
# An account or mailbox closed for good (not locked, frozen or disabled for a while)
_CLOSED_FOR_GOOD = re.compile(r"\b(?:closed|deleted)\b")
STRONG_UNKNOWN = Rules("strong-unknown", [
    r"recipient name is not recognized", r"recipnotfound", r"recipientnotfound",
    # the final (local) delivery agent itself found no such mailbox, whichever way round it says
    # so (Sendmail's "mail.local: unknown user", IMail's "invalid final delivery userid")
    # (two alternatives, one per word order, so that leave-one-family-out counts each order's
    # own backing)
    r"(?:mail\.local|local delivery(?: agent)?|final delivery(?: agent)?)\W{1,3}(?:unknown|invalid|no such|"
    r"non-?existent) (?:user|userid|mailbox|recipient)\b",
    r"(?:unknown|invalid|no such|non-?existent) (?:final|local) delivery (?:user|userid|mailbox|recipient)\b",
    # directory lookups of Domino/Notes and Exchange/Office 365
    r"not listed in (?:the )?(?:domino directory|public name (?:&|and) address book)",
    *DIRECTORY_MISS,
    r"recipient not found by smtp address lookup",
    r"e-?mail address you entered couldn'?t be found",
    r"no mailbox here by that name", r"bad destination mailbox address",
    r"email account that you tried to reach does not exist",
    r"the recipient'?s? (?:e-?mail )?address (?:was not found|does not exist)",
    # an address that cannot exist, whatever code comes with it (Exchange Online: "550 5.1.4
    # Recipient address reserved by RFC 2606"; 5.1.4 alone means an ambiguous address)
    r"reserved by rfc ?2606",
    # Exchange 2000/2003's own code for a recipient its directory does not know
    # ("MSEXCH:IMS:Org:Site:Server 0 (000C05A6) Unknown Recipient")
    r"\(000c05a6\)",
])


# A directory lookup that found no such recipient: Office 365 sends it with 5.1.10, which RFC 7505
# gives to a domain that accepts no mail (null MX) — the words name the death more precisely.
_LOOKUP_MISS = Rules("lookup-miss", [r"recipientnotfound", r"recipnotfound", r"recipient not found by smtp address lookup",
                                     r"e-?mail address you entered couldn'?t be found"])


_JOINED_WORDS = re.compile(r"(?<=[a-z])_(?=[a-z])")


def reason_of_text(text: str) -> str:
    """The first reason family whose phrases occur in ``text`` (lowercased), or ''."""
    return _family_match(text)[0]


_LATIN_MARKS = re.compile("[\u0300-\u036f]")


def fold(text: str) -> str:
    """``text`` without the accents of Latin letters ("buzón" → "buzon", "Empfänger" →
    "Empfanger"): SMTP replies are often written without them, so the phrases are matched on
    the folded text and written without accents. Other scripts stay as they are."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text)))


def _family_match(text: str) -> tuple[str, str]:
    text = fold(text)
    offer(text, *(pattern for _, pattern in FAMILIES))  # provenance: every family judges every text
    for name, pattern in FAMILIES:
        m = pattern.search(text)
        if m:
            return name, m.group(0)
    return "", ""


def excerpt(text: str, phrase: str, width: int = 300) -> str:
    """The part of ``text`` around ``phrase`` (whitespace collapsed), for showing the user why."""
    flat = " ".join(window(text).split())
    if len(flat) <= width:
        return flat  # (a reply that fits is shown whole, never from the middle of a sentence)
    at = flat.lower().find(phrase) if phrase else -1
    if at < 0 and phrase:
        at = fold(flat.lower()).find(phrase)  # (a phrase matched without the text's accents)
    if at < 0:
        return flat[:width]
    start = max(0, at - width // 3)
    # Start at a word boundary so the excerpt reads as words.
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    return flat[start:start + width]


# Servers that classify their own bounces (PowerMTA's X-PowerMTA-BounceCategory and similar).
VENDOR_CATEGORIES = {
    "bad-mailbox": "userunknown", "bad-domain": "hostunknown", "inactive-mailbox": "suspend",
    "quota-issues": "mailboxfull", "message-expired": "expired", "no-answer-from-host": "networkerror",
    "routing-errors": "systemerror", "spam-related": "spamdetected", "policy-related": "policyviolation",
    "content-related": "contenterror", "virus-related": "virusdetected", "relaying-issues": "norelaying",
    "protocol-errors": "syntaxerror", "invalid-sender": "rejected", "bad-configuration": "systemerror",
    "bad-connection": "networkerror", "other": "",
}


def _code_lines(text: str) -> list[str]:
    """The lines of ``text`` that carry an RFC 3463 status code: the replies themselves, each with
    the indented lines that continue it (a report wraps a long reply: "550 5.1.1 <a>: Recipient
    address rejected:" / "    User unknown in virtual mailbox table")."""
    out: list[str] = []
    open_reply = False
    for line in window(text).split("\n"):
        if STATUS_RE.search(line):
            out.append(line)
            open_reply = True
        elif open_reply and line[:1] in (" ", "\t") and line.strip() and not _REPLY_START.match(line):
            out[-1] += " " + line.strip()
        else:
            open_reply = False
    return out


_REPLY_START = re.compile(r"[ \t]*[45]\d\d[ -]")


# An IPv4 address named in a reply, other than the replying host's own ("host mx[192.0.2.1]",
# qmail's "192.0.2.1 does not like recipient").
_CLIENT_IP = re.compile(r"(?<![\[\d.])\b\d{1,3}(?:\.\d{1,3}){3}\b(?![\].\d])(?! does not like)")

_ECHOED_ADDRESS = re.compile(r"<[^<>@\s]+@[^<>\s]+>")
# (the report's own line naming the recipient, "<anna@example.org>:", above the reply: no echo)
_ANCHOR_LINE = re.compile(r"\A\s*<[^<>@\s]+@[^<>\s]+>:?[ \t]*(?:\n|$)")
# The domains a line names: in an address, after the word "domain", or as the name of an MX
# lookup (Postfix's "name=example.org type=MX"; an A lookup names a host, not a domain).
_NAMED_DOMAIN = re.compile(r"(?i)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)|\bdomain(?: name)?:?[ \t]+[<\"'(]?([a-z0-9-]+(?:\.[a-z0-9-]+)+)"
                           r"|\bname=([a-z0-9-]+(?:\.[a-z0-9-]+)+) type=mx\b")


def _other_domain(text: str, phrase: str, recipient: str) -> bool:
    """The line of ``text`` that says a domain is dead (``phrase``) names domains, none of them the
    recipient's own, a parent or a subdomain of it ("Domain shop.example does not exist" said of
    the sender's domain in a reply about anna@example.org)."""
    low = window(text).lower()
    at = low.find(phrase) if phrase else -1
    if at < 0:
        return False
    line = low[low.rfind("\n", 0, at) + 1:(low.find("\n", at) + 1 or len(low) + 1) - 1]
    named = {d.strip(".") for m in _NAMED_DOMAIN.finditer(line) for d in m.groups() if d}
    if not named:
        return False
    mine = recipient.rpartition("@")[2].lower()
    return not any(d == mine or d.endswith("." + mine) or mine.endswith("." + d) for d in named)

# Sendmail restates a remote reply it received in a session transcript in words of its own: after
# "<<< 553 5.7.2 [TSS09] All messages from ... will be permanently deferred" it writes "550 5.1.1
# <addr>... User unknown" for any 5xx at RCPT TO. The remote's reply is what was said.
_RESTATED = re.compile(r"(?m)^(<<<[ \t]*[45]\d\d[ \t][^\n]*\n)[45]\d\d [45]\.\d{1,3}\.\d{1,3} <[^<>\n]*>\.\.\. [^\n]*$")



# A notice's list of what *may* have gone wrong, above the reply that says what did (SmarterMail:
# "The account or domain may not exist, they may be blacklisted, or missing the proper dns
# entries."): guesses, not words of the failure.
_SPECULATION = re.compile(r"\b(?:may|might) not exist(?:,| or\b)[^.\n]*")


# A notice that gave up after retrying for its time (qmail: "I'm not going to try again; this
# message has been in the queue too long."): the refusal it quotes was a temporary one.
_GAVE_UP_IN_TIME = re.compile(r"in the queue too long|retry time(?:out)? exceeded|could not be delivered (?:within|for) "
                              r"(?:the last )?\d+|been failing for a long time")


# A transcript's successful replies ("<-- 250-STARTTLS", "<<< 250 OK", "<<< 354 Go ahead"): the
# far side's greeting and capabilities, never words of the failure.
_GOOD_REPLY = re.compile(r"(?m)^[^\n]*?(?:<<<|<-+)[ \t]*[23]\d\d(?:[ -][^\n]*)?$")
# ... and our own commands ("--> STARTTLS", ">>> MAIL From:<a> SIZE=4127") and the log's note that
# TLS was set up (MDaemon: "*  TLS negotiated using TLS 1.3"): no words of the failure either.
_OWN_LINE = re.compile(r"(?im)^[^\n]*?(?:(?:>>>|-+>)[ \t]*(?:ehlo|helo|lhlo|mail|rcpt|data|quit|starttls|auth|rset|noop|bdat)\b"
                       r"|\btls (?:negotiated|established|connection established|handshake (?:succeeded|completed?))\b)[^\n]*$")


def _unrestated(text: str) -> str:
    return _RESTATED.sub(r"\1", text) if "<<<" in text else text


def _words_only(text: str, low: str) -> str:
    """``low`` (the read form of ``text``) without a transcript's successful replies."""
    if "<<<" not in text and "<-" not in text or not _GOOD_REPLY.search(text):
        return low
    return _read(_OWN_LINE.sub("", _GOOD_REPLY.sub("", window(text))))


def _read(text: str) -> str:
    low = _unrestated(window(text)).lower()
    low = _SPECULATION.sub(" ", low) if "not exist" in low else low
    return " ".join(_ADDR_RE.sub(" <addr> ", _URL_RE.sub(" ", low)).split())


def _precise_status(low: str) -> str:
    """The first status code in a text, or a precise one of the same class after a vague first
    (Exchange relaying a remote refusal: "<mx.example.org #5.0.0 smtp; 550 5.1.1 <a>... User unknown>")."""
    first = find_status(low)
    if first.endswith(".0.0"):
        # (only a code that opens a reply, after its reply code or "#": not a version, a section
        # number or a time in the words)
        for m in _REPLY_STATUS.finditer(low):
            if m.group(1)[0] == first[0] and not m.group(1).endswith(".0.0"):
                return m.group(1)
    return first


_REPLY_STATUS = re.compile(r"(?:\b[245]\d\d[ -]+|#)([245]\.\d{1,3}\.\d{1,3})\b(?!\.\d)")


def decide(status: str, texts: list[str], permanent_hint: bool | None = None,
           vendor_reason: str = "", echo_means_rcpt: bool = False,
           checks_recipients: bool = False, from_program: bool = False,
           recipient: str = "", sole: bool = False, codes_from: int | None = None,
           quick: bool = False) -> tuple[str, str, str, str]:
    """(kind, reason, status, excerpt) for one failed recipient.

    ``status`` is the RFC 3463 code given by the report (may be '' or a vague x.0.0);
    ``texts`` are the server's words about this recipient, most specific first (the first text
    with a known phrase decides). ``permanent_hint`` says whether the report marks the failure
    as permanent when there is no code at all. ``echo_means_rcpt``: the report comes from a
    provider (Gmail, Yahoo) that quotes the remote reply verbatim; a reply that echoes the
    recipient as ``<addr>`` answered RCPT TO. ``checks_recipients``: the report comes from a
    gateway that validates recipients itself (McAfee Email Gateway), so "unknown user" is its
    own recipient check. ``from_program``: the words are a local delivery program's output
    (RFC 3464 diagnostic-type ``X-Unix``), which never proves an address dead. ``recipient``:
    the failed address where known; a dead domain is the recipient's death only when the words
    that say so name the recipient's domain or no domain at all (see :func:`_other_domain`).
    ``sole``: every text is about this one recipient (a notice that names no other), so a
    wording only a recipient lookup produces counts wherever in them it stands. ``codes_from``:
    the status or reply code is read only in the first so many texts (the recipient's own, where
    the later ones hold other recipients' replies). ``quick``: only the report's own field was
    given, not the notice's lines about the recipient (which may say at what stage it failed).
    """
    # URLs and addresses are names, not words: "filtered@x" or ".../reason/#filtered" say nothing.
    # Only the start of a long text is read: the server's sentence comes first, boilerplate later.
    read_in = [(i, _read(t)) for i, t in enumerate(texts) if t]
    lows = [low for _, low in read_in]
    code = status if status[:1] in ("4", "5") else ""
    coded = lows if codes_from is None else [low for i, low in read_in if i < codes_from]
    for low in coded:
        embedded = _precise_status(low)
        if embedded[:1] == "2":
            embedded = ""  # a success code inside a failure text is a size or a version, not a status
        # A precise code in the server's own words beats a vague one in the report fields (x.0.0,
        # or a subject without detail, x.y.0, where the words give the detail: Sendmail reports a
        # refused greeting as 5.5.0 whatever the remote's 5.7.1 said).
        if embedded and (not code or embedded[0] == code[0] and (code.endswith(".0.0") or code.endswith(".0")
                                                                 and not embedded.endswith(".0"))):
            code = embedded
            break
        if embedded:
            break
    if not code:
        reply = next((r for r in (find_reply_code(low) for low in coded) if r), "")
        if reply:
            code = f"{reply[0]}.0.0"
        elif permanent_hint is not None:
            code = "5.0.0" if permanent_hint else "4.0.0"
    reason, said, phrase, source = "", "", "", next((t for t in texts if t), "")
    read: list[str] = []  # the texts read, up to the one that decided
    for low, original in zip(lows, [t for t in texts if t], strict=False):
        read.append(original)
        # Words joined by underscores are words ("550 BAD_RECIPIENT", "NO_SUCH_USER").
        reason, phrase = _family_match(_JOINED_WORDS.sub(" ", _words_only(original, low)))
        if reason and STATUS_RE.fullmatch(phrase.strip()):
            # The phrase that matched is a status code: the words of the reply that carries it
            # decide when they name a reason (a 5.1.1 that says "internal server error").
            reply_words = " ".join(STATUS_RE.sub(" ", line) for line in _code_lines(original))
            worded, words_phrase = _family_match(" ".join(_ADDR_RE.sub(" <addr> ", reply_words.lower()).split()))
            if worded:
                reason, phrase = worded, words_phrase
        if reason:
            said, source = low, original
            break
    # "User unknown" answered to the message *content* (after DATA) is a filter at work, not a
    # dead address: the recipient was accepted at RCPT time.
    by_code = reason_of_status(code)
    if (reason == "policyviolation" and by_code == "userunknown" and said
            and UNKNOWN_WORDS.search(STATUS_RE.sub(" ", fold(said)))):
        # "Refused" or "not allowed" is the weakest of the words about us: beside a 5.1.x code and
        # words that say the recipient does not exist ("550 5.1.1 RCP-P1 ... Refused due to
        # recipient does not exist"), the recipient lookup is what was said.
        reason = "userunknown"
    if vendor_reason and not (vendor_reason in HARD_REASONS and reason not in VAGUE_REASONS
                              and reason not in HARD_REASONS):
        # The server's own category stands, except that it cannot make hard what its own words
        # call something else (a full mailbox, a block): when the two disagree, the softer wins.
        reason = vendor_reason
    elif reason == "userunknown" and by_code in HARD_REASONS and not any(_LOOKUP_MISS.search(low) for low in lows):
        reason = by_code  # a precise code (5.1.6 moved, 5.1.2 no such host) names the kind of death
    elif reason in HARD_REASONS and by_code == "mailboxfull" and not STRONG_UNKNOWN.search(fold(said)):
        # X.2.2 says the mailbox is full, so it exists: words that call it (or its domain) dead
        # beside that code contradict it, and unsure is soft (a directory's own miss still counts)
        reason = by_code
    elif reason == "suspend" and by_code == "userunknown" and _CLOSED_FOR_GOOD.search(phrase):
        # an account closed (not disabled) beside a code that calls the mailbox bad (5.1.1): gone
        reason = by_code
    elif reason == "hasmoved" and by_code != "hasmoved" and (code[1:3] == ".7" or any(
            smtp_command(low) == "DATA" for low in coded)):
        # a person gone ("no longer with the company") in words said after DATA or under a policy
        # code: a rule about the mail, the mailbox may live on (as "user unknown" there)
        reason = "filtered"
    elif reason == "userunknown" and by_code == "suspend" and _ONLY_UNAVAILABLE.search(phrase):
        # X.2.1 says the mailbox exists and is disabled: "mailbox not available" beside it says no
        # more than that ("550 5.2.1 Mailbox not available"), unlike "user unknown" beside it
        reason = by_code
    elif reason == "userunknown" and not (STRONG_UNKNOWN.search(fold(said))
                                          or sole and any(STRONG_UNKNOWN.search(fold(low)) for low in lows)):
        # "User unknown" is hard only where the code says so or the server said it in answer to
        # RCPT TO. Said after DATA, or with no code and no stage, it is most often a content or
        # recipient filter wearing the words (sisimai's "filtered"): never suppress on that.
        command = next((c for c in (smtp_command(low) for low in coded) if c), "")  # (own lines only)
        if not command and (checks_recipients or echo_means_rcpt and _ECHOED_ADDRESS.search(_ANCHOR_LINE.sub("", source, 1))):
            command = "RCPT"
        if command == "MAIL":
            reason = "rejected"  # said about the envelope sender, not the recipient
        elif command != "RCPT" or by_code == "filtered":
            reason = "filtered"
    if not reason and next((r for r in (find_reply_code(low) for low in coded) if r), "") == "556":
        reason = "notaccept"  # RFC 7504's reply code: the domain accepts no mail (a null MX)
    if not reason:
        reason = reason_of_status(code) or ("onhold" if not code else "undefined")
    if from_program and reason in HARD_REASONS:
        reason = "mailererror"
    if reason in HARD_REASONS:
        # A dead host or domain said in answer to a command before RCPT TO (our greeting, our
        # envelope sender) is about us, not about the recipient (read in the words that said it,
        # or in all of them where a code alone said it); so is a dead mailbox, whatever its code
        # ("550 5.1.0 Address rejected" to MAIL FROM).
        command = smtp_command(said) if said and reason != "userunknown" else next(
            (c for c in (smtp_command(low) for low in lows) if c in ("MAIL", "RCPT", "DATA")), "")
        if command in BEFORE_RCPT:
            reason = "rejected" if command == "MAIL" else "blocked"
        elif code[1:] == ".4.7" or _GAVE_UP_IN_TIME.search(said):
            # RFC 3463 X.4.7, or the notice's own words: the server gave up retrying what failed
            # each time — the reply it quotes was a temporary one (a permanent one ends the retries)
            reason = "expired"
    if reason == "hostunknown" and recipient and _other_domain(source, phrase, recipient):
        reason = "rejected"  # the domain that does not exist is another's: ours, in a check of our mail
    if reason in HARD_REASONS and (not phrase or STATUS_RE.fullmatch(phrase.strip())):
        # Only the code says the address is dead; a reply line that names an IP address after the
        # code is about the sending host ("5.1.1 <addr> - 192.0.2.1 has sent to too many
        # recipients"): unsure, and about the sender.
        if any(_CLIENT_IP.search(line[STATUS_RE.search(line).end():]) for t in texts if t for line in _code_lines(t)):
            reason = "blocked"
    if code[:1] == "5" and reason in HARD_REASONS and said_temporary(coded):
        # The far side's own reply was temporary (4xx): the report is the sending server giving
        # up after retries (Exim: "450 4.1.1 <addr>: ... User unknown ...: retry timeout
        # exceeded" under its own Status 5.0.0). A temporary answer never proves an address dead.
        reason = "expired"
    overruled = providers.verdict(reason, code, read, recipient, bool(from_program or vendor_reason),
                                   reason_of_text, None if quick else lambda: any(smtp_command(low) == "DATA" for low in coded))
    if overruled:
        reason, phrase, source = overruled  # a provider's own documented reply (see providers)
    kind = "hard" if reason in HARD_REASONS and code[:1] in ("5", "") else "soft"
    return kind, reason, code, excerpt(source, phrase)
