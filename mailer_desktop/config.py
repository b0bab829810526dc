"""Paths and settings.

The data folder comes from platformdirs unless ``--home DIR`` or ``MAILER_DESKTOP_HOME`` names
another one. Every user setting is declared once in :data:`SETTINGS` with its default, label
and help text; values live in the database (``settings`` table) so that a backup carries them.
Window geometry is the only thing kept in QSettings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from . import APP_NAME

HOME_ENV = "MAILER_DESKTOP_HOME"
DB_FILENAME = "mailer-desktop.sqlite3"


@dataclass(frozen=True)
class Paths:
    """Where one data folder keeps its files."""

    home: Path
    home_overridden: bool = False

    @property
    def database(self) -> Path:
        return self.home / DB_FILENAME

    @property
    def sandbox(self) -> Path:
        """Messages captured by the built-in sandbox SMTP server, one .eml each."""
        return self.home / "sandbox"

    @property
    def backups(self) -> Path:
        """The default backup folder: outside the data folder (in Documents), so that losing one
        does not lose the other. A data folder named explicitly (tests, --demo, a second
        business) keeps its backups beside it unless a folder is chosen."""
        if self.home_overridden:
            return self.home / "backups"
        return Path(platformdirs.user_documents_dir()) / f"{APP_NAME} backups"

    @property
    def logs(self) -> Path:
        # A data folder named explicitly (tests, --demo, a second business) keeps its own logs.
        if self.home_overridden:
            return self.home / "logs"
        return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))

    def ensure(self) -> Paths:
        self.home.mkdir(parents=True, exist_ok=True)
        _private(self.home)
        return self


def _private(path: Path) -> None:
    """Restrict a folder to its owner where the OS has POSIX modes."""
    if os.name == "posix":
        try:
            path.chmod(0o700)
        except OSError:
            pass


def resolve_paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """The data folder: ``home`` argument, else $MAILER_DESKTOP_HOME, else the platform default."""
    chosen = home or os.environ.get(HOME_ENV)
    if chosen:
        return Paths(Path(chosen).expanduser().resolve(), home_overridden=True)
    return Paths(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    label: str
    help: str = ""
    group: str = "General"
    choices: tuple[str, ...] = ()  # for text settings with a fixed set of values

    @property
    def kind(self) -> type:
        return type(self.default)


def _settings(*items: Setting) -> dict[str, Setting]:
    out: dict[str, Setting] = {}
    for s in items:
        if s.key in out:
            raise ValueError(f"setting {s.key} declared twice")
        out[s.key] = s
    return out


SETTINGS: dict[str, Setting] = _settings(
    # Sender identity (CAN-SPAM / CASL identification)
    Setting("sender.business_name", "", "Business name", "Shown in every footer and as the From name.", "Sender"),
    Setting("sender.from_address", "", "From address", "The address your newsletters come from.", "Sender"),
    Setting("sender.reply_to", "", "Reply-To address", "Where replies go, if not to the From address.", "Sender"),
    Setting("sender.postal_address", "", "Postal address",
            "A street address, registered PO box or private mailbox. The law (CAN-SPAM, CASL) requires it "
            "in every marketing message; nothing is sent without it.", "Sender"),
    Setting("sender.unsubscribe_mailbox", "", "Unsubscribe mailbox",
            "The mailbox that receives unsubscribe and confirmation replies. Keep it working for at least "
            "60 days after every send.", "Sender"),
    Setting("sender.plus_addressing", False, "Mailbox supports plus-addressing",
            "Put the contact's token in the reply address (name+token@domain) as well as in the subject.", "Sender"),
    Setting("sender.unsubscribe_url", "", "Unsubscribe web address (optional)",
            "An https address of your own unsubscribe form; {token} is replaced by the contact's token.", "Sender"),
    Setting("sender.confirm_url", "", "Confirmation web address (optional)",
            "An https address of your own confirmation page; {token} is replaced by the contact's token.", "Sender"),
    Setting("sender.footer_reason", "You receive this because you subscribed to our newsletter.",
            "Why people receive your mail", "One sentence shown in every footer.", "Sender"),
    Setting("sender.ad_disclosure", True, "Mark messages as advertisement",
            "Adds 'This message is an advertisement.' to the footer (CAN-SPAM).", "Sender"),
    Setting("sender.dkim_selector", "", "DKIM selector", "The DNS selector of your DKIM key (selector._domainkey.your-domain); also used to check your provider's key.", "Sender"),
    Setting("sender.dkim_sign", False, "Sign messages with DKIM", "Sign with the key Mailer Desktop generated and keeps in the keyring; publish its DNS record first.", "Sender"),
    Setting("sending.default_account", "sandbox", "Sending account",
            "The account new campaigns use. 'sandbox' keeps every message on this computer.", "Sending"),
    Setting("sending.outage_window_seconds", 300, "Keep trying an unreachable server for (seconds)",
            "When the mail server cannot be reached (a restart, a network hiccup), sending waits and tries "
            "again, continuing by itself when it is back; only after this long is the campaign paused.",
            "Sending"),
    # RFC 5321 §4.5.3.2 gives each reply at least these waits; a server that answers later is slow,
    # not gone, and giving up early on the final dot sends the message twice.
    Setting("sending.timeout_greeting_seconds", 300, "Wait for the server's greeting (seconds)",
            "Connecting, the greeting, encryption and login.", "Sending"),
    Setting("sending.timeout_envelope_seconds", 300, "Wait for replies to MAIL and RCPT (seconds)", "", "Sending"),
    Setting("sending.timeout_data_seconds", 120, "Wait for the reply to DATA (seconds)", "", "Sending"),
    Setting("sending.timeout_block_seconds", 180, "Wait for each block of a message to go out (seconds)", "",
            "Sending"),
    Setting("sending.timeout_final_seconds", 600, "Wait for the reply after a message (seconds)",
            "Without a reply in this time the message is marked uncertain (it may have arrived) and is not "
            "sent again by itself.", "Sending"),
    Setting("appearance.theme", "system", "Appearance",
            "Follow the computer's light or dark mode, or choose one.", "Appearance",
            choices=("system", "light", "dark")),
    Setting("setup.completed", False, "The setup assistant has been completed", "", "Internal"),
    # Consent and retention (GDPR Art. 5(1)(e))
    Setting("consent.pending_retention_days", 30, "Purge unconfirmed contacts after (days)",
            "Pending contacts who never confirmed are deleted after this many days.", "Consent"),
    Setting("consent.reminder_after_days", 7, "Remind unconfirmed contacts after (days)",
            "One reminder at most; after that they are left alone.", "Consent"),
    Setting("consent.confirmation_wording",
            "Please confirm that you want to receive our newsletter by replying to this message.",
            "Confirmation request wording", "The exact words shown, kept as consent evidence.", "Consent"),
    # Inbox processing
    Setting("inbox.soft_bounce_limit", 3, "Soft bounces before a contact is suppressed", "", "Inbox"),
    Setting("inbox.soft_bounce_window_days", 30, "Soft-bounce window (days)", "", "Inbox"),
    Setting("inbox.reminder_hours", 24, "Remind me when unprocessed mail is older than (hours)",
            "Gmail and Yahoo expect opt-outs to be honoured within 2 days.", "Inbox"),
    Setting("inbox.authserv_id", "", "Trusted Authentication-Results server (mail files)",
            "For mail imported from files: the name your mail server writes at the start of its "
            "Authentication-Results headers (e.g. mx.google.com). Only that server's SPF/DKIM/DMARC verdicts "
            "are trusted; an opt-out without a token whose sender failed SPF and DMARC there waits for your "
            "decision. Empty: no header is trusted. IMAP accounts have their own.", "Inbox"),
    # OAuth2 sign-in: the program ships no client ID; a business or packager registers its own (README)
    Setting("oauth.microsoft_client_id", "", "Microsoft application (client) ID",
            "From your app registration in Microsoft Entra (a public client with the redirect URI "
            "http://127.0.0.1). Empty: the MAILER_DESKTOP_MICROSOFT_CLIENT_ID environment variable.", "Sign-in"),
    Setting("oauth.google_client_id", "", "Google OAuth client ID",
            "From a Desktop app OAuth client in Google Cloud. Empty: the MAILER_DESKTOP_GOOGLE_CLIENT_ID "
            "environment variable.", "Sign-in"),
    Setting("oauth.google_client_secret", "", "Google OAuth client secret (desktop app)",
            "Google issues desktop apps a 'secret' that is not secret and asks for it when tokens are "
            "exchanged. Empty: the MAILER_DESKTOP_GOOGLE_CLIENT_SECRET environment variable.", "Sign-in"),
    # Backups
    Setting("backup.folder", "", "Backup folder",
            "Empty: 'Mailer Desktop backups' in your Documents folder, outside the data folder.", "Backups"),
    Setting("backup.keep", 10, "Backups to keep", "", "Backups"),
    Setting("backup.daily", True, "Back up daily while the app runs", "", "Backups"),
    Setting("backup.after_campaign", True, "Back up after each campaign", "Needs a stored backup passphrase.", "Backups"),
)


def setting(key: str) -> Setting:
    try:
        return SETTINGS[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None
