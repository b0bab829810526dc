"""The pure parts of OAuth2 sign-in: PKCE, SASL strings, provider settings, token freshness."""

from __future__ import annotations

import base64
import hashlib

import pytest

from mailer_desktop.domain.sasl import oauthbearer, xoauth2
from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.accounts.oauth_flow import pkce_pair
from mailer_desktop.services.accounts.oauth_providers import (
    OAuthConfig,
    OAuthSetupError,
    check_endpoint,
    config_for,
)
from mailer_desktop.services.accounts.oauth_tokens import (
    SignInRequired,
    Tokens,
    id_token_address,
    sign_in_needed,
)
from mailer_desktop.services.accounts.presets import PRESETS


def test_pkce_verifier_and_s256_challenge():
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and set(verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
    assert pkce_pair()[0] != verifier


def test_sasl_initial_responses():
    assert xoauth2("a@b.example", "tok") == b"user=a@b.example\x01auth=Bearer tok\x01\x01"
    assert oauthbearer("a,=b@c.example", "tok", "imap.example.com", 993) == (
        b"n,a=a=2C=3Db@c.example,\x01host=imap.example.com\x01port=993\x01auth=Bearer tok\x01\x01")
    with pytest.raises(ValueError):
        xoauth2("a@b.example", "tok\x01user=evil")


def test_provider_presets_and_endpoints():
    ms = config_for("microsoft365")
    assert ms.token_url == "https://login.microsoftonline.com/organizations/oauth2/v2.0/token"
    assert "https://outlook.office.com/SMTP.Send" in ms.scopes and "offline_access" in ms.scopes
    assert "https://outlook.office.com/IMAP.AccessAsUser.All" in ms.scopes
    assert config_for("outlook").authorize_url.startswith("https://login.microsoftonline.com/consumers/")
    assert config_for("microsoft365", tenant="contoso.onmicrosoft.com").token_url.startswith(
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/")
    google = config_for("gmail")
    assert google.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert google.token_url == "https://oauth2.googleapis.com/token" and "https://mail.google.com/" in google.scopes
    assert ("access_type", "offline") in google.extra_params
    assert OAuthConfig.from_json(google.to_json()) == google
    with pytest.raises(OAuthSetupError, match="endpoints"):
        config_for("oauth2")
    with pytest.raises(OAuthSetupError, match="https"):
        check_endpoint("http://login.example.com/token", "token endpoint")
    assert check_endpoint("http://127.0.0.1:8080/token", "token endpoint")
    with pytest.raises(OAuthSetupError):
        config_for("fastmail")


def test_presets_name_imap_servers_and_put_oauth_first():
    assert (PRESETS["microsoft365"].imap_host, PRESETS["gmail"].imap_host) == ("outlook.office365.com",
                                                                                "imap.gmail.com")
    assert PRESETS["microsoft365"].password_hint.startswith("Sign in with Microsoft (OAuth2")
    assert "app password" in PRESETS["gmail"].password_hint and "OAuth2" in PRESETS["gmail"].password_hint
    assert all(PRESETS[k].oauth for k in ("microsoft365", "outlook", "gmail", "google_workspace", "oauth2"))
    assert not PRESETS["fastmail"].oauth


def test_token_freshness_and_the_sign_in_message():
    t = Tokens("a", "r", expires_at=1000.0, lifetime=3600)
    assert t.fresh(now=900) and not t.fresh(now=941)  # a minute before expiry at most
    short = Tokens("a", "r", expires_at=1000.0, lifetime=30)
    assert short.fresh(now=992) and not short.fresh(now=993)  # a quarter of a short lifetime
    reason = "Sending paused: " + str(SignInRequired("Shop mail", "revoked"))
    assert sign_in_needed(reason) == "Shop mail" and sign_in_needed("Sending paused: timeout") is None
    claims = base64.urlsafe_b64encode(b'{"preferred_username": "me@example.com"}').rstrip(b"=").decode()
    assert id_token_address(f"x.{claims}.") == "me@example.com" and id_token_address("garbage") == ""


def test_an_oauth_account_keeps_its_sign_in_and_fills_the_imap_side(app):
    config = config_for("microsoft365", client_id="my-client")
    acc = accounts.add_account(app, "office", username="me@contoso.example", preset_key="microsoft365",
                               oauth=config)
    assert acc.uses_oauth and OAuthConfig.from_json(acc.oauth) == config
    assert (acc.host, acc.port, acc.security) == ("smtp.office365.com", 587, "starttls")
    row = app.db.conn.execute("SELECT imap_host, imap_port, imap_username FROM accounts WHERE id = ?",
                              (acc.id,)).fetchone()
    assert tuple(row) == ("outlook.office365.com", 993, "me@contoso.example")
    with pytest.raises(accounts.AccountError, match="OAuth2 or with a password"):
        accounts.add_account(app, "both", username="me@contoso.example", password="pw", preset_key="microsoft365",
                             oauth=config)
    with pytest.raises(accounts.AccountError, match="no password"):
        accounts.edit_account(app, "office", password="pw")
    report = accounts.test_connection(app, "office")
    assert not report.ok and report.kind == "signin" and "Sign in to office again" in report.message
    app.secrets.set(f"oauth-tokens:{acc.id}", Tokens("a", "r", 1e12, 3600, "me@contoso.example").to_json())
    accounts.remove_account(app, "office")
    assert app.secrets.get(f"oauth-tokens:{acc.id}") is None


def test_tokens_are_redacted_from_log_lines(app):
    from mailer_desktop.redaction import redact
    from mailer_desktop.services.accounts import oauth_tokens

    oauth_tokens.save(app, 7, Tokens("access-token-value-1", "refresh-token-value-1", 1e12, 3600, "a@b.example"))
    assert redact("got access-token-value-1 and refresh-token-value-1") == "got *** and ***"


def test_doctor_says_where_the_client_ids_come_from(cli, monkeypatch):
    import json

    monkeypatch.delenv("MAILER_DESKTOP_MICROSOFT_CLIENT_ID", raising=False)
    monkeypatch.setenv("MAILER_DESKTOP_GOOGLE_CLIENT_ID", "packaged-id")
    code, out, err = cli("doctor", "--json")
    assert code == 0, err
    assert json.loads(out)["oauth_client_ids"] == {"microsoft": "", "google": "environment"}
    code, out, err = cli("doctor")
    assert "Sign-in IDs:  microsoft: none (Settings > Sign-in), google: environment" in out
