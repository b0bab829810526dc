"""SPF/DKIM/DMARC look-ups and DKIM signatures, against a DNS server on 127.0.0.1."""

from __future__ import annotations

import dkim
import pytest
from dns_server import LoopbackDns

from mailer_desktop.services import campaigns
from mailer_desktop.services.compose import dkim as dkim_service
from mailer_desktop.services.compose.dns_checks import check_domain, make_resolver
from mailer_desktop.services.compose.renderer import CampaignRenderer
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender


@pytest.fixture
def dns():
    with LoopbackDns() as server:
        yield server


def resolver_for(server):
    return make_resolver("127.0.0.1", server.port, timeout=2.0)


def test_all_records_present(dns):
    dns.txt("shop.example", "v=spf1 include:_spf.mail.example ~all", "google-site-verification=abc")
    dns.txt("_dmarc.shop.example", "v=DMARC1; p=none; rua=mailto:d@shop.example")
    dns.txt("s1._domainkey.shop.example", "v=DKIM1; k=rsa; p=MIIBIjAN")
    auth = check_domain("shop.example", dkim_selector="s1", resolver=resolver_for(dns))
    assert (auth.spf.status, auth.dmarc.status, auth.dkim.status) == ("ok", "ok", "ok")
    assert ("shop.example.", "TXT") in dns.queries


def test_missing_records(dns):
    dns.txt("shop.example", "some-other=1")
    auth = check_domain("shop.example", dkim_selector="s1", resolver=resolver_for(dns))
    assert (auth.spf.status, auth.dmarc.status, auth.dkim.status) == ("missing", "missing", "missing")


def test_problems(dns):
    dns.txt("shop.example", "v=spf1 +all")
    dns.txt("_dmarc.shop.example", "v=DMARC1; rua=mailto:x@shop.example")
    dns.txt("s1._domainkey.shop.example", "v=DKIM1; k=rsa; p=")
    auth = check_domain("shop.example", dkim_selector="s1", resolver=resolver_for(dns))
    assert (auth.spf.status, auth.dmarc.status, auth.dkim.status) == ("problem", "problem", "problem")
    dns.records.clear()
    dns.txt("shop.example", "v=spf1 -all", "v=spf1 ~all")
    assert check_domain("shop.example", resolver=resolver_for(dns)).spf.status == "problem"


def test_unreachable_dns_is_not_checked_never_ok():
    import socket
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))  # a port where nobody answers
    try:
        auth = check_domain("shop.example", dkim_selector="s1",
                            resolver=make_resolver("127.0.0.1", sock.getsockname()[1], timeout=0.3))
    finally:
        sock.close()
    assert {auth.spf.status, auth.dmarc.status, auth.dkim.status} == {"not_checked"}


def test_generated_key_signs_and_verifies_through_dns(app, dns):
    save_sender(app, name="Shop", from_address="news@shop.example", postal_address="1 Main Street, Springfield",
                unsubscribe_url="https://shop.example/u/{token}")
    record = dkim_service.generate_key(app, "md2026")
    assert record.name == "md2026._domainkey.shop.example" and record.value.startswith("v=DKIM1; k=rsa; p=")
    assert app.secrets.get(dkim_service.secret_name("shop.example")).startswith("-----BEGIN RSA PRIVATE KEY")
    assert "PRIVATE" not in str(app.settings.all())
    dkim_service.set_signing(app, True)
    dns.txt(record.name, record.value)
    resolver = resolver_for(dns)

    def dnsfunc(name, timeout=5):
        answer = resolver.resolve(name.decode("ascii").rstrip("."), "TXT")
        return b"".join(answer[0].strings)

    anna = contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    cid = campaigns.create_campaign(app, "N", "Hi", "News", html="<p>Hello</p>")
    data, _ = CampaignRenderer(app, cid).bytes_for(anna)
    assert data.startswith(b"DKIM-Signature:")
    assert dkim.verify(data, dnsfunc=dnsfunc)
    header = data.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    signed = header.split(b" h=", 1)[1].split(b";", 1)[0].replace(b" ", b"").lower().split(b":")
    for name in (b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe",
                 b"list-unsubscribe-post", b"list-id"):
        assert name in signed
    for name in (b"from", b"subject", b"list-unsubscribe", b"list-unsubscribe-post"):
        assert signed.count(name) == 2  # oversigned
    signature, _, rest = data.partition(b"\r\nFrom:")
    for added in (b"List-Unsubscribe: <https://evil.example/u>", b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                  b"From: Shop <news@evil.example>", b"Subject: Your account is locked"):
        for copy in (added + b"\r\n" + data, signature + b"\r\n" + added + b"\r\nFrom:" + rest,
                     data.replace(b"\r\n\r\n", b"\r\n" + added + b"\r\n\r\n", 1)):
            assert not dkim.verify(copy, dnsfunc=dnsfunc), (added, copy[:300])
    tampered = data.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                            b"List-Unsubscribe-Post: List-Unsubscribe=Two-Click")
    assert tampered != data and not dkim.verify(tampered, dnsfunc=dnsfunc)
    dns.records.clear()
    dns.txt(record.name, "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA")
    auth = check_domain("shop.example", dkim_selector="md2026", expected_dkim_key=record.public_key,
                        resolver=resolver)
    assert auth.dkim.status == "problem"


def test_signing_needs_a_key(app):
    save_sender(app, name="Shop", from_address="news@shop.example", postal_address="1 Main Street, Springfield")
    with pytest.raises(dkim_service.DkimError, match="generate a DKIM key first"):
        dkim_service.set_signing(app, True)
    with pytest.raises(dkim_service.DkimError, match="not a valid DKIM selector"):
        dkim_service.generate_key(app, "bad selector!")
