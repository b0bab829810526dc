"""Hand-built returned mail in layouts the other sets lack (tests/fixtures/bounces-layouts): every
mail must give exactly the expected recipients and kinds."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

import bounce_families  # noqa: E402

FOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "bounces-layouts"
_folder = bounce_families.corpus(FOLDER)


def test_every_mail_is_labelled():
    assert set(_folder.labels) == {p.name for p in (FOLDER / "emails").glob("*.eml")}


@pytest.mark.parametrize("name", sorted(_folder.labels))
def test_layout(name):
    preds = bounce_families.predict(_folder, [name])
    assert bounce_families.mistakes({name: _folder.labels[name]}, preds) == []
