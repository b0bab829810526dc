"""SASL initial responses for signing in with an OAuth2 access token (no I/O, no encoding to base64:
the protocol libraries do that).

- XOAUTH2 (Google's and Microsoft's): ``user=ADDR^Aauth=Bearer TOKEN^A^A``
- OAUTHBEARER (RFC 7628): ``n,a=ADDR,^Ahost=HOST^Aport=PORT^Aauth=Bearer TOKEN^A^A``
"""

from __future__ import annotations


def _clean(value: str, what: str) -> str:
    if any(c in value for c in "\x01\r\n"):
        raise ValueError(f"the {what} contains a control character")
    return value


def xoauth2(user: str, token: str) -> bytes:
    return f"user={_clean(user, 'user name')}\x01auth=Bearer {_clean(token, 'token')}\x01\x01".encode()


def oauthbearer(user: str, token: str, host: str = "", port: int | None = None) -> bytes:
    # RFC 7628 §3.1: the authzid is a GS2 saslname, where ',' and '=' are escaped.
    name = _clean(user, "user name").replace("=", "=3D").replace(",", "=2C")
    parts = [f"n,a={name},"]
    if host:
        parts.append(f"host={_clean(host, 'host')}")
    if port:
        parts.append(f"port={int(port)}")
    parts.append(f"auth=Bearer {_clean(token, 'token')}")
    return ("\x01".join(parts) + "\x01\x01").encode()
