"""The Contacts page's Export: the contacts shown (list, status filter and search) to a CSV file
that imports back unchanged (services/importing/export.py), as a job with progress and Cancel."""

from __future__ import annotations

from pathlib import Path

from ..plurals import tr_n


def suggested_name(list_name: str | None) -> str:
    """contacts.csv, or the list's name made safe for a file name."""
    if not list_name:
        return "contacts.csv"
    safe = "".join(c if c.isalnum() or c in " -_." else "_" for c in list_name).strip(" .")
    return f"{safe if any(c.isalnum() for c in safe) else 'contacts'}.csv"


def export_shown(page) -> None:
    query = page.model.query
    list_item = page.lists_panel.view.currentItem()
    list_name = list_item.text().rpartition(" (")[0] if query.list_id is not None and list_item else None
    suggested = str(Path.home() / suggested_name(list_name))
    path = page.prompts.save_path(page, page.tr("Export contacts"), suggested, page.tr("CSV files (*.csv)"))
    if not path:
        return
    app = page.app

    def work(progress):
        from ...services import importing

        return importing.export_contacts_csv(app, path, query, progress)

    page._run(page.tr("Exporting contacts"), work,
              lambda n: tr_n(page, "Exported %n {contact|contacts} to {path}.", n).format(path=path))
