"""Known providers: SMTP host, port, security, the sending limits they publish, and their IMAP server.

Microsoft 365, Outlook.com, Gmail and Google Workspace sign in with OAuth2 (the browser) first;
Gmail and Workspace also take an app password. ``oauth2`` is any other provider that signs in
with OAuth2: its endpoints and scopes are given with the account (services/accounts/oauth_providers.py).

The rates are deliberately a little below each provider's published ceiling, so that a
newsletter never trips an abuse limit halfway through a list. Users can raise them.
Figures as published by the providers in 2024; all of them are editable per account.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    host: str
    port: int
    security: str            # starttls | tls | none
    pool_size: int
    rate_per_second: float
    rate_per_hour: int       # 0: no limit
    rate_per_day: int        # 0: no limit
    username_hint: str
    password_hint: str
    imap_host: str = ""      # '' : no known IMAP server
    imap_port: int = 993
    imap_security: str = "tls"

    @property
    def oauth(self) -> bool:
        """Whether accounts of this provider can sign in with OAuth2 (the browser)."""
        return self.key in ("gmail", "google_workspace", "outlook", "microsoft365", "oauth2")


PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("gmail", "Gmail", "smtp.gmail.com", 587, "starttls", 1, 1, 0, 500,
           "Your full Gmail address.",
           "Sign in with Google (OAuth2, in your browser), or use an app password (16 letters, from "
           "myaccount.google.com/apppasswords; needs 2-step verification); your normal password is refused. "
           "Gmail allows about 500 recipients a day.", "imap.gmail.com"),
    Preset("google_workspace", "Google Workspace", "smtp.gmail.com", 587, "starttls", 2, 2, 0, 2000,
           "Your full Workspace address.",
           "Sign in with Google (OAuth2, in your browser), or an app password where your administrator allows "
           "them (needs 2-step verification). Workspace allows about 2,000 recipients a day.", "imap.gmail.com"),
    Preset("outlook", "Outlook.com / Hotmail", "smtp-mail.outlook.com", 587, "starttls", 1, 0.5, 0, 300,
           "Your full Outlook.com address.",
           "Sign in with Microsoft (OAuth2, in your browser): since September 2024 Outlook.com refuses "
           "passwords and app passwords for SMTP and IMAP. Outlook.com allows about 300 recipients a day.",
           "outlook.office365.com"),
    Preset("microsoft365", "Microsoft 365 / Exchange Online", "smtp.office365.com", 587, "starttls", 1, 0.5,
           0, 10000, "Your full Microsoft 365 address.",
           "Sign in with Microsoft (OAuth2, in your browser). A password works only where your administrator "
           "left SMTP AUTH with passwords on for the mailbox, which Microsoft turns off by default at the end "
           "of 2026. Microsoft 365 allows 30 messages a minute and 10,000 recipients a day.",
           "outlook.office365.com"),
    Preset("amazon_ses", "Amazon SES", "email-smtp.us-east-1.amazonaws.com", 587, "starttls", 4, 12, 0, 50000,
           "The SMTP user name from the SES console (not your AWS access key).",
           "The SMTP password from the SES console. Change the host to your region; check your "
           "account's sending quota and rate in the console."),
    Preset("postmark", "Postmark", "smtp.postmarkapp.com", 587, "starttls", 4, 10, 0, 0,
           "Your Server API token (use a Broadcast stream for newsletters).",
           "The same Server API token."),
    Preset("mailgun", "Mailgun", "smtp.mailgun.org", 587, "starttls", 4, 10, 0, 0,
           "The SMTP login of your sending domain (postmaster@your-domain).",
           "The SMTP password of that domain. EU accounts use smtp.eu.mailgun.org."),
    Preset("brevo", "Brevo (Sendinblue)", "smtp-relay.brevo.com", 587, "starttls", 2, 5, 0, 300,
           "Your Brevo SMTP login.",
           "The SMTP key from Brevo's SMTP & API page. The free plan allows 300 messages a day."),
    Preset("zoho", "Zoho Mail", "smtp.zoho.com", 465, "tls", 1, 0.5, 0, 300,
           "Your full Zoho address.",
           "Your password or an app-specific password. EU accounts use smtp.zoho.eu.", "imap.zoho.com"),
    Preset("fastmail", "Fastmail", "smtp.fastmail.com", 465, "tls", 1, 1, 0, 2000,
           "Your full Fastmail address.",
           "An app password from Settings > Privacy & Security > App passwords.", "imap.fastmail.com"),
    Preset("oauth2", "OAuth2 (other provider)", "", 587, "starttls", 2, 5, 0, 0,
           "The address that signs in.",
           "Signs in in your browser; give the provider's authorize and token endpoints, scopes and your "
           "client ID."),
    Preset("other", "Other SMTP server", "", 587, "starttls", 2, 5, 0, 0,
           "The user name your provider gave you (often your address).",
           "The password your provider gave you."),
)}

# The usual port of each security mode (used to explain "wrong port" failures).
USUAL_PORTS = {"starttls": (587, 25, 2525), "tls": (465,), "none": (25, 2525, 1025)}


def preset(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise KeyError(f"unknown provider preset {key!r}; choose one of {', '.join(PRESETS)}") from None
