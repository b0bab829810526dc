"""Campaigns through an OAuth2 account: tokens that expire mid-send, and a sign-in revoked
mid-send (the campaign pauses with "Sign in to … again", resumes after signing in, and nobody
gets a second copy). Real parts on loopback: the authlib authorization server and the XOAUTH2
SMTP sink that checks every login by introspection."""

from __future__ import annotations

import pytest
from oauth_server import OAuthServer, browser, provider_config
from oauth_smtp import xoauth2_server
from send_fixtures import bulk_contacts, make_campaign, tiny

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.sending.engine import SendControl, SendOptions, send_campaign

USER, PASSWORD = "shop@example.test", "provider-password-1"
OPTIONS = SendOptions(retry_base=0.01, command_timeout=5.0, max_attempts=6, preflight=False)


@pytest.fixture(autouse=True)
def sender_address(app):
    app.settings.set("sender.from_address", USER)


def _setup(app, provider, sink, *, pool_size=2, rate=0.0):
    account = accounts.add_account(app, "shop", host="127.0.0.1", port=sink.port, security="none", username=USER,
                                   preset_key="oauth2", oauth=provider_config(provider), pool_size=pool_size,
                                   rate_per_second=rate)
    accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    return account


def _campaign(app, n):
    emails = [f"r{i}@example.org" for i in range(n)]
    return emails, make_campaign(app, bulk_contacts(app, emails))


def _send_expiring(app, n, lifetime, rate, per_session, **sink_options):
    with OAuthServer({USER: PASSWORD}, lifetime=lifetime) as provider, \
            xoauth2_server(provider.introspection_url, max_per_session=per_session, **sink_options) as sink:
        sink.handler.keep_messages = False
        _setup(app, provider, sink, rate=rate)
        emails, cid = _campaign(app, n)
        status = send_campaign(app, cid, "shop", renderer_factory=tiny, options=OPTIONS)
        return emails, status, provider, sink.handler


def test_tokens_expiring_mid_campaign_are_refreshed_and_everyone_gets_one_copy(app):
    emails, status, provider, sink = _send_expiring(app, 1500, lifetime=2, rate=400, per_session=100)
    assert status["state"] == "done" and status["sent"] == 1500, status
    assert sink.received == {e: 1 for e in emails}
    assert provider.counts["refresh"] >= 2  # the send outlived several access tokens
    assert len(sink.logins) >= 15 and set(sink.logins) == {USER}


def test_a_session_refused_with_535_when_its_token_expired_signs_in_again_without_pausing(app):
    # Sessions longer than a token's life, refused with 535 (not 454) once it expired at the server.
    emails, status, provider, sink = _send_expiring(app, 900, lifetime=2, rate=250, per_session=0,
                                                    expired_reply="535 5.7.3 Authentication unsuccessful")
    assert status["state"] == "done" and status["sent"] == 900, status
    assert sink.received == {e: 1 for e in emails}
    assert sink.expired_sessions >= 1 and len(sink.logins) >= 3


@pytest.mark.slow
def test_twenty_thousand_messages_with_thirty_second_tokens_exactly_once(app):
    emails, status, provider, sink = _send_expiring(app, 20_000, lifetime=30, rate=450, per_session=500)
    assert status["state"] == "done" and status["sent"] == 20_000, status
    assert sink.received == {e: 1 for e in emails}
    assert provider.counts["refresh"] >= 1


def test_a_revoked_sign_in_pauses_the_campaign_and_it_resumes_after_signing_in_again(app):
    with OAuthServer({USER: PASSWORD}, lifetime=600) as provider, \
            xoauth2_server(provider.introspection_url, max_per_session=50) as sink:
        account = _setup(app, provider, sink, rate=300)
        emails, cid = _campaign(app, 600)
        control = SendControl()

        class RevokeAt200:
            cancelled = False

            def update(self, done, total=None, text=""):
                if control.snapshot().sent >= 200 and not provider.counts.get("revoked"):
                    provider.counts["revoked"] = 1
                    provider.revoke_refresh_tokens(USER)  # the user changed the password at the provider

            def check(self):
                pass

        status = send_campaign(app, cid, "shop", renderer_factory=tiny, options=OPTIONS, control=control,
                               progress=RevokeAt200())
        assert status["state"] == "paused"
        assert "Sign in to shop again" in status["reason"]
        first = status["sent"]
        assert 200 <= first < 600
        assert sum(sink.handler.received.values()) == first

        accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
        status = send_campaign(app, cid, "shop", renderer_factory=tiny, options=OPTIONS)
        assert status["state"] == "done" and status["sent"] == 600
        assert sink.handler.received == {e: 1 for e in emails}
