"""The sandbox: a built-in SMTP server on 127.0.0.1 that captures mail instead of delivering it.

Every message it receives is stored as one ``.eml`` file in the data folder's ``sandbox``
folder, with ``Delivered-To`` lines naming the envelope recipients (as a real mailbox would),
so a new user can run a whole campaign without any real mailbox and look at exactly what people
would get. The GUI and the CLI start it in a background thread (:class:`SandboxServer`); the
send engine starts one for the duration of a send when none is running.
"""

from __future__ import annotations

import itertools
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

from ..storage import accounts as account_store
from .app import App

HOST = "127.0.0.1"
_counter = itertools.count()


class SandboxError(RuntimeError):
    pass


class CaptureHandler:
    """aiosmtpd handler: accepts any recipient and writes each message to ``folder``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.received = 0

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
    """The sandbox in a background thread: ``start()`` returns once it listens; ``stop()`` ends it."""

    def __init__(self, folder: Path, port: int, host: str = HOST):
        self.folder = Path(folder)
        self.port = int(port)
        self.host = host
        self.handler = CaptureHandler(self.folder)
        self._controller: _Controller | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_app(cls, app: App, port: int | None = None) -> SandboxServer:
        return cls(app.paths.sandbox, port if port is not None else sandbox_port(app))

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> SandboxServer:
        with self._lock:
            if self._controller is not None:
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


def count_messages(app: App) -> int:
    folder = app.paths.sandbox
    return sum(1 for p in folder.iterdir() if p.suffix == ".eml") if folder.is_dir() else 0


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
