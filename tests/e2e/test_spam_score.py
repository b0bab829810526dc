"""Our markup costs no SpamAssassin points: a campaign message with a preheader, scored by the
real ``spamassassin -t -L`` (local tests only, Debian package ``spamassassin``)."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess

import pytest

from mailer_desktop.services import campaigns
from mailer_desktop.services.compose.renderer import CampaignRenderer
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender

pytestmark = pytest.mark.skipif(shutil.which("spamassassin") is None,
                                reason="SpamAssassin is not installed (Debian package spamassassin)")
_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s", re.M)


def scored(data: bytes) -> dict[str, float]:
    result = subprocess.run(["spamassassin", "-t", "-L"], input=data, capture_output=True, timeout=120)
    report = result.stdout.decode("utf-8", "replace")
    details = report[report.index("Content analysis details"):]
    return {name: float(points) for points, name in _RULE.findall(details)}


def test_a_message_with_a_hidden_preheader_scores_no_points_for_its_markup(app):
    save_sender(app, name="Garden Centre", from_address="news@shop.example", postal_address="1 Main Street, Springfield",
                unsubscribe_url="https://shop.example/u/{token}")
    anna = contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    cid = campaigns.create_campaign(
        app, "Spring", "Spring news", "News", preheader="Our spring offers and the Saturday workshop",
        html="<h1>Spring</h1><p>Hello {{ contact.name }}, our garden centre opens on Saturday with new plants "
             "and a workshop on pruning roses.</p>")
    data, _ = CampaignRenderer(app, cid).bytes_for(anna)
    message = email.message_from_bytes(data, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()
    assert ">Our spring offers and the Saturday workshop</div>" in html
    rules = scored(data)
    assert "HTML_MESSAGE" in rules  # it did read the HTML part
    assert {name for name in rules if "FONT" in name or "INVIS" in name or "CONTRAST" in name} == set()
    assert {name: points for name, points in rules.items() if points > 0} == {}
