"""Every preflight rule: one case that triggers it and one that does not."""

from __future__ import annotations

import pytest
from dns_server import LoopbackDns

from mailer_desktop.domain.compliance import (
    ERROR,
    DomainAuth,
    PreflightInput,
    RecordCheck,
    preflight,
)
from mailer_desktop.domain.identity import SenderIdentity
from mailer_desktop.services import campaigns
from mailer_desktop.services.compose.dns_checks import make_resolver
from mailer_desktop.services.compose.preflight import account_domain, run_preflight
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender

SENDER = SenderIdentity(business_name="Shop", from_address="news@shop.example",
                        postal_address="1 Main Street, Springfield", unsubscribe_url="https://shop.example/u/{token}")
OK_AUTH = DomainAuth("shop.example", RecordCheck("ok"), RecordCheck("ok"), RecordCheck("ok"))
GOOD_TEXT = "A calm, friendly newsletter paragraph about our new bread. " * 12
GOOD_HTML = f"<p>{GOOD_TEXT}</p><p><a href='https://shop.example/bread'>Our bread</a></p>"


def blocking(findings) -> bool:
    """The send is refused: at least one finding is an error."""
    return any(f.level == ERROR for f in findings)


def good(**changes) -> PreflightInput:
    values = dict(sender=SENDER, subject="Fresh bread this week", html=GOOD_HTML, text=GOOD_TEXT, recipients=10,
                  account_domain="shop.example", dns=OK_AUTH)
    values.update(changes)
    return PreflightInput(**values)


def codes(inp: PreflightInput) -> set[str]:
    return {f.code for f in preflight(inp) if f.level != "info"}


def test_a_good_campaign_has_no_findings():
    assert codes(good()) == set()
    assert not blocking(preflight(good()))


@pytest.mark.parametrize(("changes", "code"), [
    ({"sender": SenderIdentity(business_name="Shop", from_address="news@shop.example")}, "no_postal_address"),
    ({"sender": SenderIdentity(postal_address="1 Main Street, Springfield")}, "no_sender"),
    ({"template_error": "HTML body, line 3: unexpected '}'"}, "template_error"),
    ({"unknown_fields": ["shoe_size"]}, "unknown_fields"),
    ({"unknown_names": ["first_name"]}, "unknown_fields"),
    ({"recipients": 0}, "no_recipients"),
])
def test_errors_block_sending(changes, code):
    findings = preflight(good(**changes))
    assert code in {f.code for f in findings if f.level == "error"}
    assert blocking(findings)


@pytest.mark.parametrize(("changes", "code"), [
    ({"subject": "RE: your order"}, "fake_thread"),
    ({"subject": "Fw: a tip"}, "fake_thread"),
    ({"subject": "HUGE SALE TODAY ONLY"}, "shouting"),
    ({"subject": "Sale!! today"}, "shouting"),
    ({"text": GOOD_TEXT + " Act now, this is 100% free!"}, "spammy_phrases"),
    ({"html": "<img src='a.png'><img src='b.png'><p>Sale</p>", "text": "Sale"}, "image_heavy"),
    ({"html": "<p>" + "x" * (103 * 1024) + "</p>"}, "html_too_big"),
    ({"html": GOOD_HTML + "<a href='https://evil.example/login'>www.mybank.com</a>"}, "link_mismatch"),
    ({"html": GOOD_HTML + "<a href='http://shop.example/'>shop</a>"}, "plain_http"),
    ({"account_domain": "gmail.com"}, "from_domain_mismatch"),
    ({"dns": DomainAuth("shop.example", RecordCheck("missing"), RecordCheck("ok"), RecordCheck("ok"))}, "spf_missing"),
    ({"dns": DomainAuth("shop.example", RecordCheck("problem", "+all"), RecordCheck("ok"), RecordCheck("ok"))},
     "spf_problem"),
    ({"dns": DomainAuth("shop.example", RecordCheck("ok"), RecordCheck("missing"), RecordCheck("ok"))},
     "dmarc_missing"),
    ({"dns": DomainAuth("shop.example", RecordCheck("ok"), RecordCheck("ok"), RecordCheck("missing"))}, "dkim_missing"),
    ({"dns": DomainAuth("shop.example", RecordCheck("ok"), RecordCheck("ok"), None)}, "dkim_unknown"),
    ({"dns": DomainAuth("shop.example", RecordCheck("not_checked", "timeout"), RecordCheck("ok"), RecordCheck("ok"))},
     "dns_not_checked"),
    ({"dns": None}, "dns_not_checked"),
    ({"sender": SenderIdentity(business_name="Shop", from_address="news@shop.example",
                               postal_address="1 Main Street, Springfield")}, "no_one_click"),
    ({"sender": SenderIdentity(business_name="Shop", from_address="news@shop.example",
                               postal_address="1 Main Street, Springfield",
                               unsubscribe_url="http://shop.example/u/{token}")}, "no_one_click"),
])
def test_warnings(changes, code):
    findings = preflight(good(**changes))
    assert code in {f.code for f in findings if f.level == "warning"}
    assert not blocking(findings)


@pytest.mark.parametrize("inp", [
    good(subject="Recipes: our autumn bread"),        # 'Re' inside a word is not a reply prefix
    good(subject="New at the NYC shop"),              # a few capitals are fine
    good(html=GOOD_HTML + "<img src='logo.png'>"),    # one image with plenty of text
    good(html=GOOD_HTML + "<a href='https://www.shop.example/x'>shop.example</a>"),   # same site
    good(html=GOOD_HTML + "<a href='mailto:hi@shop.example'>Write to us</a>"),
    good(account_domain="mail.shop.example"),          # subdomain of the From domain
    good(account_domain=None),
])
def test_near_misses_do_not_warn(inp):
    assert codes(inp) == set()


def test_without_an_https_unsubscribe_page_the_preflight_warns_about_one_click():
    sender = SenderIdentity(business_name="Shop", from_address="news@shop.example",
                            postal_address="1 Main Street, Springfield")
    (finding,) = [f for f in preflight(good(sender=sender, recipients=12_000)) if f.code == "no_one_click"]
    assert finding.level == "warning"
    assert "RFC 8058" in finding.message and "5,000 messages a day" in finding.message
    assert "this campaign: 12,000 recipients" in finding.message
    assert "no_one_click" not in codes(good(sender=sender, kind="confirmation"))


def test_dns_not_checked_never_reads_as_ok():
    findings = preflight(good(dns=DomainAuth("shop.example", RecordCheck("not_checked", "x"),
                                             RecordCheck("not_checked", "x"), RecordCheck("not_checked", "x"))))
    texts = [f.message for f in findings if f.code == "dns_not_checked"]
    assert len(texts) == 3 and all("not checked" in t for t in texts)


def test_account_domain_from_user_name_or_host():
    class Acc:
        is_sandbox = False

        def __init__(self, username, host):
            self.username, self.host = username, host
    assert account_domain(Acc("news@shop.example", "smtp.provider.example")) == "shop.example"
    assert account_domain(Acc("u123", "smtp.gmail.com")) == "gmail.com"
    assert account_domain(Acc("", "127.0.0.1")) is None


def test_run_preflight_for_a_campaign_with_loopback_dns(app):
    save_sender(app, name="Shop", from_address="news@shop.example", postal_address="1 Main Street, Springfield")
    contacts.add_contact(app, "anna@example.com", "Anna", {"city": "Oslo"}, lists=["News"], confirmed=True,
                         evidence="t")
    cid = campaigns.create_campaign(app, "N", "Hello {{ contact.first_name }}", "News",
                                    html="<p>{{ contact.city }} {{ contact.shoe_size }}</p>" + "<p>Good text.</p>" * 40)
    with LoopbackDns() as dns:
        dns.txt("shop.example", "v=spf1 -all")
        report = run_preflight(app, cid, resolver=make_resolver("127.0.0.1", dns.port, timeout=2))
    by_code = {f.code: f for f in report.items}
    assert not report.ok
    assert "contact.shoe_size" in by_code["unknown_fields"].message
    assert "city" not in by_code["unknown_fields"].message
    assert "dmarc_missing" in by_code and "spf_missing" not in by_code and "dkim_unknown" in by_code
    assert report.as_dict()["ok"] is False


def test_run_preflight_counts_only_confirmed_contacts(app):
    save_sender(app, name="Shop", from_address="news@shop.example", postal_address="1 Main Street, Springfield")
    contacts.add_contact(app, "pending@example.com", "P", lists=["News"])
    cid = campaigns.create_campaign(app, "N", "Hello", "News", html="<p>x</p>")
    report = run_preflight(app, cid, check_dns=False)
    assert [f.code for f in report.errors] == ["no_recipients"]
    confirmation = campaigns.create_campaign(app, "C", "", "News", kind="confirmation")
    assert run_preflight(app, confirmation, check_dns=False).ok
