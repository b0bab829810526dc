"""``--demo``: a throw-away data folder with a living program in it.

Sample contacts in every consent state (with their consent trails), two lists, two
templates, and one campaign already sent into the sandbox, so a newcomer sees every page with
something on it. The demo keeps its keys in memory (EphemeralKeyring): nothing is written to
the system keyring, and the folder can simply be deleted. The people, the business and the
campaigns' texts are in resources/demo/.
"""

from __future__ import annotations

import json
import socket
import tempfile
from pathlib import Path

from .. import resources
from ..keyring_backends import EphemeralKeyring
from ..storage.meta import set_meta
from . import campaigns
from .app import DEMO_MARK, App, open_app
from .contacts import people as contacts
from .progress import NO_PROGRESS, Progress

_DATA = json.loads(resources.read_text("demo", "demo.json"))
BUSINESS: dict = _DATA["business"]
PEOPLE: list[tuple[str, str]] = [(p["name"], p["email"]) for p in _DATA["people"]]
PROOF: str = _DATA["proof"]
SPRING_MARKDOWN = resources.read_text("demo", "weekly-specials.md")
WINTER_HTML = resources.read_text("demo", "christmas-orders.html")


def _ending(state: str) -> tuple[int, ...]:
    """The indexes into PEOPLE of the people who end in STATE."""
    return tuple(i for i, p in enumerate(_DATA["people"]) if p.get("ends") == state)


PENDING = _ending("pending")
UNSUBSCRIBED = _ending("unsubscribed")
BOUNCED = _ending("bounced")
COMPLAINED = _ending("complained")
AWAY = _ending("away")
VAGUE = _ending("vague")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def populate(app: App, progress: Progress = NO_PROGRESS) -> dict:
    """Fill an empty data folder with the demo; returns what was made."""
    with app.db.transaction() as conn:
        set_meta(conn, DEMO_MARK, "1")  # the window says it is the demo
        for key, value in BUSINESS.items():
            app.settings.set(key, value)
        app.db.conn.execute("UPDATE accounts SET port = ? WHERE name = 'sandbox'", (_free_port(),))
    newsletter = contacts.ensure_list(app, "Newsletter", "Everyone who signed up in the shop or online")
    club = contacts.ensure_list(app, "Loyalty club", "Customers with a loyalty card")
    ids = []
    for i, (name, email) in enumerate(PEOPLE):
        confirmed = i not in PENDING
        person = contacts.add_contact(
            app, email, name, source="shop sign-up form", lists=[newsletter.id] + ([club.id] if i % 3 == 0 else []),
            confirmed=confirmed, evidence=PROOF if confirmed else "",
            wording=app.settings.get("consent.confirmation_wording") if confirmed else "",
        )
        ids.append(person.id)
        progress.update(i + 1, len(PEOPLE) + 3, "contacts")

    templates_made = _templates(app)
    campaign_id = campaigns.create_campaign(
        app, "Autumn bread week", "Autumn bread week starts Monday", "Newsletter", markdown=SPRING_MARKDOWN,
        preheader="Walnut rye, pumpkin rolls and cinnamon buns",
    )
    from .sending.engine import send_campaign

    result = send_campaign(app, campaign_id, "sandbox")
    progress.update(len(PEOPLE) + 2, len(PEOPLE) + 3, "campaign sent")

    # What came back after the campaign goes through the real inbox processing.
    from . import demo_replies
    from .inbox import processor as inbox_processor
    from .inbox import status as inbox_status

    emails = [email for _name, email in PEOPLE]
    replies = demo_replies.build(
        app, unsubscribed=[emails[i] for i in UNSUBSCRIBED], bounced=[emails[i] for i in BOUNCED],
        complained=[emails[i] for i in COMPLAINED], away=[emails[i] for i in AWAY],
        vague=[emails[i] for i in VAGUE])
    folder = app.paths.home / "demo-replies"
    folder.mkdir(exist_ok=True)
    for name, raw in replies:
        (folder / name).write_bytes(raw)
    inbox = inbox_processor.import_paths(app, [str(folder)])
    inbox_status.record_run(app, whole_mailbox=False)
    draft = campaigns.create_campaign(app, "Christmas orders", "Christmas orders are open", "Newsletter",
                                      html=WINTER_HTML)
    progress.update(len(PEOPLE) + 3, len(PEOPLE) + 3, "done")
    return {"contacts": len(ids), "templates": templates_made, "sent_campaign": campaign_id,
            "draft_campaign": draft, "send_result": result, "inbox": inbox.summary()}


def _templates(app: App) -> int:
    """Two templates for the Templates page: one written in Markdown, one starter layout."""
    from .compose import templates as template_service

    template_service.create_template(app, name="Weekly specials", subject="This week at the Corner Bakery",
                                     source_format="markdown", source=SPRING_MARKDOWN)
    template_service.install_starter(app, "newsletter", "Monthly newsletter")
    return 2


def open_demo(folder: Path | None = None) -> App:
    """A new throw-away data folder with the demo in it (keys in memory only)."""
    home = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="mailer-desktop-demo-"))
    app = open_app(home, keyring_backend=EphemeralKeyring())
    populate(app)
    return app
