"""Opening the connection to an IMAP server, with errors in plain words, and certificates a
user chose to trust for one account.

- TLS spoken to a STARTTLS port, STARTTLS or plain text to a TLS port (which would wait for
  the greeting until the timeout), a refused port, an unknown host: each says what is wrong
  and what to change.
- A certificate no authority vouches for (a small business's own server) is refused with its
  SHA-256 fingerprint; the user can trust exactly that certificate for that account
  (``inbox trust-cert``). A trusted ("pinned") certificate is accepted only while the server
  shows that same certificate; certificate errors are never ignored otherwise.
"""

from __future__ import annotations

import hashlib
import imaplib
import shlex
import socket
import ssl
from dataclasses import dataclass

GREETING_TIMEOUT = 8.0   # an IMAP server greets at once; silence means the port speaks TLS first
PROBE_TIMEOUT = 5.0
_PIN_KEY = "imap.trusted_certificate.{account_id}"
_NOT_TLS = {"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG",
            "RECORD_LAYER_FAILURE", "UNEXPECTED_RECORD", "WRONG_SSL_VERSION"}


class ImapConnectError(Exception):
    """The connection could not be opened; the message says why and what to change."""


def fingerprint(der: bytes) -> str:
    """SHA-256 of a certificate as mail programs and browsers show it: 'AB:CD:…'."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def normal_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, with or without colons or a 'SHA256:' prefix), in
    :func:`fingerprint`'s form; ValueError when it is not 64 hex digits."""
    cleaned = text.strip().upper().removeprefix("SHA256:").removeprefix("SHA-256:").replace(":", "").replace(" ", "")
    if len(cleaned) != 64 or any(c not in "0123456789ABCDEF" for c in cleaned):
        raise ValueError(f"{text!r} is not a SHA-256 fingerprint (64 hex digits, e.g. AB:CD:…)")
    return ":".join(cleaned[i:i + 2] for i in range(0, 64, 2))


def pin_key(account_id: int) -> str:
    return _PIN_KEY.format(account_id=account_id)


@dataclass(frozen=True)
class Certificate:
    der: bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.der)

    def describe(self) -> str:
        """Subject, issuer and validity in one line."""
        try:
            from cryptography import x509

            cert = x509.load_der_x509_certificate(self.der)
            subject = cert.subject.rfc4514_string() or "(no name)"
            issuer = cert.issuer.rfc4514_string() or "(no name)"
            until = cert.not_valid_after_utc.strftime("%Y-%m-%d")
        except Exception:  # an odd certificate: the fingerprint alone identifies it
            return "a certificate that could not be read"
        own = " (signed by itself)" if subject == issuer else f", issued by {issuer}"
        return f"{subject}{own}, valid until {until}"


def _unchecked_context() -> ssl.SSLContext:
    """Only to read a certificate (to show or compare it); never used to send anything."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def open_connection(host: str, port: int, security: str, *, where: str, timeout: float,
                    tls_context: ssl.SSLContext | None = None, pinned: str | None = None,
                    account: str = "ACCOUNT") -> imaplib.IMAP4:
    """A connected (not logged-in) IMAP session; ImapConnectError with the reason otherwise.

    ``pinned``: the fingerprint of a certificate the user trusts for this account; used only
    when the normal check fails, and then only that exact certificate is accepted."""
    try:
        return _connect(host, port, security, timeout, tls_context or ssl.create_default_context())
    except ssl.SSLCertVerificationError as exc:
        if pinned and tls_context is None:
            conn = _connect(host, port, security, timeout, _unchecked_context())
            shown = fingerprint(conn.sock.getpeercert(binary_form=True) or b"")
            if shown == pinned:
                return conn
            _quiet_logout(conn)
            raise ImapConnectError(
                f"{where}: the server's certificate changed (now {shown}; trusted: {pinned}). If your mail "
                "server got a new certificate, check its fingerprint and trust it again (inbox trust-cert); "
                "otherwise someone may be listening in, and nothing was sent.") from exc
        cert = _peek_certificate(host, port, security, timeout)
        shown = f" Its SHA-256 fingerprint is {cert.fingerprint} ({cert.describe()})." if cert else ""
        command = f"inbox trust-cert {shlex.quote(account)} --fingerprint {cert.fingerprint if cert else 'FINGERPRINT'}"
        raise ImapConnectError(
            f"{where}: the server's certificate is not trusted ({exc.verify_message or exc.reason}); nothing was "
            f"sent.{shown} If this is your own mail server and whoever runs it confirms this fingerprint, trust "
            f"this certificate for the account: {command}") from exc


def _connect(host: str, port: int, security: str, timeout: float, context: ssl.SSLContext) -> imaplib.IMAP4:
    greeting = min(timeout, GREETING_TIMEOUT)
    try:
        if security == "tls":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(host, port, ssl_context=context, timeout=greeting)
        else:
            conn = imaplib.IMAP4(host, port, timeout=greeting)
        conn.sock.settimeout(timeout)
    except ssl.SSLCertVerificationError:
        raise
    except ssl.SSLError as exc:
        if security == "tls" and (exc.reason in _NOT_TLS or "wrong version number" in str(exc).lower()):
            raise ImapConnectError(
                f"IMAP {host}:{port}: the server does not speak TLS from the start on port {port} — it expects "
                f"STARTTLS there (port 143 usually does); choose STARTTLS for port {port}, or TLS with "
                "port 993") from exc
        raise ImapConnectError(f"IMAP {host}:{port}: the TLS connection failed ({exc.reason or exc})") from exc
    except TimeoutError as exc:
        if security != "tls" and _speaks_tls(host, port):
            chosen = "STARTTLS" if security == "starttls" else "plain text"
            raise ImapConnectError(
                f"IMAP {host}:{port}: port {port} expects TLS from the first byte (port 993 usually does), but "
                f"the account is set to {chosen}; choose TLS for port {port}, or STARTTLS with port 143") from exc
        raise ImapConnectError(f"IMAP {host}:{port}: the server did not greet within {greeting:.0f} s; is it an "
                               "IMAP server? (IMAP: port 993 with TLS, 143 with STARTTLS)") from exc
    except ConnectionRefusedError as exc:
        raise ImapConnectError(f"IMAP {host}:{port}: nothing answers on port {port} (connection refused); check "
                               "the host and port (IMAP: 993 with TLS, 143 with STARTTLS)") from exc
    except socket.gaierror as exc:
        from ..sending.smtp import host_not_found

        raise ImapConnectError(f"IMAP {host}:{port}: {host_not_found(host, exc)}") from exc
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapConnectError(f"IMAP {host}:{port}: cannot connect ({exc})") from exc
    if security == "starttls":
        try:
            conn.starttls(ssl_context=context)
        except ssl.SSLCertVerificationError:
            _quiet_logout(conn)
            raise
        except imaplib.IMAP4.error as exc:
            _quiet_logout(conn)
            raise ImapConnectError(f"IMAP {host}:{port}: the server does not offer STARTTLS on port {port} "
                                   f"({exc}); choose TLS with port 993") from exc
        except (OSError, ssl.SSLError) as exc:
            _quiet_logout(conn)
            raise ImapConnectError(f"IMAP {host}:{port}: STARTTLS failed ({exc})") from exc
    return conn


def _speaks_tls(host: str, port: int) -> bool:
    """Whether the port answers a TLS handshake (only the handshake: nothing else is sent)."""
    try:
        with socket.create_connection((host, port), timeout=PROBE_TIMEOUT) as raw:
            with _unchecked_context().wrap_socket(raw, server_hostname=host):
                return True
    except ssl.SSLError:
        return False
    except OSError:
        return False


def _peek_certificate(host: str, port: int, security: str, timeout: float) -> Certificate | None:
    try:
        return peek_certificate(host, port, security, timeout=timeout)
    except ImapConnectError:
        return None


def peek_certificate(host: str, port: int, security: str, *, timeout: float = 30.0) -> Certificate:
    """The certificate the server shows (read without trusting it: nothing is sent after the
    handshake, no login)."""
    if security not in ("tls", "starttls"):
        raise ImapConnectError(f"IMAP {host}:{port}: the account does not use TLS, so there is no certificate")
    conn = _connect(host, port, security, timeout, _unchecked_context())
    try:
        der = conn.sock.getpeercert(binary_form=True)
    finally:
        _quiet_logout(conn)
    if not der:
        raise ImapConnectError(f"IMAP {host}:{port}: the server showed no certificate")
    return Certificate(der)


def _quiet_logout(conn: imaplib.IMAP4) -> None:
    try:
        conn.logout()
    except Exception:
        pass
