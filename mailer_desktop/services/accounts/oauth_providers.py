"""OAuth2 providers: where an account signs in, with which scopes, under which client ID.

An account that signs in with OAuth2 keeps an :class:`OAuthConfig` (as JSON in its ``oauth``
column): the provider, the authorize and token endpoints, the scopes and, optionally, its own
client ID. The tokens never go there; they live in the keyring (:mod:`.oauth_tokens`).

The program ships no client ID of its own or of another application. Each provider reads its
client ID from the account, else from the settings (``oauth.microsoft_client_id``,
``oauth.google_client_id``), else from an environment variable a packager sets
(``MAILER_DESKTOP_MICROSOFT_CLIENT_ID``, ``MAILER_DESKTOP_GOOGLE_CLIENT_ID``). Google's desktop
clients come with a "client secret" that is not secret (Google says so); it is read the same way
and sent with the token requests, never treated as a secret.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

from ...domain.hosts import is_loopback

MICROSOFT_SCOPES = ("https://outlook.office.com/SMTP.Send", "https://outlook.office.com/IMAP.AccessAsUser.All",
                    "offline_access", "openid", "email")
GOOGLE_SCOPES = ("https://mail.google.com/", "openid", "email")


class OAuthSetupError(ValueError):
    """The sign-in cannot start (no client ID, a bad endpoint); the message says what to do."""


@dataclass(frozen=True)
class Provider:
    key: str                  # microsoft | google | oauth2
    label: str
    authorize_url: str        # {tenant} is replaced for Microsoft
    token_url: str
    revoke_url: str
    scopes: tuple[str, ...]
    extra_params: tuple[tuple[str, str], ...] = ()  # added to the authorize request
    setting: str = ""         # settings key of the client ID
    env: str = ""             # environment variable of the client ID
    secret_setting: str = ""
    secret_env: str = ""
    app_password: str = ""    # the password route where the provider still has one


PROVIDERS: dict[str, Provider] = {p.key: p for p in (
    Provider("microsoft", "Microsoft",
             "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
             "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token", "", MICROSOFT_SCOPES,
             (("prompt", "select_account"),),
             "oauth.microsoft_client_id", "MAILER_DESKTOP_MICROSOFT_CLIENT_ID",
             app_password=("Outlook.com accepts only OAuth2 sign-in. Microsoft 365 takes a password only where "
                           "the administrator left SMTP AUTH with passwords on for the mailbox.")),
    Provider("google", "Google",
             "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
             "https://oauth2.googleapis.com/revoke", GOOGLE_SCOPES,
             (("access_type", "offline"), ("prompt", "consent")),
             "oauth.google_client_id", "MAILER_DESKTOP_GOOGLE_CLIENT_ID",
             "oauth.google_client_secret", "MAILER_DESKTOP_GOOGLE_CLIENT_SECRET",
             app_password=("Or use an app password (myaccount.google.com/apppasswords, needs 2-step "
                           "verification): add the account with a password instead.")),
    Provider("oauth2", "OAuth2 (other provider)", "", "", "", ()),
)}

# Which account presets sign in with which provider.
PRESET_PROVIDER = {"microsoft365": "microsoft", "outlook": "microsoft", "gmail": "google",
                   "google_workspace": "google", "oauth2": "oauth2"}
DEFAULT_TENANT = {"microsoft365": "organizations", "outlook": "consumers"}


@dataclass(frozen=True)
class OAuthConfig:
    """How one account signs in (stored with the account; holds no token and no secret)."""

    provider: str
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    client_id: str = ""       # '' → the provider's client ID from the settings or the environment
    revoke_url: str = ""
    extra_params: tuple[tuple[str, str], ...] = field(default=())

    def to_json(self) -> str:
        data = asdict(self)
        data["scopes"] = list(self.scopes)
        data["extra_params"] = [list(p) for p in self.extra_params]
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> OAuthConfig:
        data = json.loads(text)
        return cls(provider=data["provider"], authorize_url=data["authorize_url"], token_url=data["token_url"],
                   scopes=tuple(data.get("scopes") or ()), client_id=data.get("client_id", ""),
                   revoke_url=data.get("revoke_url", ""),
                   extra_params=tuple(tuple(p) for p in data.get("extra_params") or ()))

    @property
    def label(self) -> str:
        return PROVIDERS[self.provider].label if self.provider in PROVIDERS else self.provider


def is_oauth_preset(preset_key: str) -> bool:
    return preset_key in PRESET_PROVIDER


def check_endpoint(url: str, what: str) -> str:
    """An endpoint must be https (plain http only to this computer, e.g. a test server)."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise OAuthSetupError(f"the {what} {url!r} is not a web address (https://...)")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise OAuthSetupError(f"the {what} must use https, not {url!r}")
    return url


def config_for(preset_key: str, *, tenant: str = "", client_id: str = "", authorize_url: str = "",
               token_url: str = "", scopes: tuple[str, ...] | list[str] = (), revoke_url: str = "") -> OAuthConfig:
    """The sign-in of a preset; endpoints and scopes given here replace the provider's (the
    generic ``oauth2`` preset needs them)."""
    try:
        provider = PROVIDERS[PRESET_PROVIDER[preset_key]]
    except KeyError:
        raise OAuthSetupError(f"preset {preset_key!r} has no OAuth2 sign-in; use one of "
                              f"{', '.join(PRESET_PROVIDER)}") from None
    tenant = (tenant or DEFAULT_TENANT.get(preset_key, "common")).strip()
    if "/" in tenant or not tenant:
        raise OAuthSetupError(f"{tenant!r} is not a Microsoft tenant (common, organizations, consumers, a "
                              "tenant ID or domain)")
    authorize = authorize_url or provider.authorize_url.replace("{tenant}", tenant)
    token = token_url or provider.token_url.replace("{tenant}", tenant)
    chosen = tuple(s for s in (scopes or provider.scopes) if s)
    if not authorize or not token:
        raise OAuthSetupError("an OAuth2 account of another provider needs its authorize and token endpoints")
    if not chosen:
        raise OAuthSetupError("an OAuth2 account of another provider needs the scopes to ask for")
    return OAuthConfig(provider.key, check_endpoint(authorize, "authorize endpoint"),
                       check_endpoint(token, "token endpoint"), chosen, (client_id or "").strip(),
                       check_endpoint(revoke_url, "revocation endpoint") if revoke_url else provider.revoke_url,
                       provider.extra_params)


def _from_settings(app, key: str, env: str) -> str:
    value = (app.settings.get(key) or "").strip() if key else ""
    return value or (os.environ.get(env, "").strip() if env else "")


def client_id(app, config: OAuthConfig, account_name: str = "") -> str:
    """The client ID to sign in with; OAuthSetupError saying where to put one when there is none."""
    if config.client_id:
        return config.client_id
    provider = PROVIDERS.get(config.provider)
    found = _from_settings(app, provider.setting, provider.env) if provider else ""
    if found:
        return found
    if provider is None or not provider.setting:
        raise OAuthSetupError(f"account {account_name!r} has no OAuth2 client ID: give it one (--client-id)")
    hint = f" {provider.app_password}" if provider.app_password else ""
    raise OAuthSetupError(
        f"No {provider.label} client ID is configured, so sign-in with {provider.label} cannot start. Register "
        f"a desktop app with {provider.label} (see the README, 'Signing in with Microsoft or Google') and enter "
        f"its client ID in Settings > Sign-in, or set {provider.env}.{hint}")


def client_id_sources(app) -> dict[str, str]:
    """Where each provider's client ID comes from: 'settings', 'environment' or '' (none), for doctor."""
    out = {}
    for provider in PROVIDERS.values():
        if not provider.setting:
            continue
        if (app.settings.get(provider.setting) or "").strip():
            out[provider.key] = "settings"
        elif os.environ.get(provider.env, "").strip():
            out[provider.key] = "environment"
        else:
            out[provider.key] = ""
    return out


def client_secret(app, config: OAuthConfig) -> str:
    """Google's desktop-app 'secret' (not secret); '' for the other providers."""
    provider = PROVIDERS.get(config.provider)
    if provider is None or not provider.secret_setting:
        return ""
    return _from_settings(app, provider.secret_setting, provider.secret_env)


def account_config(account) -> OAuthConfig | None:
    """The OAuth2 sign-in of an account row, or None for a password (or no) login."""
    return OAuthConfig.from_json(account.oauth) if getattr(account, "oauth", "") else None
