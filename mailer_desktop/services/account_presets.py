"""Known SMTP providers: host, port, security and the sending limits they publish.

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


PRESETS: dict[str, Preset] = {p.key: p for p in (
    Preset("gmail", "Gmail", "smtp.gmail.com", 587, "starttls", 1, 1, 0, 500,
           "Your full Gmail address.",
           "An app password (16 letters) from myaccount.google.com/apppasswords; your normal password "
           "is refused. Gmail allows about 500 recipients a day."),
    Preset("google_workspace", "Google Workspace", "smtp.gmail.com", 587, "starttls", 2, 2, 0, 2000,
           "Your full Workspace address.",
           "An app password (needs 2-step verification). Workspace allows about 2,000 recipients a day."),
    Preset("outlook", "Outlook.com / Hotmail", "smtp-mail.outlook.com", 587, "starttls", 1, 0.5, 0, 300,
           "Your full Outlook.com address.",
           "Your account password, or an app password if you use two-step verification. "
           "Outlook.com allows about 300 recipients a day."),
    Preset("microsoft365", "Microsoft 365 / Exchange Online", "smtp.office365.com", 587, "starttls", 1, 0.5,
           0, 10000, "Your full Microsoft 365 address.",
           "Your password (SMTP AUTH must be enabled for the mailbox by your administrator). "
           "Microsoft 365 allows 30 messages a minute and 10,000 recipients a day."),
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
           "Your password or an app-specific password. EU accounts use smtp.zoho.eu."),
    Preset("fastmail", "Fastmail", "smtp.fastmail.com", 465, "tls", 1, 1, 0, 2000,
           "Your full Fastmail address.",
           "An app password from Settings > Privacy & Security > App passwords."),
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
