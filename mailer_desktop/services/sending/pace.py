"""Which sending limits apply to an account, which of them sets the pace of a send, and when it
should be done — said in words for ``account add``, ``campaign status`` and the send window.

An account's limits come from its preset (a provider's published limits, a little below them),
from the defaults for a server without a preset (2 connections, 5 messages a second), or from
the user. A send of N messages is paced by the tightest of: the per-second rate, the hourly
limit, and the daily limit (what is left of today's, then a full day's each following day,
counted in UTC as the providers do). Without any limit, the server's own speed sets it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ...storage.accounts import AccountRow
from ..accounts.presets import preset


def _per(n: float, unit: str) -> str:
    return f"{n:,g} message{'s' if n != 1 else ''} a {unit}"


def limits_summary(account: AccountRow) -> str:
    """'2 connections, 5 messages a second, no hourly limit, no daily limit'."""
    parts = [f"{account.pool_size} connection{'s' if account.pool_size != 1 else ''}",
             _per(account.rate_per_second, "second") if account.rate_per_second else "no limit per second",
             _per(account.rate_per_hour, "hour") if account.rate_per_hour else "no hourly limit",
             _per(account.rate_per_day, "day") if account.rate_per_day else "no daily limit"]
    return ", ".join(parts)


def limits_note(account: AccountRow, given: set[str] = frozenset()) -> str:
    """What ``account add`` tells: the limits that apply and where they come from. ``given`` names
    the limits the user set (pool_size, rate_per_second, rate_per_hour, rate_per_day)."""
    try:
        p = preset(account.preset)
    except KeyError:
        p = preset("other")
    names = {"pool_size": "connections", "rate_per_second": "per second", "rate_per_hour": "per hour",
             "rate_per_day": "per day"}
    mine = [names[k] for k in names if k in given]
    if account.is_sandbox:
        source = "the sandbox's"
    elif p.key == "other":
        source = ("the defaults for a server without a preset; if your provider publishes lower limits, "
                  f"set them (`account set {account.name} --rate N --per-hour N --per-day N`) so a send never "
                  "trips them")
    else:
        source = f"{p.label}'s published limits, kept a little below them"
    line = f"Limits: {limits_summary(account)} ({source}"
    if mine and len(mine) < len(names):
        line += f"; {', '.join(mine)} as you set {'it' if len(mine) == 1 else 'them'}"
    elif mine:
        line = f"Limits: {limits_summary(account)} (as you set them"
    return line + ")."


@dataclass(frozen=True)
class Pace:
    limit: str            # per_second, per_hour, per_day, server
    text: str             # e.g. "paced by the account's limit of 5 messages a second"
    seconds: float | None  # expected time until done (None: unknown, the server's speed decides)
    finish: datetime | None

    def as_dict(self) -> dict:
        return {"limit": self.limit, "text": self.text, "seconds": self.seconds,
                "finish": self.finish.strftime("%Y-%m-%dT%H:%M:%SZ") if self.finish else None}


def pace(account: AccountRow, messages: int, *, used_today: int = 0, measured_rate: float = 0.0,
         now: datetime | None = None) -> Pace:
    """The pace of sending ``messages`` more through ``account``. ``measured_rate`` (messages a
    second, from a running send) stands for the server's speed when no limit is tighter."""
    now = now or datetime.now(UTC)
    rates = []
    if account.rate_per_second:
        rates.append((float(account.rate_per_second), "per_second",
                      f"the account's limit of {_per(account.rate_per_second, 'second')}"))
    if account.rate_per_hour:
        rates.append((account.rate_per_hour / 3600.0, "per_hour",
                      f"the account's limit of {_per(account.rate_per_hour, 'hour')}"))
    if measured_rate > 0:
        rates.append((measured_rate * 1.0001, "server", "the server's speed"))
    rate, limit, why = min(rates) if rates else (0.0, "server", "the server's speed")
    seconds = messages / rate if rate else None
    day = account.rate_per_day
    if day and messages > max(0, day - used_today):
        left_today = max(0, day - used_today)
        more_days = math.ceil((messages - left_today) / day)
        midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
        rest = messages - left_today - (more_days - 1) * day  # sent on the last day
        last_day = midnight + timedelta(days=more_days - 1)
        finish = last_day + timedelta(seconds=rest / rate if rate else 0)
        text = (f"paced by the account's daily limit of {_per(day, 'day')}: "
                f"{left_today:,} more today, the rest over {more_days} more day{'s' if more_days != 1 else ''}")
        return Pace("per_day", text, (finish - now).total_seconds(), finish)
    if seconds is None:
        return Pace("server", "paced by the server's speed (the account sets no limit)", None, None)
    return Pace(limit, f"paced by {why}", seconds, now + timedelta(seconds=seconds))


def finish_words(p: Pace, now: datetime | None = None) -> str:
    """'expected to finish about 14:32 UTC' (with the date when it is not today)."""
    if p.finish is None:
        return ""
    now = now or datetime.now(UTC)
    local = p.finish.astimezone()
    same_day = local.date() == now.astimezone().date()
    when = local.strftime("%H:%M") if same_day else local.strftime("%Y-%m-%d %H:%M")
    return f"expected to finish about {when}"
