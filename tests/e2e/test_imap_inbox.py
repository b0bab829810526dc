"""Inbox processing against a real IMAP server (dovecot) started on loopback by the test.

Dovecot runs from a throw-away configuration: plain-text login allowed on 127.0.0.1 and
implicit TLS with a self-signed certificate, one user from a passwd-file, mail in a Maildir.
"""

from __future__ import annotations

import imaplib
import os
import shutil
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dovecot_wait import wait_for_imap
from inbox_fixtures import fixture
from smtp_servers import free_port

from mailer_desktop.domain import tokens
from mailer_desktop.services.accounts import manage as accounts
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.inbox import processor as inbox_processor
from mailer_desktop.services.inbox import status as inbox_status
from mailer_desktop.services.inbox.sources import PROCESSED_KEYWORD

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
DH_PARAMS = "/usr/share/dovecot/dh.pem"  # shipped with Debian's dovecot-core
pytestmark = [
    pytest.mark.skipif(DOVECOT is None, reason="dovecot is not installed (Debian package dovecot-imapd)"),
    pytest.mark.skipif(not os.path.exists(DH_PARAMS), reason=f"dovecot's DH parameters {DH_PARAMS} are missing"),
]

USER, PASSWORD = "shop", "imap-secret-1"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that a test can trust explicitly."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@pytest.fixture
def dovecot(tmp_path):
    uid, gid = os.getuid(), os.getgid()
    cleanup = None
    root = tmp_path / "dovecot"
    if uid == 0:
        # Dovecot never runs a mailbox as root and its helper processes drop privileges, so as
        # root everything lives in a folder those processes can reach (pytest's temporary
        # folders are private to root), and the mail belongs to dovecot's own account.
        import pwd
        import tempfile

        root = Path(tempfile.mkdtemp(prefix="mailer-desktop-imap-"))
        root.chmod(0o755)
        cleanup = root
        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
    (root / "run").mkdir(parents=True)
    homes = root / "home"
    homes.mkdir()
    if cleanup is not None:
        os.chown(homes, uid, gid)
    port, tls_port = free_port(), free_port()
    cert, key = _self_signed(root)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    (root / "passwd").chmod(0o644)
    # As root, the auth processes stay root so they can read the passwd-file in tmp_path
    # (pytest's temporary folders are private to their owner).
    users = ("default_internal_user = dovecot\ndefault_login_user = dovenull\n"
             "service auth {\n  user = root\n}\nservice auth-worker {\n  user = root\n}\n" if uid == 0 else
             f"default_internal_user = {os.environ.get('USER', 'nobody')}\n"
             f"default_login_user = {os.environ.get('USER', 'nobody')}\n")
    conf = root / "dovecot.conf"
    conf.write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_dh = <{DH_PARAMS}
disable_plaintext_auth = no
first_valid_uid = {uid}
first_valid_gid = {gid}
auth_mechanisms = plain login
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={homes}/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  mailbox Done {{
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
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
        yield port, tls_port, cert
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if cleanup is not None:
            shutil.copy(log, tmp_path / "dovecot.log")  # kept for a look after a failure
            shutil.rmtree(cleanup, ignore_errors=True)


def _append(port: int, *messages: bytes) -> None:
    conn = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    conn.login(USER, PASSWORD)
    for raw in messages:
        typ, _ = conn.append("INBOX", None, None, raw)
        assert typ == "OK"
    conn.logout()


def _flags_and_counts(port: int) -> tuple[list[bytes], int, int]:
    conn = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    conn.login(USER, PASSWORD)
    conn.select("INBOX", readonly=True)
    _, found = conn.search(None, "ALL")
    inbox_count = len(found[0].split())
    flags = []
    if inbox_count:
        _, data = conn.fetch("1:*", "(FLAGS)")
        flags = [d for d in data if d]
    conn.select("Done", readonly=True)
    _, done = conn.search(None, "ALL")
    conn.logout()
    return flags, inbox_count, len(done[0].split())


def _setup_account(app, port: int, done_folder: str = "") -> None:
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=port, security="none", username=USER,
                                   folder="INBOX", done_folder=done_folder, password=PASSWORD)


def test_imap_import_flags_processed_mail_and_is_idempotent(app, dovecot):
    dovecot, _tls_port, _cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    key = app.token_key()
    t = {"u": tokens.unsubscribe_token(key, anna.token_subject), "r": tokens.reference_token(key, 7, anna.token_subject)}
    _append(dovecot, fixture("unsubscribe_token_subject.eml", **t), fixture("delayed.eml", **t),
            fixture("thanks_reply_quoted_footer.eml", **t))
    _setup_account(app, dovecot)

    waiting = inbox_processor.oldest_waiting(app, "shop")
    assert waiting is not None and abs((datetime.now(UTC) - waiting).total_seconds()) < 3600
    assert inbox_status.peek_imap(app, "shop") == waiting  # kept for the status-bar reminder
    assert inbox_status.oldest_unprocessed(app) == waiting.replace(microsecond=0)

    report = inbox_processor.import_imap(app, "shop")
    assert (report.processed, report.unchanged, report.review) == (3, 0, 1)
    assert inbox_processor.oldest_waiting(app, "shop") is None  # the unread letter is on the review list
    assert inbox_status.peek_imap(app, "shop") is None and inbox_status.oldest_unprocessed(app) is None
    assert report.by_kind == {"unsubscribe": 1, "delayed": 1, "unknown": 1}
    assert contacts.get_contact(app, anna.id).status == "unsubscribed"

    flags, inbox_count, done_count = _flags_and_counts(dovecot)
    assert inbox_count == 3 and done_count == 0  # flagged, never deleted or moved
    assert all(PROCESSED_KEYWORD.encode() in f for f in flags)
    # The customer's letter nobody recognised stays unread for the user's own mail program.
    assert sorted(b"\\Seen" in f for f in flags) == [False, True, True]

    again = inbox_processor.import_imap(app, "shop")
    assert (again.processed, again.unchanged) == (0, 0)  # processed mail is not fetched again


def test_imap_import_moves_processed_mail_to_the_done_folder(app, dovecot, cli):
    dovecot, _tls_port, _cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    key = app.token_key()
    _append(dovecot, fixture("hard_bounce_reference.eml", r=tokens.reference_token(key, 3, anna.token_subject)))
    _setup_account(app, dovecot, done_folder="Done")
    app.close()

    import json
    code, out, err = cli("inbox", "import", "--imap", "shop", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["processed"], summary["by_kind"]) == (1, {"hard": 1})
    flags, inbox_count, done_count = _flags_and_counts(dovecot)
    assert (inbox_count, done_count) == (0, 1)


def test_imap_wrong_password_is_a_clear_error(app, dovecot):
    dovecot, _tls_port, _cert = dovecot
    _setup_account(app, dovecot)
    inbox_processor.configure_imap(app, "shop", password="wrong")
    with pytest.raises(Exception) as info:
        inbox_processor.import_imap(app, "shop")
    assert "login refused" in str(info.value) and USER in str(info.value)


def test_imap_over_tls_checks_the_certificate(app, dovecot):
    import ssl

    plain_port, tls_port, cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    _append(plain_port, fixture("unsubscribe_token_subject.eml", u=tokens.unsubscribe_token(app.token_key(), anna.token_subject)))
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=tls_port, security="tls", username=USER,
                                   password=PASSWORD)
    # The default context does not know the self-signed certificate: refused, nothing read.
    with pytest.raises(Exception, match="the server's certificate is not trusted"):
        inbox_processor.import_imap(app, "shop")
    trusted = ssl.create_default_context(cafile=str(cert))
    report = inbox_processor.import_imap(app, "shop", tls_context=trusted)
    assert report.by_kind == {"unsubscribe": 1}
    assert contacts.get_contact(app, anna.id).status == "unsubscribed"


def _fingerprint(cert_path: Path) -> str:
    import ssl

    from mailer_desktop.services.inbox.imap import fingerprint

    return fingerprint(ssl.PEM_cert_to_DER_cert(cert_path.read_text()))


def _keywords(port: int) -> list[bytes]:
    flags, _, _ = _flags_and_counts(port)
    return flags


def test_a_self_signed_certificate_can_be_trusted_for_the_account_by_its_fingerprint(app, dovecot, cli):
    import json

    plain_port, tls_port, cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    _append(plain_port, fixture("unsubscribe_token_subject.eml", u=tokens.unsubscribe_token(app.token_key(),
                                                                                           anna.token_subject)))
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=tls_port, security="tls", username=USER,
                                   password=PASSWORD)
    expected = _fingerprint(cert)
    with pytest.raises(Exception) as refused:
        inbox_processor.import_imap(app, "shop")
    assert "the server's certificate is not trusted" in str(refused.value)
    assert f"Its SHA-256 fingerprint is {expected}" in str(refused.value)
    assert f"inbox trust-cert shop --fingerprint {expected}" in str(refused.value)
    app.close()

    code, out, err = cli("inbox", "trust-cert", "shop")
    assert code == 0, err
    assert f"SHA-256 fingerprint: {expected}" in out and "signed by itself" in out
    code, out, err = cli("inbox", "trust-cert", "shop", "--fingerprint", "AB" * 32)
    assert code == 1 and f"shows the certificate {expected}, not AB:AB" in err and "nothing was trusted" in err
    code, _, err = cli("inbox", "import", "--imap", "shop")
    assert code == 1 and "not trusted" in err  # still refused
    code, out, err = cli("inbox", "trust-cert", "shop", "--fingerprint", expected.replace(":", "").lower(), "--json")
    assert code == 0, err
    assert json.loads(out)["trusted"] is True
    code, out, err = cli("inbox", "import", "--imap", "shop", "--json")
    assert code == 0, err
    assert json.loads(out)["by_kind"] == {"unsubscribe": 1}

    # Another certificate than the trusted one is refused before anything is sent.
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.inbox.imap import pin_key
    from mailer_desktop.storage.meta import set_meta

    again = open_app(app.paths.home, keyring_backend=app.secrets.backend, log_to_file=False)
    try:
        with again.db.transaction() as conn:
            set_meta(conn, pin_key(accounts.get_account(again, "shop").id), "CD:" * 31 + "CD")
        with pytest.raises(Exception, match="the server's certificate changed"):
            inbox_processor.import_imap(again, "shop")
        assert inbox_processor.forget_certificate(again, "shop") is True
        with pytest.raises(Exception, match="not trusted"):
            inbox_processor.import_imap(again, "shop")
    finally:
        again.close()


def test_tls_to_the_starttls_port_says_to_choose_starttls(app, dovecot):
    plain_port, _tls_port, _cert = dovecot
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=plain_port, security="tls", username=USER,
                                   password=PASSWORD)
    with pytest.raises(Exception) as info:
        inbox_processor.import_imap(app, "shop")
    text = str(info.value)
    assert f"does not speak TLS from the start on port {plain_port}" in text
    assert f"choose STARTTLS for port {plain_port}, or TLS with port 993" in text
    assert "WRONG_VERSION_NUMBER" not in text


def test_starttls_to_the_tls_port_says_to_choose_tls_without_waiting_for_the_timeout(app, dovecot):
    _plain_port, tls_port, _cert = dovecot
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=tls_port, security="starttls",
                                   username=USER, password=PASSWORD)
    started = time.monotonic()
    with pytest.raises(Exception) as info:
        inbox_processor.import_imap(app, "shop")
    assert time.monotonic() - started < 20
    assert f"port {tls_port} expects TLS from the first byte" in str(info.value)
    assert f"choose TLS for port {tls_port}, or STARTTLS with port 143" in str(info.value)


def test_a_missing_done_folder_is_named_before_anything_is_processed(app, dovecot):
    dovecot, _tls_port, _cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    _append(dovecot, fixture("hard_bounce_reference.eml", r=tokens.reference_token(app.token_key(), 3,
                                                                                    anna.token_subject)))
    _setup_account(app, dovecot, done_folder="Archive/Returned")
    before = list(app.db.conn.iterdump())
    with pytest.raises(Exception) as info:
        inbox_processor.import_imap(app, "shop")
    assert "the folder 'Archive/Returned' for processed mail does not exist" in str(info.value)
    assert "inbox imap-set shop --done-folder NAME" in str(info.value)
    assert list(app.db.conn.iterdump()) == before
    flags, inbox_count, _ = _flags_and_counts(dovecot)
    assert inbox_count == 1 and PROCESSED_KEYWORD.encode() not in flags[0]


def test_processed_mail_whose_keyword_was_lost_is_flagged_again(app, dovecot):
    dovecot, _tls_port, _cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    key = app.token_key()
    t = {"u": tokens.unsubscribe_token(key, anna.token_subject), "r": tokens.reference_token(key, 7, anna.token_subject)}
    _append(dovecot, fixture("unsubscribe_token_subject.eml", **t), fixture("thanks_reply_quoted_footer.eml", **t))
    _setup_account(app, dovecot)
    first = inbox_processor.import_imap(app, "shop")
    assert first.processed == 2
    marked = sorted(_keywords(dovecot))
    conn = imaplib.IMAP4("127.0.0.1", dovecot, timeout=10)
    conn.login(USER, PASSWORD)
    conn.select("INBOX")
    conn.store("1:*", "-FLAGS", f"({PROCESSED_KEYWORD} \\Seen)")  # another program cleared the marks
    conn.logout()
    assert not any(PROCESSED_KEYWORD.encode() in f for f in _keywords(dovecot))

    again = inbox_processor.import_imap(app, "shop")
    assert (again.processed, again.unchanged) == (0, 2)
    assert sorted(_keywords(dovecot)) == marked  # the same marks as the first time (the letter stays unread)
    third = inbox_processor.import_imap(app, "shop")
    assert (third.processed, third.unchanged) == (0, 0)  # not looked up again


def test_plain_text_imap_to_another_computer_is_refused_when_it_is_set(cli, app):
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    app.close()
    code, _, err = cli("inbox", "imap-set", "shop", "--host", "imap.example.com", "--port", "143",
                       "--security", "none")
    assert code == 1 and "plain-text IMAP (security none) is only allowed to this computer" in err
    assert "imap.example.com choose tls (port 993) or starttls (port 143)" in err
    code, _, err = cli("inbox", "imap-set", "shop", "--host", "imap.example.com", "--port", "993", "--security", "tls")
    assert code == 0, err
    code, _, err = cli("inbox", "imap-set", "shop", "--security", "none")
    assert code == 1 and "only allowed to this computer" in err
    code, _, err = cli("inbox", "imap-set", "shop", "--host", "localhost", "--security", "none")
    assert code == 0, err


def test_a_trusted_certificate_works_with_starttls_too(app, dovecot):
    plain_port, _tls_port, cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    _append(plain_port, fixture("unsubscribe_token_subject.eml", u=tokens.unsubscribe_token(app.token_key(),
                                                                                           anna.token_subject)))
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=plain_port, security="starttls",
                                   username=USER, password=PASSWORD)
    with pytest.raises(Exception, match="the server's certificate is not trusted"):
        inbox_processor.import_imap(app, "shop")
    shown, trusted = inbox_processor.trust_certificate(app, "shop")
    assert (shown.fingerprint, trusted) == (_fingerprint(cert), False)
    _, trusted = inbox_processor.trust_certificate(app, "shop", shown.fingerprint)
    assert trusted
    assert inbox_processor.import_imap(app, "shop").by_kind == {"unsubscribe": 1}


def test_the_inbox_page_offers_to_trust_the_certificate_after_showing_it(qtbot, app, dovecot):
    from scripted_prompts import ScriptedPrompts

    from mailer_desktop.ui.context import Events, UiContext
    from mailer_desktop.ui.pages.inbox import InboxPage
    from mailer_desktop.ui.tasks import JobRunner

    plain_port, tls_port, cert = dovecot
    anna = contacts.add_contact(app, "anna@example.org", confirmed=True, evidence="shop sign-up", channel="cli")
    _append(plain_port, fixture("unsubscribe_token_subject.eml", u=tokens.unsubscribe_token(app.token_key(),
                                                                                           anna.token_subject)))
    accounts.add_account(app, "shop", host="127.0.0.1", port=2525, security="none")
    inbox_processor.configure_imap(app, "shop", host="127.0.0.1", port=tls_port, security="tls", username=USER,
                                   password=PASSWORD)
    page = InboxPage(UiContext(app=app, jobs=JobRunner(), events=Events()))
    qtbot.addWidget(page)
    page.show()
    page.prompts = ScriptedPrompts()
    assert page.trust_button.isHidden()
    page.process_inbox()
    qtbot.waitUntil(lambda: page.job is None, timeout=30000)
    assert "not trusted" in page.summary.text(), page.summary.text()
    assert page.trust_button.isVisible()

    page.prompts.answers["confirm"] = [False]  # shown, compared, not trusted: nothing changes
    page.trust_button.click()
    qtbot.waitUntil(lambda: bool(page.prompts.asked) or not page.trust_button.isVisible(), timeout=30000)
    qtbot.waitUntil(page.trust_button.isEnabled, timeout=5000)
    assert page.prompts.asked == [("confirm", "Trust this certificate")]
    page.process_inbox()
    qtbot.waitUntil(lambda: page.job is None and "not trusted" in page.summary.text(), timeout=30000)

    page.prompts.answers["confirm"] = [True]
    page.trust_button.click()
    qtbot.waitUntil(lambda: "is trusted for shop" in page.summary.text(), timeout=30000)
    assert page.trust_button.isHidden()
    page.process_inbox()
    qtbot.waitUntil(lambda: page.job is None and page.last_report is not None, timeout=30000)
    assert page.last_report.by_kind == {"unsubscribe": 1}
    assert contacts.get_contact(app, anna.id).status == "unsubscribed"
