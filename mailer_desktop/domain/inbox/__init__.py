"""Classify one raw mail that came back to the business: bounces, complaints, replies.

``classify(raw) -> list[Result]`` gives one result per recipient the mail reports on, with a
kind among :data:`KINDS`. The order of checks follows how sure each signal is:

0. Amazon SES notifications (JSON, possibly inside an SNS envelope), per recipient;
1. ARF feedback reports (RFC 5965) and feedback-loop mails → ``complaint``, the feedback type
   as category; the types that are no recipient's complaint (``auth-failure``, RFC 6591's DMARC
   forensic reports, and ``not-spam``) come with ``action='report'`` and change no contact;
2. RFC 3464 delivery-status reports, per recipient (``Action: delayed`` is *not* a failure: it
   comes back as ``soft`` with ``action='delayed'``, category ``delayed`` and a 4.x.x status, and
   the processor records nothing for it; ``delivered`` is a success);
3. other bounces (known as notices by :mod:`.detect`: mailer-daemon senders, bounce subjects,
   the servers' fixed preambles, ``X-Failed-Recipients``) read with the layouts real servers
   use (:mod:`.heuristics`), the reason from :mod:`.phrases` and :mod:`.smtp_codes`; a
   warning that says the server keeps trying is a delay (``soft``, ``action='delayed'``); a
   returned copy that is a bounce is read after the outer report (a report: its failures added);
   a list manager's refusal of a post to its list (fml, Mailman, Sympa: :mod:`.lists`) is a
   ``soft`` failure on the list's address, a hold for its moderator an ``auto_reply``;
4. replies carrying one of our tokens in the address, subject or own words → ``unsubscribe`` /
   ``confirmation`` (the token is verified later by the processor, which holds the key; a
   confirmation token in an auto-reply confirms nothing);
5. auto-replies (RFC 3834 ``Auto-Submitted``, vacation headers and subjects) → ``auto_reply``;
6. free-text opt-out requests → ``unsubscribe`` (the processor applies them only when the
   sender is the contact itself; vague ones are flagged ``review``);
7. anything else → ``unknown`` (listed for the user, never dropped).

It never raises: a mail that cannot be read is ``unknown`` with the reason why.
"""

from __future__ import annotations

import dataclasses
import re

from ..messages import REF_HEADER
from ..tokens import TOKEN_RE
from . import arf, detect, dsn, heuristics, lists, phrases, providers, replies, sender_side, ses
from .message import Mail, all_addresses, read
from .result import KINDS, Result, reason_for
from .result import reason_text as _reason_text
from .rules import VAGUE_REASONS, Rules

__all__ = ["KINDS", "REFERENCE_HEADER", "Result", "classify"]

# Our outgoing mail names campaign and contact in this header (a reference token).
REFERENCE_HEADER = REF_HEADER
# The recipients read from one report, at most (each of our messages goes to one recipient;
# reading all of a crafted report's tens of thousands would hold an import for minutes).
MAX_RECIPIENTS = 1000



def classify(raw: bytes) -> list[Result]:
    """One result per recipient the mail speaks about. Never raises."""
    try:
        return _classify(raw if isinstance(raw, bytes) else bytes(raw))
    except Exception as exc:  # malformed input of any kind must not stop a batch
        return [Result(None, "unknown", reason=f"the message could not be read ({type(exc).__name__})",
                       category="unreadable")]


def _strip_addr(value: str) -> str:
    return value.strip().strip("<>").strip()


def _common(mail: Mail) -> dict:
    ret = mail.returned
    reference = ""
    ref_value = ret.get(REFERENCE_HEADER) or ""
    if not ref_value and REFERENCE_HEADER.lower() in ret.text.lower():
        m = re.search(rf"(?im)^{REFERENCE_HEADER}:\s*(\S+)", ret.text)
        ref_value = m.group(1) if m else ""
    m = TOKEN_RE.search(ref_value)
    if m:
        reference = m.group(0).lower()
    tokens: list[str] = [reference] if reference else []
    for source in (ret.get("list-unsubscribe"), ret.get("subject"), ret.text[:100000], mail.notice[:50000]):
        for t in TOKEN_RE.finditer(source or ""):
            tok = t.group(0).lower()
            if tok not in tokens:
                tokens.append(tok)
    return {
        "sender": mail.from_addr or None,
        "message_id": _strip_addr(mail.header("Message-ID")),
        "original_message_id": _strip_addr(ret.get("message-id")),
        "reference": reference,
        "tokens": tuple(tokens),
    }


# A message identifier looks like an address and never is one ("Message-ID: <nl-6@shop.example>" in
# a server's transcript of the message it tried to send).
_MESSAGE_ID_FIELD = re.compile(
    r"(?i)\b(?:message-?id|msg-?id|message id|in-reply-to|references|original message|mensagem original|"
    r"message d'origine|mensaje original|messaggio originale|urspr\u00fcngliche nachricht|originele bericht)"
    r"\W{0,3}<([^<>\s@]{1,250}@[^<>\s@]{1,250})>")
# ... and the Message-IDs this program gives its own mail (messages.new_message_id: <hex time.16 hex@domain>)
_OUR_MESSAGE_ID = re.compile(r"(?i)(?<![\w.-])([0-9a-f]{8,16}\.[0-9a-f]{16}@[\w.-]{1,250}[a-z0-9])")


def _excluded(mail: Mail) -> set[str]:
    out = set()
    for value in (mail.header("From"), mail.header("To"), mail.header("Return-Path"), mail.header("Sender"),
                  mail.returned.get("from"), mail.returned.get("return-path"), mail.returned.get("sender"),
                  mail.returned.get("reply-to")):
        out.update(a.lower() for a in all_addresses(value))
    out.update(m.group(1).lower() for m in _MESSAGE_ID_FIELD.finditer(mail.notice[:50000]))
    out.update(m.group(1).lower() for m in _OUR_MESSAGE_ID.finditer(mail.notice[:50000]))
    returned_id = _strip_addr(mail.returned.get("message-id") or "").lower()
    if "@" in returned_id:
        out.add(returned_id)
    return out


# Providers whose bounces quote the remote server's reply verbatim (see phrases.decide).
_QUOTING_PROVIDERS = Rules("provider:quotes-remote-reply",
                           [r"googlemail", r"google", r"gmail", r"yahoo", r"yahoo-inc", r"ymail"],
                           re.I, r"@(?:[\w-]+\.)*(?:<<ALTERNATIVES>>)\.[a-z.]+$")


def _failure(recipient, status, texts, hint, common, action="failed", vendor_reason="", gateway=False,
             from_program=False, sole=False, codes_from=None, quick=False) -> Result:
    echo = bool(_QUOTING_PROVIDERS.search(common.get("sender") or ""))
    kind, category, code, said = phrases.decide(status, texts, hint, vendor_reason, echo, gateway, from_program,
                                                recipient or "", sole, codes_from, quick)
    return Result(recipient, kind, code, reason_for(said, texts, code, category, recipient), category, action,
                  category in sender_side.SENDER_REASONS, **common)


def _delay(recipient, status, text, common) -> Result:
    """A delay notice: the server keeps trying. Reported as a temporary failure (kind ``soft``,
    a 4.x.x status, ``action='delayed'``) so that it reads like what it is; it is not a bounce
    yet: the processor records no bounce for it and never counts it towards a suppression."""
    status = status if status[:1] == "4" else "4.0.0"
    return Result(recipient, "soft", status, _reason_text(text) or "delivery delayed; the server keeps trying",
                  "delayed", "delayed", **common)


def _validating_gateway(mail: Mail) -> bool:
    """Mail gateways that validate recipients themselves and say so in their reports, and
    providers whose notices answer for their own subscribers' addresses."""
    names = "\n".join(k for k, _ in mail.top.headers)
    if _GATEWAY_HEADERS.search(names) or _OWN_SUBSCRIBERS.search(mail.from_addr or ""):
        return True
    # IMail writes its own local lookups as "Unknown user: <addr>"; a remote server's reply it
    # passes on follows "Body of message generated response:" and keeps its own (unknown) stage.
    return (bool(heuristics.OWN_VERDICT_MAILER.search(mail.header("X-Mailer")))
            and "generated response" not in mail.notice[:5000].lower())


_GATEWAY_HEADERS = Rules("provider:validating-gateway", [r"^x-nai-header$"], re.M)  # McAfee Email Gateway
# Verizon's SMS and MMS gateways write the notice themselves about their own subscribers' numbers
# ("Error: Invalid user address", "No valid recipients for this MM").
_OWN_SUBSCRIBERS = Rules("provider:own-subscribers", [r"vtext\.com", r"vzwpix\.com"], re.I,
                         r"@(?:[\w-]+\.)*(?:<<ALTERNATIVES>>)>?$")


_EXIT_STATUS = re.compile(r"\s*\d{1,3}\s*")  # a delivery program's exit status ("X-Unix; 77", sysexits.h)


def _from_status(mail: Mail, status_text: str, common: dict) -> list[Result]:
    out: list[Result] = []
    blocks = dsn.recipient_blocks(status_text)[:MAX_RECIPIENTS]
    listed: list[heuristics.Found] | None = None

    def local_texts() -> dict[str, heuristics.Found]:
        # The human-readable part, read only when the status fields alone are not enough.
        nonlocal listed
        if listed is None:
            failed = [a for v in mail.header_all("X-Failed-Recipients") for a in all_addresses(v)]
            listed = heuristics.find(mail.notice, _excluded(mail), failed)
            # A block whose Final-Recipient is not an address (a file, a program) takes the next
            # recipient the text or X-Failed-Recipients names that no other block claims.
            claimed = {(b.recipient or "").lower() for b in blocks}
            spare = [f for f in listed if f.recipient.lower() not in claimed]
            for b in blocks:
                if b.recipient is None and spare:
                    b.recipient = spare.pop(0).recipient
            unnamed = [b for b in blocks if b.recipient is None]
            if len(unnamed) == 1:  # else the returned copy's one addressee ("Final-Recipient: LOCAL;anna")
                unnamed[0].recipient = _returned_recipient(mail) or None
        return {f.recipient.lower(): f for f in listed}

    gateway = _validating_gateway(mail)
    named = _named_in_subject(mail)
    if any(b.recipient is None for b in blocks):
        local_texts()
    for b in blocks:
        if b.action.startswith("delay"):
            out.append(_delay(b.recipient, b.status or phrases.find_status(b.diagnostic), b.diagnostic, common))
            continue
        if b.action in ("delivered", "relayed", "expanded"):
            out.append(Result(b.recipient, "delivered", b.status, _reason_text(b.diagnostic) or b.action,
                              b.action, b.action, **common))
            continue
        permanent = None if b.action != "failed" else not b.status.startswith("4")
        action = b.action or "failed"
        # A delivery program's bare exit status ("X-Unix; 77") says nothing: its words are in the transcript.
        diagnostic = "" if b.diagnostic_type == "x-unix" and _EXIT_STATUS.fullmatch(b.diagnostic) else b.diagnostic
        quick = _failure(b.recipient, b.status, [diagnostic], permanent, common, action, b.vendor_reason,
                         gateway or b.own_verdict or providers.answers_rcpt(mail.notice, diagnostic), b.from_program,
                         quick=True)
        if quick.category not in VAGUE_REASONS and diagnostic and not providers.needs_stage(diagnostic):
            out.append(quick)
            continue
        near = local_texts().get((b.recipient or "").lower())
        tight, local = (near.tight, near.text) if near else ("", "")
        # A block without Diagnostic-Code or Remote-MTA is the reporting server's own verdict,
        # unless the words beside the recipient quote an SMTP reply (a reply code): that reply
        # came from the far side, whose stage the report does not give (OpenSMTPD's layout).
        own = b.own_verdict and bool(b.diagnostic or not phrases.find_reply_code(tight or local))
        out.append(_failure(b.recipient, b.status, [diagnostic, tight, local, _subject_for(mail, b.recipient, named)],
                            permanent, common, action, b.vendor_reason, gateway or own, b.from_program))
    senders = {a.lower() for name in ("from", "sender", "return-path") for a in all_addresses(mail.returned.get(name))}
    return dsn.unborrowed(out, blocks, senders)


def _outside(notice: str, found: list[heuristics.Found]) -> str:
    """The notice's heading, above the lines about the first recipient: the words for all."""
    at = min((i for i in (notice.find(f.text.partition("\n")[0][:200]) for f in found if f.text) if i >= 0), default=-1)
    return notice[:at] if at > 0 else ""  # (the first recipient in the text, whatever X-Failed-Recipients' order)


def _subject_for(mail: Mail, recipient: str | None, named: set[str]) -> str:
    """The notice's subject, as words about ``recipient`` — unless it names another address (Domino
    puts the first recipient's failure there: "DELIVERY FAILURE: User anna (anna@...) not listed").
    ``named``: the addresses in the subject (see _named_in_subject)."""
    return "" if named and (recipient or "").lower() not in named else mail.subject


def _named_in_subject(mail: Mail, excluded: set[str] | None = None) -> set[str]:
    """The addresses a notice's subject names, our own aside (``excluded``: _excluded(mail), when known)."""
    named = {a.lower() for a in all_addresses(mail.subject)}
    return named - (_excluded(mail) if excluded is None else excluded) if named else named


def _inner_report(mail: Mail) -> dict[str, heuristics.Found]:
    """When the returned copy is itself a bounce (a gateway passing on the report it got), the
    words that report has about each recipient; read after the outer report's own words."""
    text = mail.returned.text
    if not text or not detect.BOUNCE_OPENING.search(text[:5000]):
        return {}
    return {f.recipient.lower(): f for f in heuristics.find(text[:20000], _excluded(mail))}


# A notice that says it is only a warning: the server keeps trying. (Read in the lowercased
# text: a case-blind search of many alternatives costs several times as much.)
_WARNING_ONLY = Rules("detect:delay-warning", [
    r"warning message only", r"do not need to resend", r"(?:has|have) not yet been delivered",
    r"(?:will|shall) (?:keep|continue) (?:trying|to try)", r"(?:is still being|will be) retried",
    r"delivery attempts will continue", r"only a temporary failure",
    r"(?:has|have) been delayed", r"(?:not|n'?t) (?:been )?delivered yet", r"(?:will|shall) (?:retry|try again)",
    r"delivery (?:is|has been) delayed",
    # the same in the languages servers write their warnings in: German "Verzögerung" / "wird weiter versucht", French
    # "retardé" / "remise différée", Spanish, Italian, Portuguese, Dutch, Japanese "遅延" / "配信が遅れて", Chinese "继续尝试"
    r"verz\u00f6ger", r"(?:wird|werden) (?:weiterhin |weiter |erneut )+(?:versuch|zuzustellen)",
    r"noch nicht zugestellt", r"retard\u00e9", r"(?:remise|distribution|livraison) diff\u00e9r\u00e9e", r"pas encore (?:\u00e9t\u00e9 )?(?:remis|d\u00e9livr)",
    r"retrasad[oa]", r"todav\u00eda no (?:se )?(?:ha )?(?:sido )?entregad", r"ritardat[oa]",
    r"atrasad[oa]", r"vertraagd", r"\u9045\u5ef6", r"(?:\u914d\u4fe1|\u9001\u4fe1|\u914d\u9001)\u304c\u9045\u308c",
    r"\u5ef6\u8fdf\u6295\u9012", r"\u7ee7\u7eed\u5c1d\u8bd5", r"\u65e0\u9700\u91cd\u65b0\u53d1\u9001"])
# The subject of a delay notice (Gmail's "(Delay)", Postfix's "Delayed Mail (still being
# retried)", Sendmail's "Warning: could not send message for past 4 hours").
_DELAY_SUBJECT = Rules("detect:delay-subject", [
    r"\(delay(?:ed)?\)", r"delayed mail", r"(?:delivery|message|mail) (?:is |has been )?delayed",
    r"could not send message for past", r"delivery delay",
    r"verz\u00f6ger", r"retard\u00e9", r"retrasad[oa]", r"ritardat[oa]", r"atrasad[oa]",
    r"vertraagd", r"\u9045\u5ef6"], re.I)
# (A future condition is no failure: "you'll be notified if the delivery fails permanently".)
_GAVE_UP = Rules("detect:final-failure", [r"(?<!fails )(?<!fail )permanent(?:ly)?", r"gave up", r"giving up",
                                         r"will not be retried", r"no (?:further|more) (?:attempts|retries)",
                                         # German, French, Spanish/Italian: "final(ly)", "given up"
                                         r"endg\u00fcltig", r"aufgegeben", r"d\u00e9finiti(?:f|ve)", r"abandonn\u00e9",
                                         r"definitiv[ao]"])


# A success notice without a delivery-status part (Exchange's "Delivered:" and "Relayed:"
# receipts, "Successful Mail Delivery Report"), in the languages its servers write: no bounce.
_SUCCESS_SUBJECT = Rules("detect:success-subject", [
    r"delivered", r"relayed", r"successful mail delivery", r"zugestellt", r"\u00fcbermittelt", r"remis",
    r"entregado", r"consegnato", r"recapitato", r"bezorgd", r"afgeleverd", r"levererat"],
    re.I, r"^\s*(?:<<ALTERNATIVES>>)\b(?!\s*(?:to|fail))")
_SUCCESS_WORDS = Rules("detect:success-words", [
    r"(?:has been|was) (?:successfully )?delivered to", r"delivery to (?:these|the following) recipients"
    r"(?: or groups)? (?:is complete|was successful|succeeded)", r"successfully delivered"], re.I)
_FAILURE_WORDS = re.compile(r"(?i)fail|could ?not|couldn'?t|undeliver|not (?:be |been )?delivered|reject|error|"
                            r"unable|bounce|returned|delay")


def _is_success(notice: str, subject: str) -> bool:
    head = notice[:3000]
    return (bool(_SUCCESS_SUBJECT.search(subject) or _SUCCESS_WORDS.search(head))
            and not _FAILURE_WORDS.search(head) and not _FAILURE_WORDS.search(subject))


def _is_warning(notice: str, subject: str = "") -> bool:
    head = notice[:3000].lower()
    return bool(_WARNING_ONLY.search(head) or _DELAY_SUBJECT.search(subject)) and not _GAVE_UP.search(head)


_FOR_CLAUSE = re.compile(r"(?i)\bfor\s+<([^<>\s]+@[^<>\s]+)>")


def _returned_recipient(mail: Mail) -> str:
    """The one addressee of the returned copy: its To, else the envelope recipient its own
    headers name (X-Original-To, Delivered-To, Envelope-To, a Received line's "for <addr>")."""
    excluded = _excluded(mail)
    for name in ("to", "x-original-to", "delivered-to", "envelope-to"):
        found = all_addresses(mail.returned.get(name))
        if len(found) == 1 and (name == "to" or found[0].lower() not in excluded):
            return found[0]  # (the returned To is the addressee even when the report names it too)
        if found:
            return ""  # several addressees: which one failed is not said
    received = mail.returned.get("received")
    m = _FOR_CLAUSE.search(received or "")
    if m and all_addresses(m.group(1)) and m.group(1).lower() not in excluded:
        return all_addresses(m.group(1))[0]
    # The report's own summary of the returned message ("Subject: ...", "To: addr").
    quoted = [a for line in _QUOTED_TO.findall(mail.notice[:5000]) for a in all_addresses(line)]
    if len(quoted) == 1 and quoted[0].lower() not in excluded:
        return quoted[0]
    return ""


_QUOTED_TO = re.compile(r"(?im)^[ \t]*To:[ \t]*(.+)$")


def _addressees(mail: Mail, excluded: set[str]) -> frozenset[str]:
    """The addresses the returned copy was sent to, by its own headers (lowercased)."""
    ret = mail.returned
    if not ret.headers:
        return frozenset()
    found = [a for name in ("to", "cc", "x-original-to", "delivered-to", "envelope-to") for a in all_addresses(ret.get(name))]
    found += _FOR_CLAUSE.findall(ret.get("received"))
    return frozenset(a.lower() for a in found) - excluded


def _subject_recipient(mail: Mail, excluded: set[str]) -> list[heuristics.Found]:
    """The address a bounce's subject names ("Delivery failure: addr"), when nothing else does."""
    named = [a for a in all_addresses(mail.subject) if a.lower() not in excluded and not heuristics.is_daemon(a)]
    return [heuristics.Found(named[0], mail.notice, mail.notice[:500])] if named else []


def _bounce(mail: Mail, common: dict) -> list[Result]:
    status_text = mail.status_text or dsn.embedded_status_text(mail.notice)
    if status_text:
        results = _from_status(mail, status_text, common)
        if results:
            return results
    failed = [a for v in mail.header_all("X-Failed-Recipients") for a in all_addresses(v)]
    excluded = _excluded(mail)
    found = heuristics.find(mail.notice, excluded, failed, _addressees(mail, excluded),
                            heuristics.home_domain(mail.from_addr))
    if not found:
        addr = _returned_recipient(mail)
        found = ([heuristics.Found(addr, mail.notice)] if addr else heuristics.bracketed(mail.notice, excluded)
                 or _subject_recipient(mail, excluded) or heuristics.sole_address(mail.notice, excluded))
    gateway = _validating_gateway(mail)
    named = _named_in_subject(mail, excluded)
    found = found[:MAX_RECIPIENTS]
    if found and _is_warning(mail.notice, "" if failed else mail.subject):
        # A delay warning without a delivery-status part (its words, even beside X-Failed-Recipients).
        return [_delay(f.recipient, phrases.find_status(f.tight), f.tight, common) for f in found]
    if found and not failed and _is_success(mail.notice, mail.subject):
        # A success notice without a delivery-status part: as with Action: delivered or relayed.
        return [Result(f.recipient, "delivered", "2.0.0", _reason_text(mail.subject) or "delivered", "delivered",
                       "delivered", **common) for f in found]
    if found:
        inner: dict[str, heuristics.Found] | None = None
        out = []
        sole = len(found) == 1  # the notice names one recipient only: all its words are about it
        # Several recipients: a code is read in the recipient's own lines or in the lines that belong
        # to none of them ("550 5.1.1 ..." above the list), never in another recipient's reply.
        codes_from = None if sole else 3
        shared = "" if sole else _outside(mail.notice, found)
        for f in found:
            texts = [f.tight, f.text, shared, mail.notice, _subject_for(mail, f.recipient, named)]
            own = gateway or heuristics.own_routing_verdict(mail.notice, f, mail.header("X-Mailer"))  # the server's own lookup
            result = _failure(f.recipient, "", texts, True, common, gateway=own, sole=sole, codes_from=codes_from)
            if result.kind != "hard" and result.category in VAGUE_REASONS:
                inner = _inner_report(mail) if inner is None else inner
                if f.recipient.lower() in inner:
                    result = _failure(f.recipient, "", [*texts, inner[f.recipient.lower()].text], True, common,
                                      gateway=own, sole=sole, codes_from=codes_from)
            if result.category in VAGUE_REASONS and "deleted" in mail.disposition:
                # A disposition notification that the message was deleted unread: the recipient's
                # own filter refused it (a Sieve "reject", RFC 5429), whatever its words say.
                result = dataclasses.replace(result, category="filtered")
            if result.kind == "hard" and heuristics.unsure(f, mail.notice, excluded):
                # A mailbox named without its domain, or by a sentence among other addresses: a guess.
                result = dataclasses.replace(result, kind="soft")
            if result.kind == "hard" and not sole:
                # A dead address must be said in the recipient's own lines (or the heading for all),
                # not borrowed from the lines about other recipients or hosts below it.
                own_lines = [f.tight] if phrases.find_reply_code(f.tight) else [f.tight, f.text, shared]
                alone = _failure(f.recipient, "", own_lines, True, common, gateway=own, codes_from=3)
                result = alone if alone.kind != "hard" else result
            out.append(result)
        return out
    whole = _failure(None, "", [mail.notice, mail.subject], True, common, gateway=gateway)
    return [heuristics.unattributed(whole, mail.notice, excluded)]


def _complaint(mail: Mail, common: dict) -> list[Result]:
    ftype = arf.feedback_type(mail)
    if ftype in arf.NOT_COMPLAINTS:
        # Still a feedback report (kind 'complaint', the type as category), but not a recipient's
        # complaint: the processor changes no contact for it.
        fields = arf.fields(mail)
        what = ("an authentication failure report (RFC 6591) about the sending domain"
                + (f": {' '.join(fields['auth-failure'].split())[:60]}" if fields.get("auth-failure") else "")
                if ftype == "auth-failure" else "a recipient marked the message as not spam")
        return [Result(rcpt, "complaint", "", f"feedback report ({ftype}): {what}; not a complaint", ftype,
                       "report", **common) for rcpt in arf.recipients(mail)]
    out = []
    for rcpt in arf.recipients(mail):
        out.append(Result(rcpt, "complaint", "", f"feedback report ({ftype})", ftype, "", False,
                          arf.is_redacted(rcpt), **common))
    return out


def _from_ses(obj: dict, common: dict) -> list[Result]:
    mine = dict(common)
    m = TOKEN_RE.search(ses.original_header(obj, REFERENCE_HEADER))
    if m:
        mine["reference"] = m.group(0).lower()
        mine["tokens"] = tuple(dict.fromkeys([mine["reference"], *mine["tokens"]]))
    mine["original_message_id"] = _strip_addr(ses.original_header(obj, "Message-ID")) or mine["original_message_id"]
    out = []
    for r in ses.recipients(obj):
        if r.kind_hint == "complaint":
            out.append(Result(r.address, "complaint", "", f"feedback report ({r.subtype})", r.subtype, **mine))
        elif r.kind_hint == "delivery":
            out.append(Result(r.address, "delivered", "", "delivered", "delivered", "delivered", **mine))
        elif r.kind_hint == "delayed":
            out.append(_delay(r.address, r.status, r.diagnostic, mine))
        elif r.kind_hint == "event":  # a send, open, click ... event: about nobody's address
            out.append(Result(None, "unknown", "", f"Amazon SES {r.subtype} event", "relay-event", **mine))
        else:
            vendor = _RELAY_VERDICTS.get(r.subtype, "")
            out.append(_failure(r.address, r.status, [r.diagnostic, r.subtype], r.permanent, mine, "failed", vendor))
    return out


# Amazon SES's own verdicts by bounce subtype: no such mailbox, or a send it did not attempt
# because the address is on its global or the account's suppression list (a 5.1.1 code and
# "a recent history of bouncing as an invalid address": the relay's list, not this send's proof).
_RELAY_VERDICTS = {"NoEmail": "userunknown", "Suppressed": "suppressed", "OnAccountSuppressionList": "suppressed"}


def _classify(raw: bytes) -> list[Result]:
    mail = read(raw)
    common = _common(mail)
    notice = ses.notification(mail.notice) if "{" in mail.notice[:5000] else None
    if notice is not None:
        results = _from_ses(notice, common)
        if results:
            return results
    if arf.is_complaint(mail) or not detect.has_status_fields(mail) and arf.complaint_by_words(mail) and not detect.delivery_report(mail):
        return _complaint(mail, common)
    listed = lists.results(mail, common)  # a list manager's answer to a post to its list
    if listed:
        return listed
    if detect.looks_like_bounce(mail):  # (with the failures of a report it returns: a double bounce)
        inner = [r for r in _classify(mail.returned_report) if r.kind in ("hard", "soft")] if mail.returned_report else []
        return _one_per_recipient(_bounce(mail, common) + inner)
    if arf.complaint_by_sender(mail, common["sender"] or ""):
        return _complaint(mail, common)
    return replies.classify_reply(mail, common)


_FAILURE_RANK = {"soft": 0, "hard": 1}  # of two failures for one address, the softer one stands


def _rank(r: Result) -> int | None:
    """A failure's rank; None for what is no failure (yet): a delay, a success, a reply."""
    return None if r.action == "delayed" else _FAILURE_RANK.get(r.kind)


def _one_per_recipient(results: list[Result]) -> list[Result]:
    """One result per recipient where a report names an address in several blocks (an alias
    expanded twice, a server repeating itself): a failure before a delay or a success, and of two
    failures that disagree the soft one — when unsure, never hard."""
    out: list[Result] = []
    where: dict[str, int] = {}
    for r in results:
        key = (r.recipient or "").lower()
        if not key:
            out.append(r)
            continue
        if key not in where:
            where[key] = len(out)
            out.append(r)
            continue
        kept = out[where[key]]
        mine, theirs = _rank(r), _rank(kept)
        if theirs is None or mine is not None and mine < theirs:
            out[where[key]] = r
    return out

