"""Import speed and memory: a generated 1,000,000-row CSV into a fresh database.

Prints the wall time of the import, the peak RSS of the process, and the ratio to a plain
``csv.reader`` pass over the same file measured in the same run (which factors out how fast
the machine is at the moment). Targets (issue 22): <= 15 s, <= 400 MB.

    .venv/bin/python bench/import.py [--rows N] [--keep DIR]

The file mixes what real lists hold: ~3% invalid addresses, ~5% duplicates (other case,
spaces), non-ASCII names, IDN domains, role accounts and typo domains, plus a few entries on
the suppression list.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

FIRST = ["Anna", "Jörg", "Zoë", "François", "Łukasz", "Søren", "José", "Mia", "Noah", "Ælfrida", "李", "Дмитрий"]
LAST = ["Müller", "Smith", "Øvergaard", "Núñez", "García", "Kowalski", "Dubois", "Nakamura", "O'Brien", "Иванов"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "bücher.example", "exämple.de", "shop.example.co.uk",
           "gmial.com", "gmail.com", "web.de", "firma.example"]
BAD = ["not an address", "anna@", "@example.com", "a..b@example.com", "anna@@example.com", "x@-bad-.com", ""]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Email", "First Name", "Last Name", "Company", "City"])
        for i in range(rows):
            r = rnd.random()
            first, last = rnd.choice(FIRST), rnd.choice(LAST)
            if r < 0.03:
                email = rnd.choice(BAD)
            elif r < 0.08 and i > 10:
                j = rnd.randrange(i)
                email = f"  User.{j}@{DOMAINS[j % len(DOMAINS)].upper()} "
            elif r < 0.09:
                email = f"info{i}@{rnd.choice(DOMAINS)}" if r < 0.085 else f"info@d{i}.example.com"
            else:
                email = f"user.{i}@{DOMAINS[i % len(DOMAINS)]}"
            w.writerow([email, first, last, f"Firma {i % 997}" if r < 0.5 else "", "Zürich" if r < 0.2 else ""])


class RssSampler:
    """The largest resident memory of this process and its children together, sampled (Linux /proc)."""

    interval = 0.02

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            pids = [me, *self._children(me)]
            self.peak_mb = max(self.peak_mb, sum(self._rss_kb(pid) for pid in pids) / 1024)

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    found += [int(c) for c in fh.read().split()]
            except OSError:
                pass
        return found

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its ended children (the reading processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def plain_pass(path: Path) -> float:
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as fh:
        for _row in csv.reader(fh):
            pass
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", metavar="DIR", help="keep the data folder and the CSV in DIR")
    args = ap.parse_args()

    from memkeyring import MemoryKeyring

    from mailer_desktop.services import importing
    from mailer_desktop.services.app import open_app
    from mailer_desktop.services.contacts import suppression
    from mailer_desktop.services.importing import checking

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="import-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv_path = work / "contacts.csv"
        t = time.perf_counter()
        generate(csv_path, args.rows)
        print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
        home = work / "data"
        shutil.rmtree(home, ignore_errors=True)
        app = open_app(home, keyring_backend=MemoryKeyring(), log_to_file=False)
        # user.{i} lives at DOMAINS[i % 10]: these three rows exist, and a whole domain is blocked
        for entry in ("user.1@example.org", "user.12@mail.example.net", "web.de"):
            suppression.suppress(app, entry, reason="manual")
        baseline = plain_pass(csv_path)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sampler = RssSampler()
        cpu_before = _cpu_seconds()
        start = time.perf_counter()
        with sampler:
            report = importing.import_file(app, csv_path, importing.ImportOptions(list_name="Bench"))
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_before
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # The processes that read and check the rows of a big file: each one's peak, added to ours,
        # is an upper bound (they end before the import's database work, where this process peaks).
        workers = checking.reader_count() if report.rows >= checking.PARALLEL_MIN_ROWS else 0
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if workers else 0.0
        app.close()
        print(report.summary())
        print(f"import wall time  {wall:8.2f} s   (target <= 15 s)")
        print(f"peak RSS          {max(sampler.peak_mb, peak):8.1f} MB  (target <= 400 MB; all processes of the import "
              f"together, sampled every {sampler.interval * 1000:.0f} ms; {rss_before:.0f} MB before the import)")
        print(f"  per process     importing process {peak:.0f} MB + {workers} reading process(es) "
              f"x {worker_peak:.0f} MB, each at its own peak: {peak + workers * worker_peak:.0f} MB at most")
        print(f"CPU time          {cpu:8.2f} s   (all processes of the import, user + system; "
              f"{os.cpu_count()} cores: at best {cpu / (os.cpu_count() or 1):.1f} s of wall time)")
        print(f"csv.reader pass   {baseline:8.2f} s")
        print(f"ratio             {wall / baseline:8.1f}     (import wall time / csv.reader pass)")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
