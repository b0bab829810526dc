"""The Contacts page's confirmation request to one person, started by the user.

For someone pending it simply asks them (again) to confirm. For someone who unsubscribed,
bounced, complained or was suppressed it is the only way back: they must have asked to come
back, the user says how (kept in the consent trail), and only their reply to this new request
confirms them (services/inbox/confirmations.request_again).
"""

from __future__ import annotations

from ...domain import consent


def button_text(page_or_panel, status: str | None) -> str:
    if status in consent.OPTED_OUT:
        return page_or_panel.tr("Ask to confirm again…")
    return page_or_panel.tr("Ask to confirm…")


def request_again(page) -> None:
    contact = page.detail.contact
    if contact is None or contact.status == consent.CONFIRMED:
        return
    from ...services.inbox.trust import opted_out_since

    app = page.app
    account = str(app.settings.get("sending.default_account") or "sandbox")
    left = opted_out_since(app, contact, app.db.conn)
    title = page.tr("Confirmation request")
    if left is not None:
        label = page.tr(
            "{email} {how} on {day}.\n\nSend a new confirmation request only if they asked to come back. Their "
            "reply to it makes them confirmed again; nothing else is sent to them.\n\n"
            "How did they ask to come back? (kept in their consent trail; it goes out through “{account}”)").format(
            email=contact.email, how=left.how, day=left.when[:10], account=account)
    else:
        label = page.tr("Send {email} a confirmation request now, through “{account}”? Their reply confirms "
                        "them.\n\nNote for the consent trail (optional):").format(email=contact.email,
                                                                                   account=account)
    note = page.prompts.text(page, title, label)
    if note is None:
        return
    if left is not None and not note.strip():
        page.prompts.error(page, title, page.tr("Please say how {email} asked to come back: it is the reason "
                                                "this request may go to someone who opted out.").format(
                                                    email=contact.email))
        return
    cid = contact.id

    def work(progress):
        from ...services.inbox import confirmations

        return confirmations.request_again(app, cid, account, note=note.strip(), channel="gui", progress=progress)

    def done(result: dict) -> str:
        if result.get("sent"):
            return page.tr("Confirmation request sent to {email}.").format(email=result["contact"])
        return page.tr("The confirmation request to {email} was not sent: {why}").format(
            email=result["contact"], why=result.get("reason") or result.get("state"))

    page._run(page.tr("Sending a confirmation request"), work, done)
