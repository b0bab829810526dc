"""Returned mail made by real mail servers (tests/fixtures/bounces/<server>/, with labels.json).

The Debian servers' mails were made by tests/fixtures/bounces/make/make_bounces.py; the
flufl.bounce samples are third-party mails (see their README). Every mail must give exactly
the expected (recipient, kind) answers, and each server's set as a whole must reach the
targets the bounce classifier is held to.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import bounce_families
import pytest

from mailer_desktop.domain.inbox import classify

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bounces"


CASES = [(label.parent.name, name, entries)
         for label in sorted(FIXTURES.glob("*/labels.json"))
         for name, entries in sorted(json.loads(label.read_text(encoding="utf-8"))["files"].items())]


def test_there_are_server_fixtures():
    servers = {server for server, _, _ in CASES}
    assert {"postfix", "exim", "sendmail", "opensmtpd", "courier", "dma", "dovecot"} <= servers


@pytest.mark.parametrize(("server", "name", "expected"), CASES, ids=[f"{s}/{n}" for s, n, _ in CASES])
def test_each_returned_mail(server, name, expected):
    raw = (FIXTURES / server / name).read_bytes()
    results = classify(raw)
    got = sorted(((r.recipient or "").lower(), r.kind) for r in results)
    blind = expected[0]["recipient"] is None
    want = sorted(("" if blind else e["recipient"].lower(), e["kind"]) for e in expected)
    if blind:
        got = sorted(("", kind) for _, kind in got)
    assert got == want, [(r.recipient, r.kind, r.status, r.category, r.reason) for r in results]


@pytest.mark.parametrize("line_ends", ["lf", "crlf"])
def test_server_fixtures_meet_the_targets(line_ends):
    folder = bounce_families.fixtures(FIXTURES)
    preds = {}
    for key, path in folder.files.items():
        raw = path.read_bytes().replace(b"\r\n", b"\n")
        if line_ends == "crlf":
            raw = raw.replace(b"\n", b"\r\n")
        preds[key] = [dataclasses.asdict(r) for r in classify(raw)]
    scores = bounce_families.score(folder.labels, preds)
    assert scores["recipient_recall"] >= 0.97
    assert scores["kind_accuracy"] >= 0.95
    assert scores["hard_precision"] >= 0.98
    assert scores["hard_recall"] >= 0.95
