"""The transaction layer: wire format of the data and pipelined transactions on a real server."""

from __future__ import annotations

import asyncio

import aiosmtplib
import pytest
from smtp_servers import CountingHandler, Server

from mailer_desktop.services.sending.smtp import Endpoint, open_session
from mailer_desktop.services.sending.wire import Session, wire_bytes


def test_wire_bytes_stuffs_dots_and_normalises_line_endings():
    assert wire_bytes(b"a\r\n.b\r\n") == b"a\r\n..b\r\n.\r\n"
    assert wire_bytes(b".start\nx\rY") == b"..start\r\nx\r\nY\r\n.\r\n"
    assert wire_bytes(b"no dot at end") == b"no dot at end\r\n.\r\n"


@pytest.mark.parametrize("pipelining", [False, True])
def test_transactions_on_one_session(pipelining):
    handler = CountingHandler()
    handler.pipelining = pipelining

    async def run(port):
        session = Session(await open_session(Endpoint("127.0.0.1", port, "none", timeout=5)))
        assert session.pipelining is pipelining
        for i in range(3):
            await session.envelope("shop@example.com", f"r{i}@example.org", 5)
            assert await session.content(b"Subject: x\r\n\r\n.hidden dot\r\n", 5)
        with pytest.raises(aiosmtplib.SMTPRecipientRefused):  # header injection never reaches the wire
            await session.envelope("shop@example.com", "bad\r\nRCPT TO:<x@y>", 5)
        await session.quit()

    with Server(handler) as srv:
        asyncio.run(run(srv.port))
    assert handler.received == {"r0@example.org": 1, "r1@example.org": 1, "r2@example.org": 1}
    assert all(b"\r\n.hidden dot" in m for m in handler.messages)
