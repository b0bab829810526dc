"""What processing returned mail did: one outcome per recipient a mail reports on, and the sums."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

RETURNED_KINDS = frozenset({"hard", "soft", "complaint"})


@dataclass
class Outcome:
    source: str
    kind: str
    action: str                  # what was done, in words
    contact_id: int | None = None
    contact_email: str = ""
    review: bool = False
    why: str = ""                # the classifier's reason (a bounce's: the server's words)

    def line(self) -> str:
        """What was done, as the inbox's history shows it; a bounce or complaint acted on for a
        contact carries the reason the returned mail gave ("… confirmed → bounced (550 5.1.1 …)")."""
        said = (f" ({self.why[:200]})" if self.kind in RETURNED_KINDS and self.contact_id and self.why
                and self.why not in self.action else "")
        return f"{self.contact_email + ': ' if self.contact_email else ''}{self.action}{said}"


@dataclass
class ImportReport:
    processed: int = 0
    unchanged: int = 0
    by_kind: Counter = field(default_factory=Counter)
    review: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_mail: list[str] = field(default_factory=list)   # files skipped: no mail message

    def summary(self) -> dict:
        return {"processed": self.processed, "unchanged": self.unchanged, "by_kind": dict(self.by_kind),
                "review": self.review, "warnings": list(self.warnings),
                "outcomes": [o.__dict__ for o in self.outcomes], "not_mail": list(self.not_mail)}
