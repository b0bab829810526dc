"""A real OAuth2 authorization server on loopback, built from authlib's server components.

It serves, over plain HTTP on 127.0.0.1 (in a background thread):

- ``GET /authorize`` — the sign-in page (a form asking for address and password) after authlib
  validated the request (client, loopback redirect URI, PKCE S256 challenge required);
  ``POST /authorize`` — checks the password and redirects back with a code (or ``access_denied``);
- ``POST /token`` — authorization code (with the PKCE verifier) and refresh token grants;
  refresh tokens rotate; access tokens live ``lifetime`` seconds; an ID token names the address;
- ``POST /revoke`` (RFC 7009) and ``POST /introspect`` (RFC 7662, for resource servers such as
  the XOAUTH2 SMTP sink and Dovecot, with HTTP basic client authentication).

:func:`follow_in_browser` plays the user's browser: it follows the authorize URL, fills in the
form and follows the redirect to the program's loopback listener, the way a browser would.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import secrets
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback, test only

from authlib.oauth2 import AuthorizationServer, OAuth2Request  # noqa: E402
from authlib.oauth2.rfc6749 import grants  # noqa: E402
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload  # noqa: E402
from authlib.oauth2.rfc6750 import BearerTokenGenerator  # noqa: E402
from authlib.oauth2.rfc7009 import RevocationEndpoint  # noqa: E402
from authlib.oauth2.rfc7636 import CodeChallenge  # noqa: E402
from authlib.oauth2.rfc7662 import IntrospectionEndpoint  # noqa: E402

CLIENT_ID = "mailer-desktop-test-client"
RESOURCE_ID, RESOURCE_SECRET = "mail-servers", "resource-secret-7"
SCOPES = "mail offline_access openid email"


@dataclass
class Client:
    client_id: str
    secret: str = ""
    public: bool = True

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope

    def check_redirect_uri(self, redirect_uri):
        # RFC 8252 §7.3: a loopback redirect with any port
        parts = urllib.parse.urlsplit(redirect_uri)
        return parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port is not None

    def check_client_secret(self, client_secret):
        return bool(self.secret) and secrets.compare_digest(client_secret, self.secret)

    def check_endpoint_auth_method(self, method, endpoint):
        if self.public:
            return method == "none"
        return method == "client_secret_basic"

    def check_response_type(self, response_type):
        return self.public and response_type == "code"

    def check_grant_type(self, grant_type):
        return self.public and grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    code_challenge: str
    code_challenge_method: str
    created: float = field(default_factory=time.time)

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return None

    def get_auth_time(self):
        return int(self.created)


@dataclass
class Token:
    client_id: str
    user: str
    scope: str
    access_token: str
    refresh_token: str | None
    issued_at: float
    expires_in: int
    access_revoked: bool = False
    refresh_revoked: bool = False
    kind: str = "access_token"  # which of the two strings this record was found by

    def check_client(self, client):
        return client.client_id in (self.client_id, RESOURCE_ID)

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        if self.kind == "refresh_token":
            return False
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.refresh_revoked if self.kind == "refresh_token" else self.access_revoked

    def get_user(self):
        return self.user

    def get_client(self):
        return Client(self.client_id)


class _Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: dict, form: dict[str, str]):
        super().__init__(method, uri, headers=headers)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(uri).query, keep_blank_values=True))
        self._args, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class OAuthServer:
    """``with OAuthServer(lifetime=30, users={"shop@example.test": "pw"}) as srv:`` → srv.url"""

    def __init__(self, users: dict[str, str], *, lifetime: int = 3600, deny: bool = False):
        self.users = dict(users)
        self.lifetime = lifetime
        self.clients = {CLIENT_ID: Client(CLIENT_ID), RESOURCE_ID: Client(RESOURCE_ID, RESOURCE_SECRET, False)}
        self.codes: dict[str, Code] = {}
        self.tokens: list[Token] = []
        self.lock = threading.RLock()
        self.mail_access_withdrawn = False  # every token is refused by the mail servers (e.g. SMTP AUTH off)
        self.counts = {"authorize": 0, "code": 0, "refresh": 0, "refused_refresh": 0, "introspect": 0}
        self.server = self._authorization_server()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._http.daemon_threads = True
        self.port = self._http.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> OAuthServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._http.shutdown()
        self._http.server_close()

    @property
    def introspection_url(self) -> str:
        return f"http://{RESOURCE_ID}:{RESOURCE_SECRET}@127.0.0.1:{self.port}/introspect"

    # -- what tests ask and change ---------------------------------------------------------------
    def active_user(self, access_token: str) -> str | None:
        """Who an access token belongs to while it is valid (what introspection answers)."""
        with self.lock:
            for t in self.tokens:
                if t.access_token == access_token:
                    if t.access_revoked or time.time() >= t.issued_at + t.expires_in:
                        return None
                    return t.user
        return None

    def revoke_refresh_tokens(self, user: str) -> None:
        """What a password change or withdrawn consent does at the provider."""
        with self.lock:
            for t in self.tokens:
                if t.user == user:
                    t.refresh_revoked = True
                    t.access_revoked = True

    def revoke_access_tokens(self) -> None:
        with self.lock:
            for t in self.tokens:
                t.access_revoked = True

    def issued_refresh_tokens(self) -> list[str]:
        with self.lock:
            return [t.refresh_token for t in self.tokens if t.refresh_token]

    def issued_access_tokens(self) -> list[str]:
        with self.lock:
            return [t.access_token for t in self.tokens]

    # -- authlib wiring --------------------------------------------------------------------------
    def _authorization_server(self) -> AuthorizationServer:
        outer = self

        class Server(AuthorizationServer):
            def query_client(self, client_id):
                return outer.clients.get(client_id)

            def save_token(self, token, request):
                user = request.user if isinstance(request.user, str) else request.user
                record = Token(request.client.client_id, user, token.get("scope", ""), token["access_token"],
                               token.get("refresh_token"), time.time(), int(token["expires_in"]))
                with outer.lock:
                    outer.tokens.append(record)
                if "openid" in (token.get("scope") or "").split():
                    token["id_token"] = _unsigned_jwt({"iss": outer.url, "aud": request.client.client_id,
                                                       "sub": user, "email": user, "iat": int(time.time()),
                                                       "exp": int(time.time()) + 600})

            def create_oauth2_request(self, request):
                return request

            def create_json_request(self, request):
                raise NotImplementedError

            def handle_response(self, status, body, headers):
                return status, body, headers

            def send_signal(self, name, *args, **kwargs):
                pass

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

            def save_authorization_code(self, code, request):
                data = request.payload.data
                with outer.lock:
                    outer.codes[code] = Code(code, request.client.client_id, data["redirect_uri"],
                                             data.get("scope", ""), request.user, data["code_challenge"],
                                             data.get("code_challenge_method", "plain"))

            def query_authorization_code(self, code, client):
                with outer.lock:
                    found = outer.codes.get(code)
                if found and found.client_id == client.client_id and time.time() - found.created < 120:
                    return found
                return None

            def delete_authorization_code(self, authorization_code):
                with outer.lock:
                    outer.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code):
                outer.counts["code"] += 1
                return authorization_code.user

        class RefreshGrant(grants.RefreshTokenGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["none"]
            INCLUDE_NEW_REFRESH_TOKEN = True  # rotate, as Microsoft does

            def authenticate_refresh_token(self, refresh_token):
                with outer.lock:
                    for t in outer.tokens:
                        if t.refresh_token == refresh_token and not t.refresh_revoked:
                            return t
                outer.counts["refused_refresh"] += 1
                return None

            def authenticate_user(self, credential):
                outer.counts["refresh"] += 1
                return credential.user

            def revoke_old_credential(self, refresh_token):
                with outer.lock:
                    refresh_token.refresh_revoked = True

        def find(token_string, hint):
            with outer.lock:
                for t in outer.tokens:
                    if t.access_token == token_string:
                        return Token(**{**t.__dict__, "kind": "access_token"})
                    if t.refresh_token == token_string:
                        return Token(**{**t.__dict__, "kind": "refresh_token"})
            return None

        class Revocation(RevocationEndpoint):
            CLIENT_AUTH_METHODS = ["none", "client_secret_basic"]

            def query_token(self, token_string, token_type_hint):
                return find(token_string, token_type_hint)

            def revoke_token(self, token, request):
                with outer.lock:
                    for t in outer.tokens:
                        if token.kind == "refresh_token" and t.refresh_token == token.refresh_token:
                            t.refresh_revoked = t.access_revoked = True
                        elif t.access_token == token.access_token:
                            t.access_revoked = True

        class Introspection(IntrospectionEndpoint):
            def query_token(self, token_string, token_type_hint):
                outer.counts["introspect"] += 1
                return None if outer.mail_access_withdrawn else find(token_string, token_type_hint)

            def check_permission(self, token, client, request):
                return client.client_id == RESOURCE_ID

            def introspect_token(self, token):
                return {"active": True, "client_id": token.client_id, "token_type": "Bearer",
                        "username": token.user, "scope": token.scope, "sub": token.user,
                        "exp": int(token.issued_at + token.expires_in), "iat": int(token.issued_at)}

        server = Server()
        server.register_token_generator("default", BearerTokenGenerator(
            access_token_generator=lambda **kw: secrets.token_urlsafe(32),
            refresh_token_generator=lambda **kw: secrets.token_urlsafe(40),
            expires_generator=lambda client, grant_type: outer.lifetime))
        server.register_grant(CodeGrant, [CodeChallenge(required=True)])
        server.register_grant(RefreshGrant)
        server.register_endpoint(Revocation)
        server.register_endpoint(Introspection)
        return server

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def _request(self, form: dict[str, str]) -> _Request:
                return _Request(self.command, f"{outer.url}{self.path}", dict(self.headers.items()), form)

            def _form(self) -> dict[str, str]:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                return dict(urllib.parse.parse_qsl(body, keep_blank_values=True))

            def _send(self, status: int, body, headers) -> None:
                headers = dict(headers or [])
                if isinstance(body, dict):
                    payload = json.dumps(body).encode()
                    headers.setdefault("Content-Type", "application/json")
                else:
                    payload = (body or "").encode()
                    headers.setdefault("Content-Type", "text/html; charset=utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):  # noqa: N802
                path = urllib.parse.urlsplit(self.path).path
                if path != "/authorize":
                    return self._send(404, {"error": "not_found"}, None)
                outer.counts["authorize"] += 1
                request = self._request({})
                try:
                    outer.server.get_consent_grant(request)
                except Exception as exc:  # authlib's OAuth2Error: shown on the page, as providers do
                    return self._send(400, f"<p>Bad sign-in request: {html.escape(str(exc))}</p>", None)
                action = html.escape(self.path, quote=True)
                page = (f'<form method="post" action="{action}">'
                        '<input name="username"><input name="password" type="password">'
                        '<button name="consent" value="yes">Allow</button>'
                        '<button name="consent" value="no">Deny</button></form>')
                return self._send(200, page, None)

            def do_POST(self):  # noqa: N802
                path = urllib.parse.urlsplit(self.path).path
                form = self._form()
                if path == "/authorize":
                    request = self._request({})
                    grant = outer.server.get_consent_grant(request)
                    user = form.get("username", "")
                    ok = (form.get("consent") == "yes" and user in outer.users
                          and secrets.compare_digest(outer.users[user], form.get("password", "")))
                    request.user = user if ok else None
                    status, body, headers = outer.server.create_authorization_response(
                        request, grant_user=user if ok else None, grant=grant)
                    return self._send(status, body, headers)
                request = self._request(form)
                if path == "/token":
                    status, body, headers = outer.server.create_token_response(request)
                elif path == "/revoke":
                    status, body, headers = outer.server.create_endpoint_response("revocation", request)
                elif path == "/introspect":
                    status, body, headers = outer.server.create_endpoint_response("introspection", request)
                else:
                    status, body, headers = 404, {"error": "not_found"}, None
                return self._send(status, body, headers)

        return Handler


def _unsigned_jwt(claims: dict) -> str:
    def part(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


_FORM_ACTION = re.compile(r'<form method="post" action="([^"]+)"')


def follow_in_browser(url: str, user: str, password: str, *, consent: str = "yes") -> str:
    """What a browser does with the authorize URL: load the sign-in page, submit the form and
    follow the redirect (to the program's loopback listener). Returns the last page's text."""
    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode()
        base = response.geturl()
    action = html.unescape(_FORM_ACTION.search(page).group(1))
    data = urllib.parse.urlencode({"username": user, "password": password, "consent": consent}).encode()
    with urllib.request.urlopen(urllib.parse.urljoin(base, action), data=data, timeout=30) as response:
        return response.read().decode()


def browser(user: str, password: str, **kwargs):
    """An ``open_browser`` callable: the browser runs on its own, as a real one does."""
    pages: list[str] = []
    errors: list[BaseException] = []

    def open_browser(url: str) -> None:
        def run():
            try:
                pages.append(follow_in_browser(url, user, password, **kwargs))
            except BaseException as exc:  # seen by the test through .errors
                errors.append(exc)
        threading.Thread(target=run, daemon=True).start()

    open_browser.pages = pages
    open_browser.errors = errors
    return open_browser


def provider_config(srv: OAuthServer, preset: str = "oauth2", **kwargs):
    """The account's sign-in pointed at this server (endpoints given as for another provider)."""
    from mailer_desktop.services.accounts.oauth_providers import config_for

    kwargs.setdefault("client_id", CLIENT_ID)
    return config_for(preset, authorize_url=f"{srv.url}/authorize", token_url=f"{srv.url}/token",
                      revoke_url=f"{srv.url}/revoke", scopes=SCOPES.split(), **kwargs)
