"""Importing contact lists (CSV/TSV, Excel, vCard, pasted text) and exporting them to CSV.

API:
- ``open_table(path, encoding=None, delimiter=None) -> Table`` and ``table_from_text(text)``:
  the detected format, encoding, delimiter, header, header row and a preview of the rows.
- ``preview_table(path, ...) -> (Table, Mapping | None)``: the same plus the suggested mapping.
- ``import_file(app, path, options=ImportOptions(), progress=NO_PROGRESS) -> ImportReport``,
  ``import_text(app, text, options, progress)``, ``import_table(app, table, options, progress)``:
  one import, one transaction (Cancelled after a rollback when the user cancels).
- ``ImportOptions(list_name, consent='pending'|'confirmed'|'implied', proof, purchase_date,
  policy='fill'|'overwrite'|'keep', targets, overrides, unknown='skip'|'field', source)``
- ``export_contacts_csv(app, path, query=None, progress) -> int``: a CSV that imports back unchanged;
  ``write_report_csv(report, path)``: an import report's issues as CSV.
- ``ImportInputError``: the file or the choices cannot be used; the message says why.
"""

from ...domain.importing.mapping import PRESETS, Mapping, auto_map
from ...domain.importing.merge import POLICIES, POLICY_TITLES
from ...domain.importing.report import ImportReport, Issue
from .export import export_contacts_csv, write_report_csv
from .importer import (
    CONSENT_CHOICES,
    ImportOptions,
    check_options,
    import_file,
    import_table,
    import_text,
    preview_table,
    resolve_mapping,
)
from .readers import FORMAT_TITLES, ImportInputError, Table, open_table, table_from_text

__all__ = [
    "CONSENT_CHOICES", "FORMAT_TITLES", "ImportInputError", "ImportOptions", "ImportReport", "Issue", "Mapping",
    "POLICIES", "POLICY_TITLES", "PRESETS", "Table", "auto_map", "check_options", "export_contacts_csv",
    "import_file", "import_table", "import_text", "open_table", "preview_table", "resolve_mapping",
    "table_from_text", "write_report_csv",
]
