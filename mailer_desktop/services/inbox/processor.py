"""Process returned mail: classify each message, find its contact, apply the rules, record it.

Rules (COMPLIANCE.md, "Inbox processing"):
- hard bounce → ``bounced`` and suppressed at once;
- soft bounce → a bounce event; ``bounced`` once the contact has ``inbox.soft_bounce_limit``
  soft bounces within ``inbox.soft_bounce_window_days``. Blocks about the *sender* (reputation,
  authentication, content: the classifier's ``policy`` flag) are recorded and reported as a
  warning but never count against the recipient;
- complaint → ``complained`` and suppressed;
- unsubscribe → ``unsubscribed`` at once (global);
- confirmation → ``confirmed``, with the reply's Message-ID, date and sender as evidence;
- auto-reply, delivery notices, delay notices → nothing.

Matching and trust (:mod:`.trust`): a bounce or complaint acts only on the contact of a
message this data folder sent — our Message-ID in the send log, or a token verified with the
token key in the returned message (``X-Mailer-Desktop-Ref``, ``List-Unsubscribe``…); one that
only names an address goes to the review list. Replies are matched by a verified token in the
address, subject or own words, else by the sender's own address. A reply to a confirmation
request confirms only when it says yes (a "no" is an opt-out; anything unclear is reviewed) and
never brings back someone who opted out unless it answers a request sent after the opt-out. A
free-text opt-out counts only from the contact's own address, and not when the inbox's own
server says the sender failed SPF and DMARC. Vague wording, requests nobody can be matched to,
and mail the classifier does not understand go to the review list — never dropped.

Idempotent: every message is remembered in ``inbox_messages`` by its Message-ID (or the
SHA-256 of its bytes when it has none); importing it again changes nothing. Each message is
applied in one transaction together with its record, so a crash halfway leaves no half-done
message behind. Only after the commit is the source message marked processed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from ...domain import consent
from ...domain.inbox import Result, classify
from ...domain.inbox.arf import NOT_COMPLAINTS
from ...storage import inbox as store
from ..contacts import people as contacts
from ..progress import NO_PROGRESS, Progress
from . import trust
from .mailbox import ImapSettings, _loopback, close_imap, iter_imap, open_imap
from .report import ImportReport, Outcome
from .sources import SourceError, SourceMessage, iter_paths

__all__ = ["InboxError", "Outcome", "ImportReport", "process_messages", "import_paths", "import_imap",
           "configure_imap", "review_items", "decide_review", "oldest_waiting"]

CHANNEL_REPLY = "email_reply"
CHANNEL_INBOX = "inbox"
POLICY_PREFIX = "sender-side: "


class InboxError(Exception):
    """Inbox input that cannot be processed; the message says why."""


def message_key(raw: bytes, message_id: str) -> str:
    message_id = (message_id or "").strip().strip("<>").strip()
    if message_id:
        return "mid:" + message_id[:500]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _soft_limit_reached(app, contact_id: int, conn) -> bool:
    limit = int(app.settings.get("inbox.soft_bounce_limit") or 3)
    days = int(app.settings.get("inbox.soft_bounce_window_days") or 30)
    since = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return store.soft_bounces_since(conn, contact_id, since, exclude_prefix=POLICY_PREFIX) >= limit


def _evidence(result: Result, date: datetime | None, auth_note: str = "") -> str:
    parts = [f"reply Message-ID <{result.message_id}>" if result.message_id else "reply without Message-ID"]
    if date is not None:
        parts.append(f"dated {date.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if result.sender:
        parts.append(f"from {result.sender}")
    text = ", ".join(parts)
    return f"{text}; {auth_note}" if auth_note else text


def _change(app, contact, event: str, channel: str, wording: str, evidence: str, conn,
            suppress_reason: str | None = None) -> str:
    before = contact.status
    try:
        after = contacts.change_status(app, contact.id, event, channel, wording, evidence,
                                       suppress_reason=suppress_reason, conn=conn).status
    except consent.ConsentError as exc:
        return f"no change ({exc})"
    return f"{before} → {after}" if before != after else f"already {after}"


def _review(out: Outcome, why: str, contact=None) -> Outcome:
    out.review = True
    out.action = "needs your decision: " + why
    if contact is not None:
        out.contact_id, out.contact_email = contact.id, contact.email
    return out


def _returned(app, result: Result, found, inbox_id: int, out: Outcome, conn) -> Outcome:
    """A bounce or complaint: acts only when it refers to a message this data folder sent."""
    kind = result.kind
    match = trust.returned_mail_match(app, result, found, conn)
    contact = match.contact
    if contact is None:
        if match.named is not None or kind == "complaint" and "no longer on file" not in match.why:
            return _review(out, match.why, match.named)   # a complaint must be acted on: let the user look
        out.action = match.why
        return out
    out.contact_id, out.contact_email, out.why = contact.id, contact.email, result.reason
    reason = (POLICY_PREFIX if result.policy else "") + (result.reason or result.category)
    store.add_bounce_event(conn, contact_id=contact.id, campaign_id=match.campaign_id,
                           inbox_message_id=inbox_id, kind=kind, status=result.status, reason=reason)
    evidence = (f"returned mail Message-ID <{result.message_id}>: {result.status} {result.reason}"[:440]
                + f"; {match.how}")[:500]
    if kind == "hard":
        return _set(out, _change(app, contact, consent.EV_BOUNCED, CHANNEL_INBOX, "hard bounce", evidence, conn,
                                 "hard_bounce"))
    if kind == "complaint":
        return _set(out, _change(app, contact, consent.EV_COMPLAINED, CHANNEL_INBOX,
                                 "spam complaint (feedback report)", evidence, conn))
    if result.policy:
        return _set(out, "soft bounce about the sender (not counted against the contact)")
    if _soft_limit_reached(app, contact.id, conn):
        return _set(out, _change(app, contact, consent.EV_BOUNCED, CHANNEL_INBOX, "repeated soft bounces", evidence,
                                 conn, "soft_bounce"))
    return _set(out, "soft bounce recorded")


def _set(out: Outcome, action: str) -> Outcome:
    out.action = action
    return out


def _request(app, result: Result, found, msg: SourceMessage, authserv_id: str | None, out: Outcome,
             conn) -> Outcome:
    """An unsubscribe request or a reply to a confirmation request."""
    kind = result.kind
    # An opt-out may carry either token: a "no" to a confirmation request carries the confirm token.
    by_token, gone = trust.token_contacts(app, found, "uc" if kind == "unsubscribe" else "c", conn)
    contact = by_token[0][0] if by_token else None
    if contact is None and gone:
        return _review(out, "a reply to a request sent to someone no longer on file (erased or purged)")
    if contact is None:
        contact = trust.by_address(app, result.sender, conn)  # the sender's own contact, if any
    spoofed, auth_note = trust.spoofed_opt_out(msg.raw, authserv_id)
    # Without a token only a clear opt-out from the contact's own address acts by itself;
    # a confirmation always needs the token (or the user's decision).
    if contact is None:
        return _review(out, "no contact found")
    if not by_token and (kind == "confirmation" or result.review):
        return _review(out, "no token" if kind == "confirmation" else "the request is not clear", contact)
    if kind == "unsubscribe" and not by_token and spoofed:
        return _review(out, f"asks to stop mail to {contact.email}, but the sender failed SPF and DMARC at the "
                            f"inbox's server ({auth_note.removeprefix('authentication: ')}), so the From address "
                            "may be forged and there is no token to prove it", contact)
    if kind == "confirmation" and result.review:
        return _review(out, result.reason, contact)
    if kind == "confirmation" and (result.sender or "").lower() != contact.email.lower():
        # Consent is the person's own: a yes from another address (a spouse or a colleague answering
        # a forwarded request) is for the user to judge, never recorded as theirs.
        return _review(out, f"the yes comes from {result.sender or 'an unknown sender'}, not from {contact.email}, "
                            "the address the request went to", contact)
    out.contact_id, out.contact_email = contact.id, contact.email
    if kind == "unsubscribe":
        if result.category == "refusal":
            how = "said no to the confirmation request (reply with the confirm token)"
        elif by_token:
            how = "unsubscribe by email (token)"
        else:
            how = "unsubscribe request by reply from own address"
        return _set(out, _change(app, contact, consent.EV_UNSUBSCRIBED, CHANNEL_REPLY, how,
                                 _evidence(result, msg.date, auth_note), conn))
    blocked, note = trust.confirmation_blocker(app, contact, msg.raw, msg.date, conn)
    if blocked:
        return _review(out, blocked, contact)
    evidence = _evidence(result, msg.date, auth_note) + (f"; {note}" if note else "")
    return _set(out, _change(app, contact, consent.EV_CONFIRMED, CHANNEL_REPLY, "confirmation reply (token)",
                             evidence, conn))


def _apply(app, result: Result, msg: SourceMessage, inbox_id_holder: list, conn,
           authserv_id: str | None = None) -> Outcome:
    """Apply one classifier result; returns what happened."""
    found = trust.verified_tokens(app, result)
    kind = result.kind
    out = Outcome(msg.label, kind, "nothing to do", why=result.reason)
    # A feedback report that is no recipient's complaint (RFC 6591 authentication failure report,
    # a "not spam" mark) is about the sending domain: nothing to change, nothing to decide.
    if kind == "complaint" and result.category in NOT_COMPLAINTS:
        out.action = f"{result.reason}; no contact changed"
        return out
    if result.action == "delayed" or result.category == "relay-event":
        # A delay notice (kind soft, 4.x.x): the server keeps trying; a relay's event about a send (SES:
        # sent, opened, clicked ...) is about no address's fate. No bounce is recorded for either.
        out.action = ("delivery delayed" if result.action == "delayed" else result.reason) + "; nothing to do"
        return out
    if kind in ("hard", "soft", "complaint"):
        return _returned(app, result, found, inbox_id_holder[0], out, conn)
    if kind in ("unsubscribe", "confirmation"):
        return _request(app, result, found, msg, authserv_id, out, conn)
    if kind == "unknown":
        return _review(out, "not recognised", trust.by_address(app, result.sender, conn))
    return out


def _snippet(raw: bytes) -> str:
    _head, _, body = raw[:8192].replace(b"\r\n", b"\n").partition(b"\n\n")
    text = body.decode("utf-8", "replace")
    return " ".join(text.split())[:300]


def process_messages(app, messages: Iterable[SourceMessage], progress: Progress = NO_PROGRESS,
                     total: int | None = None, authserv_id: str | None = None) -> ImportReport:
    """Process the messages; ``authserv_id`` names the server whose Authentication-Results are
    trusted for them (None: the ``inbox.authserv_id`` setting)."""
    if authserv_id is None:
        authserv_id = str(app.settings.get("inbox.authserv_id") or "")
    report = ImportReport()
    warned: set[str] = set()
    for n, msg in enumerate(messages, 1):
        progress.check()
        progress.update(n - 1, total, f"Processing {msg.name}")
        if msg.known:
            report.unchanged += 1
            _mark_again(app, msg, report)
            continue
        if msg.not_mail:
            report.not_mail.append(msg.label)
            continue
        results = classify(msg.raw)
        key = message_key(msg.raw, results[0].message_id if results else "")
        with app.db.transaction() as conn:
            if store.seen(conn, key):
                report.unchanged += 1
                outcomes = None
            else:
                holder = [store.record_message(
                    conn, message_key=key, source=msg.label, sender=(results[0].sender or "") if results else "",
                    subject=_subject(msg.raw), received_at=_iso(msg.date), kind=_recorded_kind(results),
                    outcome="", contact_id=None, needs_review=False, snippet=_snippet(msg.raw))]
                outcomes = [_apply(app, r, msg, holder, conn, authserv_id) for r in results]
                review = any(o.review for o in outcomes)
                first = next((o.contact_id for o in outcomes if o.contact_id), None)
                summary = "; ".join(dict.fromkeys(o.line() for o in outcomes))
                store.finish_message(conn, holder[0], outcome=summary[:1000], contact_id=first, needs_review=review)
        if outcomes is not None:
            report.processed += 1
            report.by_kind.update("delayed" if r.action == "delayed" else r.kind for r in results)
            report.review += 1 if any(o.review for o in outcomes) else 0
            report.outcomes.extend(outcomes)
            for r in results:
                if r.policy and r.category not in warned:
                    warned.add(r.category)
                    report.warnings.append(
                        f"a receiving server blocked our mail because of the sender ({r.category}: {r.reason[:160]});"
                        " check the sending domain's SPF/DKIM/DMARC and reputation")
        # Mail nobody recognised may be a customer's letter: it stays unread and in place in the
        # mailbox (it is on the review list here); everything else is flagged or moved.
        keep_unread = all(r.kind == "unknown" and r.action != "delayed" for r in results)
        try:
            msg.mark_processed(keep_unread=keep_unread)
        except SourceError as exc:
            report.warnings.append(str(exc))
    progress.update(report.processed + report.unchanged, total, "Done")
    return report


def _recorded_kind(results) -> str:
    """The kind kept for the processed-mail list: a feedback report that is no complaint (a DMARC
    failure report, a "not spam" mark) is recorded as ``feedback``, not as a complaint."""
    if not results:
        return "unknown"
    first = results[0]
    if all(r.action == "delayed" for r in results):
        return "delayed"  # a delay notice (kind soft, 4.x.x): listed as such, not as a soft bounce
    return "feedback" if first.kind == "complaint" and first.category in NOT_COMPLAINTS else first.kind


def _mark_again(app, msg: SourceMessage, report: ImportReport) -> None:
    """A message processed before whose mark in the mailbox is gone gets it again, as it got it
    the first time (mail nobody recognised stays unread and in place)."""
    kind, outcome = store.message_kind(app.db.conn, message_key(b"", msg.message_id)) or ("unknown", "")
    try:
        msg.mark_processed(keep_unread=kind == "unknown" and "delayed" not in outcome)
    except SourceError as exc:
        report.warnings.append(str(exc))


def _subject(raw: bytes) -> str:
    from ...domain.inbox.message import decode_words

    head = raw[:65536].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace")
    for i, line in enumerate(head.split("\n")):
        if line.lower().startswith("subject:"):
            value = line[8:]
            for cont in head.split("\n")[i + 1:]:
                if not cont[:1].isspace():
                    break
                value += " " + cont.strip()
            return decode_words(value)[:300]
    return ""


def _iso(when: datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


def import_paths(app, paths: Iterable[str], progress: Progress = NO_PROGRESS,
                 authserv_id: str | None = None) -> ImportReport:
    """Process .eml files, mbox files, Maildir folders and folders of .eml files."""
    return process_messages(app, iter_paths(list(paths), progress), progress, authserv_id=authserv_id)


def import_imap(app, account: str | int, folder: str | None = None, progress: Progress = NO_PROGRESS,
                tls_context=None, authserv_id: str | None = None) -> ImportReport:
    """Fetch the unprocessed mail of an account's IMAP folder and process it."""
    conn, settings = open_imap(app, account, tls_context=tls_context)

    def known(message_id: str) -> bool:
        return store.seen(app.db.conn, message_key(b"", message_id))

    try:
        return process_messages(app, iter_imap(conn, settings, folder, progress, known), progress,
                                authserv_id=settings.authserv_id if authserv_id is None else authserv_id)
    finally:
        close_imap(conn)


def oldest_waiting(app, account: str | int, folder: str | None = None, tls_context=None) -> datetime | None:
    """Arrival time (UTC) of the oldest mail in the account's IMAP folder that still waits for
    processing, for the reminder that opt-outs must be honoured quickly; None when none waits."""
    from .mailbox import oldest_waiting as imap_oldest

    conn, settings = open_imap(app, account, tls_context=tls_context)
    try:
        return imap_oldest(conn, settings, folder, lambda mid: store.seen(app.db.conn, message_key(b"", mid)))
    finally:
        close_imap(conn)


def trust_certificate(app, account: str | int, fingerprint: str | None = None, *, timeout: float = 30.0):
    """The certificate the account's IMAP server shows, and whether it is now trusted.

    Without ``fingerprint`` nothing changes: the caller shows the certificate and its
    fingerprint to the user. With it, the certificate is trusted for this account if (and
    only if) the server shows exactly that one; InboxError otherwise."""
    from ...storage.meta import set_meta
    from .imap import ImapConnectError, normal_fingerprint, peek_certificate, pin_key
    from .mailbox import imap_settings

    settings = imap_settings(app, account)
    if not settings.host:
        raise InboxError(f"account {settings.account_name!r} has no IMAP server configured")
    wanted = None
    if fingerprint is not None:
        try:
            wanted = normal_fingerprint(fingerprint)
        except ValueError as exc:
            raise InboxError(str(exc)) from None
    try:
        cert = peek_certificate(settings.host, settings.port, settings.security, timeout=timeout)
    except ImapConnectError as exc:
        raise InboxError(str(exc)) from None
    if wanted is None:
        return cert, False
    if cert.fingerprint != wanted:
        raise InboxError(f"IMAP {settings.host}:{settings.port} shows the certificate {cert.fingerprint}, not "
                         f"{wanted}: nothing was trusted")
    with app.db.transaction() as conn:
        set_meta(conn, pin_key(settings.account_id), cert.fingerprint)
    return cert, True


def forget_certificate(app, account: str | int) -> bool:
    """Stop trusting the certificate trusted for the account; False when there was none."""
    from ...storage.meta import get_meta, set_meta
    from .imap import pin_key
    from .mailbox import imap_settings

    settings = imap_settings(app, account)
    with app.db.transaction() as conn:
        had = bool(get_meta(conn, pin_key(settings.account_id)))
        set_meta(conn, pin_key(settings.account_id), "")
    return had


def configure_imap(app, account: str | int, *, host: str | None = None, port: int | None = None,
                   security: str | None = None, username: str | None = None, folder: str | None = None,
                   done_folder: str | None = None, password: str | None = None,
                   authserv_id: str | None = None) -> ImapSettings:
    """Set the IMAP side of an existing account (only the values given); the password goes to the keyring."""
    from ...secrets import SecretStore
    from .mailbox import imap_settings

    current = imap_settings(app, account)
    values = {}
    if host is not None:
        host = host.strip()
        if not host or any(c.isspace() for c in host) or "/" in host:
            raise InboxError(f"{host!r} is not a host name (just imap.example.com)")
        values["imap_host"] = host
    if port is not None:
        if not 1 <= int(port) <= 65535:
            raise InboxError(f"IMAP port {port} is outside 1-65535")
        values["imap_port"] = int(port)
    if security is not None:
        if security not in ("tls", "starttls", "none"):
            raise InboxError(f"IMAP security must be tls, starttls or none, not {security!r}")
        values["imap_security"] = security
    if username is not None:
        values["imap_username"] = username.strip()
    if folder is not None:
        if not folder.strip():
            raise InboxError("the IMAP folder name cannot be empty")
        values["imap_folder"] = folder.strip()
    if done_folder is not None:
        values["imap_done_folder"] = done_folder.strip()
    if authserv_id is not None:
        authserv_id = authserv_id.strip().lower()
        if any(c.isspace() or c in ";()" for c in authserv_id):
            raise InboxError(f"{authserv_id!r} is not a server name (the first word of its "
                             "Authentication-Results headers, e.g. mx.google.com)")
        values["imap_authserv_id"] = authserv_id
    host_after = values.get("imap_host", current.host)
    if values.get("imap_security", current.security) == "none" and host_after and not _loopback(host_after):
        raise InboxError(f"plain-text IMAP (security none) is only allowed to this computer (localhost): the "
                         f"password and mail would cross the network readable; for {host_after} choose tls "
                         "(port 993) or starttls (port 143)")
    with app.db.transaction() as conn:
        store.set_imap(conn, current.account_id, **values)
    if password is not None:
        app.secrets.set(SecretStore.imap_name(current.account_id), password)
    return imap_settings(app, current.account_id)


def review_items(app, limit: int = 500) -> list[dict]:
    return store.review_items(app.db.conn, limit)


def decide_review(app, inbox_message_id: int, decision: str, contact: int | str | None = None) -> str:
    """The user's decision on a review item: 'unsubscribe', 'confirm' (needs a contact) or 'ignore'."""
    if decision not in ("unsubscribe", "confirm", "ignore"):
        raise InboxError(f"decision must be unsubscribe, confirm or ignore, not {decision!r}")
    with app.db.transaction() as conn:
        item = store.review_item(conn, inbox_message_id)
        if item is None:
            raise InboxError(f"inbox message {inbox_message_id} is not waiting for a decision")
        done = "ignored"
        if decision != "ignore":
            target = contact if contact is not None else item["contact_id"]
            if target is None:
                raise InboxError("this message names no contact; choose one")
            person = contacts.require_contact(app, target, conn)
            if decision == "confirm":
                left = trust.opted_out_since(app, person, conn)
                if left is not None and not left.later_requests(conn, person.id):
                    raise InboxError(
                        f"{person.email} {left.how} on {left.when[:10]}; a reply to an earlier request cannot bring"
                        " them back. Send them a new confirmation request; their reply to it confirms them.")
            mid = item["message_key"][4:] if item["message_key"].startswith("mid:") else item["message_key"]
            evidence = (f"user decision on the reply <{mid}> dated {item['received_at'] or 'unknown'} from "
                        f"{item['sender'] or 'unknown sender'} ({item['source']})")
            event = consent.EV_UNSUBSCRIBED if decision == "unsubscribe" else consent.EV_CONFIRMED
            done = _change(app, person, event, "gui", f"{decision} decided by the user from the review list",
                           evidence, conn)
        store.decide_review(conn, inbox_message_id, f"{decision}: {done}")
    return done
