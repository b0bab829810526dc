"""Named, switchable pattern sets: every phrase and layout rule of the classifier lives in one.

The classifier's wording rules (the phrases of each bounce reason, the layouts in which servers
write a failed address, the markers of a returned copy ...) are declared here as *rule sets*:
a name and a list of alternatives. Code asks a rule set for its compiled pattern; nothing else
changes a rule set.

That makes two things possible that a plain module-level regex does not:

- **Provenance.** A tracer (:func:`tracing`) records which texts each rule set was asked
  about, so a tool can tell for every single alternative on which mails (and so on which server
  families) it fires.
- **Switching rules off** (:func:`disabled`). To measure how the rules do on mail from a server
  family they were not written from, the alternatives that fire only on that family are
  switched off while it is scored (``bench/inbox.py``, leave-one-family-out).

Switching is global and meant for measuring, not for production use; the classifier itself
never switches anything.

Each rule set also knows, from its parsed alternatives, strings of which every match holds one
(:func:`prefilter`); a text that holds none of them is answered without running the pattern.
"""

from __future__ import annotations

import re
import re._constants as _sre  # the engine's own parser (Python 3.11+): what a pattern matches
import re._parser as _sre_parse
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

_generation = 0
_disabled: frozenset[tuple[str, int]] = frozenset()
_trace: list[tuple[str, str]] | None = None

REGISTRY: dict[str, Rules | RuleList] = {}
# The reasons that make a failure hard (the address is gone for good); every other one is soft.
HARD_REASONS = frozenset({"userunknown", "hostunknown", "hasmoved", "notaccept"})
# The readings that name no reason of their own ("filtered": the words of one, with nothing to back them).
VAGUE_REASONS = frozenset({"", "undefined", "onhold", "filtered"})
_SLOT = "<<ALTERNATIVES>>"


def _union(alternatives: list[str]) -> str:
    """One pattern for all ``alternatives``. The ones that start at a word boundary (``\\b``) share
    it: the engine then tries them only where a word starts, not at every character of a text —
    the same matches, found several times faster where a rule set holds many words."""
    if not alternatives:
        return r"(?!)"
    at_word = [a[2:] for a in alternatives if a.startswith("\\b") and "|" not in _top_level(a)]
    rest = [a for a in alternatives if not (a.startswith("\\b") and "|" not in _top_level(a))]
    parts = ([r"\b(?:" + "|".join(f"(?:{a})" for a in at_word) + ")"] if len(at_word) > 1 else
             [f"(?:\\b{a})" for a in at_word])
    return "|".join(parts + [f"(?:{a})" for a in rest])


def _top_level(pattern: str) -> str:
    """``pattern`` with its groups, classes and escapes blanked out: what is left is its top level."""
    out, depth, i, in_class = [], 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append("  " if depth == 0 and not in_class else "")
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0:
            out.append(c)
        i += 1
    return "".join(out)


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)


def _needles(parsed) -> frozenset[str] | None:
    """Strings of which every match of the parsed pattern contains at least one (None when no such
    set was found): its literal runs, and the alternatives of a group that each have their own."""
    best: frozenset[str] | None = None

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _rank(candidate) > _rank(best)):
            best = candidate

    run: list[str] = []
    for op, av in parsed:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            consider(_needle("".join(run)))
            run = []
        if op is _sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            consider(_needles(av[3]))
        elif op is _sre.ATOMIC_GROUP:
            consider(_needles(av))
        elif op in _REPEATS and av[0] >= 1:
            consider(_needles(av[2]))
        elif op is _sre.BRANCH:
            parts = [_needles(branch) for branch in av[1]]
            if all(parts):
                consider(frozenset().union(*parts))  # type: ignore[arg-type]
    if run:
        consider(_needle("".join(run)))
    return best


def _needle(run: str) -> frozenset[str] | None:
    # (two letters of a script without spaces say as much as three Latin ones)
    return frozenset([run]) if len(run) >= 3 or (len(run) == 2 and not run.isascii()) else None


def _rank(needles: frozenset[str]) -> tuple[int, int]:
    return min(min(len(n) for n in needles), 5), -len(needles)


_MARK = "\x00slot\x00"


def _slot_required(wrap: str, flags: int) -> bool:
    """Whether every match of ``wrap`` includes its alternatives' match (not optional, not in a
    lookaround)."""
    needles = _needles(_sre_parse.parse(wrap.replace(_SLOT, re.escape(_MARK)), flags))
    return needles is not None and any(_MARK in n for n in needles)


def _like_ascii(char: str) -> bool:
    """Whether an ASCII character matches ``char`` under IGNORECASE."""
    rx = re.compile(re.escape(char), re.IGNORECASE)
    return any(rx.fullmatch(chr(i)) for i in range(128))


def prefilter(alternatives: Iterable[str], flags: int, wrap: str = _SLOT) -> tuple[str, ...] | None:
    """Strings of which any text a rule set matches contains at least one — checked with ``in``
    before the pattern is run, which is many times faster than the engine's scan over a text that
    holds none of them. None when some alternative has no such string. Under IGNORECASE they are
    lower-case ASCII, for ASCII texts only (the engine also lets "ſ" match "s" and "K" match "k")."""
    if wrap != _SLOT and not _slot_required(wrap, flags):
        return None
    found: set[str] = set()
    for alternative in alternatives:
        parsed = _sre_parse.parse(alternative, flags)
        needles = None if (parsed.state.flags ^ flags) & re.IGNORECASE else _needles(parsed)
        if needles is None:
            return None
        found |= needles
    if flags & re.IGNORECASE:
        # (a needle with a letter no ASCII letter matches is never in an ASCII text)
        if any(not n.isascii() and all(_like_ascii(c) for c in n) for n in found):
            return None
        found = {n.lower() for n in found if n.isascii()}
    # A string that holds a shorter one of the set adds nothing: the shorter one is there too.
    kept: list[str] = []
    for needle in sorted(found, key=len):
        if not any(k in needle for k in kept):
            kept.append(needle)
    return tuple(kept)


class Rules:
    """Alternatives joined into one pattern: ``wrap`` holds ``<<ALTERNATIVES>>`` where they go."""

    __slots__ = ("name", "alternatives", "flags", "wrap", "_needles", "_fold", "_rx", "_gen")

    def __init__(self, name: str, alternatives: Iterable[str], flags: int = 0, wrap: str = _SLOT):
        if name in REGISTRY:
            raise ValueError(f"rule set {name!r} declared twice")
        self.name = name
        self.alternatives = tuple(alternatives)
        self.flags = flags
        self.wrap = wrap
        self._needles: tuple[str, ...] | None | bool = False  # (read on first use, as the pattern)
        self._fold = bool(flags & re.IGNORECASE)
        self._rx: re.Pattern[str] | None = None
        self._gen = -1
        REGISTRY[name] = self

    def compile_only(self, indexes: Iterable[int]) -> re.Pattern[str]:
        chosen = [self.alternatives[i] for i in indexes]
        return re.compile(self.wrap.replace(_SLOT, _union(chosen)), self.flags)

    @property
    def rx(self) -> re.Pattern[str]:
        if self._gen != _generation:
            self._rx = self.compile_only(i for i in range(len(self.alternatives))
                                         if (self.name, i) not in _disabled)
            self._gen = _generation
        return self._rx  # type: ignore[return-value]

    @property
    def needles(self) -> tuple[str, ...] | None:
        """The strings of which every match holds one (:func:`prefilter`; from every alternative,
        switched off or not: a superset of what the pattern can match)."""
        if self._needles is False:
            self._needles = prefilter(self.alternatives, self.flags, self.wrap)
        return self._needles  # type: ignore[return-value]

    def _absent(self, text: str) -> bool:
        """True when ``text`` holds none of the strings every match needs: no match possible."""
        needles = self._needles
        if needles is False:
            needles = self.needles
        if needles is None:
            return False
        if self._fold:
            if not text.isascii():
                return False
            text = text.lower()
        for needle in needles:
            if needle in text:
                return False
        return True

    def search(self, text: str) -> re.Match[str] | None:
        if _trace is not None:
            _trace.append((self.name, text))
        return None if self._absent(text) else self.rx.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if _trace is not None:
            _trace.append((self.name, text))
        return iter(()) if self._absent(text) else self.rx.finditer(text)

    def match(self, text: str) -> re.Match[str] | None:
        if _trace is not None:
            _trace.append((self.name, text))
        return None if self._absent(text) else self.rx.match(text)


def reason_rules(reason: str, *phrases: str) -> Rules:
    """The rule set of one bounce reason's phrases (named ``reason:<reason>``)."""
    return Rules(f"reason:{reason}", phrases)


class RuleList:
    """Patterns used one by one (each may have its own groups), switchable one by one."""

    __slots__ = ("name", "alternatives", "flags", "_compiled", "_active", "_gen")

    def __init__(self, name: str, alternatives: Iterable[str], flags: int = 0):
        if name in REGISTRY:
            raise ValueError(f"rule set {name!r} declared twice")
        self.name = name
        self.alternatives = tuple(alternatives)
        self.flags = flags
        self._compiled = [re.compile(a, flags) for a in self.alternatives]
        self._active: list[re.Pattern[str]] = []
        self._gen = -1
        REGISTRY[name] = self

    def compile_only(self, indexes: Iterable[int]) -> re.Pattern[str]:
        chosen = list(indexes)
        if len(chosen) != 1:
            raise ValueError("a rule list's alternatives are compiled one by one")
        return self._compiled[chosen[0]]

    def active(self, text: str) -> list[re.Pattern[str]]:
        if _trace is not None:
            _trace.append((self.name, text))
        if self._gen != _generation:
            self._active = [p for i, p in enumerate(self._compiled) if (self.name, i) not in _disabled]
            self._gen = _generation
        return self._active


@contextmanager
def disabled(switched_off: Iterable[tuple[str, int]]) -> Iterator[None]:
    """Switch the given (rule set, alternative index) pairs off for the duration."""
    global _disabled, _generation
    before = _disabled
    _disabled = frozenset(switched_off)
    _generation += 1
    try:
        yield
    finally:
        _disabled = before
        _generation += 1


@contextmanager
def tracing() -> Iterator[list[tuple[str, str]]]:
    """Record (rule set name, text asked about) for every use of a rule set."""
    global _trace
    before = _trace
    _trace = []
    try:
        yield _trace
    finally:
        _trace = before


def offer(text: str, *rule_sets: Rules | RuleList) -> None:
    """While tracing: record ``text`` for rule sets that a short-cut skipped (so that provenance
    sees every text a rule set would have judged, not only the ones it was asked about)."""
    if _trace is not None:
        _trace.extend((r.name, text) for r in rule_sets)


def firing(traced: list[tuple[str, str]]) -> set[tuple[str, int]]:
    """The (rule set, alternative) pairs that match at least one traced text."""
    by_name: dict[str, set[str]] = {}
    for name, text in traced:
        by_name.setdefault(name, set()).add(text)
    out: set[tuple[str, int]] = set()
    for name, texts in by_name.items():
        rules = REGISTRY[name]
        for i in range(len(rules.alternatives)):
            rx = rules.compile_only([i])
            if any(rx.search(t) for t in texts):
                out.add((name, i))
    return out
