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


# --- the strings every match needs (checked with ``in`` before a rule set's pattern runs) ---

def _samples(parsed, limit: int = 200) -> list[str]:
    """Texts the parsed pattern matches: each alternative of every group, repeats at their least
    (at least once), one character for each class."""
    from re import _constants as c

    out = [""]
    for op, av in parsed:
        if op is c.LITERAL:
            options = [chr(av)]
        elif op is c.NOT_LITERAL:
            options = ["x" if av != ord("x") else "y"]
        elif op is c.ANY:
            options = ["x"]
        elif op is c.IN:
            options = [_one_of(av)]
        elif op is c.BRANCH:
            options = [s for branch in av[1] for s in _samples(branch, limit)]
        elif op is c.SUBPATTERN:
            options = _samples(av[3], limit)
        elif op is c.ATOMIC_GROUP:
            options = _samples(av, limit)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            options = [s * max(av[0], 1) for s in _samples(av[2], limit)] + ([""] if av[0] == 0 else [])
        else:  # anchors, lookarounds, back references: nothing of their own
            options = [""]
        out = [a + b for a in out for b in options][:limit]
    return out


def _one_of(items) -> str:
    from re import _constants as c

    if any(op is c.NEGATE for op, _ in items):
        return "x"
    op, av = items[0]
    if op is c.LITERAL:
        return chr(av)
    if op is c.RANGE:
        return chr(av[0])
    return {c.CATEGORY_DIGIT: "1", c.CATEGORY_SPACE: " "}.get(av, "a") if op is c.CATEGORY else "a"


def test_a_text_a_rule_set_matches_always_holds_one_of_its_needles():
    import re._parser as parser

    checked = 0
    for name, rule_set in REGISTRY.items():
        if not isinstance(rule_set, rules.Rules) or rule_set.needles is None:
            continue
        rx = rule_set.rx
        for alternative in rule_set.alternatives:
            for sample in _samples(parser.parse(alternative, rule_set.flags)):
                for text in (sample, f"xx {sample} yy", sample.upper(), f"- {sample.title()}\n"):
                    if rx.search(text):
                        checked += 1
                        assert not rule_set._absent(text), (name, alternative, text)
    assert checked > 3000  # (every rule set's alternatives gave texts it matches)


@pytest.mark.parametrize("alternatives, flags, wrap, needles", [
    ([r"user unknown", r"\bno such (?:user|mailbox)\b"], 0, rules._SLOT, ("no such ", "user unknown")),
    ([r"(?:unknown|invalid) (?:user|recipient)"], 0, rules._SLOT, ("invalid", "unknown")),
    ([r"5\.1\.1\b", r"mailbox (?:is )?full"], 0, rules._SLOT, ("5.1.1", "mailbox ")),
    ([r"(?:mail)?box full"], 0, rules._SLOT, ("box full",)),
    ([r"abc", r"abcdef"], 0, rules._SLOT, ("abc",)),
    ([r"User Unknown"], re.IGNORECASE, rules._SLOT, ("user unknown",)),
    ([r"\u53d1\u9001\u5931\u8d25", r"failed"], re.IGNORECASE, rules._SLOT, ("failed",)),
    ([r"x-powermta-bouncecategory"], re.M, r"^(?:<<ALTERNATIVES>>)$", ("x-powermta-bouncecategory",)),
])
def test_the_needles_are_what_every_match_must_hold(alternatives, flags, wrap, needles):
    assert set(rules.prefilter(alternatives, flags, wrap) or ()) == set(needles)


@pytest.mark.parametrize("alternatives, flags, wrap", [
    ([r"user unknown", r"\d{3} n\b"], 0, rules._SLOT),         # one alternative holds no string of 3
    ([r"(?:user )?unknown|x"], 0, rules._SLOT),                # a branch without one
    ([r"user unknown"], 0, r"(?:<<ALTERNATIVES>>)?done"),      # the alternatives are optional
    ([r"user unknown"], 0, r"(?=<<ALTERNATIVES>>)"),           # only looked ahead for
    ([r"(?i)user unknown"], 0, rules._SLOT),                   # its own IGNORECASE
    ([r"\u017fpam"], re.IGNORECASE, rules._SLOT),              # "ſpam" also matches "spam"
])
def test_no_needles_where_a_match_need_not_hold_one(alternatives, flags, wrap):
    assert rules.prefilter(alternatives, flags, wrap) is None


def test_an_ignorecase_rule_set_runs_its_pattern_on_text_beyond_ascii():
    rule_set = rules.Rules("test:prefilter-ignorecase", [r"spam"], re.IGNORECASE)
    try:
        assert rule_set.needles == ("spam",)
        assert rule_set.search("\u017fPAM detected")  # (the engine matches "ſ" for "s")
        assert rule_set.search("Message is SPAM")
        assert rule_set.search("clean message") is None
    finally:
        del REGISTRY["test:prefilter-ignorecase"]
