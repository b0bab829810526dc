"""The rule sets' joined pattern finds what their alternatives find, one by one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mailer_desktop.domain.inbox import rules
from mailer_desktop.domain.inbox.rules import REGISTRY

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bounces" / "emails"
_TEXTS = [
    "550 5.1.1 <ann@example.org>: recipient address rejected: user unknown in virtual mailbox table",
    "la boite aux lettres du destinataire est pleine ou n'existe pas",
    "421 service refuse. veuillez essayer plus tard. service refused, please try later.",
    "bar baz foo", "foobar", "a bc", "xbc", "",
]


def _plain_union(alternatives) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


@pytest.mark.parametrize("alternatives", [
    [r"\bfoo", r"\bbar|baz", "qux", r"\b(?:a|b)c"],
    [r"\bfoo\b", r"\bbar\b"],
    [r"\b5\.1\.1\b", r"user unknown", r"\bunknown\b"],
])
def test_words_that_share_a_word_boundary_are_found_where_each_would_be(alternatives):
    joined = re.compile(rules._union(alternatives))
    plain = _plain_union(alternatives)
    for text in _TEXTS:
        a, b = joined.search(text), plain.search(text)
        assert (a is None) == (b is None), text
        if a:
            assert a.start() == b.start(), text


def test_every_rule_set_finds_the_same_places_as_its_alternatives_joined_plainly():
    texts = list(_TEXTS)
    if CORPUS.is_dir():
        texts += [p.read_bytes().decode("utf-8", "replace").lower()[:3000] for p in sorted(CORPUS.glob("*.eml"))[:60]]
    for name, rule_set in REGISTRY.items():
        if not isinstance(rule_set, rules.Rules):
            continue
        joined = rule_set.compile_only(range(len(rule_set.alternatives)))
        plain = re.compile(rule_set.wrap.replace("<<ALTERNATIVES>>", "|".join(f"(?:{a})" for a in rule_set.alternatives)),
                           rule_set.flags)
        for text in texts:
            a, b = joined.search(text), plain.search(text)
            assert (a is None) == (b is None), (name, text[:80])
            if a:
                assert a.start() == b.start(), (name, text[:80])
