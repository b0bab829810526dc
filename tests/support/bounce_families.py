"""Scoring the classifier by server family: whole corpus and leave-one-family-out.

A folder of returned mails with expected answers (``labels.json`` as in ../shared/corpus/bounces)
is grouped by the server family that produced each mail: the file name without its number
(``lhost-postfix-07.eml`` → ``lhost-postfix``; ``arf-03.eml`` → ``arf``), or the sub-folder
for the project's own fixtures.

Leave-one-family-out with hand-written rules: every phrase and layout rule is an alternative
in a named rule set (``mailer_desktop/domain/inbox/rules.py``). A run over the whole folder
records which texts each rule set was asked about; an alternative's *support* is the set of
families on whose mail it fires. A rule that fires on one family only can only have been
written from that family (or from outside knowledge that nothing else in the folder backs up),
so when family F is scored, every alternative whose support is exactly {F} is switched off.
What stays on for F has been seen to work on some other family. The RFC 3463 code table and
the RFC 3464 / RFC 5965 field reading are code, not rule sets: they come from the standards.

The metrics are those of the corpus's ``score.py`` (recipient recall, kind accuracy, hard
precision and recall, complaint recall), computed the same way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mailer_desktop.domain.inbox import classify, rules  # noqa: E402

_NUMBERED = re.compile(r"-\d+\.eml$")


def family_of(path: Path, base: Path) -> str:
    rel = path.relative_to(base)
    if len(rel.parts) > 1:  # the project's fixtures: one folder per server
        return rel.parts[0]
    return _NUMBERED.sub("", path.name) if _NUMBERED.search(path.name) else path.stem


@dataclass
class Folder:
    """Mails with expected answers: ``labels`` maps a file key to its label entries."""

    base: Path
    files: dict[str, Path]
    labels: dict[str, list[dict]]

    @property
    def families(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for key, path in self.files.items():
            out[family_of(path, self.base)].append(key)
        return dict(out)


def corpus(path: Path) -> Folder:
    """../shared/corpus/bounces: ``emails/*.eml`` and ``labels.json``."""
    labels = json.loads((path / "labels.json").read_text(encoding="utf-8"))["files"]
    emails = path / "emails"
    files = {p.name: p for p in sorted(emails.glob("*.eml")) if p.name in labels}
    return Folder(emails, files, labels)


def fixtures(path: Path) -> Folder:
    """The project's own fixtures: ``<family>/*.eml`` with ``<family>/labels.json`` beside them."""
    files: dict[str, Path] = {}
    labels: dict[str, list[dict]] = {}
    for label_file in sorted(path.glob("*/labels.json")):
        family = label_file.parent
        for name, entries in json.loads(label_file.read_text(encoding="utf-8"))["files"].items():
            key = f"{family.name}/{name}"
            files[key] = family / name
            labels[key] = entries
    return Folder(path, files, labels)


def select(labels: dict[str, list[dict]], sure_only: bool = False, half: str | None = None
           ) -> dict[str, list[dict]]:
    """Part of a labelled folder: only the entries marked sure, and/or one half of the files.

    Half "A" holds the files whose name's SHA-1 starts with 0-7, half "B" the rest."""
    out = {}
    for name, entries in labels.items():
        if half is not None and ("A" if hashlib.sha1(name.encode()).hexdigest()[0] in "01234567" else "B") != half:
            continue
        kept = [e for e in entries if e.get("sure", True) or not sure_only]
        if kept:
            out[name] = kept
    return out


def predict(folder: Folder, keys: Iterable[str] | None = None) -> dict[str, list[dict]]:
    out = {}
    for key in keys if keys is not None else folder.files:
        out[key] = [dataclasses.asdict(r) for r in classify(folder.files[key].read_bytes())]
    return out


def support(folder: Folder) -> dict[tuple[str, int], set[str]]:
    """For every rule alternative that fires somewhere: the families it fires on."""
    fams: dict[tuple[str, int], set[str]] = defaultdict(set)
    for family, keys in folder.families.items():
        for key in keys:
            with rules.tracing() as trace:
                classify(folder.files[key].read_bytes())
            for rule in rules.firing(trace):
                fams[rule].add(family)
    return dict(fams)


def support_where_right(folder: Folder, tag: str) -> dict[tuple[str, int], set[str]]:
    """Like :func:`support`, over mail from outside the scored folder: only the mails answered
    exactly as labelled count, and each family is named ``tag:family`` so that it never equals a
    family of the scored folder."""
    fams: dict[tuple[str, int], set[str]] = defaultdict(set)
    for family, keys in folder.families.items():
        for key in keys:
            with rules.tracing() as trace:
                got = [dataclasses.asdict(r) for r in classify(folder.files[key].read_bytes())]
            if mistakes({key: folder.labels[key]}, {key: got}):
                continue
            for rule in rules.firing(trace):
                fams[rule].add(f"{tag}:{family}")
    return dict(fams)


def leave_one_family_out(folder: Folder, backing: dict[tuple[str, int], set[str]] | None = None
                         ) -> tuple[dict[str, list[dict]], dict[str, int]]:
    """Predictions for every file, each family classified without the rules only it backs.

    Returns the predictions and, per family, how many rule alternatives were switched off."""
    backing = support(folder) if backing is None else backing
    preds: dict[str, list[dict]] = {}
    switched: dict[str, int] = {}
    for family, keys in folder.families.items():
        off = {rule for rule, fams in backing.items() if fams == {family}}
        switched[family] = len(off)
        with rules.disabled(off):
            preds.update(predict(folder, keys))
    return preds, switched


def leave_one_file_out(folder: Folder) -> tuple[dict[str, list[dict]], int]:
    """Predictions for every file, each classified without the rule alternatives that fire on
    no other file of the folder (a rule written for one mail). Returns the predictions and how
    many alternatives fire on one file only."""
    fired: dict[str, set[tuple[str, int]]] = {}
    for key, path in folder.files.items():
        with rules.tracing() as trace:
            classify(path.read_bytes())
        fired[key] = set(rules.firing(trace))
    count: dict[tuple[str, int], int] = defaultdict(int)
    for alternatives in fired.values():
        for rule in alternatives:
            count[rule] += 1
    preds: dict[str, list[dict]] = {}
    for key in folder.files:
        with rules.disabled({rule for rule in fired[key] if count[rule] == 1}):
            preds.update(predict(folder, [key]))
    return preds, sum(1 for n in count.values() if n == 1)


def _norm(addr: str | None) -> str | None:
    return None if addr is None else addr.strip().strip("<>").strip().lower()


def score(labels: dict[str, list[dict]], preds: dict[str, list[dict]]) -> dict[str, float]:
    """The corpus's score.py metrics (same pairing rules), as a dict."""
    rcpt_total = rcpt_found = kind_total = kind_ok = 0
    pred_kind: Counter = Counter()
    true_kind: Counter = Counter()
    correct: Counter = Counter()
    for name, ents in labels.items():
        res = preds.get(name, [])
        true_kind.update(e["kind"] for e in ents)
        pred_kind.update(r["kind"] for r in res)
        if ents[0]["recipient"] is None:
            overlap = Counter(e["kind"] for e in ents) & Counter(r["kind"] for r in res)
            kind_total += len(ents)
            kind_ok += sum(overlap.values())
            correct.update(overlap)
            continue
        rcpt_total += len(ents)
        used = [False] * len(ents)
        for r in res:
            a = _norm(r.get("recipient"))
            for i, e in enumerate(ents):
                if not used[i] and a is not None and _norm(e["recipient"]) == a:
                    used[i] = True
                    rcpt_found += 1
                    kind_total += 1
                    if r["kind"] == e["kind"]:
                        kind_ok += 1
                        correct[e["kind"]] += 1
                    break

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    return {
        "recipient_recall": ratio(rcpt_found, rcpt_total),
        "kind_accuracy": ratio(kind_ok, kind_total),
        "hard_precision": ratio(correct["hard"], pred_kind["hard"]),
        "hard_recall": ratio(correct["hard"], true_kind["hard"]),
        "complaint_recall": ratio(correct["complaint"], true_kind["complaint"]),
        "entries": sum(len(v) for v in labels.values()),
    }


def mistakes(labels: dict[str, list[dict]], preds: dict[str, list[dict]]) -> list[str]:
    """One line per file whose (recipient, kind) answers differ from the expected ones."""
    out = []
    for name, ents in labels.items():
        res = preds.get(name, [])
        blind = ents[0]["recipient"] is None
        want = sorted(("" if blind else _norm(e["recipient"]) or "", e["kind"]) for e in ents)
        got = sorted(("" if blind else _norm(r.get("recipient")) or "", r["kind"]) for r in res)
        if want != got:
            out.append(f"{name}: expected {want} got {got} "
                       f"[{'; '.join(r.get('category', '') + ' ' + r.get('status', '') for r in res)}]")
    return out


def line(name: str, s: dict[str, float]) -> str:
    return (f"{name}: recipient recall {s['recipient_recall']:.3f}, kind accuracy {s['kind_accuracy']:.3f}, "
            f"hard precision {s['hard_precision']:.3f}, hard recall {s['hard_recall']:.3f}, "
            f"complaint recall {s['complaint_recall']:.3f} ({s['entries']} entries)")
