"""Running the preflight for a campaign: gather the facts, ask the rules in domain/compliance.

Call :func:`run_preflight` before sending (the send engine, ``campaign preflight``, the
composer). ``report.ok`` is False while any error remains.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ...domain.blocks import placeholder_links, placeholders_in
from ...domain.compliance import ERROR, WARNING, Finding, PreflightInput, preflight
from ...domain.templates import TemplateError
from ...storage import campaigns as store
from .. import campaigns as campaigns_service
from ..sending.identity import load_sender

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreflightReport:
    campaign_id: int
    items: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.items if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.items if f.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"id": self.campaign_id, "ok": self.ok,
                "errors": [f.__dict__ for f in self.errors],
                "warnings": [f.__dict__ for f in self.warnings],
                "info": [f.__dict__ for f in self.items if f.level == "info"]}


def account_domain(account) -> str | None:
    """The domain an SMTP account sends for: its user name's domain, else its host's last two labels."""
    if account is None or getattr(account, "is_sandbox", False):
        return None
    if "@" in (account.username or ""):
        return account.username.rpartition("@")[2].lower()
    labels = account.host.lower().rstrip(".").split(".")
    if len(labels) < 2 or all(p.isdigit() for p in labels):
        return None
    return ".".join(labels[-2:])


def recipient_count(app, campaign) -> int:
    if campaign.kind == "confirmation":
        # A prepared request campaign holds its recipients (also requests the user started for
        # someone who opted out); before that, the list's pending contacts are the ones to ask.
        waiting = store.open_deliveries(app.db.conn, campaign.id)
        return waiting if waiting is not None else store.count_status(app.db.conn, campaign.list_id, "pending")
    from ..contacts.people import mailable_contact_ids
    return len(mailable_contact_ids(app, campaign.list_id))


def run_preflight(app, campaign_id: int | campaigns_service.Campaign, *, account_name: str | int | None = None,
                  check_dns: bool = True, resolver=None, contact: dict | None = None) -> PreflightReport:
    """The preflight of a stored campaign (or of unsaved content given as a Campaign object);
    the sample rendering uses ``contact`` or the list's first contact."""
    from .preview import preview_contact
    from .renderer import CampaignRenderer

    if isinstance(campaign_id, campaigns_service.Campaign):
        campaign = campaign_id
    else:
        campaign = campaigns_service.require_campaign(app, campaign_id)
    sender = load_sender(app)
    inp = PreflightInput(sender=sender, kind=campaign.kind, recipients=recipient_count(app, campaign),
                         dns_skipped=not check_dns)
    inp.non_ascii_recipients = store.count_non_ascii_local(
        app.db.conn, campaign.list_id, "pending" if campaign.kind == "confirmation" else "confirmed")
    try:
        renderer = CampaignRenderer(app, campaign)
        usage = renderer.template.usage
        known = store.field_names(app.db.conn, campaign.list_id)
        inp.unknown_fields = usage.unknown_fields(known)
        inp.unknown_names = sorted(usage.unknown_names - {"wording", "confirm_token", "confirm_mailto",
                                                          "confirm_address", "confirm_url"})
        parts = renderer.render(contact or preview_contact(app, campaign))
        inp.subject, inp.html, inp.text = parts.subject, parts.html, parts.text
    except TemplateError as exc:
        inp.template_error = str(exc)
    except ValueError as exc:  # a From address that cannot go into a header, etc.
        inp.template_error = str(exc)
    account = None
    ref = account_name if account_name is not None else campaign.account_id
    if ref is not None:
        from ..accounts.manage import get_account
        account = get_account(app, ref)
    inp.account_domain = account_domain(account)
    if check_dns and sender.from_domain:
        from .dkim import dkim_settings
        from .dns_checks import check_domain
        selector, public_key = dkim_settings(app)
        inp.dns = check_domain(sender.from_domain, dkim_selector=selector, expected_dkim_key=public_key,
                               resolver=resolver)
    items = preflight(inp)
    extra = placeholder_findings(inp.html, inp.text)
    if extra:  # after the errors, before the other warnings' followers (info)
        at = len([f for f in items if f.level == ERROR])
        items[at:at] = extra
    return PreflightReport(campaign_id=campaign.id, items=items)


def placeholder_findings(html: str, text: str) -> list[Finding]:
    """Warnings for a starter template's sample sentences and example.com links left in a message."""
    out = []
    phrases = placeholders_in(text)
    if phrases:
        quoted = ", ".join(f"“{p[:1].upper()}{p[1:]}…”" for p in phrases[:3])
        out.append(Finding(WARNING, "placeholder_text",
                           f"The message still has the starter template's sample text: {quoted}. "
                           "Replace it with your own words."))
    hosts = placeholder_links(html)
    if hosts:
        out.append(Finding(WARNING, "placeholder_link",
                           f"A link or button still points to {', '.join(hosts)}, the starter template's "
                           "example address. Put in your own web address."))
    return out
