"""Signing in to an OAuth2 account from Settings → Accounts and the sign-in window, driven as a
user would, against the authlib authorization server on loopback (the browser is an HTTP client)."""

from __future__ import annotations

import pytest
from oauth_server import CLIENT_ID, SCOPES, OAuthServer, browser, provider_config
from PySide6.QtCore import Qt

from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.accounts import oauth_tokens
from mailer_desktop.ui.context import Events, UiContext
from mailer_desktop.ui.dialogs.oauth_sign_in import SignInDialog
from mailer_desktop.ui.tasks import JobRunner
from mailer_desktop.ui.widgets.settings_accounts import AccountSettings

LEFT = Qt.MouseButton.LeftButton
USER, PASSWORD = "shop@example.com", "provider-password-1"


@pytest.fixture
def provider():
    with OAuthServer({USER: PASSWORD}, lifetime=600) as srv:
        yield srv


def _ctx(app):
    return UiContext(app=app, jobs=JobRunner(), events=Events())


def test_a_new_oauth_account_signs_in_from_the_settings(qtbot, app, provider):
    w = AccountSettings(_ctx(app))
    qtbot.addWidget(w)
    w.show()
    w.open_url = browser(USER, PASSWORD)
    qtbot.mouseClick(w.new_button, LEFT)
    w.preset.setCurrentIndex(w.preset.findData("microsoft365"))
    w.preset.activated.emit(w.preset.currentIndex())
    assert w.login.currentData() == "oauth" and w.password.isHidden()
    assert "OAuth2" in w.hint.text() and w.host.text() == "smtp.office365.com"
    w.preset.setCurrentIndex(w.preset.findData("oauth2"))
    w.preset.activated.emit(w.preset.currentIndex())
    assert not w.authorize_url.isHidden() and not w.login.isEnabled()
    qtbot.keyClicks(w.name, "shop")
    w.host.setText("127.0.0.1")
    w.port.setValue(2525)
    w.security.setCurrentIndex(w.security.findData("none"))
    qtbot.keyClicks(w.username, USER)
    qtbot.keyClicks(w.authorize_url, f"{provider.url}/authorize")
    qtbot.keyClicks(w.token_url, f"{provider.url}/token")
    qtbot.keyClicks(w.scopes, SCOPES)
    qtbot.keyClicks(w.client_id, CLIENT_ID)
    qtbot.mouseClick(w.save_button, LEFT)
    qtbot.waitUntil(lambda: w.message.text() == "Signed in.", timeout=15000)
    account = accounts.get_account(app, "shop")
    assert account.uses_oauth and oauth_tokens.load(app, account.id).user == USER
    assert w.sign_in_button.isVisible() and w.password.isHidden()
    qtbot.waitUntil(lambda: w.ctx.jobs.active == [], timeout=5000)


def test_a_closed_browser_or_cancel_leaves_a_clear_message_and_nothing_stored(qtbot, app, provider):
    account = accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none", username=USER,
                                   preset_key="oauth2", oauth=provider_config(provider))
    ctx = _ctx(app)
    opened = []
    dialog = SignInDialog(ctx, account, open_url=opened.append, timeout=1)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start()
    qtbot.waitUntil(lambda: bool(dialog.error), timeout=10000)
    assert opened and opened[0].startswith(f"{provider.url}/authorize?")
    assert "was it closed?" in dialog.status.text() and "nothing was stored" in dialog.status.text()
    assert dialog.retry_button.isVisible()

    dialog.timeout = 120
    qtbot.mouseClick(dialog.retry_button, LEFT)
    assert dialog.job is not None and not dialog.error
    qtbot.mouseClick(dialog.cancel_button, LEFT)  # the GUI stays responsive while it waits
    qtbot.waitUntil(lambda: bool(dialog.error), timeout=10000)
    assert "cancelled" in dialog.status.text()
    assert oauth_tokens.load(app, account.id) is None
    qtbot.waitUntil(lambda: ctx.jobs.active == [], timeout=5000)


def test_a_campaign_paused_for_a_sign_in_resumes_after_signing_in_again(qtbot, app, provider):
    from oauth_smtp import xoauth2_server
    from send_fixtures import bulk_contacts

    from mailer_desktop.services.campaigns import create_campaign
    from mailer_desktop.services.sending.engine import send_campaign
    from mailer_desktop.services.sending.identity import save_sender
    from mailer_desktop.ui.pages.campaigns import CampaignsPage

    save_sender(app, name="Corner Shop", from_address=USER, postal_address="1 Main Street, Springfield 12345",
                unsubscribe_mailbox="leave@example.com")
    emails = [f"r{i}@example.org" for i in range(12)]
    bulk_contacts(app, emails)
    cid = create_campaign(app, "April", "Hello", "News", html="<p>Hello {{ contact.name }}</p>")
    with xoauth2_server(provider.introspection_url) as sink:
        account = accounts.add_account(app, "shop", host="127.0.0.1", port=sink.port, security="none",
                                       username=USER, preset_key="oauth2", oauth=provider_config(provider))
        accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
        provider.revoke_refresh_tokens(USER)
        oauth_tokens.save(app, account.id, oauth_tokens.Tokens("expired", oauth_tokens.load(app, account.id)
                                                               .refresh_token, 0, 600, USER))
        status = send_campaign(app, cid, "shop")
        assert status["state"] == "paused" and "Sign in to shop again" in status["reason"]

        page = CampaignsPage(_ctx(app))
        qtbot.addWidget(page)
        page.show()
        page.select_campaign(cid)
        assert page.sign_in_button.isVisible() and page.sign_in_button.text() == "Sign in to shop again…"
        page.open_url = browser(USER, PASSWORD)
        qtbot.mouseClick(page.sign_in_button, LEFT)
        qtbot.waitUntil(lambda: page.last_result is not None and page.job is None, timeout=30000)
        assert page.last_result["state"] == "done" and page.last_result["sent"] == 12
        assert sink.handler.received == {e: 1 for e in emails}
        qtbot.waitUntil(lambda: not page.sign_in_button.isVisible(), timeout=10000)
        qtbot.waitUntil(lambda: page.ctx.jobs.active == [], timeout=10000)


def test_the_inbox_page_offers_to_sign_in_again_when_the_mailbox_refuses_the_sign_in(qtbot, app, provider):
    from mailer_desktop.services.accounts.oauth_tokens import SignInRequired
    from mailer_desktop.ui.pages.inbox import InboxPage

    account = accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none", username=USER,
                                   preset_key="oauth2", oauth=provider_config(provider))
    page = InboxPage(_ctx(app))
    qtbot.addWidget(page)
    page.show()
    page._failed(f"IMAP 127.0.0.1:143 (shop): {SignInRequired('shop', 'revoked')}")
    assert page.sign_in_button.isVisible() and page.sign_in_button.text() == "Sign in to shop again…"
    page.open_url = browser(USER, PASSWORD)
    fetched = []
    page.process_inbox = lambda: fetched.append(True)
    qtbot.mouseClick(page.sign_in_button, LEFT)
    qtbot.waitUntil(lambda: oauth_tokens.load(app, account.id) is not None, timeout=15000)
    qtbot.waitUntil(lambda: not page.sign_in_button.isVisible(), timeout=5000)
    assert fetched == [True]  # signed in, the mailbox is fetched again at once
    qtbot.waitUntil(lambda: page.ctx.jobs.active == [], timeout=10000)


def test_a_provider_without_a_client_id_says_so_and_offers_the_password_route(qtbot, app, monkeypatch):
    monkeypatch.delenv("MAILER_DESKTOP_GOOGLE_CLIENT_ID", raising=False)
    w = AccountSettings(_ctx(app))
    qtbot.addWidget(w)
    w.show()
    qtbot.mouseClick(w.new_button, LEFT)
    w.preset.setCurrentIndex(w.preset.findData("gmail"))
    w.preset.activated.emit(w.preset.currentIndex())
    assert "No Google client ID is configured" in w.client_note.text() and "app password" in w.client_note.text()
    qtbot.keyClicks(w.name, "gmail")
    qtbot.keyClicks(w.username, "me@gmail.com")
    qtbot.mouseClick(w.save_button, LEFT)
    assert "No Google client ID is configured" in w.message.text()
    assert [a.name for a in accounts.list_accounts(app)] == ["sandbox"]
    qtbot.keyClicks(w.client_id, "my-desktop-client.apps.googleusercontent.com")
    assert w.client_note.text() == ""
    w.login.setCurrentIndex(w.login.findData("password"))  # or an app password
    w.login.activated.emit(w.login.currentIndex())
    assert w.client_note.text() == "" and not w.password.isHidden()
