"""Real SMTP servers on loopback for the send tests (aiosmtpd in a background thread).

- :class:`CountingHandler` accepts everything and counts, per envelope recipient, how many
  messages arrived.
- :class:`FaultHandler` adds faults with a fixed seed: 421/451/452 replies, dropped
  connections and stalls (all *before* a message is stored, as a real server that did not take
  the message), and permanent 550 5.1.1 / 554 answers for chosen addresses.
"""

from __future__ import annotations

import asyncio
import random
import socket
import threading
from collections import Counter

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as AioSMTP
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class CountingHandler:
    pipelining = False  # advertise PIPELINING (RFC 2920); aiosmtpd reads pipelined commands in order

    def __init__(self):
        self.received: Counter[str] = Counter()
        self.messages: list[bytes] = []
        self.keep_messages = True
        self._lock = threading.Lock()

    def store(self, envelope) -> None:
        with self._lock:
            for rcpt in envelope.rcpt_tos:
                self.received[rcpt] += 1
            if self.keep_messages:
                self.messages.append(envelope.original_content or envelope.content)

    async def handle_DATA(self, server, session, envelope):
        self.store(envelope)
        return "250 2.0.0 OK queued"

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.received.values())


class FaultHandler(CountingHandler):
    """Random temporary faults (seeded) plus fixed permanent answers per address."""

    def __init__(self, seed: int = 1234, *, temp_rate: float = 0.12, drop_rate: float = 0.03,
                 stall_rate: float = 0.02, stall_seconds: float = 1.5,
                 permanent: dict[str, str] | None = None):
        super().__init__()
        self.rng = random.Random(seed)
        self.temp_rate, self.drop_rate, self.stall_rate = temp_rate, drop_rate, stall_rate
        self.stall_seconds = stall_seconds
        self.permanent = dict(permanent or {})
        self.faults: Counter[str] = Counter()

    def _roll(self) -> str | None:
        r = self.rng.random()
        if r < self.drop_rate:
            return "drop"
        r -= self.drop_rate
        if r < self.stall_rate:
            return "stall"
        r -= self.stall_rate
        if r < self.temp_rate:
            return self.rng.choice(["421 4.3.2 Service shutting down", "451 4.3.0 Try again later",
                                    "452 4.2.2 Insufficient storage"])
        return None

    async def _fault(self, server, where: str) -> str | None:
        fault = self._roll()
        if fault is None:
            return None
        self.faults[f"{where}:{fault.split(' ')[0]}"] += 1
        if fault == "drop":
            server.transport.abort()
            return "421 4.4.2 dropped"
        if fault == "stall":
            await asyncio.sleep(self.stall_seconds)
            return "451 4.4.2 stalled"
        if fault.startswith("421"):
            server.transport.close()
        return fault

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.permanent:
            return self.permanent[address]
        fault = await self._fault(server, "rcpt")
        if fault:
            return fault
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        fault = await self._fault(server, "data")
        if fault:
            return fault
        self.store(envelope)
        return "250 2.0.0 OK queued"


class RejectAuth:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)


class AcceptAuth:
    def __init__(self, user: str, password: str):
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = getattr(auth_data, "login", None) == self.user and getattr(auth_data, "password", None) == self.password
        return AuthResult(success=ok, handled=False)


class _Controller(Controller):
    def __init__(self, handler, port, **smtp_kwargs):
        self._smtp_kwargs = smtp_kwargs
        super().__init__(handler, hostname="127.0.0.1", port=port, ready_timeout=10)

    def factory(self):
        return AioSMTP(self.handler, hostname="test.localhost", **self._smtp_kwargs)


class Server:
    """``with Server(handler) as srv:`` → srv.port; extra kwargs go to aiosmtpd's SMTP."""

    def __init__(self, handler, port: int | None = None, **smtp_kwargs):
        self.handler = handler
        self.port = port or free_port()
        self._controller = _Controller(handler, self.port, **smtp_kwargs)

    def start(self) -> Server:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
