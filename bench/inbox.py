"""Bounce classification: how well (whole corpus and leave-one-family-out) and how fast.

usage: python bench/inbox.py [--messages N] [--corpus DIR] [--profile] [--mistakes]

Prints, for the development corpus (../shared/corpus/bounces beside the project, or --corpus):
the scores over the whole corpus and leave-one-family-out (each server family scored with the
rules that only that family backs switched off; see tests/support/bounce_families.py), once more
with a rule counted as backed also where it answers right on labelled real mail from outside the
corpus (the servers run here, BounceParser's samples), and leave-one-file-out; the scores on
the returned mail made here with real servers (tests/fixtures/bounces) and the recipients
found in flufl.bounce's samples (tests/fixtures/bounces-flufl); the scores on
Mail::DeliveryStatus::BounceParser's samples (tests/fixtures/bounces-bounceparser: all entries,
the sure ones, and the two halves of its README); the written sets of tests/fixtures/written
(mail written from servers' and people's formats, labelled before it was classified); then messages per second for
reading a 10,000-message mbox built from the corpus and classifying every message (target: at
least 1,000 messages/s).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

import bounce_families  # noqa: E402

from mailer_desktop.domain.inbox import classify  # noqa: E402
from mailer_desktop.services.inbox.sources import iter_mbox  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "bounces" / "emails"
FIXTURES = ROOT / "tests" / "fixtures" / "bounces"
FLUFL = ROOT / "tests" / "fixtures" / "bounces-flufl"
BOUNCEPARSER = ROOT / "tests" / "fixtures" / "bounces-bounceparser"
REPLIES = ROOT / "tests" / "fixtures" / "bounces-replies"
WRITTEN = ROOT / "tests" / "fixtures" / "written"
# The written sets' kinds as the classifier names them (a delay is soft, category "delayed"; a
# reply that asks nothing is "unknown").
_AS_NAMED = {"delayed": "soft", "other": "unknown"}


def quality(corpus: Path, show_mistakes: bool) -> None:
    labels = corpus.parent / "labels.json"
    corpus_backing: dict = {}
    if labels.is_file():
        folder = bounce_families.corpus(corpus.parent)
        whole = bounce_families.predict(folder)
        print(bounce_families.line("corpus, whole", bounce_families.score(folder.labels, whole)))
        corpus_backing = bounce_families.support(folder)
        lofo, switched = bounce_families.leave_one_family_out(folder, corpus_backing)
        print(bounce_families.line(f"corpus, leave-one-family-out ({len(switched)} families, "
                                   f"{sum(switched.values())} family-only rule alternatives switched off in all)",
                                   bounce_families.score(folder.labels, lofo)))
        if show_mistakes:
            print("\n".join("  lofo: " + m for m in bounce_families.mistakes(folder.labels, lofo)))
        # The same, where a rule also counts as backed when it answers right on labelled real mail
        # from outside the corpus: the servers run here and BounceParser's samples (not the written
        # sets, which were written here, nor the scripted replies, whose far side's words are ours).
        outside = [bounce_families.support_where_right(bounce_families.fixtures(FIXTURES), "servers")
                   if FIXTURES.is_dir() else {},
                   bounce_families.support_where_right(bounce_families.corpus(BOUNCEPARSER), "bounceparser")
                   if BOUNCEPARSER.is_dir() else {}]
        lofo_out, _ = bounce_families.leave_one_family_out(folder, _merged(corpus_backing, *outside))
        print(bounce_families.line("corpus, leave-one-family-out, a rule also backed by real mail from outside the "
                                   "corpus answered right (servers run here, BounceParser's samples)",
                                   bounce_families.score(folder.labels, lofo_out)))
        if show_mistakes:
            print("\n".join("  lofo-outside: " + m for m in bounce_families.mistakes(folder.labels, lofo_out)))
        # Within a family: each mail scored without the rules that fire on no other mail.
        loo, single = bounce_families.leave_one_file_out(folder)
        print(bounce_families.line(f"corpus, leave-one-file-out ({single} rule alternatives fire on one mail only, "
                                   "switched off for it)", bounce_families.score(folder.labels, loo)))
        if show_mistakes:
            print("\n".join("  loo: " + m for m in bounce_families.mistakes(folder.labels, loo)))
    if FIXTURES.is_dir():
        folder = bounce_families.fixtures(FIXTURES)
        preds = bounce_families.predict(folder)
        print(bounce_families.line(f"real servers run here ({', '.join(sorted(folder.families))})",
                                   bounce_families.score(folder.labels, preds)))
        # A rule is switched off for a server when nothing but that server's mail backs it,
        # neither another server here nor any family of the corpus.
        backing = _merged(bounce_families.support(folder), corpus_backing)
        lofo, _ = bounce_families.leave_one_family_out(folder, backing)
        print(bounce_families.line("real servers run here, leave-one-server-out",
                                   bounce_families.score(folder.labels, lofo)))
        if show_mistakes:
            print("\n".join("  servers: " + m for m in bounce_families.mistakes(folder.labels, preds)))
    if REPLIES.is_dir():
        folder = bounce_families.fixtures(REPLIES)
        preds = bounce_families.predict(folder)
        print(bounce_families.line(f"real servers around scripted replies ({len(folder.files)} mails)",
                                   bounce_families.score(folder.labels, preds)))
        # Each server scored with the rules that something other than its own mail here backs:
        # the corpus, the other servers' mail of both sets.
        backing = _merged(bounce_families.support(folder), corpus_backing,
                          bounce_families.support(bounce_families.fixtures(FIXTURES)) if FIXTURES.is_dir() else {})
        lofo, _ = bounce_families.leave_one_family_out(folder, backing)
        print(bounce_families.line("real servers around scripted replies, leave-one-server-out",
                                   bounce_families.score(folder.labels, lofo)))
        staged = {k: v for k, v in folder.labels.items() if not k.startswith(("opensmtpd/", "nullmailer/"))}
        print(bounce_families.line("real servers around scripted replies, without OpenSMTPD and nullmailer (no SMTP "
                                   "stage in their reports)", bounce_families.score(staged, preds)))
        if show_mistakes:
            print("\n".join("  replies: " + m for m in bounce_families.mistakes(folder.labels, preds)))
    if BOUNCEPARSER.is_dir():
        folder = bounce_families.corpus(BOUNCEPARSER)
        preds = bounce_families.predict(folder)
        for name, part in (("all", {}), ("sure entries", {"sure_only": True}),
                           ("half A", {"half": "A"}), ("half B", {"half": "B"})):
            print(bounce_families.line(f"BounceParser samples, {name}",
                                       bounce_families.score(bounce_families.select(folder.labels, **part), preds)))
        if show_mistakes:
            print("\n".join("  bounceparser: " + m for m in bounce_families.mistakes(folder.labels, preds)))
    if WRITTEN.is_dir():
        folder = bounce_families.fixtures(WRITTEN)
        labels = {key: [dict(e, kind=_AS_NAMED.get(e["kind"], e["kind"])) for e in entries]
                  for key, entries in folder.labels.items()}
        preds = bounce_families.predict(folder)
        for part in sorted(folder.families):
            chosen = {k: v for k, v in labels.items() if k.startswith(part + "/")}
            print(bounce_families.line(f"written set {part} (labelled before it was classified)",
                                       bounce_families.score(chosen, preds)))
        if show_mistakes:
            print("\n".join("  written: " + m for m in bounce_families.mistakes(labels, preds)))
    if FLUFL.is_dir():
        found, total, temporary_hard = flufl_recipients(show_mistakes)
        print(f"flufl.bounce samples: recipients found {found}/{total} ({found / total:.3f}); "
              f"temporary failures called hard: {temporary_hard}")


def _merged(*backings: dict) -> dict:
    """Rule alternative -> the families that back it, over several sets."""
    out: dict = {}
    for backing in backings:
        for rule, families in backing.items():
            out[rule] = out.get(rule, set()) | families
    return out


def flufl_recipients(show_mistakes: bool) -> tuple[int, int, int]:
    expected = json.loads((FLUFL / "expected.json").read_text(encoding="utf-8"))["files"]
    found = total = temporary_hard = 0
    for name, entry in expected.items():
        results = {(r.recipient or "").lower(): r for r in classify((FLUFL / name).read_bytes())}
        for addr in entry["recipients"]:
            total += 1
            r = results.get(addr.lower())
            if r is None:
                if show_mistakes:
                    print(f"  flufl: {name}: {addr} not found")
                continue
            found += 1
            temporary_hard += entry["temporary"] and r.kind == "hard"
    return found, total, temporary_hard


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


def run(mbox: Path) -> tuple[int, float, float, Counter]:
    """Messages read and classified, wall-clock seconds, CPU seconds of this process, kinds."""
    kinds: Counter = Counter()
    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    for message in iter_mbox(mbox):
        for result in classify(message.raw):
            kinds[result.kind] += 1
        n += 1
    return n, time.perf_counter() - start, time.process_time() - cpu, kinds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--profile", action="store_true", help="print the 20 most expensive functions")
    ap.add_argument("--mistakes", action="store_true", help="list the files answered wrongly")
    args = ap.parse_args(argv)
    quality(args.corpus, args.mistakes)
    with tempfile.TemporaryDirectory() as tmp:
        mbox = Path(tmp) / "bench.mbox"
        size = build_mbox(args.corpus, args.messages, mbox)
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            n, seconds, cpu, kinds = run(mbox)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        else:
            n, seconds, cpu, kinds = run(mbox)
    rate = n / seconds if seconds else float("inf")
    print(f"mbox: {n} messages, {size / 1e6:.1f} MB")
    # On a shared machine the wall clock also counts other processes' turns on the cores; the
    # CPU time is this process's own work.
    print(f"classified in {seconds:.2f} s: {rate:,.0f} messages/s (target 1,000); "
          f"{cpu:.2f} s of CPU: {n / cpu if cpu else float('inf'):,.0f} messages per CPU second")
    print("results by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0 if rate >= 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
