"""Hand-written inbox mails in tests/fixtures/inbox with {u} {c} {r} {id} placeholders."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "inbox"

# Token-shaped values with tags no key produced: enough for the classifier, which has no key.
FAKE = {"u": "mdu2ax" + "abcdefghijklmnop", "c": "mdc2ax" + "bcdefghijklmnopq", "r": "mdr7y2ax" + "cdefghijklmnopqr"}


def fixture(name: str, **values: str) -> bytes:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    merged = {**FAKE, "id": "1", **values}
    for key, value in merged.items():
        text = text.replace("{" + key + "}", value)
    return text.replace("\n", "\r\n").encode("utf-8")
