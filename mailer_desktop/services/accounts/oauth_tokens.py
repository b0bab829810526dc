"""OAuth2 tokens of an account: kept only in the keyring, refreshed before they expire.

One keyring entry per account (``oauth-tokens:<id>``) holds the refresh token, the access token,
its expiry and the address that signed in, as JSON. Nothing of it is written to the database,
the settings or a log (every value read or stored goes through the SecretStore, whose log
filter redacts it).

:class:`TokenSource` hands out a valid access token: the stored one while it has more than a
quarter of its lifetime (at most a minute) left, else a new one from the refresh token. One
refresh runs at a time per account, whichever thread or connection asks. When the provider
refuses the refresh token (revoked, password changed, consent withdrawn) it raises
:class:`SignInRequired`: nothing can be sent or fetched until the user signs in again.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass

from ...redaction import remember
from .oauth_providers import OAuthConfig, client_id, client_secret

# Errors of the token endpoint that mean the grant is gone (RFC 6749 §5.2).
REFUSED = {"invalid_grant", "unauthorized_client", "invalid_client", "access_denied", "consent_required",
           "interaction_required"}
MAX_MARGIN = 60.0


class SignInRequired(Exception):
    """The account's sign-in is gone (no tokens, or the refresh was refused)."""

    def __init__(self, account_name: str, detail: str = ""):
        self.account_name = account_name
        self.detail = detail
        super().__init__(f"Sign in to {account_name} again" + (f" ({detail})." if detail else "."))


class TokenEndpointError(Exception):
    """The token endpoint could not be reached or answered nonsense: a temporary failure."""


_SIGN_IN_AGAIN = re.compile(r"\bSign in to (.+?) again\b")


def sign_in_needed(text: str | None) -> str | None:
    """The account named by a "Sign in to <account> again" message (a paused campaign's reason, an
    inbox error), or None when the text asks for no sign-in."""
    m = _SIGN_IN_AGAIN.search(text or "")
    return m.group(1) if m else None


def secret_name(account_id: int) -> str:
    return f"oauth-tokens:{account_id}"


@dataclass
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: float          # epoch seconds
    lifetime: float            # seconds the access token was issued for
    user: str = ""             # the address that signed in (from the ID token), '' if unknown

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Tokens:
        data = json.loads(text)
        return cls(**{k: data[k] for k in ("access_token", "refresh_token", "expires_at", "lifetime")},
                   user=data.get("user", ""))

    def fresh(self, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        margin = min(MAX_MARGIN, self.lifetime / 4)
        return bool(self.access_token) and self.expires_at - now > margin


def load(app, account_id: int) -> Tokens | None:
    raw = app.secrets.get(secret_name(account_id))
    if not raw:
        return None
    try:
        tokens = Tokens.from_json(raw)
    except (ValueError, KeyError, TypeError):
        return None
    remember(tokens.access_token, tokens.refresh_token)
    return tokens


def save(app, account_id: int, tokens: Tokens) -> None:
    remember(tokens.access_token, tokens.refresh_token)  # never in a log line either
    app.secrets.set(secret_name(account_id), tokens.to_json())


def forget(app, account_id: int) -> None:
    app.secrets.delete(secret_name(account_id))


def id_token_address(id_token: str) -> str:
    """The address in an ID token received straight from the token endpoint over TLS (OpenID
    Connect allows skipping the signature check there): ``email`` or ``preferred_username``."""
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return ""
    for key in ("email", "preferred_username", "upn"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value:
            return value
    return ""


def post_form(url: str, form: dict[str, str], *, timeout: float = 30.0,
              tls_context: ssl.SSLContext | None = None) -> dict:
    """POST a form to a token endpoint and return its JSON answer.

    An error answer with a JSON ``error`` is returned as it is (the caller decides); no answer,
    or one that is not JSON, raises TokenEndpointError."""
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=tls_context) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            answer = json.loads(body)
        except ValueError:
            raise TokenEndpointError(f"{urllib.parse.urlsplit(url).hostname} answered HTTP {exc.code}") from None
        if not isinstance(answer, dict) or "error" not in answer:
            raise TokenEndpointError(f"{urllib.parse.urlsplit(url).hostname} answered HTTP {exc.code}") from None
        return answer
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise TokenEndpointError(f"{urllib.parse.urlsplit(url).hostname} could not be reached ({reason})") from None
    try:
        answer = json.loads(body)
    except ValueError:
        raise TokenEndpointError(f"{urllib.parse.urlsplit(url).hostname} did not answer with JSON") from None
    if not isinstance(answer, dict):
        raise TokenEndpointError(f"{urllib.parse.urlsplit(url).hostname} did not answer with a JSON object")
    return answer


def tokens_from(answer: dict, *, previous_refresh: str = "", user: str = "") -> Tokens:
    """Tokens from a successful token response (the refresh token stays when none is sent back)."""
    access = answer.get("access_token")
    if not isinstance(access, str) or not access:
        raise TokenEndpointError("the token endpoint sent no access token")
    try:
        lifetime = float(answer.get("expires_in") or 3600)
    except (TypeError, ValueError):
        lifetime = 3600.0
    refresh = answer.get("refresh_token") or previous_refresh
    if not refresh:
        raise TokenEndpointError("the provider sent no refresh token (was offline access granted?)")
    address = id_token_address(answer["id_token"]) if isinstance(answer.get("id_token"), str) else ""
    return Tokens(access, refresh, time.time() + lifetime, lifetime, address or user)


def describe_error(answer: dict) -> str:
    text = str(answer.get("error_description") or "").strip()
    return f"{answer.get('error')}: {text}" if text else str(answer.get("error"))


class TokenSource:
    """Valid access tokens for one account, shared by every connection and thread."""

    _locks: dict[tuple[str, int], threading.Lock] = {}
    _locks_guard = threading.Lock()

    def __init__(self, app, account_id: int, account_name: str, config: OAuthConfig, *,
                 tls_context: ssl.SSLContext | None = None, timeout: float = 30.0):
        self.app = app
        self.account_id = account_id
        self.account_name = account_name
        self.config = config
        self.tls_context = tls_context
        self.timeout = timeout
        with self._locks_guard:
            self._lock = self._locks.setdefault((app.secrets.service, account_id), threading.Lock())

    def tokens(self) -> Tokens:
        tokens = load(self.app, self.account_id)
        if tokens is None or not tokens.refresh_token:
            raise SignInRequired(self.account_name, "not signed in")
        return tokens

    def access_token(self, *, force_refresh: bool = False, rejected: str = "") -> str:
        """A valid access token. ``force_refresh``: the server refused ``rejected`` (535/454), so a
        new one is fetched unless another connection already replaced it."""
        with self._lock:
            tokens = self.tokens()
            if tokens.fresh() and not (force_refresh and tokens.access_token == (rejected or tokens.access_token)):
                return tokens.access_token
            return self._refresh(tokens).access_token

    def _refresh(self, tokens: Tokens) -> Tokens:
        form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
                "client_id": client_id(self.app, self.config, self.account_name),
                "scope": " ".join(self.config.scopes)}
        secret = client_secret(self.app, self.config)
        if secret:
            form["client_secret"] = secret
        answer = post_form(self.config.token_url, form, timeout=self.timeout, tls_context=self.tls_context)
        if "error" in answer:
            if str(answer.get("error")) in REFUSED:
                raise SignInRequired(self.account_name, f"the provider refused the stored sign-in: "
                                                        f"{describe_error(answer)}")
            raise TokenEndpointError(f"the token endpoint answered {describe_error(answer)}")
        new = tokens_from(answer, previous_refresh=tokens.refresh_token, user=tokens.user)
        save(self.app, self.account_id, new)
        return new


def source_for(app, account, *, tls_context: ssl.SSLContext | None = None, timeout: float = 30.0) -> TokenSource:
    from .oauth_providers import account_config

    config = account_config(account)
    if config is None:
        raise ValueError(f"account {account.name!r} does not sign in with OAuth2")
    return TokenSource(app, account.id, account.name, config, tls_context=tls_context, timeout=timeout)
