"""An SMTP sink that takes only AUTH XOAUTH2 (or OAUTHBEARER, RFC 7628) and checks each bearer token with the authorization
server's introspection endpoint (RFC 7662), as a provider's submission server does.

A refused token gets the XOAUTH2 error challenge (a base64 JSON status, RFC 7628 style) and,
after the client's empty answer, ``535 5.7.3 Authentication unsuccessful``. A session whose token
has expired is refused at its next MAIL FROM with ``454 4.7.0``, so the client must sign in with
a fresh token on a new connection. ``max_per_session`` ends sessions after that many messages
(``421``), as many providers do.
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
import urllib.request

from aiosmtpd.smtp import AuthResult
from smtp_servers import CountingHandler, Server


def introspect(url: str, token: str) -> dict:
    parts = urllib.parse.urlsplit(url)
    clean = parts._replace(netloc=f"{parts.hostname}:{parts.port}").geturl()
    request = urllib.request.Request(clean, data=urllib.parse.urlencode({"token": token}).encode(), method="POST")
    basic = base64.b64encode(f"{parts.username}:{parts.password}".encode()).decode()
    request.add_header("Authorization", f"Basic {basic}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class XOAuth2Handler(CountingHandler):
    def __init__(self, introspection_url: str, *, max_per_session: int = 0,
                 expired_reply: str = "454 4.7.0 The access token of this session has expired; sign in again"):
        super().__init__()
        self.expired_reply = expired_reply
        self.introspection_url = introspection_url
        self.max_per_session = max_per_session
        self.logins: list[str] = []        # users that signed in, one per session
        self.refused = 0
        self.expired_sessions = 0
        self._count_lock = threading.Lock()

    async def _check(self, token: str) -> dict:
        import asyncio

        return await asyncio.get_running_loop().run_in_executor(None, introspect, self.introspection_url, token)

    async def _sasl(self, server, args, parse):
        if len(args) > 1:  # the initial response on the AUTH line
            raw = args[1].encode()
        else:
            raw = await server.challenge_auth("", encode_to_b64=False)
        try:
            user, token = parse(base64.b64decode(raw).decode())
        except Exception:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode response")
        answer = await self._check(token)
        if not answer.get("active") or answer.get("username") != user:
            with self._count_lock:
                self.refused += 1
            error = base64.b64encode(json.dumps({"status": "401", "schemes": "bearer",
                                                 "scope": "mail"}).encode()).decode()
            await server.challenge_auth(error, encode_to_b64=False)  # the client answers and learns why
            return AuthResult(success=False, handled=False, message="535 5.7.3 Authentication unsuccessful")
        server.session.oauth_exp = float(answer.get("exp") or 0)
        server.session.oauth_sent = 0
        with self._count_lock:
            self.logins.append(user)
        return AuthResult(success=True, auth_data=user)

    async def auth_XOAUTH2(self, server, args):  # noqa: N802 (aiosmtpd finds auth_<MECHANISM>)
        def parse(text):
            fields = dict(f.split("=", 1) for f in text.split("\x01") if "=" in f)
            return fields["user"], fields["auth"].removeprefix("Bearer ")
        return await self._sasl(server, args, parse)

    async def auth_OAUTHBEARER(self, server, args):  # noqa: N802 (RFC 7628)
        def parse(text):
            gs2, *kvs = text.split("\x01")
            user = next(p[2:] for p in gs2.split(",") if p.startswith("a=")).replace("=2C", ",").replace("=3D", "=")
            fields = dict(f.split("=", 1) for f in kvs if "=" in f)
            return user, fields["auth"].removeprefix("Bearer ")
        return await self._sasl(server, args, parse)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        import time

        exp = getattr(session, "oauth_exp", 0)
        if exp and time.time() >= exp + 1:  # exp is in whole seconds
            with self._count_lock:
                self.expired_sessions += 1
            return self.expired_reply
        if self.max_per_session and getattr(session, "oauth_sent", 0) >= self.max_per_session:
            return "421 4.7.0 Too many messages in this session; connect again"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        session.oauth_sent = getattr(session, "oauth_sent", 0) + 1
        return await super().handle_DATA(server, session, envelope)


def xoauth2_server(introspection_url: str, *, tls_context=None, mechanisms=("XOAUTH2",), **kwargs) -> Server:
    """The sink on loopback, offering only the SASL ``mechanisms`` (XOAUTH2 and/or OAUTHBEARER);
    with ``tls_context`` it offers STARTTLS and AUTH only after it, without one it runs in plain
    text (the client allows that only to this computer)."""
    import warnings

    warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS", UserWarning)
    handler = XOAuth2Handler(introspection_url, **kwargs)
    tls = {"tls_context": tls_context, "require_starttls": True} if tls_context is not None else {}
    return Server(handler, auth_require_tls=tls_context is not None, auth_required=True,
                  auth_exclude_mechanism=["LOGIN", "PLAIN"] + [m for m in ("XOAUTH2", "OAUTHBEARER")
                                                               if m not in mechanisms], **tls)
