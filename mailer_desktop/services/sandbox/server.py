"""The sandbox: a built-in SMTP server on 127.0.0.1 that captures mail instead of delivering it.

Every message it receives is stored as one ``.eml`` file in the data folder's ``sandbox``
folder, with ``Delivered-To`` lines naming the envelope recipients (as a real mailbox would),
so a new user can run a whole campaign without any real mailbox and look at exactly what people
would get. The GUI and the CLI start it in a background thread (:class:`SandboxServer`); the
send engine starts one for the duration of a send when none is running.

Nothing is handed to a stranger: the sandbox proves itself in its EHLO reply
(:mod:`.seal`), and :func:`open_sandbox` uses a server already on the port only when
it is this data folder's sandbox (a ``sandbox serve`` or the window of the same data folder);
when another program holds the port, this folder's sandbox runs on a free port instead.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as AioSMTP

from ...storage import accounts as account_store
from ..app import App
from . import seal as sandbox_seal

HOST = "127.0.0.1"
log = logging.getLogger(__name__)
_counter = itertools.count()


class SandboxError(RuntimeError):
    pass


class CaptureHandler:
    """aiosmtpd handler: accepts any recipient and writes each message to ``folder``."""

    def __init__(self, folder: Path, key: bytes | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.key = key
        self.received = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        answer = sandbox_seal.proof(self.key, hostname) if self.key else None
        if answer is not None:
            responses.insert(len(responses) - 1, f"250-{sandbox_seal.EXTENSION} {answer}")
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        head = b"".join(b"Delivered-To: " + rcpt.encode("utf-8", "replace") + b"\r\n"
                        for rcpt in envelope.rcpt_tos)
        head = b"X-Sandbox-Envelope-From: " + (envelope.mail_from or "").encode("utf-8", "replace") + b"\r\n" + head
        data = envelope.original_content or envelope.content or b""
        if isinstance(data, str):
            data = data.encode("utf-8")
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(_counter):06d}.eml"
        tmp = self.folder / (name + ".part")
        tmp.write_bytes(head + data)
        tmp.replace(self.folder / name)  # readers never see half a message
        self.received += 1
        return "250 2.0.0 Captured by the Mailer Desktop sandbox"


class _Controller(Controller):
    def factory(self):
        return AioSMTP(self.handler, hostname="sandbox.localhost", ident="Mailer Desktop sandbox",
                       data_size_limit=50 * 1024 * 1024)


class SandboxServer:
    """The sandbox in a background thread: ``start()`` returns once it listens; ``stop()`` ends it.
    ``port`` 0 means any free port (``port`` holds the one chosen once started). ``key`` is the
    data folder's sandbox key (default: the key of the folder that holds ``folder``)."""

    def __init__(self, folder: Path, port: int, host: str = HOST, key: bytes | None = None):
        self.folder = Path(folder)
        self.port = int(port)
        self.host = host
        self.handler = CaptureHandler(self.folder, key if key is not None else sandbox_seal.key_for(self.folder.parent))
        self._controller: _Controller | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_app(cls, app: App, port: int | None = None) -> SandboxServer:
        return cls(app.paths.sandbox, port if port is not None else sandbox_port(app),
                   key=sandbox_seal.key_for(app.paths.home))

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SandboxServer:
        with self._lock:
            if self._controller is not None:
                return self
            if not self.port:
                self._controller = self._start_anywhere()
                return self
            if port_open(self.host, self.port):
                raise SandboxError(f"port {self.port} on {self.host} is already in use (another sandbox or "
                                   "another program); change the sandbox port in Settings > Accounts")
            controller = _Controller(self.handler, hostname=self.host, port=self.port, ready_timeout=10)
            try:
                controller.start()
            except Exception as exc:
                raise SandboxError(f"the sandbox could not listen on {self.host}:{self.port}: {exc}") from exc
            self._controller = controller
        return self

    def _start_anywhere(self) -> _Controller:
        last: Exception | None = None
        for _ in range(5):  # another program may take the free port between the look and the bind
            with socket.socket() as s:
                s.bind((self.host, 0))
                port = s.getsockname()[1]
            controller = _Controller(self.handler, hostname=self.host, port=port, ready_timeout=10)
            try:
                controller.start()
            except Exception as exc:
                last = exc
                continue
            self.port = port
            return controller
        raise SandboxError(f"the sandbox could not listen on any free port of {self.host}: {last}")

    def stop(self) -> None:
        with self._lock:
            controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def sandbox_port(app: App) -> int:
    row = account_store.sandbox(app.db.conn)
    if row is None:
        raise SandboxError("the built-in sandbox account is missing from the database")
    return row.port


def identify(home: Path, host: str, port: int, timeout: float = 3.0) -> str:
    """Who listens on ``host:port``: ``"free"`` (nobody), ``"ours"`` (the sandbox of the data folder
    ``home``, proven by its EHLO reply) or ``"foreign"`` (anything else, including a sandbox of
    another data folder and a server that does not answer)."""
    import smtplib

    challenge = sandbox_seal.new_challenge()
    smtp = smtplib.SMTP(timeout=timeout, local_hostname=challenge)
    try:
        smtp.connect(host, port)
    except ConnectionRefusedError:
        return "free"
    except (OSError, smtplib.SMTPException):
        smtp.close()
        return "free" if not port_open(host, port) else "foreign"
    try:
        code, _ = smtp.ehlo(challenge)
        answer = smtp.esmtp_features.get(sandbox_seal.EXTENSION.lower()) if code == 250 else None
        ours = sandbox_seal.verify(sandbox_seal.key_for(home), challenge, answer)
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            pass
        return "ours" if ours else "foreign"
    except (OSError, smtplib.SMTPException):
        return "foreign"
    finally:
        smtp.close()


def open_sandbox(app: App, port: int, host: str = HOST) -> tuple[int, SandboxServer | None]:
    """The port a send to the sandbox uses, and the server started for it (stop it afterwards;
    None when this data folder's sandbox already runs there). When another program holds the
    port, this folder's sandbox is started on a free port instead: nothing goes to a stranger."""
    who = identify(app.paths.home, host, port)
    if who == "ours":
        return port, None
    if who == "free":
        try:
            return port, SandboxServer.for_app(app, port).start()
        except SandboxError:  # taken meanwhile
            pass
    server = SandboxServer.for_app(app, 0).start()
    log.warning("another program listens on %s:%s; the sandbox runs on port %s for this send", host, port,
                server.port)
    return server.port, server


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


# -- reading what was captured -----------------------------------------------------------

@dataclass(frozen=True)
class CapturedMessage:
    path: Path
    recipients: tuple[str, ...]
    sender: str
    subject: str
    date: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name


_header_parser = BytesParser(policy=policy.default)


def _summary(path: Path) -> CapturedMessage:
    with path.open("rb") as fh:
        msg = _header_parser.parse(fh, headersonly=True)
    return CapturedMessage(
        path=path,
        recipients=tuple(str(v) for v in msg.get_all("Delivered-To", [])),
        sender=str(msg.get("From", "")),
        subject=str(msg.get("Subject", "")),
        date=str(msg.get("Date", "")),
        size=path.stat().st_size,
    )


def list_messages(app: App, *, limit: int | None = None, newest_first: bool = True) -> list[CapturedMessage]:
    """Captured messages (newest first by default)."""
    folder = app.paths.sandbox
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.iterdir() if p.suffix == ".eml"), reverse=newest_first)
    if limit is not None:
        names = names[:limit]
    out = []
    for p in names:
        try:
            out.append(_summary(p))
        except (OSError, ValueError):
            continue  # removed meanwhile, or unreadable: not worth failing the list for
    return out


def _inside_sandbox(app: App, path: Path) -> Path:
    path = Path(path).resolve()
    if path.parent != app.paths.sandbox.resolve():
        raise SandboxError(f"{path} is not a sandbox message")
    return path


def read_raw(app: App, path: Path) -> bytes:
    return _inside_sandbox(app, path).read_bytes()


def read_message(app: App, path: Path) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(read_raw(app, path))  # type: ignore[return-value]


def bodies(msg: EmailMessage) -> tuple[str, str]:
    """(html, text) bodies of a captured message ('' where a part is missing)."""
    html_part = msg.get_body(preferencelist=("html",))
    text_part = msg.get_body(preferencelist=("plain",))
    html = html_part.get_content() if html_part is not None else ""
    text = text_part.get_content() if text_part is not None else ""
    return html, text


def clear(app: App) -> int:
    """Delete every captured message; returns how many."""
    folder = app.paths.sandbox
    n = 0
    if folder.is_dir():
        for p in folder.iterdir():
            if p.suffix in (".eml", ".part"):
                p.unlink(missing_ok=True)
                n += 1
    return n
