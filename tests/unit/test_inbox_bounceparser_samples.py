"""Mail::DeliveryStatus::BounceParser's sample mails (tests/fixtures/bounces-bounceparser), labelled
by hand from each mail's text: mail from servers and providers outside the development corpus."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

import bounce_families  # noqa: E402

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "bounces-bounceparser"


def _scores(**part) -> dict[str, float]:
    folder = bounce_families.corpus(FOLDER)
    preds = bounce_families.predict(folder)
    return bounce_families.score(bounce_families.select(folder.labels, **part), preds)


def test_every_sample_is_labelled():
    folder = bounce_families.corpus(FOLDER)
    on_disk = {p.name for p in (FOLDER / "emails").glob("*.eml")}
    assert set(folder.labels) == on_disk
    assert all(e["kind"] in {"hard", "soft", "complaint", "auto_reply", "unknown"}
               for entries in folder.labels.values() for e in entries)


def test_scores_hold_their_floor():
    s = _scores()
    assert s["entries"] == 130
    assert s["recipient_recall"] >= 0.99, s
    assert s["kind_accuracy"] >= 0.88, s
    assert s["hard_precision"] >= 0.90, s
    assert s["hard_recall"] >= 0.81, s
    # On the entries whose reading is not in doubt, no soft failure is called hard.
    assert _scores(sure_only=True)["hard_precision"] >= 0.98


def test_halves_split_the_files():
    folder = bounce_families.corpus(FOLDER)
    a = bounce_families.select(folder.labels, half="A")
    b = bounce_families.select(folder.labels, half="B")
    assert a and b and not set(a) & set(b) and set(a) | set(b) == set(folder.labels)
    sure = bounce_families.select(folder.labels, sure_only=True)
    assert all(e.get("sure", True) for entries in sure.values() for e in entries)
    assert sum(map(len, sure.values())) < sum(map(len, folder.labels.values()))
