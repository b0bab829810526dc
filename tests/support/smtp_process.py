"""An aiosmtpd server in a process of its own, for tests that kill, restart or silence it.

    python smtp_process.py --port P --log FILE [--behaviour B] [--pipelining] [--every N]

Every event is appended to FILE as one line, flushed at once, so the test reads it even after a
SIGKILL: ``open N`` / ``close N`` (connections open after the change), ``rcpt ADDRESS`` (an
accepted RCPT TO), ``stored ADDRESS`` (a message taken, before its reply is written).
The process prints ``ready`` on standard output once it listens.

Behaviours:
- ``normal``: accepts everything.
- ``silent_mid``: after ``--every`` stored messages, never answers a RCPT TO again (a server that
  hangs in the middle of transactions, on every connection, new ones too).
- ``silent_after_dot``: stores every ``--every``-th message and then never answers its final dot.
- ``faults``: per address, fixed by its digits: ``550 5.1.1`` for 1 % of the addresses, ``451`` at the
  first RCPT TO of another 2 %.
- ``fake_sandbox``: advertises the sandbox's EHLO extension with a made-up answer.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import sys
import zlib

from aiosmtpd.smtp import SMTP

_DIGITS = re.compile(r"(\d+)@")


def fault_for(address: str) -> str | None:
    """The fixed fault of an address in the ``faults`` behaviour ('550', '451' or None)."""
    m = _DIGITS.search(address)
    n = int(m.group(1)) if m else zlib.crc32(address.encode())
    if n % 100 == 7:
        return "550"
    if n % 50 == 3:
        return "451"
    return None


class Recorder:
    def __init__(self, path: str):
        self.fh = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the process's life
        self.open = 0

    def line(self, text: str) -> None:
        self.fh.write(text + "\n")
        self.fh.flush()


class Handler:
    def __init__(self, rec: Recorder, behaviour: str, pipelining: bool, every: int):
        self.rec, self.behaviour, self.pipelining, self.every = rec, behaviour, pipelining, every
        self.stored = 0
        self.tried: set[str] = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.pipelining:
            responses.insert(len(responses) - 1, "250-PIPELINING")
        if self.behaviour == "fake_sandbox":
            responses.insert(len(responses) - 1, f"250-X-MAILER-DESKTOP-SANDBOX {secrets.token_hex(32)}")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.behaviour == "silent_mid" and self.stored >= self.every:
            await asyncio.Event().wait()  # never answers
        if self.behaviour == "faults":
            fault = fault_for(address)
            if fault == "550":
                return f"550 5.1.1 <{address}>: user unknown"
            if fault == "451" and address not in self.tried:
                self.tried.add(address)
                return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        self.rec.line(f"rcpt {address}")
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.rec.line(f"stored {rcpt}")
        self.stored += 1
        if self.behaviour == "silent_after_dot" and self.stored % self.every == 0:
            await asyncio.Event().wait()  # took the message, never says so
        return "250 2.0.0 OK queued"


class CountingSMTP(SMTP):
    def __init__(self, handler, rec: Recorder):
        super().__init__(handler, hostname="test.localhost", enable_SMTPUTF8=True)
        self.rec = rec

    def connection_made(self, transport):
        self.rec.open += 1
        self.rec.line(f"open {self.rec.open}")
        super().connection_made(transport)

    def connection_lost(self, exc):
        self.rec.open -= 1
        self.rec.line(f"close {self.rec.open}")
        super().connection_lost(exc)


async def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--behaviour", default="normal",
                   choices=["normal", "silent_mid", "silent_after_dot", "faults", "fake_sandbox"])
    p.add_argument("--pipelining", action="store_true")
    p.add_argument("--every", type=int, default=50)
    args = p.parse_args(argv)
    rec = Recorder(args.log)
    handler = Handler(rec, args.behaviour, args.pipelining, args.every)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: CountingSMTP(handler, rec), "127.0.0.1", args.port,
                                      reuse_address=True)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
