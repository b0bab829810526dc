"""What a new user does next, for the Overview: the first step of the usual journey that is
not done yet (sender details → contacts → confirmation requests → a template → a campaign).
Once a campaign exists the journey is done and only missing sender details are named."""

from __future__ import annotations

from dataclasses import dataclass

from .app import App


@dataclass(frozen=True)
class NextStep:
    key: str     # setup, contacts, confirm, template, campaign, inbox
    text: str    # what to do, and why, in a sentence or two
    action: str  # the button's words


def _missing_sender(app: App) -> list[str]:
    get = app.settings.get
    wanted = (("sender.from_address", "a From address"), ("sender.postal_address", "your postal address"),
              ("sender.unsubscribe_mailbox", "a mailbox for replies"))
    return [words for key, words in wanted if not str(get(key) or "").strip()]


def next_step(app: App) -> NextStep | None:
    missing = _missing_sender(app)
    if missing:
        words = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " and " + missing[-1]
        verb = "is" if len(missing) == 1 else "are"
        return NextStep("setup", f"Set-up is not finished: {words} {verb} still missing. Nothing can be sent "
                        "without them (every message must carry your postal address).", "Finish set-up…")
    conn = app.db.conn
    if conn.execute("SELECT 1 FROM campaigns WHERE kind = 'campaign' LIMIT 1").fetchone() is not None:
        return None  # the journey is done: no per-refresh reading of who is due on a big folder
    if conn.execute("SELECT 1 FROM contacts LIMIT 1").fetchone() is None:
        return NextStep("contacts", "Add the people you write to: import a spreadsheet or a contacts file, or add "
                        "them one by one on the Contacts page.", "Import contacts…")
    from .inbox.confirmations import due_contacts

    due = len(due_contacts(app))
    if due:
        people = "1 contact waits" if due == 1 else f"{due:,} contacts wait"
        return NextStep("confirm", f"{people} for a confirmation request. Only people who confirm receive "
                        "campaigns (double opt-in).", "Send confirmation requests…")
    if conn.execute("SELECT 1 FROM templates LIMIT 1").fetchone() is None:
        return NextStep("template", "Write your newsletter: start from a template on the Templates page.",
                        "Open Templates")
    return NextStep("campaign", "Create your first campaign: a template, a list, and a check before it is sent.",
                    "New campaign…")
