"""``contacts import FILE`` and ``contacts export-csv FILE``.

``contacts import FILE [--list NAME] [--consent pending|confirmed|implied --proof TEXT
[--purchase-date YYYY-MM-DD]] [--policy fill|overwrite|keep] [--map HEADER=TARGET ...]
[--unknown skip|field] [--encoding E] [--delimiter D] [--report-csv FILE] [--quiet] [--json]``
prints the counts ``{"added", "updated", "unchanged", "duplicates", "invalid", "suppressed",
"flagged"}`` (and more: rows, skipped, flags, encoding, delimiter, mapping …). FILE ``-``
reads pasted text from standard input.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.consent import CONFIRMED, IMPLIED, PENDING
from ..domain.importing.merge import POLICIES
from ..services.progress import Cancelled
from .base import Cli, CliError, Context, StderrProgress, progress_for

if TYPE_CHECKING:  # the importer loads when a command uses it (cli.build)
    from ..services import importing

_DELIMITERS = {"comma": ",", ",": ",", "semicolon": ";", ";": ";", "tab": "\t", "\\t": "\t", "\t": "\t",
               "pipe": "|", "|": "|"}


def register(cli: Cli) -> None:
    p = cli.add("contacts", "import", import_contacts,
                help="import contacts from CSV/TSV, Excel .xlsx, vCard .vcf or text ('-' = stdin)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--list", dest="list_name", metavar="NAME", help="add everyone imported to this list")
    p.add_argument("--consent", choices=(PENDING, CONFIRMED, IMPLIED), default="pending",
                   help="pending (default: they are asked to confirm), confirmed (needs --proof) or "
                        "implied (CASL, needs --purchase-date)")
    p.add_argument("--proof", default="", metavar="TEXT", help="where and when these people agreed")
    p.add_argument("--purchase-date", "--implied-purchase-date", dest="purchase_date", metavar="YYYY-MM-DD",
                   help="purchase date for implied consent (valid two years)")
    p.add_argument("--policy", choices=POLICIES, default="fill",
                   help="existing contacts and duplicates: fill empty fields (default), overwrite, keep")
    p.add_argument("--map", dest="maps", action="append", default=[], metavar="HEADER=TARGET",
                   help="map a column: email, name, first_name, last_name, optout, skip or field:NAME")
    p.add_argument("--unknown", choices=("skip", "field"), default="skip",
                   help="columns nothing recognises: skip (default) or keep as custom fields")
    p.add_argument("--encoding", metavar="NAME", help="the file's encoding (default: detected)")
    p.add_argument("--delimiter", metavar="D", help="comma, semicolon, tab or pipe (default: detected)")
    p.add_argument("--source", default="", metavar="TEXT", help="where the list comes from (stored)")
    p.add_argument("--report-csv", metavar="FILE", help="write every row's issue to FILE (CSV)")
    p.add_argument("--quiet", action="store_true", help="no progress on standard error")

    p = cli.add("contacts", "export-csv", export_csv, help="export contacts to CSV (imports back unchanged)")
    p.add_argument("file", metavar="FILE")


def _options(args) -> importing.ImportOptions:
    from ..services import importing

    overrides = {}
    for item in args.maps:
        header, eq, target = item.partition("=")
        if not eq or not header.strip() or not target.strip():
            raise CliError(f"--map needs HEADER=TARGET, got {item!r}")
        overrides[header.strip()] = target.strip()
    return importing.ImportOptions(list_name=args.list_name, consent=args.consent, proof=args.proof,
                                   purchase_date=args.purchase_date, policy=args.policy, overrides=overrides,
                                   unknown=args.unknown, source=args.source)


SHOWN_ISSUES = 20  # invalid rows and typos printed after the summary


def import_contacts(args, ctx: Context) -> int:
    from ..services import importing
    from ..services.contacts.errors import ContactError

    options = _options(args)
    delimiter = None
    if args.delimiter:
        delimiter = _DELIMITERS.get(args.delimiter.lower() if len(args.delimiter) > 1 else args.delimiter)
        if delimiter is None:
            raise CliError("--delimiter must be comma, semicolon, tab or pipe")
    progress = progress_for(ctx, args.quiet)
    try:
        importing.check_options(options)
        if args.file == "-":
            report = importing.import_text(ctx.app, sys.stdin.read(), options, progress)
        else:
            path = Path(args.file)
            report = importing.import_file(ctx.app, path, options, progress, encoding=args.encoding,
                                           delimiter=delimiter)
    except (importing.ImportInputError, ContactError) as exc:
        raise CliError(str(exc)) from None
    except Cancelled:
        raise CliError("import cancelled; nothing was changed") from None
    finally:
        if isinstance(progress, StderrProgress):
            progress.finish()
    if args.report_csv:
        try:
            importing.write_report_csv(report, args.report_csv)
        except OSError as exc:
            raise CliError(f"{args.report_csv}: cannot write ({exc.strerror or exc})") from None
    if ctx.json:
        ctx.emit(report.as_dict())
    else:
        ctx.say(report.summary())
        shown = [i for i in report.issues if i.kind in ("invalid", "typo", "non_ascii")]
        for issue in shown[:SHOWN_ISSUES]:
            hint = f" (did you mean {issue.suggestion}?)" if issue.suggestion else ""
            ctx.say(f"  row {issue.row}: {issue.kind}: {issue.value!r}: {issue.reason}{hint}")
        if len(report.issues) > min(len(shown), SHOWN_ISSUES):
            more = len(report.issues) - min(len(shown), SHOWN_ISSUES)
            ctx.say(f"  … {more:,} more rows with an issue" + (
                f": all of them are in {args.report_csv}" if args.report_csv else " (--report-csv FILE lists them all)"))
    return 0


def export_csv(args, ctx: Context) -> int:
    from ..services import importing

    try:
        n = importing.export_contacts_csv(ctx.app, args.file)
    except OSError as exc:
        raise CliError(f"{args.file}: cannot write ({exc.strerror or exc})") from None
    if ctx.json:
        ctx.emit({"exported": n, "file": str(args.file)})
    else:
        ctx.say(f"{n} contacts written to {args.file}")
    return 0
