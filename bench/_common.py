"""Shared set-up for the send benchmarks: a throw-away data folder with N confirmed contacts, a
configured sender, a personalised campaign and a loopback account; Postfix's smtp-sink/-source."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from memkeyring import MemoryKeyring  # noqa: E402
from smtp_sink import SMTP_SINK, SMTP_SOURCE, Sink, free_port, wait_port  # noqa: E402,F401

from mailer_desktop.domain.addresses import normalize  # noqa: E402
from mailer_desktop.services.accounts.manage import add_account  # noqa: E402
from mailer_desktop.services.app import open_app  # noqa: E402
from mailer_desktop.services.campaigns import create_campaign  # noqa: E402
from mailer_desktop.services.sending.identity import save_sender  # noqa: E402
from mailer_desktop.storage.db import now_iso  # noqa: E402

HTML = """<h1>Spring news for {{ contact.name }}</h1>
<p>Dear {{ contact.name }}, thank you for reading our newsletter. This month we have new opening hours,
a workshop on Saturday and ten percent off everything in the garden section.</p>
<ul><li>Opening hours: Monday to Saturday, 9 to 18</li><li>Workshop: pruning roses</li></ul>
<p>See you soon!</p>"""


def send_size_args(description: str = "") -> tuple[int, int]:
    """(messages, connections) from the command line of a sending benchmark."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--connections", type=int, default=4)
    args = ap.parse_args()
    return args.messages, args.connections


def data_folder(n: int, *, pool: int, rate: float = 0, tmp: Path | None = None):
    """(app, campaign id, account name) in a fresh temporary data folder."""
    home = Path(tempfile.mkdtemp(prefix="mailer-bench-", dir=tmp)) / "data"
    app = open_app(home, keyring_backend=MemoryKeyring(), log_to_file=False)
    save_sender(app, name="Corner Garden Shop", from_address="news@garden.example",
                postal_address="1 Main Street, Springfield 12345", unsubscribe_mailbox="leave@garden.example",
                unsubscribe_url="https://garden.example/unsubscribe?t={token}")
    now = now_iso()
    with app.db.transaction() as conn:
        conn.execute("INSERT INTO lists(name, created_at) VALUES ('Readers', ?)", (now,))
        list_id = conn.execute("SELECT id FROM lists WHERE name = 'Readers'").fetchone()[0]
        for i in range(n):
            addr = normalize(f"reader{i}@example.org")
            cur = conn.execute(
                "INSERT INTO contacts(email, email_key, name, fields, status, consent_basis, source, created_at, "
                "updated_at, status_changed_at) VALUES (?, ?, ?, ?, 'confirmed', 'express', 'bench', ?, ?, ?)",
                (addr.email, addr.key, f"Reader {i}", json.dumps({"city": "Springfield"}), now, now, now))
            conn.execute("INSERT INTO list_members VALUES (?, ?, ?)", (list_id, cur.lastrowid, now))
    campaign_id = create_campaign(app, "Spring news", "Spring news for {{ contact.name }}", "Readers", html=HTML)
    return app, campaign_id


def loopback_account(app, port: int, pool: int, rate: float = 0) -> str:
    add_account(app, "bench", host="127.0.0.1", port=port, security="none", pool_size=pool, rate_per_second=rate)
    return "bench"


def cleanup(app) -> None:
    home = app.paths.home
    app.close()
    shutil.rmtree(home.parent, ignore_errors=True)
