"""Authentication-Results (RFC 8601): what the receiving server found about SPF, DKIM and DMARC.

Anyone can write an ``Authentication-Results`` header into a mail before sending it, so a header
is only worth something when it was added by the inbox's own server: the one whose authserv-id
(the first word of the header) the user configured for that inbox source. Headers with any
other authserv-id are ignored, as RFC 8601 §5 asks. Of the trusted ones the topmost (the last
one added, by the server nearest the mailbox) counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_COMMENT = re.compile(r"\([^()]*\)")
_RESULT = re.compile(r"^\s*([a-z0-9][a-z0-9_.-]*)\s*(?:/\s*\d+\s*)?=\s*([a-z0-9_-]+)(.*)$", re.IGNORECASE | re.DOTALL)
_PROP = re.compile(r"(?<![a-z0-9_-])([a-z0-9_-]+\.[a-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)", re.IGNORECASE)
_FOLD = re.compile(r"\r?\n[ \t]+")


@dataclass(frozen=True)
class AuthResults:
    authserv_id: str
    results: dict[str, str] = field(default_factory=dict)     # method -> result ('spf' -> 'pass')
    properties: dict[str, str] = field(default_factory=dict)  # 'header.from' -> 'shop.example' ...

    def result(self, method: str) -> str:
        return self.results.get(method, "none")

    @property
    def from_domain_failed(self) -> bool:
        """The mail's From domain failed authentication: DMARC failed, or (without a DMARC result)
        SPF failed and no DKIM signature passed."""
        dmarc = self.result("dmarc")
        if dmarc == "fail":
            return True
        if dmarc in ("none", "temperror", "permerror", "neutral"):
            return self.result("spf") in ("fail", "softfail") and self.result("dkim") != "pass"
        return False

    def summary(self) -> str:
        parts = [f"{m}={self.result(m)}" for m in ("spf", "dkim", "dmarc")]
        return " ".join(parts) + f" (Authentication-Results by {self.authserv_id})"


def _strip_comments(value: str) -> str:
    previous = None
    while previous != value:  # nested comments
        previous, value = value, _COMMENT.sub(" ", value)
    return value


def parse(value: str) -> AuthResults | None:
    """One header value; None when it cannot be read."""
    value = _strip_comments(_FOLD.sub(" ", value or ""))
    pieces = [p.strip() for p in value.split(";")]
    if not pieces or not pieces[0]:
        return None
    head = pieces[0].split()
    authserv_id = head[0].lower() if head and "=" not in head[0] else ""
    if not authserv_id:
        return None
    results: dict[str, str] = {}
    props: dict[str, str] = {}
    for piece in pieces[1:]:
        m = _RESULT.match(piece)
        if not m:
            continue
        method, result, rest = m.group(1).lower(), m.group(2).lower(), m.group(3)
        # Several DKIM signatures: one that passes is enough; keep the best result per method.
        if method not in results or result == "pass":
            results[method] = result
        for name, prop in _PROP.findall(rest):
            props.setdefault(name.lower(), prop.strip('"').lower())
    return AuthResults(authserv_id, results, props)


def header_values(raw: bytes, name: str = "Authentication-Results") -> list[str]:
    """Every value of the header ``name`` in the top-level header block of ``raw``, top first."""
    head = raw[:200_000].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace")
    out: list[str] = []
    current: list[str] | None = None
    prefix = name.lower() + ":"
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and current is not None:
            current.append(line)
            continue
        if current is not None:
            out.append("\n".join(current))
            current = None
        if line.lower().startswith(prefix):
            current = [line[len(prefix):]]
    if current is not None:
        out.append("\n".join(current))
    return out


def trusted(raw: bytes, authserv_id: str | None) -> AuthResults | None:
    """The topmost Authentication-Results header written by ``authserv_id``; None when none is
    configured or none of the mail's headers is from it."""
    wanted = (authserv_id or "").strip().lower()
    if not wanted:
        return None
    for value in header_values(raw):
        found = parse(value)
        if found is not None and found.authserv_id == wanted:
            return found
    return None
