"""The import report: what happened to every row of the file.

Every data row ends in exactly one outcome count — ``added``, ``updated``, ``unchanged``,
``duplicates`` (the address appeared earlier in the file; merged into that row),
``invalid``, ``suppressed`` (on the suppression list, opted out in this database, or marked
as opted out by the source system), or ``skipped`` (blank rows and repeated header rows) —
so ``rows`` equals their sum. ``flagged`` counts rows with a role / disposable / typo flag;
those rows are imported and also counted in one of the outcomes.

Issues (one per invalid, suppressed, duplicate, skipped or flagged row: row number, column,
value, reason) are kept up to :data:`MAX_ISSUES`; the counts are always complete.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

from ..spreadsheet import SafeCsvWriter

MAX_ISSUES = 100_000

OUTCOMES = ("added", "updated", "unchanged", "duplicates", "invalid", "suppressed", "skipped")


@dataclass(frozen=True)
class Issue:
    row: int
    kind: str          # invalid, suppressed, duplicate, skipped, role, disposable, typo
    column: str
    value: str
    reason: str
    suggestion: str = ""


@dataclass
class ImportReport:
    source: str = ""
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    header_row: int | None = None
    preset: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    list_name: str | None = None
    policy: str = ""
    consent: str = ""
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    invalid: int = 0
    suppressed: int = 0
    skipped: int = 0
    flagged: int = 0
    flags: Counter = field(default_factory=Counter)
    suppressed_by: Counter = field(default_factory=Counter)
    issues: list[Issue] = field(default_factory=list)
    issues_dropped: int = 0
    seconds: float = 0.0

    def add_issue(self, issue: Issue) -> None:
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(issue)
        else:
            self.issues_dropped += 1

    @property
    def accounted(self) -> int:
        return sum(getattr(self, name) for name in OUTCOMES)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in (*OUTCOMES[:6], "flagged")}

    def as_dict(self, issues_limit: int = 0) -> dict:
        data = {
            **self.counts(),
            "skipped": self.skipped,
            "rows": self.rows,
            "flags": dict(self.flags),
            "suppressed_by": dict(self.suppressed_by),
            "source": self.source,
            "format": self.file_format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header_row": self.header_row,
            "preset": self.preset,
            "mapping": self.mapping,
            "list": self.list_name,
            "policy": self.policy,
            "consent": self.consent,
            "seconds": round(self.seconds, 3),
        }
        if issues_limit:
            data["issues"] = [issue.__dict__ for issue in self.issues[:issues_limit]]
        return data

    def summary(self) -> str:
        return (f"{self.rows} rows: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.duplicates} duplicates, {self.invalid} invalid, {self.suppressed} suppressed, "
                f"{self.skipped} skipped; {self.flagged} flagged")

    def issues_csv(self) -> str:
        buf = io.StringIO()
        writer = SafeCsvWriter(buf)
        writer.writerow(["row", "issue", "column", "value", "reason", "suggestion"])
        for i in self.issues:
            writer.writerow([i.row, i.kind, i.column, i.value, i.reason, i.suggestion])
        if self.issues_dropped:
            writer.writerow(["", "note", "", "", f"{self.issues_dropped} more issues not listed", ""])
        return buf.getvalue()
