"""Whether a mail is a delivery notice at all: by its report fields, its sender (the daemon's
address or envelope), its subject, its opening words or a server's fixed preamble.

Read before anything is classified: a mail that is no notice goes on to the complaint and reply
readers. None of these marks alone decides where a person could write the same; together with a
returned copy of a message, a null reverse-path or each other they do.
"""

from __future__ import annotations

import re

from . import phrases
from .message import Mail, all_addresses
from .replies import REPLY_PREFIX
from .rules import Rules

_BOUNCE_SENDER = Rules("detect:bounce-sender", [
    r"mailer[-_ ]?daemon", r"(?<![\w.-])[\w-]*daemon@", r"post_?master", r"mail delivery", r"mail administrator",
    r"delivery (?:status|subsystem|system)", r"bounce", r"nobody@", r"mmdf", r"smtp gateway",
    # the system mailbox Exchange 2010 and later (and Office 365) send their notices from
    r"microsoftexchange[0-9a-f]{32}@"], re.I)
_DAEMON_PATH = Rules("detect:daemon-return-path", [r"mailer[-_]?daemon@"], re.I, r"^\s*<?(?:<<ALTERNATIVES>>)")
_BOUNCE_SUBJECT = Rules("detect:bounce-subject", [
    r"undeliver", r"undelivered", r"non-?delivery", r"delivery (?:status|failure|failed|has failed|report|problem|notification|error)",
    r"returned (?:mail|message)", r"failure notice", r"failed delivery", r"mail delivery failed", r"could not be delivered",
    r"non[- ]?remis", r"unzustellbar", r"nicht zustellbar", r"zustellung", r"no se puede entregar", r"non recapitabile",
    r"delivery failure", r"mail system error", r"rejected", r"nondeliverable", r"non-deliverable", r"bounced? mail",
    r"message not delivered", r"warning: could not send", r"mail failure", r"error sending", r"delivery notification",
    r"returned to sender", r"notice of delivery", r"permanent error", r"sending failed",
    # Japanese: "undeliverable", "delivery error / failure", "not delivered"
    r"\u914d(?:\u4fe1|\u9001)\u4e0d\u80fd", r"(?:\u914d\u4fe1|\u9001\u4fe1|\u914d\u9001)(?:\u30a8\u30e9\u30fc|\u5931\u6557)",
    r"\u4e0d\u9054",
    r"(?:\u914d\u4fe1|\u9001\u4fe1|\u914d\u9001)(?:\u3067\u304d|\u51fa\u6765)\u307e\u305b\u3093",  # "could not deliver / send"
    r"failed mail", r"onbestelbaar", r"n[\u00e3a]o (?:foi )?entregue",
    r"\u9000\u4fe1",  # Chinese: returned mail
    r"\u043d\u0435 ?\u0434\u043e\u0441\u0442\u0430\u0432\u043b\u0435\u043d",  # Russian: not delivered
    # Chinese 投递失败/投遞失敗/发送失败, Korean 반송/전달 실패/배달 실패 (returned, delivery failed)
    r"\u6295(?:\u9012|\u905e)\u5931(?:\u8d25|\u6557)|\u53d1\u9001\u5931\u8d25", r"\ubc18\uc1a1|(?:\uc804\ub2ec|\ubc30\ub2ec) ?\uc2e4\ud328",
    # Polish, Czech, Spanish, French, Italian, Swedish, Danish/Norwegian, Finnish, Turkish
    r"nie (?:zosta\u0142a? )?dostarczon", r"nedoru\u010diteln", r"error de entrega", r"no entregado",
    r"\u00e9chec de (?:la )?remise", r"non d\u00e9livr", r"mancato recapito", r"impossibile recapitare",
    r"olevererbar", r"kunde inte levereras", r"kunne ikke leveres", r"kan ikke leveres", r"toimittamaton",
    r"teslim edilemedi",
], re.I)


BOUNCE_OPENING = Rules("detect:bounce-opening", [
    r"could(?: not|n'?t) (?:be )?deliver", r"undeliverable", r"delivery (?:has )?failed", r"permanent (?:fatal )?error",
    r"error message below", r"unable to deliver", r"was not delivered", r"wasn'?t delivered", r"delivery to the following",
    r"following (?:address|recipient)(?:es|s|\(es\)|\(s\))? (?:had|failed|could not)", r"returned mail",
    r"failure notice", r"did not reach", r"couldn'?t be delivered", r"message you sent", r"delivery status notification",
    r"invalid (?:user|recipient) address",
    r"error (?:has )?(?:occurred )?(?:while )?(?:attempting to )?deliver(?:ing)?\b", r"failed to deliver",
    r"could not (?:be )?sen[dt]\b", r"delivery (?:to|of) [^\n]{0,80}(?:has )?failed",
    # the fixed preambles of the servers' own notices (qmail, Exim, Sendmail, Postfix, Exchange)
    r"this is the qmail-send program", r"created automatically by mail delivery software",
    r"the original message was received at", r"this is the mail system at host",
    r"did not reach (?:some or all of )?the (?:following|intended) recipient", r"delivery has failed to these recipients",
    # the same in the languages servers and providers write their notices in
    r"nicht zugestellt werden", r"unzustellbar", r"n'a pas (?:pu )?(?:[ée]t[ée]|[êe]tre) (?:remis|d[ée]livr[ée])", r"non remis",
    r"no (?:se )?(?:ha )?(?:podido|pudo) (?:ser )?entregar?", r"non (?:[èe] stato possibile recapitare|recapitabile)",
    r"n[ãa]o (?:foi poss[íi]vel entregar|p[ôo]de ser entregue)", r"(?:kon|konden) niet (?:worden )?(?:bezorgd|afgeleverd)",
    # (Exchange's "Delivery has failed to these recipients or groups" in its translations)
    r"zustellung an (?:folgende|diese) [^\n]{0,60}fehlgeschlagen", r"la remise a [ée]chou[ée]", r"error en la entrega",
    r"recapito non riuscito", r"falha (?:na|ao) entrega", r"bezorging aan [^\n]{0,60}mislukt",
    r"onbestelbaar", r"\u65e0\u6cd5(?:\u6295\u9012|\u9001\u8fbe)",  # Chinese: cannot be delivered
    r"\u043d\u0435 (?:\u043c\u043e\u0436\u0435\u0442 \u0431\u044b\u0442\u044c |\u0431\u044b\u043b\u043e )?"
    r"\u0434\u043e\u0441\u0442\u0430\u0432\u043b\u0435\u043d",  # Russian: (could) not (be) delivered
    # Japanese: "delivery / sending failed", "could not be delivered / sent"
    r"(?:\u914d\u4fe1|\u9001\u4fe1|\u914d\u9001)\u306b\u5931\u6557\u3057\u307e\u3057\u305f",
    r"(?:\u914d\u4fe1|\u9001\u4fe1|\u914d\u9001)(?:\u3067\u304d|\u51fa\u6765)\u307e\u305b\u3093\u3067\u3057\u305f",
], re.I)


def looks_like_bounce(mail: Mail) -> bool:
    """A delivery report, or a mail with the marks of one: a null or daemon sender (RFC 5321 sends
    notifications with an empty reverse-path), a returned copy of a message, failure wording."""
    if mail.report_type == "delivery-status" or mail.status_text or mail.header("X-Failed-Recipients"):
        return True
    if mail.disposition.startswith("automatic-action") and "deleted" in mail.disposition:
        return True  # a filter deleted the message unread and said so (a Sieve "reject", RFC 5429)
    if _FAILURE_NOTICE.search(mail.header("Auto-Submitted")):
        return True  # RFC 3834 as Sendmail writes it: "auto-generated (failure)" / "(warning-timeout)"
    sender = mail.header("From")
    # (the envelope sender too: Sendmail and others write the null reverse-path of a notice as
    # MAILER-DAEMON; not "bounce", which is also what bulk senders' envelopes are called)
    daemon = bool(_BOUNCE_SENDER.search(sender) or _DAEMON_PATH.search(mail.header("Return-Path")))
    opening = bool(BOUNCE_OPENING.search(mail.notice[:3000]))
    subject = bool(_BOUNCE_SUBJECT.search(mail.subject)) or _failure_subject(mail.subject)
    null_path = mail.header("Return-Path").strip() in ("<>", "") and "Return-Path" in mail.top
    no_sender = not all_addresses(sender)
    returned = bool(mail.returned.headers)
    if daemon:
        return True
    if opening and not no_sender and mail.header("Auto-Submitted").strip().lower().startswith("auto-replied"):
        # RFC 3834 "auto-replied" from a named author: a person's automatic answer (out of office,
        # "I have left the company"), whatever it says about delivering; servers' notices say
        # "auto-generated" and come from a daemon or with a report.
        return False
    if opening and not subject and not (null_path or no_sender) and (
            REPLY_PREFIX.match(mail.subject) or mail.header("In-Reply-To")):
        # A person's reply ("Re: Our news", In-Reply-To) whose own words say something "could not
        # be delivered" or "failed", above the message it quotes: a reply, not a server's notice
        # (a server that answers with "RE:" says the failure in the subject too).
        return False
    if not no_sender and REPLY_PREFIX.match(mail.subject) and _addressed_to_author(mail):
        # A person passing on a notice that was sent to them ("Fwd: Undelivered Mail Returned to
        # Sender", its To: line their own address): their own mail failed, not ours — their mail
        # is for a person to read. (A notice about our mail is addressed to us.)
        return False
    if (subject or opening) and (returned or null_path or no_sender):
        return True
    if subject and opening and _names_a_recipient(mail, sender):
        # A failure subject and failure words from a named author, with no returned message and
        # a reverse-path: a server's notice names the address that failed or quotes a reply; a
        # customer's "Delivery failure: my parcel could not be delivered" does neither.
        return True
    if no_sender and (null_path or mail.header("Auto-Submitted")) and _states_failure(mail.notice[:1000]):
        # No author at all, sent with the null reverse-path or marked automatic, and it says an
        # address failed ("You sent mail to a@b. That's not a valid user here."): a server's
        # notice. A person's automatic reply always names its author.
        return True
    return returned and no_sender


def _addressed_to_author(mail: Mail) -> bool:
    """The text passes on a message whose To: line is the author's own address."""
    author = (all_addresses(mail.header("From")) or [""])[0].lower()
    if not author:
        return False
    for m in _QUOTED_TO.finditer(mail.body_text[:20000]):
        if author in (a.lower() for a in all_addresses(m.group(1))):
            return True
    return False


_QUOTED_TO = re.compile(r"(?im)^[ \t>]*to:[ \t]*(.+)$")


def _names_a_recipient(mail: Mail, sender: str) -> bool:
    """The notice names an address other than its author's and its addressee's, or quotes an
    SMTP reply or status code."""
    head = mail.notice[:5000]
    if phrases.find_status(head) or phrases.find_reply_code(head):
        return True
    own = {a.lower() for a in all_addresses(sender) + all_addresses(mail.header("To"))}
    return any(a.lower() not in own for a in all_addresses(head + "\n" + mail.subject))


def _states_failure(text: str) -> bool:
    return phrases.reason_of_text(" ".join(text.lower().split())) in _SUBJECT_FAILURES


def has_status_fields(mail: Mail) -> bool:
    return bool(mail.report_type == "delivery-status" or mail.status_text or mail.header("X-Failed-Recipients"))


def delivery_report(mail: Mail) -> bool:
    """A report about a delivery, by its fields, its subject, its opening words or a server's
    reply code in them (not by its sender)."""
    head = mail.notice[:3000]
    return bool(has_status_fields(mail) or BOUNCE_OPENING.search(head) or _BOUNCE_SUBJECT.search(mail.subject)
                or phrases.find_status(head) or phrases.find_reply_code(head))


_FAILURE_NOTICE = re.compile(r"(?i)^\s*auto-generated\s*\(\s*(?:failure|warning)")


def _failure_subject(subject: str) -> bool:
    """A subject that states a failure about an address ("Warning: a@b - User unknown!"), and is
    not a person's reply."""
    if not subject or REPLY_PREFIX.match(subject):
        return False
    return phrases.reason_of_text(subject.lower()) in _SUBJECT_FAILURES


_SUBJECT_FAILURES = frozenset({"userunknown", "hostunknown", "mailboxfull"})
