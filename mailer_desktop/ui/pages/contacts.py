"""The Contacts page: a windowed table over all contacts with search, status and list filters,
sortable columns, bulk actions on the selection, the Lists panel and a detail panel with the
consent trail, Export and Erase. Every change goes through the services; long work (bulk
actions, export, erasure, retention) runs as a background job with progress and Cancel.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain import consent
from ...private_files import write_private_text
from ...services.contacts import people as contact_service
from ...services.contacts import rights
from ..context import UiContext
from ..dialogs.contact_dialog import ContactDialog
from ..models.contacts_model import COLUMNS, SORTABLE, STATUS_LABELS, ContactsModel
from ..plurals import tr_n
from ..prompts import Prompts
from ..theme import page_margins
from ..widgets.empty_state import EmptyState
from ..widgets.tables import fit_columns, keep_room
from . import contacts_export, contacts_request
from .contacts_panels import DetailPanel, JobBar, ListsPanel

SEARCH_DELAY_MS = 250
SEARCHING_NOTE_MS = 300


def _import_wizard_available() -> bool:
    """The import wizard is its own module (dialogs/import_wizard.py)."""
    from importlib.util import find_spec

    return find_spec(f"{__package__.rpartition('.')[0]}.dialogs.import_wizard") is not None


class ContactsPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.prompts = Prompts()
        contact_service.prepare_for_browsing(self.app)
        outer = QVBoxLayout(self)
        page_margins(outer)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        self.empty = EmptyState(
            self.tr('No contacts yet'),
            self.tr(
                'Start by importing the people who asked to hear from you: a CSV or Excel export of your shop, '
                'Mailchimp or Google Contacts, or a vCard file. New contacts stay <b>pending</b> until they '
                'confirm by replying to a short confirmation request (double opt-in).'
            ),
        )
        if _import_wizard_available():
            self.empty.add_button(self.tr("Import a contact file…"), self.open_import, primary=True)
        self.empty.add_button(self.tr("Add a contact…"), self.add_contact)
        self.stack.addWidget(self.empty)

        main = QWidget()
        layout = QVBoxLayout(main)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack.addWidget(main)

        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("contactSearch")
        self.search.setAccessibleName(self.tr("Search contacts"))
        self.search.setPlaceholderText(self.tr("Search address or name…"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(self.tr("Finds words of the address or name that start with what you type."))
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(self.tr("Filter by status"))
        self.status_filter.addItem(self.tr("All statuses"), None)
        for status in consent.STATUSES:
            self.status_filter.addItem(self.tr(STATUS_LABELS[status]), status)
        self.add_button = QPushButton(self.tr("Add contact…"))
        self.add_button.setAccessibleName(self.tr("Add contact"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setToolTip(self.tr("Import contacts from a CSV, Excel or vCard file."))
        self.import_button.setVisible(_import_wizard_available())
        self.import_button.clicked.connect(self.open_import)
        self.export_button = QPushButton(self.tr("Export to CSV…"))
        self.export_button.setToolTip(self.tr(
            "Saves the contacts shown (this list, status and search) as a CSV file, which can be imported "
            "again unchanged."))
        self.export_button.clicked.connect(self.export_shown)
        self.purge_button = QPushButton(self.tr("Remove old unconfirmed…"))
        self.purge_button.setToolTip(self.tr(
            "Deletes pending contacts older than the retention period set in Settings (GDPR: unconfirmed "
            "addresses are not kept forever). This also runs when the program starts."))
        top.addWidget(self.search, 2)
        top.addWidget(self.status_filter)
        top.addWidget(self.add_button)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        top.addWidget(self.purge_button)
        layout.addLayout(top)

        bulk = QHBoxLayout()
        self.count_label = QLabel("")
        self.count_label.setObjectName("contactCount")
        self.bulk_add = QPushButton(self.tr("Add to list…"))
        self.bulk_remove = QPushButton(self.tr("Remove from list…"))
        self.bulk_unsubscribe = QPushButton(self.tr("Unsubscribe…"))
        self.bulk_unsubscribe.setToolTip(self.tr("Stops all mail to the selected contacts (global unsubscribe)."))
        self.bulk_erase = QPushButton(self.tr("Erase…"))
        self.bulk_erase.setToolTip(self.tr("Deletes all personal data of the selected contacts."))
        bulk.addWidget(self.count_label, 1)
        for b in (self.bulk_add, self.bulk_remove, self.bulk_unsubscribe, self.bulk_erase):
            b.setAccessibleName(self.tr("Selected contacts: {action}").format(action=b.text().rstrip("…")))
            bulk.addWidget(b)
        layout.addLayout(bulk)

        self.model = ContactsModel(self.app, self)
        self.table = QTableView()
        self.table.setObjectName("contactTable")
        self.table.setAccessibleName(self.tr("Contacts"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # the model's own order (address, ascending) is shown before sorting is switched on, so
        # switching it on asks for nothing new (each re-read counts a million contacts anew)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        self._sort_indicator = (0, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        # the address takes the room left; a status and a date always show whole
        fit_columns(self.table, stretch=0, values={2: [self.tr(v) for v in STATUS_LABELS.values()],
                                                   4: ["2026-12-31"]}, widths={1: 130, 3: 120})
        # a narrow window hides the date, then the lists, then the name before the address is cut
        self._columns = keep_room(self.table, stretch=0, minimum=180, optional=[4, 3, 1])

        self.lists_panel = ListsPanel(self.app, self.prompts)
        self.detail = DetailPanel(self.app)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.lists_panel)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        self.lists_panel.setMinimumWidth(200)
        self.lists_panel.setMaximumWidth(280)
        self.detail.setMinimumWidth(275)
        splitter.setChildrenCollapsible(False)
        for index, stretch in enumerate((0, 3, 2)):  # a wide window gives the detail pane room too
            splitter.setStretchFactor(index, stretch)
        splitter.setSizes([200, 630, 370])
        layout.addWidget(splitter, 1)
        self.job_bar = JobBar()
        layout.addWidget(self.job_bar)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.lists_panel.list_selected.connect(lambda _id: self.apply_filters())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._selection_changed)
        self.model.query_changed.connect(self._update_count)
        # "searching…" shows only for a read that takes a while (not as a flicker on every key)
        self._searching_note = QTimer(self)
        self._searching_note.setSingleShot(True)
        self._searching_note.setInterval(SEARCHING_NOTE_MS)
        self._searching_note.timeout.connect(self._update_count)
        self.model.searching_changed.connect(self._searching_changed)
        self.model.jobs = ctx.jobs  # a big list's whole order is read as a job
        self.add_button.clicked.connect(self.add_contact)
        self.purge_button.clicked.connect(lambda: self.purge_unconfirmed(ask=True))
        self.bulk_add.clicked.connect(self.add_selection_to_list)
        self.bulk_remove.clicked.connect(self.remove_selection_from_list)
        self.bulk_unsubscribe.clicked.connect(self.unsubscribe_selection)
        self.bulk_erase.clicked.connect(self.erase_selection)
        self.detail.edit_button.clicked.connect(self.edit_current)
        self.detail.confirm_button.clicked.connect(self.confirm_current)
        self.detail.export_button.clicked.connect(self.export_current)
        self.detail.request_button.clicked.connect(lambda: contacts_request.request_again(self))
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self._table_actions()
        ctx.events.contacts_changed.connect(self.reload)
        ctx.events.lists_changed.connect(self.lists_panel.reload_soon)

        self.model.refresh()
        self._update_empty()
        if rights.pending_due_for_purge(self.app):
            self.purge_unconfirmed(ask=False)

    def _table_actions(self) -> None:
        """The bulk actions also sit in the table's context menu; Delete erases (after asking)."""
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.installEventFilter(self)

    def context_menu_actions(self) -> list[tuple[str, object]]:
        return [(self.tr("Add to list…"), self.add_selection_to_list),
                (self.tr("Remove from list…"), self.remove_selection_from_list),
                (self.tr("Unsubscribe…"), self.unsubscribe_selection),
                (self.tr("Erase…"), self.erase_selection)]

    def _context_menu(self, pos) -> None:
        if not self.selected_count():
            return
        menu = QMenu(self.table)
        for text, slot in self.context_menu_actions():
            menu.addAction(text).triggered.connect(slot)
        menu.exec(self.table.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Delete and self.selected_count()):
            self.erase_selection()
            return True
        return super().eventFilter(watched, event)

    def _sort_indicator_changed(self, column: int, order: Qt.SortOrder) -> None:
        """Columns the model cannot sort (lists) keep the indicator where the order really is."""
        if COLUMNS[column] in SORTABLE:
            self._sort_indicator = (column, order)
        else:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            header.setSortIndicator(*self._sort_indicator)
            header.blockSignals(False)

    # -- filters ---------------------------------------------------------------------------
    def apply_filters(self) -> None:
        """Show what the search box, status filter and list ask for (read in the background: the
        table keeps its rows until the new ones are there)."""
        self._search_timer.stop()
        self.model.update_query_soon(search=self.search.text().strip(), status=self.status_filter.currentData(),
                                     list_id=self.lists_panel.current_list_id())

    def stop_reading(self) -> None:
        """The window closes: no table read may outlive it."""
        self.model.stop_reading()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.stop_reading()
        super().closeEvent(event)

    def reload(self) -> None:
        """Data changed (here or elsewhere): re-read counts, lists and the shown contact."""
        shown = self.detail.contact
        self.lists_panel.reload_soon()
        self.model.refresh_soon()
        self._update_empty()
        if shown is not None:  # keep showing the contact that was just changed (if it still exists)
            self.detail.show_contact(contact_service.get_contact(self.app, shown.id))

    def _searching_changed(self) -> None:
        if self.model.searching:
            self._searching_note.start()
        else:
            self._searching_note.stop()
            self._update_count()

    def _update_empty(self) -> None:
        self.stack.setCurrentIndex(1 if contact_service.has_contacts(self.app) else 0)

    def _update_count(self) -> None:
        selected = self.selected_count()
        text = tr_n(self, "%n {contact|contacts}", self.model.total)
        if selected:
            text += " " + self.tr("({n} selected)").format(n=f"{selected:,}")
        if self.model.searching and not self._searching_note.isActive():
            text += " " + self.tr("— searching…")
        self.count_label.setText(text)

    # -- selection -------------------------------------------------------------------------
    def _selected_ranges(self) -> list[tuple[int, int]]:
        spans = sorted((r.top(), r.bottom()) for r in self.table.selectionModel().selection())
        merged: list[tuple[int, int]] = []
        for top, bottom in spans:
            if merged and top <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], bottom))
            else:
                merged.append((top, bottom))
        return merged

    def selected_count(self) -> int:
        return sum(b - t + 1 for t, b in self._selected_ranges())

    def selected_ids(self) -> list[int]:
        ids: list[int] = []
        for top, bottom in self._selected_ranges():
            ids.extend(self.model.ids_in_range(top, bottom - top + 1))
        return ids

    def select_rows(self, rows: list[int]) -> None:
        sel = self.table.selectionModel()
        sel.clearSelection()
        for row in rows:
            sel.select(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                       | QItemSelectionModel.SelectionFlag.Rows)

    def _selection_changed(self, *_) -> None:
        n = self.selected_count()
        busy = self.job_bar.busy
        for b in (self.bulk_add, self.bulk_remove, self.bulk_unsubscribe, self.bulk_erase):
            b.setEnabled(n > 0 and not busy)
        current = None
        if n == 1:
            current = self.model.contact_at(self._selected_ranges()[0][0])
        self.detail.show_contact(current)
        self._update_count()

    # -- jobs ------------------------------------------------------------------------------
    def _run(self, title: str, fn, done_message) -> None:
        if self.job_bar.busy:  # one change at a time keeps the table and the counts truthful
            self.prompts.error(self, title, self.tr("Please wait until “{task}” has finished.")
                               .format(task=self.job_bar.label.text()))
            return
        def finished(result):
            self.ctx.events.status_message.emit(done_message(result))

        def failed(message: str):
            self.prompts.error(self, title, message)

        job = self.ctx.jobs.run(fn, name=title, on_result=finished, on_error=failed,
                                on_ended=self._job_ended)
        self.job_bar.track(job, title)
        self._selection_changed()

    def _job_ended(self) -> None:
        self.ctx.events.contacts_changed.emit()
        self.ctx.events.lists_changed.emit()

    # -- actions on one contact -------------------------------------------------------------
    def add_contact(self) -> None:
        dialog = ContactDialog(self.app, None, self)
        if self.prompts.run_dialog(dialog) and dialog.saved is not None:
            self.ctx.events.contacts_changed.emit()
            self.ctx.events.status_message.emit(self.tr("Added {email}.").format(email=dialog.saved.email))

    def open_import(self) -> None:
        from ..dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, path=None, parent=self)
        wizard.open()

    def edit_current(self) -> None:
        contact = self.detail.contact
        if contact is None:
            return
        dialog = ContactDialog(self.app, contact_service.get_contact(self.app, contact.id), self)
        if self.prompts.run_dialog(dialog) and dialog.saved is not None:
            self.ctx.events.contacts_changed.emit()

    def _change_one(self, kind: str, evidence: str = "") -> None:
        contact = self.detail.contact
        try:
            contact_service.change_status(self.app, contact.id, kind, "gui", evidence=evidence)
        except (consent.ConsentError, contact_service.ContactError) as exc:
            self.prompts.error(self, self.tr("Consent"), str(exc))
            return
        self.ctx.events.contacts_changed.emit()

    def confirm_current(self) -> None:
        if self.detail.contact is None:
            return
        evidence = self.prompts.text(self, self.tr("Record confirmation"), self.tr(
            "How and when did {email} confirm? (kept as evidence)").format(email=self.detail.contact.email))
        if evidence is not None:
            self._change_one(consent.EV_CONFIRMED, evidence.strip())

    def export_shown(self) -> None:
        contacts_export.export_shown(self)

    def export_current(self) -> None:
        contact = self.detail.contact
        if contact is None:
            return
        suggested = str(Path.home() / f"{contact.email_key.replace('@', '_at_')}.json")
        path = self.prompts.save_path(self, self.tr("Export personal data"), suggested, self.tr("JSON (*.json)"))
        if not path:
            return
        app, cid = self.app, contact.id

        def work(progress):
            data = rights.export_person(app, cid, channel="gui")
            write_private_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            return path

        self._run(self.tr("Exporting"), work, lambda p: self.tr("Exported to {path}.").format(path=p))

    # -- bulk actions ------------------------------------------------------------------------
    def _choose_list(self, title: str, create: bool) -> int | None:
        names = [lst.name for lst in contact_service.all_lists(self.app)]
        if not names and not create:
            self.prompts.error(self, title, self.tr("There are no lists yet."))
            return None
        name = self.prompts.item(self, title, self.tr("List:"), names, editable=create)
        if name is None:
            return None
        try:
            found = contact_service.ensure_list(self.app, name) if create else contact_service.find_list(self.app, name)
        except contact_service.ListError as exc:
            self.prompts.error(self, title, str(exc))
            return None
        return found.id if found else None

    def add_selection_to_list(self) -> None:
        ids = self.selected_ids()
        list_id = self._choose_list(self.tr("Add to list"), create=True) if ids else None
        if list_id is None:
            return
        app = self.app
        self._run(self.tr("Adding to list"),
                  lambda progress: contact_service.add_to_list(app, list_id, ids, progress=progress),
                  lambda n: tr_n(self, "Added %n {contact|contacts} to the list.", n))

    def remove_selection_from_list(self) -> None:
        ids = self.selected_ids()
        list_id = self._choose_list(self.tr("Remove from list"), create=False) if ids else None
        if list_id is None:
            return
        app = self.app
        self._run(self.tr("Removing from list"),
                  lambda progress: contact_service.remove_from_list(app, list_id, ids, progress=progress),
                  lambda n: tr_n(self, "Removed %n {contact|contacts} from the list.", n))

    def _one_selected(self) -> str | None:
        """The address of the only contact selected (None for several)."""
        return self.detail.contact.email if self.selected_count() == 1 and self.detail.contact else None

    def unsubscribe_selection(self) -> None:
        n = self.selected_count()
        one = self._one_selected()
        question = (self.tr("Unsubscribe {email}? They receive no campaigns again unless they confirm anew.")
                    .format(email=one) if one else
                    tr_n(self, "Unsubscribe %n {contact|contacts}? They receive no campaigns again unless they "
                         "confirm anew.", n))
        if not n or not self.prompts.confirm(self, self.tr("Unsubscribe"), question):
            return
        ids = self.selected_ids()
        app = self.app
        evidence = self.tr("marked unsubscribed by the user")
        self._run(self.tr("Unsubscribing"),
                  lambda progress: contact_service.bulk_change_status(
                      app, ids, consent.EV_UNSUBSCRIBED, "gui", evidence=evidence, progress=progress),
                  lambda k: self.tr("Unsubscribed {email}.").format(email=one) if one and k == 1
                  else tr_n(self, "Unsubscribed %n {contact|contacts}.", k))

    def erase_selection(self) -> None:
        n = self.selected_count()
        one = self._one_selected()
        question = (self.tr(
            "Erase {email}? All personal data (fields, lists, consent trail, send and bounce history) is "
            "deleted and cannot be restored. The address is kept only in a scrambled form on the "
            "suppression list, so it is never added or mailed again.").format(email=one) if one else tr_n(
            self, "Erase %n {contact|contacts}? All their personal data is deleted and cannot be restored. "
            "Their addresses are kept only in a scrambled form on the suppression list, so they are never "
            "added or mailed again.", n))
        if not n or not self.prompts.confirm(self, self.tr("Erase contacts"), question):
            return
        ids = self.selected_ids()
        app = self.app
        self._run(self.tr("Erasing"), lambda progress: rights.erase_many(app, ids, "gui", progress),
                  lambda k: self.tr("Erased {email}.").format(email=one) if one and k == 1
                  else tr_n(self, "Erased %n {contact|contacts}.", k))

    def purge_unconfirmed(self, ask: bool = True) -> None:
        """On demand (ask=True) the file is compacted afterwards; the automatic run at start-up
        skips the compaction so it never holds the database while mail is being sent."""
        days = self.app.settings.get("consent.pending_retention_days")
        if ask and not self.prompts.confirm(self, self.tr("Remove old unconfirmed contacts"), self.tr(
                "Delete pending contacts added more than {days} days ago who never confirmed?").format(days=days)):
            return
        app = self.app
        self._run(self.tr("Removing old unconfirmed contacts"),
                  lambda progress: rights.purge_pending(app, progress=progress, compact_file=ask),
                  lambda k: tr_n(self, "Removed %n unconfirmed {contact|contacts}.", k))
