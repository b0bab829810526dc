"""What the SMTP dialogue itself says in a failure text: RFC 3463 status codes, RFC 5321 reply
codes and the command a reply answered (the stage).

The stage matters because the same words mean different things at different stages: "user
unknown" in answer to RCPT TO is a recipient lookup, after DATA it is usually a filter; a dead
domain said in answer to MAIL FROM is about the sender. A reply code opens a reply; a 4xx one is
temporary, whatever a giving-up report around it says.
"""

from __future__ import annotations

import re

from .rules import RuleList

STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
# Failure replies only: a 2xx number inside a failure text is a size or a count ("Size: 222").
REPLY_CODE_RE = re.compile(r"(?<![\d.\-])([45]\d\d)(?:[ \-]|$)")


def find_status(text: str) -> str:
    """The first RFC 3463 status code (``5.1.1``) in ``text``, or ''."""
    if not text:
        return ""
    m = STATUS_RE.search(text)
    return f"{m.group(1)}.{m.group(2)}.{m.group(3)}" if m else ""


def said_temporary(lows: list[str]) -> bool:
    """Whether the first of the texts that holds a reply code or a status gives a temporary one
    (the reply code first: it opens the reply)."""
    for low in lows:
        said = find_reply_code(low) or find_status(low)
        if said:
            return said[0] == "4"
    return False


def find_reply_code(text: str) -> str:
    m = REPLY_CODE_RE.search(text or "")
    return m.group(1) if m else ""


_COMMAND_RE = re.compile(
    r"(?:in reply to|after|did not like our|error (?:from remote (?:mail )?server )?after|during)\s+(?:the\s+)?"
    # ("pipelined": Exim names a command it sent in one batch with others so, "after pipelined RCPT TO")
    r"(?:end of |final |initial |pipelined )?(rcpt(?: to)?|mail(?: from)?|data|helo|ehlo|connect(?:ion)?|starttls|auth)\b"
    # a sentence that names the refused command itself ("rejected the RCPT TO command", "response
    # to DATA"): only the full command names, never a word like "mail" in a host name
    r"|(?:rejected|refused|failed|denied|(?:response|reply|answer) to)\s+(?:the\s+|our\s+|your\s+)?(?:end of\s+)?"
    r"(rcpt to|mail from|data)(?![\w.-])"
)
# A session transcript: the commands sent and the replies got, marked by arrows either way round
# (Sendmail and Courier ">>> RCPT To:" / "<<< 550", InterScan "Sent <<< RCPT TO:" / "Received >>> 550",
# MDaemon "--> RCPT To:" / "<-- 550", hMailServer "hMailServer sent: RCPT TO:" / "Remote server replied: 550").
_SENT_RE = re.compile(r"(?:>>>|<<<|(?<!-)-++>|<-+|\bsent:?)[ \t]*(rcpt to|mail from|data|helo|ehlo|starttls|auth)\b")
_REPLY_RE = re.compile(r"(?:<<<|>>>|<-+|(?<!-)-++>|\breceived:?|\breplied:?)[ \t]*[45]\d\d")
BEFORE_RCPT = frozenset({"MAIL", "HELO", "CONN", "STARTTLS", "AUTH"})
_COMMANDS = {"rcpt": "RCPT", "mail": "MAIL", "data": "DATA", "helo": "HELO", "ehlo": "HELO", "connect": "CONN",
             "connection": "CONN", "starttls": "STARTTLS", "auth": "AUTH"}


# The final line of any reply in a transcript (a "250-" line is continued below it).
_ANY_REPLY_RE = re.compile(r"(?:<<<|>>>|<-+|(?<!-)-++>|\breceived:?|\breplied:?)[ \t]*([2345])\d\d(?![\d-])")


_NO_RECIPIENTS = re.compile(r"(?:<<<|>>>|<-+|(?<!-)-++>|\breceived:?|\breplied:?)[ \t]*(?:503|554)[ \t-][^\n]{0,40}?"
                            r"(?:need (?:rcpt|recipient)|no (?:valid )?recipients)")


def _answered(low: str, failing: re.Match) -> str:
    """The command the failing reply of a transcript answered: replies come in the order of the
    commands (with PIPELINING several commands go before the first reply, and the first reply
    answers the first of them); a reply with no command waiting (after DATA's 354, the message)
    answers the last command sent."""
    sent = list(_SENT_RE.finditer(low, 0, failing.start()))
    if not sent:
        return ""
    waiting = 0  # commands sent and not yet answered, counted from the first sent
    answered = 0
    events = sorted([(m.start(), "sent") for m in sent]
                    + [(m.start(), "reply") for m in _ANY_REPLY_RE.finditer(low, sent[0].start(), failing.start())])
    for _, kind in events:
        if kind == "sent":
            waiting += 1
        elif waiting:
            waiting -= 1
            answered += 1
    command = _COMMANDS.get((sent[answered] if waiting else sent[-1]).group(1).split()[0], "")
    if command == "DATA" and _NO_RECIPIENTS.search(low, failing.end()):
        # DATA then refused for want of a recipient ("503 Need RCPT", "554 No valid recipients"):
        # the failing reply before it answered RCPT TO, sent ahead in the same batch (Sendmail
        # writes only ">>> DATA" of a pipelined session)
        return "RCPT"
    return command


def smtp_command(low: str) -> str:
    """The SMTP command a failure answered ('RCPT', 'MAIL', 'DATA', ...) or '' (lowercased text)."""
    reply = _REPLY_RE.search(low)
    if reply:
        answered = _answered(low, reply)
        if answered:
            return answered
    m = _COMMAND_RE.search(low)
    if m:
        return _COMMANDS.get((m.group(1) or m.group(2)).split()[0], "")
    for pattern in _STAGE_WORDING.active(low):
        if pattern.search(low):
            return _STAGE_OF[pattern.pattern]
    return ""


# Gmail's tag for a quoted reply given after DATA (its client's states 15, 17 and 18).
GMAIL_AFTER_DATA = r"\(state 1[578]\)"
# Fixed sentences and tags in which a server's layout names the stage without the usual
# wording (qmail: "192.0.2.1 does not like recipient." before the remote's RCPT reply).
_STAGES = (
    (r"does not like recipient", "RCPT"),
    (r"does not like sender", "MAIL"),
    (r"failed after i sent the message|failed on data command", "DATA"),
    # "SMTP error from remote server for RCPT TO command, host: ... reason: 550 ..."
    (r"\bfor rcpt to command", "RCPT"),
    (r"\bfor mail from command", "MAIL"),
    (r"\bfor data command", "DATA"),
    # 1&1 names the message's transmission by its own word: "for TEXT command"
    (r"\bfor text command", "DATA"),
    # SmarterMail: "rejected recipient <a> (Error following RCPT command). It responded as follows: [550 ...]"
    (r"\berror following rcpt command", "RCPT"),
    (r"\berror following mail command", "MAIL"),
    (r"\berror following data command", "DATA"),
    # IMail names the command whose reply it quotes: "DATA command generated response:", "Body of
    # message generated response:", "Additional RCPT TO generated following response:", "Server
    # response to MAIL FROM:"
    (r"\badditional rcpt to generated following response", "RCPT"),
    (r"\b(?:data command|body of message) generated response", "DATA"),
    (r"\bserver response to mail from", "MAIL"),
    # the command written before the host that answered it: "SMTP:RCPT host 192.0.2.8: 553 ..."
    (r"\bsmtp:rcpt\b", "RCPT"),
    (r"\bsmtp:mail\b", "MAIL"),
    (r"\bsmtp:data\b", "DATA"),
    # Gmail's tag after the remote reply it quotes: "... User Unknown (state 14)." — the state of
    # its SMTP client: 6 after MAIL FROM, 8/9/12 authentication, 13 the greeting, 14 RCPT TO,
    # 15/17/18 DATA and the message
    (r"\(state 14\)", "RCPT"),
    (GMAIL_AFTER_DATA, "DATA"),
    (r"\(state 13\)", "HELO"),
    (r"\(state 6\)", "MAIL"),
    (r"\(state (?:8|9|12)\)", "AUTH"),
    # m-FILTER writes the command after the reply, under a heading: "-------SMTP command" / "RCPT TO:<a>"
    (r"(?<!-)-{3,}+ ?smtp command:? rcpt\b", "RCPT"),
    (r"(?<!-)-{3,}+ ?smtp command:? mail\b", "MAIL"),
    (r"(?<!-)-{3,}+ ?smtp command:? data\b", "DATA"),
    # Yahoo's tag after the remote reply it quotes: "... User unknown [RCPT_TO]"
    (r"\[rcpt_to\]", "RCPT"),
    (r"\[mail_from\]", "MAIL"),
    (r"\[(?:body|data|end_of_data)\]", "DATA"),
    # Haraka gathers the recipients its remote refused at RCPT TO under "Some recipients failed:
    # <a>", each with its reply below; a refusal at any other stage comes without that line
    (r"\bsome recipients failed:\s*<", "RCPT"),
    # chasquid writes the commands before the reply it quotes: "MAIL+RCPT 550 ..." (one recipient
    # per transaction: MAIL FROM or RCPT TO refused it — a refusal of our sender says so in its
    # words, read first) and "DATA closing 550 ..."
    (r"\bmail\+rcpt [45]\d\d\b", "RCPT"),
    (r"\bdata closing [45]\d\d\b", "DATA"),
)
_STAGE_WORDING = RuleList("stage:server-wording", [p for p, _ in _STAGES])
_STAGE_OF = dict(_STAGES)


# When the text names nothing: the RFC 3463 code alone (class.subject.detail, read by subject
# and detail; the class, 4 or 5, decides temporary or permanent elsewhere).
_CODE_REASONS: dict[str, str] = {
    "1.0": "userunknown", "1.1": "userunknown", "1.3": "userunknown",
    "1.4": "filtered",  # X.1.4: the address matches several mailboxes (ambiguous), none is dead
    "1.2": "hostunknown", "1.6": "hasmoved", "1.7": "rejected", "1.8": "rejected", "1.9": "systemerror",
    "1.10": "notaccept", "1.351": "userunknown",
    "2.0": "filtered", "2.1": "suspend", "2.2": "mailboxfull", "2.3": "exceedlimit", "2.4": "systemerror",
    "3.0": "systemerror", "3.1": "systemfull", "3.2": "notaccept", "3.3": "systemerror",
    "3.4": "mesgtoobig", "3.5": "systemerror",
    "4.0": "networkerror", "4.1": "networkerror", "4.2": "networkerror", "4.3": "systemerror",
    "4.4": "hostunknown", "4.5": "networkerror", "4.6": "networkerror", "4.7": "expired",
    "5.0": "syntaxerror", "5.1": "syntaxerror", "5.2": "syntaxerror", "5.3": "exceedlimit",
    "5.4": "syntaxerror", "5.5": "syntaxerror",
    "6.0": "contenterror", "6.1": "contenterror", "6.2": "contenterror", "6.3": "contenterror",
    "6.4": "contenterror", "6.5": "contenterror",
    "7.0": "securityerror", "7.1": "securityerror", "7.2": "rejected", "7.3": "securityerror",
    "7.4": "securityerror", "7.5": "securityerror", "7.6": "securityerror", "7.7": "securityerror",
    "7.8": "securityerror", "7.9": "policyviolation", "7.13": "suspend", "7.14": "securityerror",
    "7.25": "requireptr", "7.26": "authfailure", "7.23": "authfailure", "7.24": "authfailure",
    "7.27": "notaccept",
}


def reason_of_status(status: str) -> str:
    """The reason an RFC 3463 status code names by itself ('' for a success or an unknown one)."""
    if not status or status[0] not in "45":
        return ""
    sub = status[2:]
    return _CODE_REASONS.get(sub, "")


# A transcript's failing reply ("<<< 550 5.1.1 ...", MDaemon's "<-- 550 Invalid Recipient") and the
# line that sent the command it answers (">>> RCPT To:<a>", "--> RCPT To:<a>").
_FAILED_REPLY = re.compile(r"(?:<<<|<-+)[ \t]*([45]\d\d)\b")
_SENT_LINE = re.compile(r"(?:>>>|-+>)[ \t]*[A-Za-z]{4}")
READ_LIMIT = 1500  # characters of one text read for its reason: the server's sentence comes first


def window(text: str) -> str:
    """The part of ``text`` that is read: its start — or, in a long transcript whose decisive reply
    stands beyond the start (after a greeting, capabilities, TLS, the log's notes), that exchange
    alone: the command and every line of the reply that ended the attempt (its last permanent
    one: a session may have met a temporary refusal at one MX host before the permanent one at
    the next)."""
    if len(text) <= READ_LIMIT:
        return text
    last = first = None
    for m in _FAILED_REPLY.finditer(text, 0, 100_000):
        first = first or m
        if m.group(1)[0] == "5":
            last = m
    m = last or first
    if m is None or m.start() < READ_LIMIT - 400:
        return text[:READ_LIMIT]
    code = m.group(1)
    start = text.rfind("\n", 0, m.start()) + 1
    while start > 0:  # back to the first line of a multi-line reply ("550-5.1.1 ...")
        before = text.rfind("\n", 0, start - 1) + 1
        reply = _FAILED_REPLY.search(text, before, start)
        if not reply or reply.group(1) != code:
            break
        start = before
    if start > 0:  # and the command it answered, on the line before
        before = text.rfind("\n", 0, start - 1) + 1
        if _SENT_LINE.search(text, before, start):
            start = before
    end = text.find("\n", m.end())
    return text[start:end if end >= 0 else len(text)][:READ_LIMIT]
