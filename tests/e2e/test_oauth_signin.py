"""OAuth2 sign-in against a real authorization server on loopback (authlib), with the browser
step played by an HTTP client, and SMTP to a sink that takes only AUTH XOAUTH2."""

from __future__ import annotations

import pytest
from oauth_server import CLIENT_ID, OAuthServer, browser, follow_in_browser, provider_config
from oauth_smtp import xoauth2_server

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.accounts import oauth_tokens
from mailer_desktop.services.accounts.oauth_flow import SignInError, begin
from mailer_desktop.services.progress import Progress

USER, PASSWORD = "shop@example.test", "provider-password-1"


@pytest.fixture
def provider():
    with OAuthServer({USER: PASSWORD, "other@example.test": "pw-2"}, lifetime=600) as srv:
        yield srv


@pytest.fixture
def sink(provider):
    with xoauth2_server(provider.introspection_url) as srv:
        yield srv


def _account(app, provider, port, **kwargs):
    return accounts.add_account(app, "shop", host="127.0.0.1", port=port, security="none", username=USER,
                                preset_key="oauth2", oauth=provider_config(provider, **kwargs))


def test_first_sign_in_stores_tokens_in_the_keyring_and_the_account_sends(app, provider, sink):
    account = _account(app, provider, sink.port)
    tokens = accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    assert tokens.user == USER
    assert provider.counts["code"] == 1
    stored = oauth_tokens.load(app, account.id)
    assert stored.refresh_token in provider.issued_refresh_tokens()
    assert stored.access_token in provider.issued_access_tokens()
    report = accounts.test_connection(app, "shop", check_sender=USER)
    assert report.ok, report.message
    assert report.signed_in_as == USER and report.token_expires
    assert f"signed in as {USER}" in report.message
    assert sink.handler.logins == [USER]


def test_the_authorize_request_uses_pkce_s256_state_and_a_loopback_redirect(app, provider):
    account = _account(app, provider, 2525)
    flow = begin(app, provider_config(provider), account.name, USER)
    try:
        from urllib.parse import parse_qs, urlsplit

        query = {k: v[0] for k, v in parse_qs(urlsplit(flow.url).query).items()}
        assert query["code_challenge_method"] == "S256"
        assert query["code_challenge"] and query["code_challenge"] != flow.verifier
        assert query["state"] == flow.state and len(flow.state) >= 24
        assert query["redirect_uri"].startswith("http://127.0.0.1:")
        assert query["client_id"] == CLIENT_ID and query["login_hint"] == USER
    finally:
        flow.close()


def test_an_answer_with_another_state_is_refused_and_nothing_is_stored(app, provider, keyring_backend):
    account = _account(app, provider, 2525)

    def forged(url):
        # A real code from the provider, but it comes back with a state this sign-in never made
        # (a stale tab, or a page that sends the browser to the listener on purpose).
        import threading

        threading.Thread(target=follow_in_browser, args=(url.replace("state=", "state=x"), USER, PASSWORD),
                         daemon=True).start()

    with pytest.raises(SignInError) as err:
        accounts.sign_in(app, account, forged, timeout=30)
    assert err.value.kind == "state"
    assert "does not belong to this sign-in" in str(err.value) and "nothing was stored" in str(err.value)
    assert oauth_tokens.load(app, account.id) is None


def test_a_closed_browser_times_out_and_cancel_stops_waiting(app, provider):
    account = _account(app, provider, 2525)
    with pytest.raises(SignInError) as err:
        accounts.sign_in(app, account, lambda url: None, timeout=1)
    assert err.value.kind == "timeout"
    assert "was it closed?" in str(err.value) and "nothing was stored" in str(err.value)
    progress = Progress()
    progress.cancel()
    with pytest.raises(SignInError) as err:
        accounts.sign_in(app, account, lambda url: None, timeout=30, progress=progress)
    assert err.value.kind == "cancelled"
    assert oauth_tokens.load(app, account.id) is None


def test_a_refused_consent_or_another_address_stores_nothing(app, provider):
    account = _account(app, provider, 2525)
    with pytest.raises(SignInError) as err:
        accounts.sign_in(app, account, browser(USER, PASSWORD, consent="no"), timeout=30)
    assert err.value.kind == "denied" and "denied the request" in str(err.value)
    with pytest.raises(SignInError) as err:
        accounts.sign_in(app, account, browser("other@example.test", "pw-2"), timeout=30)
    assert err.value.kind == "wrong_user"
    assert "You signed in as other@example.test" in str(err.value)
    assert oauth_tokens.load(app, account.id) is None


def test_an_expired_access_token_is_refreshed_and_a_refused_one_once_more(app, provider, sink):
    account = _account(app, provider, sink.port)
    accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    first = oauth_tokens.load(app, account.id)
    # expired in the keyring: refreshed before the server sees it
    oauth_tokens.save(app, account.id, oauth_tokens.Tokens(first.access_token, first.refresh_token, 0, 600, USER))
    assert accounts.test_connection(app, "shop", check_sender=USER).ok
    second = oauth_tokens.load(app, account.id)
    assert second.access_token != first.access_token and second.refresh_token != first.refresh_token
    assert provider.counts["refresh"] == 1
    # valid by its expiry but refused by the server (535): one refresh, then it works
    provider.revoke_access_tokens()
    report = accounts.test_connection(app, "shop", check_sender=USER)
    assert report.ok, report.message
    assert provider.counts["refresh"] == 2 and sink.handler.refused == 1


def test_a_revoked_sign_in_asks_to_sign_in_again(app, provider, sink):
    account = _account(app, provider, sink.port)
    accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    provider.revoke_refresh_tokens(USER)
    report = accounts.test_connection(app, "shop", check_sender=USER)
    assert not report.ok and report.kind == "signin"
    assert "Sign in to shop again" in report.message
    accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    assert accounts.test_connection(app, "shop", check_sender=USER).ok


def test_no_client_id_says_where_to_put_one(app, monkeypatch):
    from mailer_desktop.services.accounts.oauth_providers import OAuthSetupError, client_id, config_for

    monkeypatch.delenv("MAILER_DESKTOP_MICROSOFT_CLIENT_ID", raising=False)
    config = config_for("microsoft365")
    assert config.authorize_url == "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
    with pytest.raises(OAuthSetupError) as err:
        client_id(app, config, "office")
    assert "No Microsoft client ID is configured" in str(err.value)
    assert "MAILER_DESKTOP_MICROSOFT_CLIENT_ID" in str(err.value)
    monkeypatch.setenv("MAILER_DESKTOP_MICROSOFT_CLIENT_ID", "from-env")
    assert client_id(app, config, "office") == "from-env"
    app.settings.set("oauth.microsoft_client_id", "from-settings")
    assert client_id(app, config, "office") == "from-settings"


def test_xoauth2_after_starttls_with_a_verified_certificate(app, provider, tmp_path):
    from tls_certs import client_context, make_certs, server_context

    ca, cert, key = make_certs(tmp_path / "certs")
    with xoauth2_server(provider.introspection_url, tls_context=server_context(cert, key)) as srv:
        account = accounts.add_account(app, "shop", host="127.0.0.1", port=srv.port, security="starttls",
                                       username=USER, preset_key="oauth2", oauth=provider_config(provider))
        accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
        report = accounts.test_connection(app, "shop", check_sender=USER, tls_context=client_context(ca))
        assert report.ok, report.message
        assert "encrypted (TLS)" in report.steps and srv.handler.logins == [USER]
        unverified = accounts.test_connection(app, "shop", check_sender=USER)
        assert unverified.kind == "certificate" and srv.handler.logins == [USER]  # no token went out


def test_oauthbearer_where_the_server_offers_only_that(app, provider):
    with xoauth2_server(provider.introspection_url, mechanisms=("OAUTHBEARER",)) as srv:
        account = _account(app, provider, srv.port)
        accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
        assert accounts.test_connection(app, "shop", check_sender=USER).ok
        provider.revoke_access_tokens()  # refused with the error challenge: one refresh, then it works
        report = accounts.test_connection(app, "shop", check_sender=USER)
        assert report.ok, report.message
        assert srv.handler.refused == 1 and srv.handler.logins == [USER, USER]


def test_a_server_that_refuses_even_a_fresh_token_asks_to_sign_in_again(app, provider, sink):
    account = _account(app, provider, sink.port)
    accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    provider.mail_access_withdrawn = True  # e.g. the administrator turned SMTP AUTH off for the mailbox
    report = accounts.test_connection(app, "shop", check_sender=USER)
    assert not report.ok and report.kind == "signin"
    assert "refused the OAuth2 sign-in" in report.message and "Sign in to shop again" in report.message
    assert provider.counts["refresh"] == 1 and sink.handler.refused == 2  # one refresh, not a loop
