"""Bounces that are not RFC 3464 reports: find the failed recipients and their error text.

Real servers write the failed address in a handful of layouts, which cover Postfix, Sendmail,
Exim, qmail, Exchange, Gmail, Yahoo, Courier and most others:

- ``<addr>:`` or ``"addr":`` at the start of a line, the error below (qmail, Postfix, GMX);
- the address alone on an indented line, the error below (Exim, Gmail);
- ``<addr>... error`` (Sendmail), with or without a leading SMTP reply code;
- ``addr on DATE`` with the error indented below (Exchange 2003);
- ``RCPT TO:<addr>`` in a session transcript, the server's reply below;
- ``Recipient: addr`` style key/value lines (also ``[SMTP:addr]``), ``* [addr]: error``;
- an X.400 address whose ``dda:SMTP=`` attribute holds the address (Exchange IMS);
- a sentence naming it (``delivering your mail to <addr>``, ``message to addr could not``).

The ``X-Failed-Recipients`` header, where present, names the recipients authoritatively.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .message import ADDRESS_RE
from .result import Result
from .rules import RuleList, Rules

_A = ADDRESS_RE.pattern
_ANCHORS = RuleList("layout:recipient-line", [
    # <addr>: / "addr": / addr: at line start (qmail, Postfix plain text, GMX, X2)
    rf'^[ \t]*(?:[*\u2022][ \t]+)?(?:\d{{3}}[ -](?:[245]\.\d{{1,3}}\.\d{{1,3}} )?)?[<"\'\[]?(?P<a>{_A})[>"\'\]]?[ \t]*:(?!\S)[ \t]*(.*)$',
    # Sendmail: [550 [5.1.1]] <addr>... reason
    rf"^[ \t]*(?:\d{{3}}[ -](?:[245]\.\d{{1,3}}\.\d{{1,3}} )?)?<?(?P<a>{_A})>?\.\.\.[ \t]*(.*)$",
    # >>> kijitora@example <kijitora@example> (Active!Hunter and friends)
    rf"^[ \t]*>>>[ \t]*<?(?P<a>{_A})>?(?:[ \t]+<[^>]*>)?[ \t]*()$",
    # the address alone on its line (Exim, Gmail, Yahoo), optionally followed by a comment
    # (Mercury/32 marks each with "***")
    rf"^[ \t]*(?:(?:\*{{1,3}}|\u2022|--?)[ \t]+)?[<'\"]?(?P<a>{_A})[>'\"]?[ \t]*(?:\((?:unrecoverable error|generated from [^)]*|expanded from [^)]*)\))?[ \t]*,?()$",
    # Exchange 2003: addr on DATE
    rf"^[ \t]*[<'\"]?(?P<a>{_A})[>'\"]?[ \t]+on[ \t]+\S.*$()",
    # transcript: RCPT TO:<addr> (Sendmail ">>> RCPT To:", MDaemon "--> RCPT To:", InterScan
    # "Sent <<< RCPT TO:", in its other languages with its own word for "sent": "送信 >>> RCPT TO:")
    # (MDaemon's session log puts the time first: "Tue 2008-09-16 10:04:13: --> RCPT To:<addr>")
    rf"(?i)^[ \t]*(?:(?:\w{{3}} )?\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d:[ \t]+(?=-+>|>>>))?"
    rf"(?:(?:>>>|-+>|(?:sent:?[ \t]*)?<<<|[^\s<>:@]{{1,12}}[ \t]+(?:>>>|<<<))[ \t]*)?RCPT TO:[ \t]*<?(?P<a>{_A})>?(.*)$",
    # a server named before the recipient it refused (SmarterMail: "SMTP Server <mx.example.org>
    # rejected recipient <addr> (Error following RCPT command). It responded as follows: [550 ...]")
    rf"(?i)^[^\n@]{{0,120}}\brejected recipient[ \t]+<(?P<a>{_A})>(.*)$",
    # JavaMail's exceptions, one nested for each refused address (Apache James and other Java
    # servers): "com.sun.mail.smtp.SMTPAddressFailedException: 550 5.1.1 <addr>... User unknown"
    rf"^[ \t]*[\w.$]*AddressFailedException:[ \t]*\d{{3}}[ -](?:[245]\.\d{{1,3}}\.\d{{1,3}}[ \t]+)?<?(?P<a>{_A})>?(.*)$",
    # Zoho's notice of a temporary failure it gave up on: "[Status: Error, Address: <addr>, ResponseCode 421, ...]"
    rf"(?i)^[ \t]*\[status: [^,\n]{{0,20}}, address: <(?P<a>{_A})>,(.*)$",
    # InterScan: "Unable to deliver message to <addr>." above each recipient's transcript (also
    # after "Reason:")
    rf"(?i)^[ \t]*(?:reason:[ \t]+)?unable to deliver (?:the )?message to[ \t]+<(?P<a>{_A})>(.*)$",
    # CommuniGate Pro: "Failed to deliver to '<addr>'", then "<module> reports:" and the reason
    rf"(?i)^[ \t]*failed to deliver to[ \t]+'?<(?P<a>{_A})>'?(.*)$",
    # IMail: "undeliverable to addr", its reply below
    rf"(?i)^[ \t]*undeliverable to[ \t]+<?(?P<a>{_A})>?[ \t.]*()$",
    # a sentence ending in the address: "Could not be delivered to: <addr>", "mailbox is full: addr"
    rf"^[ \t]*([^\n<>@]{{3,120}}?:)[ \t]*<?(?P<a>{_A})>?[ \t.]*$",
    # a mailbox with its display name alone on its line, or before its error: "Name" <addr>,
    # Name <addr>, Exim's "a@b <c@d>: malformed address: ..." (the bracketed one failed)
    rf"^[ \t]*[^\s<>:][^\n<>:]{{0,79}}<(?P<a>{_A})>[ \t]*(?::[ \t]*(\S.*))?$",
    # addr followed by its error on the same line (Zoho: "addr Invalid Address, ERROR_CODE :550"),
    # also as an item of a list (chasquid: '- "addr" (EMAIL) failed permanently with error:')
    rf"^[ \t]*(?:(?:[*\u2022]|--?)[ \t]+)?[<\"]?(?P<a>{_A})[>\"]?[ \t]+(\S.*)$",
    # an X.400 O/R address whose SMTP domain-defined attribute holds the address (Exchange IMS:
    # "c=US;a= ;p=ORG;o=Site;dda:SMTP=addr; on DATE")
    r"(?i)^[ \t]*c=[^;\n]{0,20};[^\n]*?\bdda:smtp=(?P<a>[^\s;@<>]{1,128}@[a-z0-9.-]{1,255}\.[a-z]{2,63})[;, \t]*(.*)$",
    # Exim: a hidden address ("an undisclosed address") and, on its own line below, the address
    # it was generated from
    rf"^[ \t]*\((?:generated|expanded) from <?(?P<a>{_A})>?\)[ \t]*()$",
    # key/value lines naming the recipient
    rf"(?i)^[ \t]*(?:original[- ]recipient|final[- ]recipient|recipient(?:'s)?(?: address| e-?mail)?|failed recipient|"
    rf"to address|rcpt|address|e-?mail(?: address)?|empf\u00e4nger|destinataire|destinatario|adresse|"
    rf"invalid recipient|unknown recipient|bad recipient|user|"
    # Japanese, Chinese and Korean notices' "to" ("宛先", "收件人", "收件者", "受信者", "수신자"), the colon often full-width
    rf"\u5b9b\u5148|\u6536\u4ef6\u4eba|\u6536\u4ef6\u8005|\u53d7\u4fe1\u8005|\uc218\uc2e0\uc790)[ \t]*[:\uff1a][ \t]*\[?(?:(?:rfc822|smtp)[;:][ \t]*)?<?(?P<a>{_A})>?\]?(.*)$",
], re.M)
_SENTENCES = Rules("layout:recipient-sentence", [
    rf"(?:deliver(?:ing|ed|y)?|undeliverable|send(?:ing)?|sent|message|mail|e-?mail|reach|addressed|recipient|mailbox|account|user|"
    rf"address|destination)\s++(?:\w++\s++){{0,4}}(?:to|for|of|at|is|:)?\s*+:?\s*+(?:'<|[<\"'(])?(?P<a>{_A})",
    # the same in other languages: "Ihre Nachricht an addr", "votre message à addr", "el mensaje para addr"
    rf"(?:nachricht|e-?mail|message|mensaje|mensagem|messaggio|bericht|courriel|correo|meddelande)\s++(?:\w++\s++){{0,3}}"
    rf"(?:an|\u00e0|a|para|aan|naar|per|till|til)\s++[<\"'(]?(?P<b>{_A})",
], re.I)
_NOT_RECIPIENT_LOCALS = ("mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "daemon", "noreply",
                         "no-reply", "bounce", "bounces", "abuse")
_SENDER_CONTEXT = re.compile(r"(?i)(?:mail from|envelope-from|envelope from|sender|(?<!generated )(?<!expanded )from)\s*+:?\s*+<?\s*+$")
# The new address a reply offers for a mailbox that has moved (RFC 5321's 551 "User not local;
# please try <forward-path>", "has moved to <addr>"): where to write instead, not who failed.
_FORWARD_CONTEXT = re.compile(r"(?i)(?:\btry|\bmoved to|\bforward(?:ed|ing)? to|\bnew (?:e-?mail )?address(?: is)?|"
                              r"\brelocated to)[ \t]*:?[ \t]*[<\"(]?[ \t]*$")
# An address offered for help in a report's preamble ("For further assistance, please contact
# <support@...>", "send questions to <help@...>"): the reporting site's own, not a recipient.
_PREAMBLE = 3000  # where a report offers its help, before the recipients
_HELP_ADDRESS = re.compile(r"(?i)(?:\bcontact(?:ing|e[rz]?|o|ar)?|\bkontakt(?:ieren|ujte|uj)?|\bcontatt(?:o|are|i)|"
                           r"\bwrite to|\bquestions? to|\bassistance(?: from)?|"
                           r"\bhelp ?desk|\bsupport team)[ \t]*(?:us[ \t]*)?"
                           # (or whom, then a colon: "please contact the list owners: owner@...")
                           r"(?:(?:at|on|via)|(?:the[ \t]+)?(?:list[ \t]+)?(?:owners?|administrators?|"
                           r"postmasters?|moderators?|managers?)(?=[ \t]*:))?[ \t]*:?[ \t]*[<\"(]?[ \t]*"
                           rf"({_A})")
# Header lines quoted from the returned message that hold addresses which are not recipients.
_HEADER_CONTEXT = re.compile(r"(?i)^[ \t]*(?:message-id|in-reply-to|references|x-[\w-]+|received|return-path|"
                             r"reply-to|sender|cc|bcc|to|delivered-to|envelope-to|subject|errors-to|resent-[\w-]+|list-[\w-]+|"
                             r"content-id|dkim-signature|authentication-results)[ \t]*:")


@dataclass
class Found:
    recipient: str
    text: str  # the server's words about this recipient, up to the next recipient
    tight: str = ""  # the recipient's own line and the lines right below it
    # never proof of a dead address: a mailbox named without its domain (the domain is the
    # reporter's guess), or an alias named below the target of it that failed ("(generated from
    # addr)": the alias may reach others)
    guessed: bool = False
    # named by a sentence about the failure, not by a layout: its text is the rest of the notice
    loose: bool = False


def unsure(found: Found, notice: str, excluded: set[str]) -> bool:
    """Whether ``found`` can never be called dead: a guessed address, or one a sentence names in
    a notice that names other addresses too (the words below it may be another's)."""
    if found.guessed:
        return True
    if not found.loose:
        return False
    return bool(_named(notice, excluded) - _helpers(notice[:_PREAMBLE]) - {found.recipient.lower()})


def _helpers(head: str) -> set[str]:
    """The addresses a report's preamble offers for help: the reporting site's own."""
    return {m.group(1).lower() for m in _HELP_ADDRESS.finditer(head)}


def _named(notice: str, excluded: set[str]) -> set[str]:
    """The addresses a notice's first part names, lowercased, other than ``excluded`` and daemons."""
    return {a for a in (a.lower() for a in ADDRESS_RE.findall(notice[:_PREAMBLE])) if a not in excluded and not is_daemon(a)}


def is_daemon(addr: str) -> bool:
    local = addr.rpartition("@")[0].lower()
    return local in _NOT_RECIPIENT_LOCALS or local.startswith(("mailer-daemon", "postmaster"))


_REPLY_CODE_PREFIX = re.compile(r"[245]\d\d-(?=[^@\s]+@)")


def _blocks(notice: str, excluded: set[str], failed: frozenset[str] = frozenset()) -> list[tuple[int, int, str]]:
    """(start, end-of-anchor-line, address) for every anchored address, in text order (a daemon's
    address too where the notice's ``failed`` list names it: "postmaster@" can be a recipient)."""
    hits: dict[int, tuple[int, int, str]] = {}
    # An address offered for help once is the site's own wherever else the report repeats it.
    helpers = _helpers(notice[:_PREAMBLE])
    excluded = excluded | helpers if helpers else excluded
    for pattern in _ANCHORS.active(notice):
        for m in pattern.finditer(notice):
            addr = m.group("a")
            coded = _REPLY_CODE_PREFIX.match(addr)  # ("550-anna@example.org ...": a multi-line reply's code)
            addr = addr[coded.end():] if coded else addr
            if addr.lower() in excluded or is_daemon(addr) and addr.lower() not in failed:
                continue
            line_start = notice.rfind("\n", 0, m.start("a")) + 1
            before = notice[line_start:m.start("a")]
            if _SENDER_CONTEXT.search(before) or _HEADER_CONTEXT.match(before) or _FORWARD_CONTEXT.search(before):
                continue
            hits.setdefault(line_start, (line_start, m.end(), addr))
    return sorted(hits.values())


def _reasons_above(notice: str, blocks: list[tuple[int, int, str]]) -> list[int]:
    """Where each of several recipients stands alone on its line with its reason on the line right
    above it (Lotus Notes: "User not listed in public Name & Address Book" / "anna@example.org"),
    the start of each reason line; else []. (Elsewhere the words below an address are its own.)"""
    if len(blocks) < 2 or len({addr.lower() for _, _, addr in blocks}) < len(blocks):
        return []
    starts = []
    for start, end, addr in blocks:
        if notice[start:end].strip().strip("<>") != addr or start < 2 or notice[start - 1] != "\n":
            return []
        begin = notice.rfind("\n", 0, start - 1) + 1
        line = notice[begin:start - 1].strip()
        if not line or "@" in line or line.endswith(":") or _RULE_LINE.fullmatch(line):
            return []
        starts.append(begin)
    return starts


_ALIAS_LINE = re.compile(r"(?i)[ \t]*\((?:ultimately )?(?:generated|expanded) from\b")


def find(notice: str, excluded: set[str], failed_header: list[str] | None = None,
         addressees: frozenset[str] = frozenset(), home: str = "") -> list[Found]:
    """Failed recipients and their text, in order; ``excluded`` holds lowercased addresses that
    are certainly not recipients (the bounce's own sender and addressee, our sender).

    Mailboxes listed without a domain under a "the following recipients:" line are qualified
    with ``home``, the reporting server's domain. Where no layout names an address: the returned
    copy's addressee (``addressees``, lowercased) where the report names it, else the address of
    a sentence about the failure."""
    listed = _bare_names(notice, home) if home and not failed_header else []
    if listed:  # the list the report announces is the list of recipients, whatever it explains below
        return listed
    blocks = _blocks(notice, excluded, frozenset(a.lower() for a in failed_header or ()))
    above = _reasons_above(notice, blocks)
    if above:  # each recipient's text starts at its reason, on the line above its address
        blocks = [(begin, end, addr) for begin, (_, end, addr) in zip(above, blocks, strict=True)]
    found: list[Found] = []
    seen: dict[str, int] = {}
    # Each recipient's text in pieces, and how many pieces its paragraph is read from (joined
    # once at the end: a notice that repeats one address thousands of times stays linear).
    pieces: list[list[str]] = []
    tight_upto: dict[int, int] = {}
    previous = ("", -1, "")  # the last block: its address, where it ends, its text
    for i, (start, _end, addr) in enumerate(blocks):
        nxt = blocks[i + 1][0] if i + 1 < len(blocks) else len(notice)
        # The error text runs to the next recipient; a lone recipient owns the rest of the notice
        # up to a separator line (below one come footers and disclaimers).
        text = notice[start:nxt]
        rule = _RULE_LINE.search(text)
        text = text[:rule.start()] if rule else text
        key = addr.lower()
        right_below = previous[1] == start and previous[2].count("\n") <= 1  # a one-line block just above
        follows = right_below and previous[0] == key
        if right_below and previous[0] in seen and _ALIAS_LINE.match(text):
            # "(generated from alias)" right under a recipient's line: the alias the recipient was
            # expanded from, and the lines below it are that recipient's too (Exim: "  t@example.org"
            # / "    (generated from info@example.de)" / "    SMTP error ... after RCPT TO:..."); the
            # alias itself stays named below, never dead (it may reach its other targets)
            own = pieces[seen[previous[0]]]
            own.append(text)
            tight_upto[seen[previous[0]]] = len(own)
        previous = (key, start + len(text), text)
        if key in seen:
            own = pieces[seen[key]]
            if follows:
                # The same address again on the very next line (the block before is one line):
                # the reply quoting it, one paragraph ("<a>: host x said: 550 5.1.1" /
                # "    <a> - 192.0.2.1 has sent to too many unknown recipients").
                own.append(text)
                tight_upto[seen[key]] = len(own)
            else:
                own.extend(("\n", text))
            continue
        seen[key] = len(found)
        alias = bool(found) and _ALIAS_LINE.match(text) is not None
        found.append(Found(addr, text, _paragraph(text), guessed=alias))
        pieces.append([text])
    for index, own in enumerate(pieces):
        if len(own) > 1:
            found[index].text = "".join(own)
            if index in tight_upto:
                found[index].tight = _paragraph("".join(own[:tight_upto[index]]))
    if failed_header:
        first: dict[str, str] = {}
        for addr in failed_header:
            first.setdefault(addr.lower(), addr)
        wanted = list(first.values())
        by_key = {f.recipient.lower(): f for f in found}
        return [by_key.get(a.lower()) or Found(a, _near(notice, a), _paragraph(_near(notice, a))) for a in wanted]
    if found:
        return found
    for m in ADDRESS_RE.finditer(notice) if addressees else ():
        addr = m.group(0)
        line_start = notice.rfind("\n", 0, m.start()) + 1
        if addr.lower() in addressees and not _HEADER_CONTEXT.match(notice[line_start:m.start()]):
            return [Found(addr, notice[line_start:], _paragraph(notice[line_start:]))]
    for m in _SENTENCES.finditer(notice):
        group = "a" if m.groupdict().get("a") else "b"  # (one group name per alternative)
        addr, at = m.group(group), m.start(group)
        if addr.lower() in excluded or is_daemon(addr):
            continue
        before = notice[max(0, m.start() - 20):m.start()]
        if _SENDER_CONTEXT.search(before + m.group(0)[: at - m.start()]):
            continue
        line_start = notice.rfind("\n", 0, at) + 1
        if _HEADER_CONTEXT.match(notice[line_start:at]):
            continue  # the returned message's own header lines quoted in the report ("To: addr")
        return [Found(addr, notice[m.start():], _paragraph(notice[m.start():]), loose=True)]
    return []


_FROM_LINE = re.compile(r"(?i)[ \t]*from[ \t]*:")  # a quoted "From: Shop <shop@…>"


def _someone_elses(addr: str, before: str, excluded: set[str], helpers: set[str]) -> bool:
    """Whether an address a notice names (``before`` it: the start of its line) is certainly no
    recipient: the sender's, the reporter's or a helper's, a daemon, in a quoted header line, a
    forwarding target."""
    low = addr.lower()
    return (low in excluded or low in helpers or is_daemon(addr) or bool(_SENDER_CONTEXT.search(before))
            or bool(_HEADER_CONTEXT.match(before) or _FROM_LINE.match(before) or _FORWARD_CONTEXT.search(before)))


def sole_address(notice: str, excluded: set[str]) -> list[Found]:
    """Last, where no layout, sentence, returned copy or subject names a recipient: the one
    address a notice names, in a sentence of a language no pattern knows ("Twoja wiadomość do
    addr nie została dostarczona", "您发送给 addr 的邮件无法送达"). Where the text names exactly one
    that is nobody else's (not the sender's or the reporter's, not in a quoted header line, not
    offered for help), that one; else nobody."""
    text = notice[:_PREAMBLE]
    helpers = _helpers(text)
    named: dict[str, tuple[str, int]] = {}
    for m in ADDRESS_RE.finditer(text):
        addr = m.group(0)
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _someone_elses(addr, text[line_start:m.start()], excluded, helpers):
            continue
        named.setdefault(addr.lower(), (addr, line_start))
    if len(named) != 1:
        return []
    ((addr, line_start),) = named.values()
    return [Found(addr, text[line_start:], _paragraph(text[line_start:]), loose=True)]


# A heading that announces a list of recipients ("Your mail to the following recipients could not
# be delivered ...:", "Message not delivered to the following:", on one line or two), and below
# it mailboxes named without a domain, one a line, each alone or followed by its error after a
# wide gap.
_LIST_HEADING = Rules("layout:recipient-list-heading", [
    r"\bfollowing (?:recipients?|addresses|address\(es\)|users?|mailboxes)\b", r"\bto the following\b",
], re.I | re.M, r"^[^\n]*(?:<<ALTERNATIVES>>)[^\n]*(?:\n[^\n]+)?:[ \t-]*$")
_BARE_NAME = re.compile(r"^[ \t]+([A-Za-z0-9][\w.+-]{0,63})(?:[ \t]{2,}(\S[^\n]*))?[ \t]*$")


def _bare_names(notice: str, home: str) -> list[Found]:
    """Mailboxes a report lists without their domain below a heading that announces them,
    qualified with the reporting server's domain (``guessed``: never proof of a dead address)."""
    heading = _LIST_HEADING.search(notice[:_PREAMBLE])
    if not heading:
        return []
    out: list[Found] = []
    lines = notice[heading.end():].lstrip("\n").split("\n")
    for line in lines[:20]:
        m = _BARE_NAME.match(line)
        if not m or "@" in line:  # (a line that names an address is read by the layouts above)
            break
        out.append(Found(f"{m.group(1)}@{home}", line, line, guessed=True))
    return out


def home_domain(address: str) -> str:
    """The organisation's domain of a reporting server's address (``mr2.its.example.edu`` →
    ``example.edu``; ``mx.example.co.jp`` → ``example.co.jp``), lowercased."""
    labels = address.rpartition("@")[2].lower().split(".")
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:]) if len(labels) >= 2 else ""


_SECOND_LEVEL = frozenset({"co", "ac", "ne", "or", "go", "ad", "ed", "gr", "lg", "com", "net", "org", "edu", "gov"})


_BRACKETED = re.compile(rf"<({_A})>|\(({_A})\)")
_ID_CONTEXT = re.compile(r"(?i)(?:message-?id|\bid|references|in-reply-to)\W*$")


def bracketed(notice: str, excluded: set[str]) -> list[Found]:
    """The last resort: the first address a report writes in angle brackets or parentheses
    (``The message to <addr> could not be delivered`` in any language), other than the
    sender's, a helper's or a message id."""
    head = notice[:_PREAMBLE]
    helpers = _helpers(head)
    for m in _BRACKETED.finditer(head):
        addr = m.group(1) or m.group(2)
        line_start = notice.rfind("\n", 0, m.start()) + 1
        before = notice[line_start:m.start()]
        if _someone_elses(addr, before, excluded, helpers) or _ID_CONTEXT.search(before):
            continue
        return [Found(addr, notice[line_start:], _paragraph(notice[line_start:]))]
    return []


def _paragraph(text: str) -> str:
    """The anchor line and the lines that belong to it.

    When the error is on the anchor line itself (``<addr>... User unknown``) only indented
    continuation lines belong to it (unless the line ends in a colon: "Your message to <addr> was
    automatically rejected:" / "Quota exceeded"); otherwise everything up to the first blank line after
    some text (Exim and Gmail put a blank line between the address and the error)."""
    lines = text.split("\n")
    first = lines[0]
    rest_of_line = ADDRESS_RE.split(first, maxsplit=1)[-1].strip(" \t<>\"':.,")
    out = [first]
    if len(rest_of_line) >= 12 and not first.rstrip().endswith(":"):  # (a colon: the error follows)
        for line in lines[1:]:
            if not line[:1].isspace() or not line.strip():
                break
            out.append(line)
        return "\n".join(out)
    for line in lines[1:]:
        if not line.strip():
            if len(out) > 1:
                break
            continue
        if _RULE_LINE.match(line):
            break  # a separator line: what follows is a footer or disclaimer, not this recipient's error
        out.append(line)
    return "\n".join(out)


_RULE_LINE = re.compile(r"^[ \t]*[-_=*~#]{8,}[ \t]*$", re.M)


def _near(notice: str, addr: str) -> str:
    i = notice.lower().find(addr.lower())
    return notice[i:] if i >= 0 else notice


# Exim's own notice ("This message was created automatically by mail delivery software" above
# the failed addresses): an address whose lines quote no other server or program (no host, no
# SMTP or LMTP error, no reply or status code, no relay, no pipe, file or transport) and are no
# alias's or forward's (an address "generated from" another: one target of a live alias) failed
# by Exim's own routing — its lookup of its own users, as a shared host's "No Such User Here" —
# never by a far side's filter after DATA; nor is it said to be temporary.
_EXIM_PREAMBLE = Rules("layout:exim-own-verdict", [r"created automatically by mail delivery software"], re.I)
_ANOTHER_SERVER = re.compile(
    r"(?i)\bhost\b|\b[sl]mtp\b|\bremote\b|\bsaid\b|(?<![\d.])[245]\d\d(?![\d.])|[245]\.\d{1,3}\.\d{1,3}|"
    r"\bserver\b|\brelay|\bvia\b|smarthost|mailstore|responded|\bfilter|\bspam|generated (?:from|by)|expanded from|"
    r"\bpipe\b|child process|transport|\bfile\b|/|temporar|retry|later")


# GroupWise's notice ("The message that you sent was undeliverable to the following:") writes its
# own verdict in parentheses after each address: "anna@example.org (user not found)" is its
# directory's answer about its own user.
_GROUPWISE_PREAMBLE = Rules("layout:groupwise-own-verdict", [r"the message that you sent was undeliverable to the following"],
                            re.I)
_GROUPWISE_VERDICT = re.compile(r"(?i)^[ \t]*(\S+@\S+)[ \t]+\(user not found\)[ \t]*$", re.M)


# IMail (X-Mailer "<SMTP32 v…>") writes its own lookups as "Unknown user: addr" (a reply it passes
# on for another recipient follows "... generated response:" with its code); the package reads the
# same mark for a notice that holds its own verdicts only (_validating_gateway).
OWN_VERDICT_MAILER = Rules("provider:own-verdict-mailer", [r"<smtp32 v"], re.I)
_IMAIL_OWN = re.compile(r"(?i)[ \t]*(?:unknown user|invalid final delivery userid):[ \t]*<?(\S+@[^\s>]+?)>?[ \t]*(?:\n|$)")


def own_routing_verdict(notice: str, found: Found, mailer: str = "") -> bool:
    """Whether ``found``'s lines in Exim's notice are Exim's own verdict, not a reply it passes on
    (the notice must name the address: one taken from the returned copy is a guess); or
    GroupWise's own "(user not found)" beside the full address; or IMail's "Unknown user: addr"."""
    imail = _IMAIL_OWN.match(found.text[:300]) if OWN_VERDICT_MAILER.search(mailer or "") else None
    if imail:
        return imail.group(1).lower() == found.recipient.lower()
    if _GROUPWISE_PREAMBLE.search(notice[:1500]):
        m = _GROUPWISE_VERDICT.search(found.text[:300])
        return bool(m) and m.group(1).lower() == found.recipient.lower()
    return (bool(_EXIM_PREAMBLE.search(notice[:1500])) and found.recipient.lower() in found.text[:300].lower()
            and not _ANOTHER_SERVER.search(found.text))


def unattributed(result: Result, notice: str, excluded: set[str]) -> Result:
    """``result``, read from a whole notice that names no failed recipient in a layout known here:
    where the notice names several addresses, a dead one among them is nobody's in particular, so
    the answer is soft (the user sees the words; the returned copy's Message-ID still ties it to
    the message)."""
    if result.kind != "hard":
        return result
    return dataclasses.replace(result, kind="soft") if len(_named(notice, excluded)) > 1 else result
