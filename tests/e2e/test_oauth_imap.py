"""The IMAP inbox of an OAuth2 account against a real Dovecot whose ``oauth2`` passdb checks every
bearer token at the authlib authorization server's introspection endpoint (RFC 7662).

Dovecot runs from a throw-away configuration on 127.0.0.1: XOAUTH2 and OAUTHBEARER are checked by
introspection; a passwd-file user lets the test put mail into the mailbox with a password.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from dovecot_wait import wait_for_imap
from inbox_fixtures import fixture
from oauth_server import OAuthServer, browser, provider_config
from smtp_servers import free_port

from mailer_desktop.domain import tokens
from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.inbox import processor as inbox_processor
from mailer_desktop.services.inbox.sources import SourceError

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
pytestmark = pytest.mark.skipif(DOVECOT is None, reason="dovecot is not installed (Debian package dovecot-imapd)")

USER, PASSWORD = "shop@example.test", "provider-password-1"
MAILBOX_PASSWORD = "append-only-password"


@pytest.fixture
def provider():
    with OAuthServer({USER: PASSWORD}, lifetime=600) as srv:
        yield srv


@pytest.fixture
def dovecot(provider, tmp_path):
    uid, gid = os.getuid(), os.getgid()
    # Dovecot's helper processes drop privileges: as root, everything lives in a folder they can reach.
    root = Path(tempfile.mkdtemp(prefix="mailer-desktop-oauth-imap-"))
    root.chmod(0o755)
    if uid == 0:
        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
    (root / "run").mkdir()
    homes = root / "home"
    homes.mkdir()
    os.chown(homes, uid, gid) if os.getuid() == 0 else None
    port = free_port()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{MAILBOX_PASSWORD}::::::\n")
    (root / "passwd").chmod(0o644)
    (root / "oauth2.conf").write_text(f"""
introspection_mode = post
introspection_url = {provider.introspection_url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
""")
    users = ("default_internal_user = dovecot\ndefault_login_user = dovenull\n"
             "service auth {\n  user = root\n}\nservice auth-worker {\n  user = root\n}\n" if os.getuid() == 0 else
             f"default_internal_user = {os.environ.get('USER', 'nobody')}\n"
             f"default_login_user = {os.environ.get('USER', 'nobody')}\n")
    conf = root / "dovecot.conf"
    conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
auth_debug = yes
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
first_valid_uid = {uid}
first_valid_gid = {gid}
auth_mechanisms = plain xoauth2 oauthbearer
{users}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf
}}
passdb {{
  driver = passwd-file
  mechanisms = plain
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={homes}/%u allow_all_users=yes
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service pop3-login {{
  chroot =
}}
""")
    log = root / "dovecot.log"
    log.touch()
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_imap(port, proc, log)
        yield port, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        shutil.copy(log, tmp_path / "dovecot.log")  # kept for a look after a failure
        shutil.rmtree(root, ignore_errors=True)


def _append(port: int, *messages: bytes) -> None:
    conn = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    conn.login(USER, MAILBOX_PASSWORD)
    for raw in messages:
        assert conn.append("INBOX", None, None, raw)[0] == "OK"
    conn.logout()


def _oauth_account(app, provider, port):
    account = accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none", username=USER,
                                   preset_key="oauth2", oauth=provider_config(provider))
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=port, security="none", username=USER,
                                   folder="INBOX")
    accounts.sign_in(app, account, browser(USER, PASSWORD), timeout=30)
    return account


def test_imap_inbox_signs_in_with_the_access_token_checked_by_dovecot(app, provider, dovecot):
    port, log = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    key = app.token_key()
    _append(port, fixture("unsubscribe_token_subject.eml", u=tokens.unsubscribe_token(key, anna.token_subject)))
    _oauth_account(app, provider, port)
    before = provider.counts["introspect"]

    report = inbox_processor.import_imap(app, "shop")
    assert report.processed == 1 and report.by_kind == {"unsubscribe": 1}
    assert contacts.get_contact(app, anna.id).status == "unsubscribed"
    assert provider.counts["introspect"] > before  # Dovecot asked the authorization server
    # The server offers OAUTHBEARER as well as XOAUTH2: the standard one is used.
    assert "oauthbearer" in log.read_text(errors="replace").lower()


def test_a_refused_token_is_refreshed_once_and_a_revoked_sign_in_asks_to_sign_in_again(app, provider, dovecot):
    port, _log = dovecot
    _oauth_account(app, provider, port)
    provider.revoke_access_tokens()  # valid by its expiry, refused by the server: one refresh
    assert inbox_processor.import_imap(app, "shop").processed == 0
    assert provider.counts["refresh"] == 1

    provider.revoke_refresh_tokens(USER)
    with pytest.raises(SourceError) as err:
        inbox_processor.import_imap(app, "shop")
    assert "Sign in to shop again" in str(err.value)

    accounts.sign_in(app, accounts.get_account(app, "shop"), browser(USER, PASSWORD), timeout=30)
    assert inbox_processor.import_imap(app, "shop").processed == 0
