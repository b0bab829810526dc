"""Mailer Desktop: newsletters with consent, compliant footers and one-click reply processing."""

__version__ = "0.1.0"
APP_NAME = "Mailer Desktop"
APP_ID = "io.github.mailer_desktop.MailerDesktop"
