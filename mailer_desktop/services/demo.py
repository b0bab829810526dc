"""``--demo``: a throw-away data folder with a living program in it.

Sample contacts in every consent state (with their consent trails), two lists, two
templates, and one campaign already sent into the sandbox, so a newcomer sees every page with
something on it. The demo keeps its keys in memory (EphemeralKeyring): nothing is written to
the system keyring, and the folder can simply be deleted.
"""

from __future__ import annotations

import socket
import tempfile
from pathlib import Path

from ..secrets import EphemeralKeyring
from ..storage.meta import set_meta
from . import campaigns, contacts
from .app import DEMO_MARK, App, open_app
from .progress import NO_PROGRESS, Progress

BUSINESS = {
    "sender.business_name": "Corner Bakery",
    "sender.from_address": "news@corner-bakery.example",
    "sender.postal_address": "12 Baker Street, Springfield, IL 62701, USA",
    "sender.unsubscribe_mailbox": "news@corner-bakery.example",
    "sender.footer_reason": "You receive this because you joined the Corner Bakery newsletter in our shop or on our website.",
    "setup.completed": True,
}

PEOPLE = [
    ("Anna Schmidt", "anna.schmidt@example.com"), ("Ben Carter", "ben.carter@example.org"),
    ("Chloé Dubois", "chloe.dubois@example.fr"), ("David Kim", "david.kim@example.com"),
    ("Eva Novak", "eva.novak@example.cz"), ("Farid Haddad", "farid@example.net"),
    ("Grace Lee", "grace.lee@example.com"), ("Hiro Tanaka", "hiro.tanaka@example.jp"),
    ("Isabel García", "isabel.garcia@example.es"), ("Jonas Berg", "jonas.berg@example.se"),
    ("Karin Muller", "karin@example.de"), ("Liam O'Brien", "liam.obrien@example.ie"),
    ("Maya Patel", "maya.patel@example.com"), ("Noah Wilson", "noah.wilson@example.com"),
    ("Olivia Rossi", "olivia.rossi@example.it"), ("Pavel Ivanov", "pavel@example.net"),
    ("Quinn Taylor", "quinn.taylor@example.com"), ("Rosa Silva", "rosa.silva@example.pt"),
    ("Sam Johnson", "sam.johnson@example.com"), ("Tara Singh", "tara.singh@example.in"),
    ("Uma Rao", "uma.rao@example.com"), ("Victor Lind", "victor.lind@example.no"),
    ("Wen Zhang", "wen.zhang@example.cn"), ("Xavier Martin", "xavier.martin@example.fr"),
    ("Yara Haddad", "yara@example.net"), ("Zoe Clark", "zoe.clark@example.com"),
    ("Alan Brooks", "alan.brooks@example.com"), ("Bea Fischer", "bea.fischer@example.at"),
    ("Carl Jensen", "carl.jensen@example.dk"), ("Dana White", "dana.white@example.com"),
    ("Emil Kowalski", "emil.k@example.pl"), ("Fatima Zahra", "fatima.zahra@example.ma"),
    ("Gus Moreno", "gus.moreno@example.mx"), ("Hana Sato", "hana.sato@example.jp"),
    ("Ivo Petrov", "ivo.petrov@example.bg"), ("Julia Costa", "julia.costa@example.br"),
]
# Index ranges of PEOPLE by the state they end in.
PENDING = range(26, 33)
UNSUBSCRIBED = (3, 11)
BOUNCED = (7,)
COMPLAINED = (15,)
AWAY = (20,)
VAGUE = (22,)

PROOF = "Signed up with the newsletter form at the shop counter on 2026-05-02 (paper form kept in the shop)."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SPRING_MARKDOWN = """# Fresh from the oven this week

Hello {{ contact.first_name | default("there") }},

Our **autumn bread week** starts on Monday: rye with walnuts, pumpkin rolls and the
cinnamon buns you asked for. Come early — the buns sell out by ten.

* Walnut rye — $6.50
* Pumpkin rolls (4) — $5.00
* Cinnamon buns — $2.80 each

See you at the counter,
Marta from the Corner Bakery
"""

WINTER_HTML = """<h1 style="font-family:Georgia,serif;color:#6b3e26">Christmas orders are open</h1>
<p>Hello {{ contact.first_name | default("there") }},</p>
<p>Stollen, gingerbread and our butter cookies can be ordered until <b>December 18</b>.
Reply to this message or call us at (217) 555-0142.</p>
<p>Warmly,<br>Marta</p>
"""


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
    from .sender import send_campaign

    result = send_campaign(app, campaign_id, "sandbox")
    progress.update(len(PEOPLE) + 2, len(PEOPLE) + 3, "campaign sent")

    # What came back after the campaign goes through the real inbox processing.
    from . import demo_replies, inbox_processor, inbox_status

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
    from . import templates as template_service

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
