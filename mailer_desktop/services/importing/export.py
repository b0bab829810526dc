"""Contacts to CSV, in a form the importer reads back unchanged.

Columns: ``email``, ``name``, one column per custom field in use (sorted), then the
read-only facts ``status``, ``consent_basis``, ``consent_expires_at``, ``lists``, ``source``,
``created_at``. The importer recognises this header (preset "Mailer Desktop export"): it
takes email, name and the custom fields, and ignores the consent columns, because an import
never sets anyone's consent. UTF-8 with a byte-order mark, CRLF line ends (spreadsheet
programs open it with the accents intact). Cells that a spreadsheet would run as formulas are
neutralised (domain/spreadsheet) and the importer undoes that. The file is private (0600).
"""

from __future__ import annotations

import os
from pathlib import Path

from ...domain.importing.report import ImportReport
from ...domain.spreadsheet import SafeCsvWriter
from ...private_files import open_private, write_private_text
from ...storage import importing as sql
from ...storage.contacts import ContactQuery
from ..progress import NO_PROGRESS, Progress

META_COLUMNS = ("status", "consent_basis", "consent_expires_at", "lists", "source", "created_at")


def export_contacts_csv(app, path: str | Path, query: ContactQuery | None = None,
                        progress: Progress = NO_PROGRESS) -> int:
    """Write the contacts matching ``query`` (default: all) to ``path``; returns how many.

    The file is written next to its target and renamed into place, so a cancelled or failed
    export never leaves half a file under the chosen name."""
    from ..contacts.people import count, iter_contacts

    query = query or ContactQuery()
    path = Path(path)
    total = count(app, query)
    keys = [k for k in sql.custom_field_keys(app.db.conn) if k not in ("email", "name", *META_COLUMNS)]
    tmp = path.with_name(path.name + ".part")
    written = 0
    try:
        with open_private(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = SafeCsvWriter(fh)
            writer.writerow(["email", "name", *keys, *META_COLUMNS])
            for contact in iter_contacts(app, query):
                writer.writerow([contact.email, contact.name, *(contact.fields.get(k, "") for k in keys),
                                 contact.status, contact.consent_basis or "", contact.consent_expires_at or "",
                                 "; ".join(contact.lists), contact.source, contact.created_at])
                written += 1
                if written % 5000 == 0:
                    progress.check()
                    progress.update(written, total, "Exporting contacts")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    progress.update(written, written, "Done")
    return written


def write_report_csv(report: ImportReport, path: str | Path) -> None:
    """The import report's issues as CSV (UTF-8 with BOM, so spreadsheet programs read the
    accents; private, since it quotes rows of the imported file)."""
    write_private_text(path, report.issues_csv(), encoding="utf-8-sig", newline="")
