"""Classification speed: a 10,000-message mbox built from the bounce corpus, classified in full.

usage: python bench/inbox.py [--messages N] [--corpus DIR] [--profile]

Prints messages per second for reading the mbox and classifying every message (target:
at least 1,000 messages/s). The corpus is ../shared/corpus/bounces beside the project unless
--corpus names another folder of .eml files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailer_desktop.domain.inbox import classify  # noqa: E402
from mailer_desktop.services.inbox_sources import iter_mbox  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bounces" / "emails"


def build_mbox(corpus: Path, count: int, target: Path) -> int:
    mails = [p.read_bytes() for p in sorted(corpus.glob("*.eml"))]
    if not mails:
        raise SystemExit(f"no .eml files in {corpus}")
    size = 0
    with target.open("wb") as fh:
        for i in range(count):
            raw = mails[i % len(mails)].replace(b"\r\n", b"\n")
            # mboxrd: escape "From " at line starts inside the message
            body = b"\n".join((b">" + line) if line.startswith((b"From ", b">From ")) else line
                              for line in raw.split(b"\n"))
            chunk = b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + body.rstrip(b"\n") + b"\n\n"
            fh.write(chunk)
            size += len(chunk)
    return size


def run(mbox: Path) -> tuple[int, float, Counter]:
    kinds: Counter = Counter()
    start = time.perf_counter()
    n = 0
    for message in iter_mbox(mbox):
        for result in classify(message.raw):
            kinds[result.kind] += 1
        n += 1
    return n, time.perf_counter() - start, kinds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--profile", action="store_true", help="print the 20 most expensive functions")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        mbox = Path(tmp) / "bench.mbox"
        size = build_mbox(args.corpus, args.messages, mbox)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            n, seconds, kinds = run(mbox)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        else:
            n, seconds, kinds = run(mbox)
    rate = n / seconds if seconds else float("inf")
    print(f"mbox: {n} messages, {size / 1e6:.1f} MB")
    print(f"classified in {seconds:.2f} s: {rate:,.0f} messages/s (target 1,000)")
    print("results by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0 if rate >= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
