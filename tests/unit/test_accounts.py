"""SMTP accounts: storage, keyring, presets, the security rules and 'Test connection'."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller
from smtp_servers import AcceptAuth, CountingHandler, RejectAuth, Server, free_port
from tls_certs import client_context, make_certs, server_context

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.accounts.manage import AccountError
from mailer_desktop.services.accounts.presets import PRESETS


def test_sandbox_account_exists_and_cannot_be_removed(app):
    sb = accounts.get_account(app, "sandbox")
    assert sb.builtin and sb.host == "127.0.0.1" and sb.security == "none"
    with pytest.raises(AccountError, match="cannot be removed"):
        accounts.remove_account(app, "sandbox")
    with pytest.raises(AccountError, match="only lets you change its port"):
        accounts.edit_account(app, "sandbox", host="smtp.example.com")
    assert accounts.edit_account(app, "sandbox", port=2626).port == 2626


def test_password_lives_only_in_the_keyring(app, keyring_backend):
    acc = accounts.add_account(app, "Work", host="smtp.example.com", port=587, security="starttls",
                               username="me@example.com", password="app-pass-123")
    assert keyring_backend.get_password(app.secrets.service, app.secrets.smtp_name(acc.id)) == "app-pass-123"
    assert b"app-pass-123" not in app.paths.database.read_bytes()
    accounts.edit_account(app, "work", password="new-pass-456")
    assert accounts.password_of(app, accounts.get_account(app, "Work")) == "new-pass-456"
    accounts.remove_account(app, "Work")
    assert keyring_backend.get_password(app.secrets.service, app.secrets.smtp_name(acc.id)) is None


def test_presets_fill_in_host_port_security_and_limits(app):
    acc = accounts.add_account(app, "Gmail", preset_key="gmail", username="a@gmail.com", password="abcd efgh")
    p = PRESETS["gmail"]
    assert (acc.host, acc.port, acc.security, acc.rate_per_day) == (p.host, p.port, p.security, p.rate_per_day)
    assert {"gmail", "google_workspace", "outlook", "microsoft365", "amazon_ses", "postmark", "mailgun", "brevo",
            "zoho", "fastmail", "other"} <= set(PRESETS)
    assert all(pr.port in (465, 587) and pr.security in ("tls", "starttls") for pr in PRESETS.values())


@pytest.mark.parametrize("kwargs, message", [
    (dict(host="smtp.example.com", port=25, security="none"), "only allowed to this computer"),
    (dict(host="smtp.example.com", port=70000, security="tls"), "outside 1-65535"),
    (dict(host="https://smtp.example.com", port=465, security="tls"), "not a host name"),
    (dict(host="smtp.example.com", port=465, security="ssl"), "starttls, tls or none"),
    (dict(host="smtp.example.com", port=465, security="tls", username="me"), "needs a password"),
])
def test_refused_settings_say_why(app, kwargs, message):
    with pytest.raises(AccountError, match=message):
        accounts.add_account(app, "x", **kwargs)
    assert [a.name for a in accounts.list_accounts(app)] == ["sandbox"]


def test_duplicate_names_are_refused(app):
    accounts.add_account(app, "Relay", host="127.0.0.1", port=2525, security="none")
    with pytest.raises(AccountError, match="already exists"):
        accounts.add_account(app, "relay", host="127.0.0.1", port=2526, security="none")


def _report(app, name, **kw):
    return accounts.test_connection(app, name, timeout=2, check_sender="", **kw)


def test_connection_works_and_nothing_is_sent(app):
    handler = CountingHandler()
    with Server(handler, authenticator=AcceptAuth("u", "pw"), auth_require_tls=False) as srv:
        accounts.add_account(app, "local", host="127.0.0.1", port=srv.port, security="none", username="u",
                             password="pw")
        report = accounts.test_connection(app, "local", timeout=2, check_sender="shop@example.com")
    assert report.ok, report.message
    assert "logged in as u" in report.message and handler.total == 0


def test_connection_failures_have_specific_messages(app, tmp_path):
    port = free_port()
    accounts.add_account(app, "nothing", host="127.0.0.1", port=port, security="none")
    r = _report(app, "nothing")
    assert (r.ok, r.kind) == (False, "refused") and str(port) in r.message

    with Server(CountingHandler(), authenticator=RejectAuth(), auth_require_tls=False) as srv:
        accounts.add_account(app, "badpw", host="127.0.0.1", port=srv.port, security="none", username="u",
                             password="nope")
        r = _report(app, "badpw")
        assert r.kind == "auth" and "app password" in r.message
        accounts.add_account(app, "tls-on-plain", host="127.0.0.1", port=srv.port, security="tls")
        r = _report(app, "tls-on-plain")
        assert r.kind == "wrong_port" and "does not speak implicit TLS" in r.message
        accounts.add_account(app, "no-starttls", host="127.0.0.1", port=srv.port, security="starttls")
        r = _report(app, "no-starttls")
        assert r.kind == "tls" and "does not offer STARTTLS" in r.message

    class NoRelay(CountingHandler):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return f"554 5.7.1 <{address}>: Relay access denied"

    with Server(NoRelay()) as srv:
        accounts.add_account(app, "relay", host="127.0.0.1", port=srv.port, security="none")
        r = accounts.test_connection(app, "relay", timeout=2, check_sender="shop@example.com")
        assert r.kind == "relay_denied" and "refuses to relay" in r.message
    # unknown host: a name that cannot resolve (reserved .invalid TLD)
    accounts.add_account(app, "typo", host="smtp.mailer-desktop.invalid", port=587, security="starttls")
    r = _report(app, "typo")
    assert r.kind in ("unknown_host", "timeout") and "smtp.mailer-desktop.invalid" in r.message


def test_certificates_are_verified(app, tmp_path):
    ca, cert, key = make_certs(tmp_path / "certs")
    with Server(CountingHandler(), tls_context=server_context(cert, key)) as srv:
        accounts.add_account(app, "selfsigned", host="127.0.0.1", port=srv.port, security="starttls")
        r = _report(app, "selfsigned")
        assert r.kind == "certificate" and "could not be verified" in r.message
        r = _report(app, "selfsigned", tls_context=client_context(ca))
        assert r.ok, r.message


def test_implicit_tls_to_a_starttls_port_times_out_with_a_hint(app, tmp_path):
    ca, cert, key = make_certs(tmp_path / "certs")
    port = free_port()
    controller = Controller(CountingHandler(), hostname="127.0.0.1", port=port,
                            ssl_context=server_context(cert, key))
    controller.start()
    try:
        accounts.add_account(app, "implicit", host="127.0.0.1", port=port, security="starttls")
        r = _report(app, "implicit")
        assert r.kind in ("timeout", "disconnected")
        accounts.edit_account(app, "implicit", security="tls")
        assert _report(app, "implicit", tls_context=client_context(ca)).ok
    finally:
        controller.stop()
