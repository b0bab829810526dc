"""Importing a contact table: clean every row, check suppressions, merge, write in one transaction.

Phase 1 reads the table and stages the cleaned rows in a scratch database attached to this
connection (storage/importing.py ``STAGE_DB``; the database file is not touched, other writers
are not blocked); rows whose address came earlier in the file are merged into the staged first
row as they come. Phase 2 applies them in ONE
``BEGIN IMMEDIATE`` transaction; a crash, a kill or a cancel anywhere leaves the database
exactly as it was (a cancel raises :class:`Cancelled` after the rollback). A big import into a
small table writes that transaction with a rollback journal when nothing else has the file
open (storage/importing.py ``bulk_journal``): the new pages are written once, not twice.

Rules the import keeps:
- Consent is never changed for an existing contact (status, basis and expiry stay); new
  contacts get ``pending`` (default), ``confirmed`` with the proof text as evidence (basis
  express), or CASL ``implied`` (status confirmed, basis implied, expiry = purchase + 2 years).
  Every new contact gets an ``imported`` consent event carrying that evidence; with a proof,
  existing contacts get a ``note`` event with it (their status unchanged).
- Suppressed addresses (address or whole domain), contacts already unsubscribed, bounced or
  complained, and rows a source system marks as opted out are skipped and counted, never revived.
- Duplicates inside the file and matches in the database are merged by the chosen policy
  (domain/importing/merge.py); role, disposable and typo flags are reported, never applied.
"""

from __future__ import annotations

import gc
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import attrgetter
from pathlib import Path

from ...domain import consent
from ...domain.importing.mapping import SKIP, Mapping, auto_map, valid_target
from ...domain.importing.merge import KEEP, POLICIES, merge
from ...domain.importing.report import ImportReport, Issue
from ...domain.importing.sniff import DELIMITER_NAMES
from ...storage import contacts as contact_store
from ...storage import importing as sql
from ...storage.db import now_iso
from ..contacts.lists import ensure_list
from ..progress import NO_PROGRESS, Progress
from .checking import (
    BAD,
    OPTOUT,
    PARALLEL_MIN_ROWS,
    SUPPRESSED,
    CheckSetup,
    SuppressionHits,
    checked_batches,
)
from .readers import ImportInputError, Table, open_table
from .rows import RowPlan

PENDING, CONFIRMED, IMPLIED = "pending", "confirmed", "implied"
MERGE_BATCH = 2000  # staged rows with duplicates to merge at a time
CONSENT_CHOICES = (PENDING, CONFIRMED, IMPLIED)


@dataclass
class ImportOptions:
    list_name: str | None = None
    consent: str = PENDING
    proof: str = ""                       # required for confirmed: where and when they agreed
    purchase_date: date | str | None = None   # required for implied (CASL)
    policy: str = "fill"
    targets: list[str] | None = None      # a full mapping (one target per column); None: automatic
    overrides: dict[str, str] = field(default_factory=dict)   # header name -> target
    unknown: str = SKIP                   # SKIP or "field" for columns nothing recognises
    source: str = ""                      # stored on new contacts; default "import: FILE"


def check_options(options: ImportOptions, today: date | None = None) -> tuple[str, str | None, str | None, str]:
    """(status, basis, expiry, evidence) for new contacts; ImportInputError on bad choices."""
    if options.policy not in POLICIES:
        raise ImportInputError(f"unknown merge policy {options.policy!r} (one of {', '.join(POLICIES)})")
    proof = " ".join(options.proof.split())
    if options.consent == PENDING:
        return consent.PENDING, None, None, proof
    if options.consent == CONFIRMED:
        if not proof:
            raise ImportInputError("importing contacts as confirmed needs a proof of consent: "
                                   "where and when these people agreed (e.g. 'signup form on shop.example, 2024')")
        return consent.CONFIRMED, consent.EXPRESS, None, proof
    if options.consent == IMPLIED:
        if not options.purchase_date:
            raise ImportInputError("implied consent (CASL) needs the purchase date (YYYY-MM-DD)")
        try:
            purchase = consent.parse_day(options.purchase_date)
        except ValueError:
            raise ImportInputError(f"not a date (YYYY-MM-DD): {options.purchase_date}") from None
        today = today or datetime.now(UTC).date()
        if purchase > today:
            raise ImportInputError(f"the purchase date {purchase} is in the future")
        expiry = consent.implied_expiry(purchase)
        if expiry <= today:
            raise ImportInputError(f"implied consent from a purchase on {purchase} expired on {expiry}")
        evidence = f"implied consent (CASL): purchase on {purchase.isoformat()}" + (f"; {proof}" if proof else "")
        return consent.CONFIRMED, consent.IMPLIED, expiry.isoformat(), evidence
    raise ImportInputError(f"unknown consent choice {options.consent!r} (pending, confirmed or implied)")


def resolve_mapping(table: Table, options: ImportOptions) -> Mapping:
    header = table.header
    if options.targets is not None:
        targets = list(options.targets) + [SKIP] * (len(header) - len(options.targets))
        mapping = Mapping(targets[: len(header)], None)
    else:
        mapping = auto_map(header, options.unknown, [r for _, r in table.preview])
    lowered = {h.strip().lower(): i for i, h in enumerate(header)}
    for name, target in options.overrides.items():
        i = lowered.get(name.strip().lower())
        if i is None:
            raise ImportInputError(f"{table.name}: no column named {name!r} (columns: {', '.join(header)})")
        mapping.targets[i] = target
    bad = [t for t in mapping.targets if not valid_target(t) and t != "field:*json"]
    if bad:
        raise ImportInputError(f"unknown column target {bad[0]!r} (email, name, first_name, last_name, "
                               "optout, skip or field:NAME)")
    if "email" not in mapping.targets:
        raise ImportInputError(_no_address_column(table))
    if mapping.targets.count("email") > 1:
        raise ImportInputError(f"{table.name}: more than one column is mapped to the email address")
    return mapping


def _no_address_column(table: Table) -> str:
    """What to say when no column was found to hold the addresses: the columns seen, and how to choose."""
    if table.header_row is not None or not table.preview:
        seen, choose = f"columns: {', '.join(table.header)}", "--map HEADER=email"
    else:  # no header row: the columns are "Column 1", "Column 2" …
        seen, choose = f"first row: {', '.join(table.preview[0][1])}", '--map "Column N"=email'
    return (f"{table.name}: no column holds email addresses ({seen}); choose the address column "
            f"(on the command line: {choose})")


def import_file(app, path: str | Path, options: ImportOptions | None = None, progress: Progress = NO_PROGRESS,
                *, encoding: str | None = None, delimiter: str | None = None) -> ImportReport:
    table = open_table(path, encoding=encoding, delimiter=delimiter)
    return import_table(app, table, options, progress, size_hint=Path(path).stat().st_size)


def import_text(app, text: str, options: ImportOptions | None = None, progress: Progress = NO_PROGRESS,
                ) -> ImportReport:
    from .readers import table_from_text

    return import_table(app, table_from_text(text), options, progress)


def _estimate_rows(table: Table, size_hint: int | None) -> int | None:
    if not size_hint or not table.preview:
        return None
    sample_bytes = sum(len(",".join(r)) + 2 for _, r in table.preview)
    return max(len(table.preview), int(size_hint / max(1, sample_bytes / len(table.preview))))


def import_table(app, table: Table, options: ImportOptions | None = None, progress: Progress = NO_PROGRESS,
                 *, size_hint: int | None = None) -> ImportReport:
    options = options or ImportOptions()
    status, basis, expires, evidence = check_options(options)
    mapping = resolve_mapping(table, options)
    plan = RowPlan.of(table.header, mapping)
    started = time.perf_counter()
    report = ImportReport(source=table.name, file_format=table.file_format, encoding=table.encoding,
                          delimiter=DELIMITER_NAMES.get(table.delimiter, table.delimiter),
                          header_row=table.header_row, preset=mapping.preset,
                          mapping=mapping.describe(table.header), list_name=options.list_name,
                          policy=options.policy, consent=options.consent)
    conn = app.db.conn
    setup = CheckSetup(plan, app.suppression_key(), frozenset(sql.suppression_hashes(conn)),
                       table.encoding if table.undecodable else "")
    supp_state = sql.suppression_state(conn)
    sql.create_stage(conn)
    try:
        staged = _stage(conn, table, plan, setup, options.policy, report, progress,
                        _estimate_rows(table, size_hint))
        progress.check()
        progress.update(report.rows, None, "Saving contacts")
        with (app.db.long_write(f"saving the import of {table.name}"),
              sql.bulk_journal(conn, staged), sql.bulk_links_unchecked(conn, staged), app.db.transaction(conn)):
            if sql.suppression_state(conn) != supp_state:  # entries added while the file was read
                _recheck_suppressions(conn, SuppressionHits(setup.suppression_key, sql.suppression_hashes(conn)),
                                      plan, report)
            _apply(app, conn, report, options, status, basis, expires, evidence, table.name, progress)
    finally:
        sql.drop_stage(conn)
    report.seconds = time.perf_counter() - started
    progress.update(report.rows, report.rows, "Done")
    return report


def _stage(conn, table: Table, plan: RowPlan, setup: CheckSetup, policy: str, report: ImportReport,
           progress: Progress, estimate: int | None) -> int:
    """Read, check and stage every row; returns how many were staged. A row whose address came
    earlier in the file is merged into the staged first row (by the policy) as the rows come,
    while the reading processes work on the next batches."""
    email_col = plan.column_name(plan.email)
    optout_col = plan.column_name(plan.optout)
    header_cells = [h.strip().lower() for h in table.header]
    # address key -> its first row: seq (the staged rows are numbered 1, 2, 3 … as they are
    # staged) in the low 32 bits, row number above them — one int a row, as the seq alone took
    seen: dict[str, int] = {}
    new_key = seen.__setitem__
    merges: dict[int, list] = {}  # seq of a staged row -> [(name, fields)] of its later duplicates
    flag_counts = report.flags
    rows = duplicates = flagged = 0
    rejected: Counter[str] = Counter()
    parallel = bool(estimate and estimate >= PARALLEL_MIN_ROWS)
    # The loop makes no reference cycles, but its verdicts and issues (hundreds of thousands of
    # tuples and objects) would set off the cyclic garbage collector over and over, each pass
    # walking everything kept so far: about a third of this process's time on a million rows.
    collecting = gc.isenabled()
    gc.disable()
    conn.execute("BEGIN")  # only the staging database is written here: no lock on the database file
    try:
        for count, ok, flags_of, others in checked_batches(table, setup, parallel=parallel):
            progress.check()
            if not count:
                continue
            rows += count
            progress.update(rows, max(estimate, rows + 1) if estimate else None, "Reading and checking rows")
            # the first row of each address (seq = how many were staged before, plus one); a row
            # of an address seen before is a duplicate
            fresh = [r for r in ok if r[2] not in seen and not new_key(r[2], len(seen) + 1 | r[0] << 32)]
            repeated = _left_out(ok, fresh)
            issues: list[Issue] = []
            for number, email, key, name, fields in repeated:
                earlier = seen[key]
                duplicates += 1
                issues.append(Issue(number, "duplicate", email_col, email, f"same address as row {earlier >> 32}"))
                if policy != KEEP and (name or fields != "{}"):
                    merges.setdefault(earlier & _SEQ_BITS, []).append((name, json.loads(fields)))
            repeated_ids = {id(r) for r in repeated}
            for i, flags, suggestion in flags_of:
                r = ok[i]
                if id(r) in repeated_ids:
                    continue  # a duplicate's flags were reported with its first row
                flagged += 1
                for flag in flags:
                    flag_counts[flag] += 1
                    issues.append(Issue(r[0], flag, email_col, r[1], _FLAG_TEXT[flag],
                                        suggestion if flag == "typo" else ""))
            for v in others:
                rejected[_rejection(v, issues.append, email_col, optout_col, header_cells)] += 1
            if issues:
                issues.sort(key=attrgetter("row"))  # in file order, as the rows came
                for issue in issues:
                    report.add_issue(issue)
            if fresh:
                sql.stage_rows(conn, fresh)
            if len(merges) >= MERGE_BATCH:
                _merge_duplicates(conn, merges, policy)
                merges.clear()
        _merge_duplicates(conn, merges, policy)
        staged = sql.staged_count(conn)
        if staged != len(seen):  # the seqs above are the staged rows' own
            raise RuntimeError(f"staged {staged} rows for {len(seen)} addresses")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        if collecting:
            gc.enable()
    report.rows, report.duplicates, report.flagged = rows, duplicates, flagged
    report.invalid, report.skipped = rejected["invalid"], rejected["skipped"]
    report.suppressed = rejected["source_optout"] + rejected["suppression_list"]
    for reason in ("source_optout", "suppression_list"):
        if rejected[reason]:
            report.suppressed_by[reason] += rejected[reason]
    return staged


_SEQ_BITS = (1 << 32) - 1


def _left_out(rows: list[tuple], kept: list[tuple]) -> list[tuple]:
    """The rows of ``rows`` that are not in ``kept`` (a sub-list of the same tuples), in order."""
    if len(kept) == len(rows):
        return []
    kept_ids = {id(r) for r in kept}
    return [r for r in rows if id(r) not in kept_ids]


def _rejection(v: tuple, add_issue, email_col: str, optout_col: str, header_cells: list[str]) -> str:
    """Report a row that is not imported; returns what it counts as (invalid, skipped,
    source_optout or suppression_list)."""
    kind, number = v[0], v[1]
    if kind == BAD:
        row, raw, reason = v[2], v[3], v[4]
        if not raw or raw.isspace():
            if not any(c.strip() for c in row):
                add_issue(Issue(number, "skipped", "", "", "blank row"))
                return "skipped"
            add_issue(Issue(number, "invalid", email_col, "", "no email address"))
            return "invalid"
        if _is_header_again(row, header_cells):
            add_issue(Issue(number, "skipped", "", "", "repeated header row"))
            return "skipped"
        add_issue(Issue(number, "invalid", email_col, raw.strip(), reason))
        return "invalid"
    if kind == OPTOUT:
        add_issue(Issue(number, "suppressed", optout_col, v[2], f"opted out in the source file ({v[3]})"))
        return "source_optout"
    if kind == SUPPRESSED:
        add_issue(Issue(number, "suppressed", email_col, v[2], "on the suppression list"))
        return "suppression_list"
    add_issue(Issue(number, "invalid", v[2], v[3], v[4]))  # PROBLEM: a value breaks a limit
    return "invalid"


def _is_header_again(row: list[str], header_cells: list[str]) -> bool:
    cells = [c.strip().lower() for c in row]
    while cells and not cells[-1]:
        cells.pop()
    return cells == header_cells[: len(cells)] and len(cells) >= min(2, len(header_cells))


_FLAG_TEXT = {"role": "role account (a function, not a person)", "disposable": "disposable mailbox service",
              "typo": "the domain looks misspelt",
              "non_ascii": "non-ASCII characters before the @: only mail servers with SMTPUTF8 deliver to it"}


def _recheck_suppressions(conn, hasher: SuppressionHits, plan: RowPlan, report: ImportReport) -> None:
    gone = []
    for rows in sql.iter_staged_keys(conn):
        for seq, row_no, key in rows:
            if hasher.hit(key, key.rpartition("@")[2]):
                gone.append(seq)
                report.suppressed += 1
                report.suppressed_by["suppression_list"] += 1
                report.add_issue(Issue(row_no, "suppressed", plan.column_name(plan.email), key,
                                       "on the suppression list"))
    sql.unstage(conn, gone)


def _merge_duplicates(conn, merges: dict[int, list], policy: str) -> None:
    if not merges:
        return
    seqs = sorted(merges)  # in table order: the staged rows are read and written page after page
    current = sql.staged(conn, seqs)
    out = []
    for seq in seqs:
        if seq not in current:
            continue
        name, fields_json = current[seq]
        fields = json.loads(fields_json)
        changed = False
        for new_name, new_fields in merges[seq]:
            name, fields, one = merge(policy, name, fields, new_name, new_fields)
            changed = changed or one
        if changed:  # most later rows add nothing to the first one
            out.append((name, json.dumps(fields, ensure_ascii=False) if fields else "{}", seq))
    sql.restage(conn, out)


def _apply(app, conn, report: ImportReport, options: ImportOptions, status: str, basis: str | None,
           expires: str | None, evidence: str, file_name: str, progress: Progress) -> None:
    now = now_iso()
    source = options.source or f"import: {file_name}"
    list_id = ensure_list(app, options.list_name, conn=conn).id if options.list_name else None
    list_note = f"list: {options.list_name}" if options.list_name else ""
    linked = sql.link_existing(conn)
    updates, keep_ids, note_events = [], [], []
    statuses: dict[int, str] = {}
    # No staged row matched a contact: nothing to look up (the lookup would read every staged row).
    for rows in sql.iter_matches(conn) if linked else ():
        progress.check()
        for _seq, row_no, new_name, new_fields, cid, cstatus, name, cur_fields, email in rows:
            if cstatus in consent.OPTED_OUT:
                report.suppressed += 1
                report.suppressed_by[cstatus] += 1
                report.add_issue(Issue(row_no, "suppressed", "", email, f"the contact is {cstatus}"))
                continue
            keep_ids.append(cid)
            statuses[cid] = cstatus
            fields = json.loads(cur_fields or "{}")
            merged_name, merged_fields, changed = merge(options.policy, name, fields, new_name,
                                                        json.loads(new_fields))
            if changed:
                report.updated += 1
                updates.append((merged_name, json.dumps(merged_fields, ensure_ascii=False), now, cid))
                note_events.append((cid, consent.EV_EDITED, now, "import", "",
                                    f"{source}: {_changed_names(name, fields, merged_name, merged_fields)}",
                                    cstatus, cstatus))
            else:
                report.unchanged += 1
            if evidence and status != consent.PENDING:
                note_events.append((cid, consent.EV_NOTE, now, "import", "",
                                    f"{source}: stated consent proof: {evidence} (status not changed by import)",
                                    cstatus, cstatus))
    sql.update_contacts(conn, updates)

    def step(text: str) -> None:  # the long steps of the database work: shown, and a cancel stops there
        progress.update(report.rows, None, text)
        progress.check()

    after_id, added = sql.insert_new(conn, status=status, basis=basis, expires=expires, source=source, now=now,
                                     on_step=step)
    report.added = added
    step("Writing the consent records")
    creation_evidence = "; ".join(x for x in (source, evidence, list_note) if x)
    sql.insert_creation_events(conn, after_id, consent.EV_IMPORTED, now, "import", "", creation_evidence)
    if list_id is not None:
        step(f"Adding them to the list {options.list_name}")
        sql.add_new_to_list(conn, list_id, after_id, now)
        for cid in sql.add_existing_to_list(conn, list_id, keep_ids, now):
            note_events.append((cid, consent.EV_LIST_ADDED, now, "import", "", list_note,
                                statuses[cid], statuses[cid]))
    contact_store.insert_events(conn, note_events)
    step("Writing to disk")


def _changed_names(name: str, fields: dict, new_name: str, new_fields: dict) -> str:
    changed = (["name"] if name != new_name else []) + sorted(k for k in new_fields if fields.get(k) != new_fields[k])
    return "changed " + ", ".join(changed)


def preview_table(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None,
                  unknown: str = SKIP) -> tuple[Table, Mapping | None]:
    """The opened table and the suggested mapping (None when no email column was found)."""
    table = open_table(path, encoding=encoding, delimiter=delimiter)
    mapping = auto_map(table.header, unknown, [r for _, r in table.preview])
    return table, (mapping if mapping.email_column is not None else None)


