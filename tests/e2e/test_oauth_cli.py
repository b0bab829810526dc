"""``account add --preset … --user ADDR`` signing in by browser, ``account test`` and ``account
signin`` through the CLI, against the authlib authorization server and the XOAUTH2 sink on
loopback; the tokens end up in the keyring and nowhere else (database, logs, any file of the
data folder)."""

from __future__ import annotations

import json
import webbrowser

import pytest
from oauth_server import CLIENT_ID, SCOPES, OAuthServer, follow_in_browser
from oauth_smtp import xoauth2_server

USER, PASSWORD = "shop@example.com", "provider-password-1"


@pytest.fixture
def provider():
    with OAuthServer({USER: PASSWORD}, lifetime=600) as srv:
        yield srv


@pytest.fixture
def sink(provider):
    with xoauth2_server(provider.introspection_url) as srv:
        yield srv


@pytest.fixture
def browser_follows(monkeypatch):
    """The system browser: follows the authorize URL and signs in as USER."""
    opened: list[str] = []

    def open_url(url, *args, **kwargs):
        opened.append(url)
        follow_in_browser(url, USER, PASSWORD)
        return True

    monkeypatch.setattr(webbrowser, "open", open_url)
    return opened


def _add(cli, provider, port, *extra):
    return cli("account", "add", "shop", "--preset", "oauth2", "--host", "127.0.0.1", "--port", str(port),
               "--security", "none", "--user", USER, "--authorize-url", f"{provider.url}/authorize",
               "--token-url", f"{provider.url}/token", "--scope", SCOPES, "--client-id", CLIENT_ID, *extra)


def test_add_signs_in_by_browser_test_reports_address_and_expiry_and_tokens_stay_in_the_keyring(
        cli, provider, sink, browser_follows, home, keyring_backend):
    code, out, err = _add(cli, provider, sink.port, "--json")
    assert code == 0, err
    added = json.loads(out)
    assert added["login"] == "oauth2" and added["signed_in_as"] == USER and added["token_expires"]
    assert browser_follows and browser_follows[0] in err  # the address is printed too

    code, out, err = cli("account", "test", "shop", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] and report["signed_in_as"] == USER and report["token_expires"]
    code, out, err = cli("account", "test", "shop")
    assert code == 0 and f"signed in as {USER}" in out and "access token valid until" in out

    secrets = provider.issued_refresh_tokens() + provider.issued_access_tokens()
    assert secrets
    in_keyring = "".join(keyring_backend.store.values())
    assert all(s in in_keyring for s in (provider.issued_refresh_tokens()[-1], provider.issued_access_tokens()[-1]))
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".log" or "log" in p.name for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a token is in {path}"


def test_a_revoked_sign_in_is_renewed_with_account_signin(cli, provider, sink, browser_follows):
    assert _add(cli, provider, sink.port)[0] == 0
    provider.revoke_refresh_tokens(USER)
    code, out, err = cli("account", "test", "shop")
    assert code != 0 and "Sign in to shop again" in err
    code, out, err = cli("account", "signin", "shop")
    assert code == 0, err
    assert f"signed in to shop as {USER}" in out
    assert cli("account", "test", "shop")[0] == 0


def test_a_sign_in_that_does_not_finish_keeps_no_account(cli, provider, monkeypatch):
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: True)  # the user closed the browser
    code, out, err = _add(cli, provider, 2525, "--timeout", "1")
    assert code != 0 and "did not come back" in err and "nothing was stored" in err
    code, out, err = cli("account", "list", "--json")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["sandbox"]


def test_presets_without_a_client_id_or_without_oauth_say_what_to_do(cli, monkeypatch):
    monkeypatch.delenv("MAILER_DESKTOP_GOOGLE_CLIENT_ID", raising=False)
    code, out, err = cli("account", "add", "g", "--preset", "gmail", "--user", USER)
    assert code != 0
    assert "No Google client ID is configured" in err and "app password" in err
    code, out, err = cli("account", "add", "f", "--preset", "fastmail", "--user", USER)
    assert code != 0 and "--user needs --password-stdin" in err
    code, out, err = cli("account", "add", "o", "--host", "h.example.com", "--port", "587", "--security",
                         "starttls", "--client-id", "x")
    assert code != 0 and "--client-id is for accounts that sign in with OAuth2" in err
    code, out, err = cli("account", "list", "--json")
    assert [json.loads(line)["name"] for line in out.splitlines()] == ["sandbox"]


@pytest.mark.real_keyring
def test_with_the_real_os_keyring_the_sign_in_lives_there_and_goes_with_the_account(tmp_path, provider, sink):
    import os

    from oauth_server import browser, provider_config

    from mailer_desktop.services.accounts import manage as accounts
    from mailer_desktop.services.accounts import oauth_tokens
    from mailer_desktop.services.app import open_app

    if os.environ.get("MAILER_DESKTOP_REAL_KEYRING") != "1":
        pytest.skip("no real keyring session (./scripts/test starts gnome-keyring under dbus-run-session)")
    home = tmp_path / "data"
    app = open_app(home)  # the system's keyring (Secret Service)
    try:
        account = accounts.add_account(app, "shop", host="127.0.0.1", port=sink.port, security="none",
                                       username=USER, preset_key="oauth2", oauth=provider_config(provider))
        accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
        import keyring

        stored = keyring.get_password(app.secrets.service, oauth_tokens.secret_name(account.id))
        assert provider.issued_refresh_tokens()[-1] in stored
        assert accounts.test_connection(app, "shop", check_sender=USER).ok
        for path in (p for p in home.rglob("*") if p.is_file()):
            assert provider.issued_refresh_tokens()[-1].encode() not in path.read_bytes(), path
        accounts.remove_account(app, "shop")
        assert keyring.get_password(app.secrets.service, oauth_tokens.secret_name(account.id)) is None
    finally:
        app.close()
