"""Rate limiting: an account limited to 5 msg/s sends for 60 s; the receiving server (aiosmtpd
in its own thread) timestamps each message. Passes when the measured rate is within +-3 % of
the limit and no one-second window (anchored at any arrival) holds more than 5 messages.
Usage: python bench/rate_limit.py [--rate R] [--seconds S]
"""

from __future__ import annotations

import argparse
import threading
import time

from _common import cleanup, data_folder, loopback_account
from smtp_servers import Server

from mailer_desktop.services.sending.engine import send_campaign


class Stamping:
    def __init__(self):
        self.times: list[float] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.times.append(time.monotonic())
        return "250 2.0.0 OK"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=5.0)
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    n = int(args.rate * args.seconds) + 1
    app, campaign_id = data_folder(n, pool=2)
    handler = Stamping()
    try:
        with Server(handler) as srv:
            loopback_account(app, srv.port, 2, rate=args.rate)
            status = send_campaign(app, campaign_id, "bench")
    finally:
        cleanup(app)
    times = sorted(handler.times)
    limit = int(args.rate) if args.rate >= 1 else 1
    worst = max(sum(1 for u in times[i:i + limit + 2] if u < t + 1.0) for i, t in enumerate(times))
    measured = (len(times) - 1) / (times[-1] - times[0])
    deviation = (measured - args.rate) / args.rate * 100
    print(f"sent: {status['sent']} in {times[-1] - times[0]:.2f} s; configured {args.rate:g} msg/s, "
          f"measured {measured:.3f} msg/s ({deviation:+.2f} %)")
    print(f"most messages in any one-second window: {worst} (limit {limit})")
    ok = abs(deviation) <= 3.0 and worst <= limit
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
