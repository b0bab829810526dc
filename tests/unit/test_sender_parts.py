"""Parts of the send engine on their own: reply classification, the rate limiter, the daily budget."""

from __future__ import annotations

import asyncio
import time

import aiosmtplib
import pytest

from mailer_desktop.services.sending.outcome import from_exception, from_reply
from mailer_desktop.services.sending.rate import DailyBudget, RateLimiter


@pytest.mark.parametrize("code, text, stage, kind", [
    (550, "5.1.1 <a@x>: Recipient address rejected: User unknown", "rcpt", "hard_bounce"),
    (550, "No such user here", "rcpt", "hard_bounce"),
    (553, "5.1.3 Bad recipient address syntax", "rcpt", "hard_bounce"),
    (550, "5.7.1 Message rejected due to poor reputation", "data", "policy"),
    (554, "5.6.0 Content rejected", "data", "permanent"),
    (552, "5.2.2 Mailbox full", "rcpt", "permanent"),
    (451, "4.3.0 Try later", "rcpt", "temporary"),
    (452, "4.2.2 Over quota", "data", "temporary"),
    (421, "4.7.0 Too many connections", "mail", "temporary"),
    (535, "5.7.8 Authentication credentials invalid", "mail", "auth"),
    (530, "5.7.0 Authentication required", "mail", "auth"),
    (553, "5.7.1 Sender address rejected: not owned by user", "mail", "sender_refused"),
])
def test_replies_are_classified(code, text, stage, kind):
    out = from_reply(code, text, stage=stage)
    assert out.kind == kind
    assert out.reply.startswith(str(code))


def test_exceptions_are_classified():
    refused = aiosmtplib.SMTPRecipientsRefused([aiosmtplib.SMTPRecipientRefused(550, "5.1.1 unknown", "a@x")])
    assert from_exception(refused).kind == "hard_bounce"
    assert from_exception(refused).status == "5.1.1"
    dropped = from_exception(aiosmtplib.SMTPServerDisconnected("gone"))
    assert dropped.kind == "temporary" and dropped.reconnect
    assert from_exception(aiosmtplib.SMTPReadTimeoutError("slow")).kind == "temporary"
    assert from_exception(aiosmtplib.SMTPDataError(554, "5.7.1 spam")).kind == "policy"
    with pytest.raises(ValueError):
        from_exception(ValueError("a bug is not a delivery outcome"))


def test_rate_limiter_never_exceeds_the_limit_in_any_one_second_window():
    async def run():
        limiter = RateLimiter(per_second=20)
        stamps = []
        for _ in range(50):
            await limiter.acquire()
            stamps.append(time.monotonic())
        return stamps

    stamps = asyncio.run(run())
    for i, t in enumerate(stamps):
        assert sum(1 for u in stamps[i:] if u < t + 1.0) <= 20
    rate = (len(stamps) - 1) / (stamps[-1] - stamps[0])
    assert 19.0 <= rate <= 20.5


def test_rate_limiter_hourly_window_with_a_fake_clock():
    now = [1000.0]
    limiter = RateLimiter(per_second=0, per_hour=3, clock=lambda: now[0])

    async def take(n):
        for _ in range(n):
            await limiter.acquire()

    asyncio.run(take(3))
    assert limiter.wait_time() == pytest.approx(3600.0)
    now[0] += 3600.0
    assert limiter.wait_time() == 0
    assert RateLimiter().wait_time() == 0


def test_daily_budget():
    b = DailyBudget(3, used_before=2)
    assert b.take() and not b.take() and b.exhausted
    b.give_back()
    assert not b.exhausted
    unlimited = DailyBudget(0, used_before=10 ** 6)
    assert unlimited.take() and not unlimited.exhausted


def test_no_network_is_told_apart_from_a_misspelt_server_name():
    import socket

    from mailer_desktop.services.sending.smtp import Endpoint, classify

    ep = Endpoint("smtp.gmail.com", 587, "starttls")
    offline = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    kind, message = classify(offline, ep)
    assert kind == "unknown_host" and "Is this computer online?" in message and "spelling" not in message
    kind, message = classify(socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
                             Endpoint("smtp.gmial.com", 587, "starttls"))
    assert kind == "unknown_host" and "'smtp.gmial.com' is unknown" in message and "Check the spelling" in message
