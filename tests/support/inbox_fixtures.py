"""Hand-written inbox mails in tests/fixtures/inbox with {u} {c} {r} {id} placeholders."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inbox"

# Token-shaped values with tags no key produced: enough for the classifier, which has no key.
FAKE = {"u": "mdu2ax" + "abcdefghijklmnop", "c": "mdc2ax" + "bcdefghijklmnopq", "r": "mdr7y2ax" + "cdefghijklmnopqr"}


def fixture(name: str, **values: str) -> bytes:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    merged = {**FAKE, "id": "1", **values}
    for key, value in merged.items():
        text = text.replace("{" + key + "}", value)
    return text.replace("\n", "\r\n").encode("utf-8")


def record_sent(app, contact_id: int, message_id: str, *, kind: str = "campaign", sent_at: str | None = None) -> int:
    """Put one sent message in the data folder's send log, as the send engine leaves it; returns the
    campaign id. Returned mail that quotes ``message_id`` then refers to our own mail."""
    from mailer_desktop.services.campaigns import create_campaign
    from mailer_desktop.storage.db import now_iso

    if kind == "confirmation":
        campaign_id = create_campaign(app, f"requests {message_id}", "", kind="confirmation")
    else:
        from mailer_desktop.services.contacts.lists import ensure_list

        ensure_list(app, "Sent log")
        campaign_id = create_campaign(app, f"sent {message_id}", "Our spring offers", "Sent log",
                                      html="<p>Offers</p>")
    mid = message_id if message_id.startswith("<") else f"<{message_id}>"
    stamp = sent_at or now_iso()
    with app.db.transaction() as conn:
        conn.execute("INSERT INTO deliveries(campaign_id, contact_id, state, attempts, message_id, queued_at,"
                     " claimed_at, finished_at) VALUES (?, ?, 'sent', 1, ?, ?, ?, ?)",
                     (campaign_id, contact_id, mid, stamp, stamp, stamp))
    return campaign_id
