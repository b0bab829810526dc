"""Reports of mailing-list managers that refused a message posted to a list.

A newsletter sent to a list's own address reaches the list manager, which may refuse it: the
poster is no member, the message looks like a loop or a duplicate, a security check failed.
fml (a list manager common in Japan) says so in a mail of its own from the list's ``-admin``
address, marked with its ``X-MLServer: fml ...`` header. That is a soft failure on the list's
address — never an auto-reply, never a dead address. Mailman writes from the list's ``-owner``,
``-bounces`` or ``-request`` address (marked ``X-List-Administrivia`` or ``X-Mailman-Version``):
a post its moderator rejected (or Mailman 3 refused by the list's rules) is the same soft failure;
a post held for the moderator is no failure yet, and the list's automatic response to every post
none at all (automatic answers). Sympa refuses a post with a delivery report on the list's address
(read as any report) and tells of a held one in a short text of its robot.
"""

from __future__ import annotations

import re

from .message import ADDRESS_RE, Mail, all_addresses
from .phrases import fold
from .result import Result, reason_text
from .rules import Rules

_FML_SERVER = re.compile(r"(?i)^\s*fml\b")
_ADMIN_SENDER = re.compile(r"(?i)^([^@\s]+)-admin@([^@\s>]+)$")
# fml's own sentences, by what they say (its error table): refusals of the poster, its loop and
# duplicate checks, its security check.
_REASONS = (
    ("rejected", Rules("fml:rejected", [
        r"not member article from", r"\bare not (?:a )?member", r"\bnot a member", r"reject mail (?:.+:|from) ",
        r"spammer maybe sends a mail"], re.I)),
    ("systemerror", Rules("fml:systemerror", [
        r"fml system error message", r"loop alert:", r"loop back warning:", r"unix from loop",
        r"duplicated message-id"], re.I)),
    ("securityerror", Rules("fml:securityerror", [r"security alert"], re.I)),
)
# "Duplicated Message-ID in <list@example.jp>." — the list's address closing fml's sentence.
_LIST_IN_SENTENCE = re.compile(r"<(" + ADDRESS_RE.pattern + r")>\.\s*$", re.M)


def is_fml_report(mail: Mail) -> bool:
    """fml's report about a post it refused: its server header, its -admin sender, and one of
    its error sentences in the subject or the notice."""
    if not _FML_SERVER.search(mail.header("X-MLServer")) or not _ADMIN_SENDER.match(mail.from_addr or ""):
        return False
    return bool(reason(mail))


def reason(mail: Mail) -> str:
    text = mail.subject + "\n" + mail.notice[:5000]
    return next((name for name, rules in _REASONS if rules.search(text)), "")


def list_address(mail: Mail) -> str | None:
    """The list the message was posted to: named in fml's sentence, else the -admin sender's
    list, else the returned copy's one addressee."""
    m = _LIST_IN_SENTENCE.search(mail.notice[:5000])
    if m:
        return m.group(1)
    admin = _ADMIN_SENDER.match(mail.from_addr or "")
    if admin:
        return f"{admin.group(1)}@{admin.group(2)}"
    found = all_addresses(mail.returned.get("to"))
    return found[0] if len(found) == 1 else None


_MAILMAN_SENDER = re.compile(r"(?i)^([^@\s]+)-(?:owner|bounces|request)@([^@\s>]+)$")
# Held for the moderator, in the languages Mailman 3 is translated into (its own templates: "Your
# message to X awaits moderator approval" / "Is being held until the list moderator can review
# it"), matched without the accents of Latin letters (see phrases.fold).
_MAILMAN_HELD = Rules("mailman:held", [
    r"is being held until the list moderator", r"awaits moderator approval", r"held for (?:moderator )?approval",
    r"wartet auf die zustimmung", r"wurde zuruckgehalten", r"attend la validation", r"en attente de validation",
    r"espera la aprobacion", r"ha sido retenido", r"attende l'approvazione", r"viene trattenut[oa]",
    r"aguarda aprovacao", r"esta sendo retid[oa]", r"wacht op goedkeuring", r"wordt vastgehouden",
    r"ожидает одобрения", r"удерживается до", r"等待版主批准", r"已被搁置", r"審査待ち", r"保留されます",
    r"onayi bekliyor", r"bekletiliyor", r"prozatim pridrzen", r"moderalasra var"], re.I)
_MAILMAN_REJECTED = Rules("mailman:rejected", [
    r"has been rejected by the list moderator", r"request to (?:the )?mailing list .{0,80} rejected",
    r"non-members are not allowed to post", r"auto-discard notification",
    # Mailman 3's own refusal, the post attached: "Your message to the Closed mailing-list was
    # rejected for the following reasons:"
    r"mailing-?list\s+was\s+rejected\s+for\s+the\s+following\s+reasons?",
    # its moderator's refusal keeps this line in English in every language
    r"^\s*posting of your message titled\b",
    # the refusal's subject in its translations ("Anfrage an die Mailingliste "X" abgelehnt" ...)
    r"mailingliste .{1,80} abgelehnt", r"liste de diffusion .{1,80} rejetee", r"lista de correo .{1,80} rechazada",
    r"alla lista .{1,80} stata rifiutata", r"lista de discussao .{1,80} rejeitada", r"maillijst .{1,80} geweigerd",
    r"списку рассылки .{1,80} отклонен", r"的请求已被拒绝", r"申請が拒否されました", r"posta listesine istek reddedildi",
    r"mailing-list .{1,80} (?:byl )?zamitnut", r"levelezolistara kuldott lekerdezes elutasitva",
    r"liste mailingowa .{1,80} odrzucone"], re.I | re.M)
# The list's automatic answer to every post (Mailman's "Replybot"): no failure.
_MAILMAN_AUTORESPONSE = Rules("mailman:autoresponse", [
    r"^the mailman replybot$", r"^auto-response for your message to (?:the )?\S.{0,80} mailing list$"], re.I)


def mailman_report(mail: Mail) -> str:
    """'held', 'rejected' or 'autoresponse' for Mailman's notice about a post to one of its
    lists, else ''. Whatever its language: Mailman attaches the poster's own post only to a refusal
    (a digest, a forwarded bounce or the last bounce of a member carry other mail)."""
    if not _MAILMAN_SENDER.match(mail.from_addr or "") or not (
            mail.header("X-List-Administrivia") or mail.header("X-Mailman-Version")):
        return ""
    if _MAILMAN_AUTORESPONSE.search(mail.header("X-Mailer")) or _MAILMAN_AUTORESPONSE.search(mail.subject):
        return "autoresponse"
    text = fold((mail.subject + "\n" + mail.notice[:5000]).lower())
    if _MAILMAN_HELD.search(text):
        return "held"
    own_post = {a.lower() for a in all_addresses(mail.returned.get("from"))} & {
        a.lower() for a in all_addresses(mail.header("To"))}
    return "rejected" if own_post or _MAILMAN_REJECTED.search(text) else ""


def mailman_list(mail: Mail) -> str | None:
    m = _MAILMAN_SENDER.match(mail.from_addr or "")
    return f"{m.group(1)}@{m.group(2)}" if m else None


# Sympa's robot (its X-Mailer "Sympa …", from sympa@ of the lists' domain) writes a refusal as a
# delivery report on the list's address, read as any; a post it forwarded to the list's moderators
# comes as a short text that names the list by its bare name, in the list's language: quoted
# ('en-news'), after the word for list, or before it (Japanese).
_SYMPA_MAILER = Rules("sympa:mailer", [r"sympa"], re.I, r"^\s*(?:<<ALTERNATIVES>>)\b")
_SYMPA_ROBOT = re.compile(r"(?i)^sympa@([^@\s>]+)$")
_SYMPA_LIST = Rules("sympa:list-name", [
    r"['\"\u201e\u00ab\u2018\u201c]([\w.+-]{1,64}(?:@[\w.-]+)?)['\"\u201c\u00bb\u2019\u201d]",
    r"\b(?:list[ea]?|lijst|рассылки)\s+([\w.+-]{1,64}(?:@[\w.-]+)?)",
    r"([\w.+-]{1,64})\s*メーリングリスト"], re.I)
# The moderators the post went to, in the list's language (its other notices — a welcome, a
# command's report, a bounce of its own — are none of this); any list manager's words for them.
_MODERATORS = Rules("list:moderators", [
    r"mod(?:er|\u00e9r)(?:at|ad|aat|ac|ier|oi)", r"\u043c\u043e\u0434\u0435\u0440\u0430\u0442\u043e\u0440",
    r"\u30e2\u30c7\u30ec\u30fc\u30bf", r"\u7248\u4e3b"], re.I)


def sympa_held(mail: Mail) -> str | None:
    """The list a post was held for, when this is Sympa's notice that it went to the moderators."""
    robot = _SYMPA_ROBOT.match(mail.from_addr or "")
    if not robot or not _SYMPA_MAILER.search(mail.header("X-Mailer")) or mail.status_text or mail.feedback_text:
        return None
    text = mail.notice[:2000]
    return _sympa_list(text, robot.group(1)) if _MODERATORS.search(text) else None


def _sympa_list(text: str, domain: str) -> str | None:
    """The list Sympa's robot names in ``text``, as an address at the lists' ``domain``."""
    m = _SYMPA_LIST.search(text)
    if not m:
        return None
    name = next(g for g in m.groups() if g).rstrip(".")
    return name if "@" in name else f"{name}@{domain}"


def sympa_refused(mail: Mail) -> str | None:
    """The list a post was refused by, when this is the notice of Sympa's robot (from sympa@ of
    the lists' domain, its own X-Mailer or X-Loop) that returns our own post attached and says it
    was rejected; the list is named in its text, else the returned copy's one addressee."""
    robot = _SYMPA_ROBOT.match(mail.from_addr or "")
    if (not robot or mail.status_text or mail.feedback_text or not mail.returned.attached
            or not (_SYMPA_MAILER.search(mail.header("X-Mailer")) or _SYMPA_ROBOT.match(mail.header("X-Loop").strip()))):
        return None
    ours = {a.lower() for a in all_addresses(mail.header("To"))}
    if not ours & {a.lower() for a in all_addresses(mail.returned.get("from"))}:
        return None
    text = mail.notice[:3000]
    if not _REFUSED.search(fold((mail.subject + "\n" + text).lower())):
        return None
    found = all_addresses(mail.returned.get("to"))
    return _sympa_list(text, robot.group(1)) or (found[0] if len(found) == 1 else None)


# Any other list manager, by the structure its notices share: a mail from one of the list's own
# role addresses (the list's name with a role joined by "+" or "-" — en-news+owner@, news-bounces@,
# news-request@ — or the role first, owner-news@), which returns our own post to that list
# attached (a MIME part, not quoted in a reply: "Re: ..." is a person's answer). The list did not
# pass the post on: held for its moderators (no failure yet) where the notice says the post waits,
# else refused (soft) where it says so, else held where it speaks of moderators only.
_ROLE = r"(?:owners?|bounces?|request|admin|approval|help|return|moderators?|editor)"
_REPLY_SUBJECT = re.compile(r"(?i)^\s*(?:re|aw|fwd?|wg|tr|sv|vs|antw|odp|rif|res)\s*:")
_WAITS = Rules("list:waits", [
    r"\bheld\b", r"\bhold\b", r"\bawait", r"\bpending\b", r"\bwait(?:s|ing)\b", r"en attente", r"in attesa",
    r"(?:em|a) espera", r"\bwarte[nt]?\b", r"\besperando\b", r"\bodottaa\b", r"\boczekuj", r"\bceka\b", r"\bcaka\b",
    r"\u03b5\u03ba\u03ba\u03c1\u03b5\u03bc", r"\u7b49\u5f85", r"\u5f85\u5ba1", r"\u5be9\u67fb\u5f85\u3061", r"\u4fdd\u7559"], re.I)
_REFUSED = Rules("list:refused", [
    r"reject", r"refus", r"\bden(?:y|ied)\b", r"declin", r"abgewiesen", r"abgelehnt", r"rejet", r"rifiut", r"rechaz",
    r"rejeit", r"recusad", r"odmitnut", r"zamitnut", r"odmietnut", r"hylat", r"odrzuc", r"geweigerd",
    r"not (?:be )?accepted", r"not (?:allowed|permitted)", r"only (?:list )?(?:members|subscribers)",
    r"not (?:a )?(?:list )?(?:member|subscriber)", r"non-?members?", r"unable to be delivered",
    r"not (?:been )?(?:distributed|posted|delivered|sent|forwarded)\b", r"too (?:large|big|long)",
    r"\u03b1\u03c0\u03bf\u03c1\u03c1\u03b9\u03c6", r"\u62d2\u7edd", r"\u62d2\u7d55", r"\u5374\u4e0b",
    r"\u043e\u0442\u043a\u043b\u043e\u043d"], re.I)
_PASSED_ON = Rules("list:passed-on", [
    r"(?:has|have) been (?:successfully )?(?:distributed|posted|received|accepted|delivered)",
    r"\bsuccessfully (?:distributed|posted|received|delivered)"], re.I)


def list_role_notice(mail: Mail) -> tuple[str, str] | None:
    """(the list's address, 'rejected' or 'held') for a list's notice that returns our own post
    to it, from one of the list's role addresses; None for any other mail."""
    if mail.status_text or mail.feedback_text or _REPLY_SUBJECT.match(mail.subject):
        return None  # a report is read as one; a reply is a person's
    ours = {a.lower() for a in all_addresses(mail.header("To"))}
    if not ours & {a.lower() for a in all_addresses(mail.returned.get("from"))} or not mail.returned.attached:
        return None  # not our own post returned
    local, _, domain = (mail.from_addr or "").lower().rpartition("@")
    for addr in all_addresses(mail.returned.get("to") + "," + mail.returned.get("cc")):
        name, _, where = addr.lower().rpartition("@")
        if where != domain or not name:
            continue
        if re.fullmatch(re.escape(name) + r"[+-]" + _ROLE + r"(?:[+-][\w.-]*)?", local) or re.fullmatch(
                _ROLE + r"-" + re.escape(name), local):
            text = fold((mail.subject + "\n" + mail.notice[:3000]).lower())
            if _PASSED_ON.search(text) and not _REFUSED.search(text):
                return None  # the list took the post: an acknowledgement, no failure
            held = _WAITS.search(text) or not _REFUSED.search(text) and _MODERATORS.search(text)
            return addr, "held" if held else "rejected"
    return None


def results(mail: Mail, common: dict) -> list[Result]:
    """A list manager's answer to a message posted to its list: fml's refusal and Mailman's
    rejection are soft failures on the list's address, Mailman's hold an automatic answer; []
    for any other mail."""
    if is_fml_report(mail):
        return [Result(list_address(mail), "soft", "", reason_text(mail.notice, mail.subject), reason(mail), "failed",
                       **common)]
    moderated = mailman_report(mail)
    if moderated == "rejected":
        return [Result(mailman_list(mail), "soft", "", reason_text(mail.notice, mail.subject), "rejected", "failed",
                       **common)]
    if moderated == "held":  # waiting for the list's moderator: nothing has failed yet
        return [Result(mailman_list(mail), "auto_reply", "", reason_text(mail.subject), "held", **common)]
    if moderated == "autoresponse":  # the list answers every post so: it was taken
        return [Result(mailman_list(mail), "auto_reply", "", reason_text(mail.subject), "vacation", **common)]
    refused = sympa_refused(mail)
    if refused:
        return [Result(refused, "soft", "", reason_text(mail.notice, mail.subject), "rejected", "failed", **common)]
    held = sympa_held(mail)
    if held:
        return [Result(held, "auto_reply", "", reason_text(mail.notice, mail.subject), "held", **common)]
    notice = list_role_notice(mail)
    if notice and notice[1] == "held":
        return [Result(notice[0], "auto_reply", "", reason_text(mail.notice, mail.subject), "held", **common)]
    if notice:
        return [Result(notice[0], "soft", "", reason_text(mail.notice, mail.subject), "rejected", "failed", **common)]
    return []
