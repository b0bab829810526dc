"""Signing in with OAuth2 the way desktop programs must: the system browser, PKCE, a loopback redirect.

1. :func:`begin` makes a PKCE verifier and its S256 challenge, a random ``state``, and listens on
   ``127.0.0.1`` on a port the system picks; the authorize URL redirects there.
2. The caller opens that URL in the system browser (the CLI prints it as well, for a machine
   without one). No web view of ours ever sees the password.
3. :meth:`SignIn.wait` waits for the browser to come back, honouring Cancel and a timeout. An
   answer whose ``state`` is not ours is refused; an error from the provider (the user said no)
   is reported in words.
4. The code is exchanged for tokens with the verifier; the tokens go to the keyring only.

Nothing is stored unless every step succeeded: a cancelled, timed-out or refused sign-in leaves
the keyring as it was.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

from ..progress import NO_PROGRESS, Cancelled, Progress
from .oauth_providers import OAuthConfig, client_id, client_secret
from .oauth_tokens import TokenEndpointError, Tokens, describe_error, post_form, save, tokens_from

DEFAULT_TIMEOUT = 300.0


class SignInError(Exception):
    """The sign-in did not succeed; ``kind`` is cancelled, timeout, state, denied, exchange, wrong_user."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) as RFC 7636 describes."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Mailer Desktop</title></head>
<body style="font-family: sans-serif; margin: 3em"><h1>{title}</h1><p>{text}</p></body></html>"""


class _Listener(HTTPServer):
    answer: dict[str, str] | None = None
    expected_path = "/"


class _Handler(BaseHTTPRequestHandler):
    server: _Listener

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urllib.parse.urlsplit(self.path)
        if parts.path != self.server.expected_path:
            self.send_error(404)
            return
        query = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
        if not ({"code", "error"} & set(query)):
            self.send_error(400, "no sign-in answer here")
            return
        if self.server.answer is None:
            self.server.answer = query
        ok = "code" in query
        page = _PAGE.format(
            title="Signed in" if ok else "Sign-in did not finish",
            text=html.escape("You can close this tab and return to Mailer Desktop." if ok else
                             f"The provider answered: {query.get('error_description') or query.get('error')}. "
                             "Return to Mailer Desktop to try again."))
        body = page.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # the query holds the code: never logged
        pass


@dataclass
class SignIn:
    """One sign-in in progress (see the module docstring)."""

    config: OAuthConfig
    account_name: str
    user: str
    client_id: str
    client_secret: str
    url: str
    redirect_uri: str
    state: str
    verifier: str
    _server: _Listener = field(repr=False)
    tls_context: ssl.SSLContext | None = None

    def wait(self, *, timeout: float = DEFAULT_TIMEOUT, progress: Progress = NO_PROGRESS) -> str:
        """The authorization code once the browser comes back; SignInError otherwise."""
        deadline = time.monotonic() + timeout
        try:
            while self._server.answer is None:
                if progress.cancelled:
                    raise SignInError("cancelled", f"Sign-in to {self.account_name} was cancelled; nothing was stored.")
                if time.monotonic() >= deadline:
                    raise SignInError("timeout", f"The browser did not come back within {int(timeout // 60) or 1} "
                                      f"minute(s) (was it closed?). Sign-in to {self.account_name} did not finish; "
                                      "nothing was stored. Try again.")
                self._server.handle_request()
        finally:
            self.close()
        answer = self._server.answer
        if not secrets.compare_digest(answer.get("state", ""), self.state):
            raise SignInError("state", "The answer that came back to Mailer Desktop does not belong to this sign-in "
                              "(its state does not match), so it was refused and nothing was stored. Try again; "
                              "if it happens again, another program may be interfering.")
        if "error" in answer:
            detail = answer.get("error_description") or answer["error"]
            raise SignInError("denied", f"{self.config.label} did not sign you in: {detail}. Nothing was stored.")
        return answer.get("code", "")

    def exchange(self, code: str, *, timeout: float = 30.0) -> Tokens:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "client_id": self.client_id, "code_verifier": self.verifier}
        if self.client_secret:
            form["client_secret"] = self.client_secret
        try:
            answer = post_form(self.config.token_url, form, timeout=timeout, tls_context=self.tls_context)
        except TokenEndpointError as exc:
            raise SignInError("exchange", f"Signing in could not finish: {exc}. Nothing was stored.") from None
        if "error" in answer:
            raise SignInError("exchange", f"{self.config.label} refused to finish the sign-in "
                              f"({describe_error(answer)}). Nothing was stored.")
        try:
            tokens = tokens_from(answer, user=self.user)
        except TokenEndpointError as exc:
            raise SignInError("exchange", f"Signing in could not finish: {exc}. Nothing was stored.") from None
        if self.user and tokens.user and tokens.user.casefold() != self.user.casefold():
            raise SignInError("wrong_user", f"You signed in as {tokens.user}, but the account is for {self.user}. "
                              "Sign in again with that address (nothing was stored).")
        return tokens

    def close(self) -> None:
        try:
            self._server.server_close()
        except OSError:
            pass


def begin(app, config: OAuthConfig, account_name: str, user: str, *,
          tls_context: ssl.SSLContext | None = None) -> SignIn:
    """Start a sign-in: the loopback listener is open and ``url`` is ready for the browser."""
    cid = client_id(app, config, account_name)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    server = _Listener(("127.0.0.1", 0), _Handler)
    server.timeout = 0.2
    server.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/"
    params = {"response_type": "code", "client_id": cid, "redirect_uri": redirect_uri,
              "scope": " ".join(config.scopes), "state": state, "code_challenge": challenge,
              "code_challenge_method": "S256", **dict(config.extra_params)}
    if user:
        params["login_hint"] = user
    sep = "&" if "?" in config.authorize_url else "?"
    url = config.authorize_url + sep + urllib.parse.urlencode(params)
    return SignIn(config, account_name, user, cid, client_secret(app, config), url, redirect_uri, state,
                  verifier, server, tls_context)


def sign_in(app, account, open_browser: Callable[[str], object], *, timeout: float = DEFAULT_TIMEOUT,
            progress: Progress = NO_PROGRESS, tls_context: ssl.SSLContext | None = None) -> Tokens:
    """The whole flow for a stored account: open the browser, wait, exchange, store the tokens.

    ``open_browser(url)`` shows the page (the system browser; tests follow it with an HTTP
    client). Raises SignInError (nothing stored) or Cancelled-free SignInError("cancelled")."""
    from .oauth_providers import account_config

    config = account_config(account)
    if config is None:
        raise SignInError("setup", f"account {account.name!r} does not sign in with OAuth2")
    flow = begin(app, config, account.name, account.username, tls_context=tls_context)
    try:
        progress.update(0, None, f"Waiting for you to sign in to {account.name} in your browser")
        open_browser(flow.url)
        code = flow.wait(timeout=timeout, progress=progress)
    except Cancelled:
        raise SignInError("cancelled", f"Sign-in to {account.name} was cancelled; nothing was stored.") from None
    finally:
        flow.close()
    tokens = flow.exchange(code)
    save(app, account.id, tokens)
    return tokens
