"""The preflight warns while a starter template's sample text or example.com links are still in the message."""

from __future__ import annotations

from mailer_desktop.domain import blocks
from mailer_desktop.services import campaigns
from mailer_desktop.services.compose import templates as template_service
from mailer_desktop.services.compose.preflight import run_preflight
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender


def _setup(app):
    save_sender(app, name="Bakery", from_address="news@bakery.example", postal_address="1 Mill Lane, Flourtown")
    contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")


def test_starter_left_as_it_is_warns_but_does_not_block(app):
    _setup(app)
    tid = template_service.install_starter(app, "newsletter")
    cid = campaigns.create_campaign(app, "May", "News", "News", template_id=tid)
    report = run_preflight(app, cid, check_dns=False)
    by_code = {f.code: f for f in report.items}
    assert by_code["placeholder_text"].level == "warning"
    assert "Replace this paragraph" in by_code["placeholder_text"].message
    assert by_code["placeholder_link"].level == "warning" and "example.com" in by_code["placeholder_link"].message
    assert report.ok


def test_no_warning_once_the_text_is_replaced(app):
    _setup(app)
    starter = next(s for s in template_service.starter_templates() if s.key == "newsletter")
    doc = starter.document
    for block in doc.blocks:
        if isinstance(block, blocks.Text):
            block.html = "<p>Our rye loaf is back on Fridays.</p>"
        elif isinstance(block, blocks.Button):
            block.href = "https://bakery.example/rye"
        elif isinstance(block, blocks.Columns):
            block.left.html = block.right.html = "<p>Croissants</p>"
    cid = campaigns.create_campaign(app, "May", "News", "News", html=blocks.to_source(doc))
    codes = {f.code for f in run_preflight(app, cid, check_dns=False).items}
    assert "placeholder_text" not in codes and "placeholder_link" not in codes


def test_plain_html_campaigns_are_checked_too(app):
    _setup(app)
    cid = campaigns.create_campaign(app, "May", "News", "News",
                                    html="<p>Here is what happened. Replace this paragraph with news.</p>")
    codes = {f.code for f in run_preflight(app, cid, check_dns=False).warnings}
    assert "placeholder_text" in codes
