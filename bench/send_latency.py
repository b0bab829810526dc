"""Latency hiding: against `smtp-sink -w 1` (one second before each DATA reply) with 10
connections the engine must still deliver >= 9 msg/s.
Usage: python bench/send_latency.py [--messages N]
"""

from __future__ import annotations

import argparse
import time

from _common import Sink, cleanup, data_folder, loopback_account

from mailer_desktop.services.sending.engine import send_campaign


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--connections", type=int, default=10)
    args = ap.parse_args()
    app, campaign_id = data_folder(args.messages, pool=args.connections)
    try:
        with Sink("-w", "1") as sink:
            loopback_account(app, sink.port, args.connections)
            t0 = time.perf_counter()
            status = send_campaign(app, campaign_id, "bench")
            elapsed = time.perf_counter() - t0
    finally:
        cleanup(app)
    if status["sent"] != args.messages:
        raise SystemExit(f"only {status['sent']} of {args.messages} were sent: {status}")
    print(f"messages: {args.messages}, connections: {args.connections}, server delay: 1 s per DATA")
    print(f"elapsed: {elapsed:.2f} s, {args.messages / elapsed:.2f} msg/s  (target: >= 9 msg/s)")


if __name__ == "__main__":
    main()
