"""Parts of the Contacts page: the Lists panel, the detail panel, the job bar and the prompts seam."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import consent
from ...services.contacts import people as contact_service
from ...services.contacts import rights
from ...services.contacts.people import Contact
from ..labels import channel_label, event_label, field_label
from ..models.contacts_model import STATUS_HELP, STATUS_LABELS
from ..prompts import Prompts
from ..tasks import LatestRead
from ..theme import set_text_role
from . import contacts_request


class JobBar(QWidget):
    """Progress of the page's background job with a Cancel button; hidden while idle."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("")
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Progress"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setAccessibleName(self.tr("Cancel the running task"))
        row.addWidget(self.label)
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        self.job = None
        self.cancel.clicked.connect(self._cancel)
        self.hide()

    def track(self, job, title: str) -> None:
        self.job = job
        self.label.setText(title)
        self.bar.setRange(0, 0)
        self.cancel.setEnabled(True)
        job.progress.connect(self._progress)
        job.ended.connect(self._ended)
        self.show()

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if text:
            self.bar.setFormat(f"{text} %p%")

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel.setEnabled(False)

    def _ended(self) -> None:
        self.job = None
        self.hide()

    @property
    def busy(self) -> bool:
        return self.job is not None


def _lists_and_sizes(app) -> tuple[int, list]:
    return contact_service.count(app), contact_service.all_lists(app)


class ListsPanel(QWidget):
    """The lists (with member counts); choosing one filters the table. New, rename, delete."""

    list_selected = Signal(object)  # list id or None for all contacts

    def __init__(self, app, prompts: Prompts, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.prompts = prompts
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = set_text_role(QLabel(self.tr("Lists")), "heading")
        self.view = QListWidget()
        self.view.setAccessibleName(self.tr("Lists"))
        self.view.setToolTip(self.tr("Choose a list to show only its members. Unsubscribing is global: it "
                                     "stops all lists."))
        self.new_button = QPushButton(self.tr("New…"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setToolTip(self.tr("Deletes the list only; its contacts stay."))
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        for b in (self.new_button, self.rename_button, self.delete_button):
            b.setMinimumWidth(0)  # three fit a narrow panel: as wide as their words
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            b.setStyleSheet("QPushButton { padding: 3px 6px; }")
            buttons.addWidget(b)
        layout.addWidget(title)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.new_button.clicked.connect(self.new_list)
        self.rename_button.clicked.connect(self.rename_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.view.currentItemChanged.connect(self._changed)
        self._reader = LatestRead(app, lambda result: self._fill(*result), lambda _exc: self.reload(),
                                  "lists-reader", self)
        self.reload()

    def current_list_id(self) -> int | None:
        item = self.view.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def reload(self) -> None:
        """Read the lists and their sizes now (after the panel's own changes)."""
        self._reader.shown_now()
        self._fill(*_lists_and_sizes(self.app))

    @property
    def reading(self) -> bool:
        """A read asked for by :meth:`reload_soon` is not shown yet."""
        return self._reader.reading

    def reload_soon(self) -> None:
        """Read the lists and their sizes in a thread of their own (the sizes take a pass over
        the memberships) and show them when read; for changes made elsewhere. Several calls while a
        read runs give one more read after it."""
        self._reader.ask(_lists_and_sizes)

    def _fill(self, total: int, lists: list) -> None:
        keep = self.current_list_id()
        self.view.blockSignals(True)
        self.view.clear()
        everyone = QListWidgetItem(self.tr("All contacts ({n})").format(n=f"{total:,}"))
        everyone.setData(Qt.ItemDataRole.UserRole, None)
        self.view.addItem(everyone)
        self.view.setCurrentItem(everyone)
        for lst in lists:
            item = QListWidgetItem(f"{lst.name} ({lst.members:,})")
            item.setData(Qt.ItemDataRole.UserRole, lst.id)
            item.setToolTip(lst.description)
            self.view.addItem(item)
            if lst.id == keep:
                self.view.setCurrentItem(item)
        self.view.blockSignals(False)
        self._update_buttons()
        if keep is not None and self.current_list_id() != keep:
            self.list_selected.emit(None)  # the list was deleted

    def select_list(self, list_id: int | None) -> None:
        for row in range(self.view.count()):
            if self.view.item(row).data(Qt.ItemDataRole.UserRole) == list_id:
                self.view.setCurrentRow(row)
                return

    def _changed(self, *_):
        self._update_buttons()
        self.list_selected.emit(self.current_list_id())

    def _update_buttons(self) -> None:
        chosen = self.current_list_id() is not None
        self.rename_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _report(self, exc: Exception) -> None:
        self.prompts.error(self, self.tr("Lists"), str(exc))

    def new_list(self) -> None:
        name = self.prompts.text(self, self.tr("New list"), self.tr("Name of the new list:"))
        if name is None:
            return
        try:
            created = contact_service.create_list(self.app, name)
        except contact_service.ListError as exc:
            self._report(exc)
            return
        self.reload()
        self.select_list(created.id)

    def rename_current(self) -> None:
        list_id = self.current_list_id()
        current = contact_service.get_list(self.app, list_id) if list_id is not None else None
        if current is None:
            return
        name = self.prompts.text(self, self.tr("Rename list"), self.tr("New name:"), current.name)
        if name is None:
            return
        try:
            contact_service.rename_list(self.app, current.id, name)
        except contact_service.ListError as exc:
            self._report(exc)
            return
        self.reload()

    def delete_current(self) -> None:
        list_id = self.current_list_id()
        current = contact_service.get_list(self.app, list_id) if list_id is not None else None
        if current is None:
            return
        if not self.prompts.confirm(self, self.tr("Delete list"), self.tr(
                "Delete the list “{name}”? Its contacts stay in your contacts.").format(name=current.name)):
            return
        contact_service.delete_list(self.app, current.id)
        self.reload()


class _FittingTable(QTableWidget):
    """A table that fits its pane, however narrow: no sideways scrolling. The first column
    (a date) is as wide as its content, the second takes at most a third of the width, and the
    last takes the rest; long text wraps onto more lines (and is whole in the tooltip)."""

    def __init__(self, headers: list[str], name: str):
        super().__init__(0, len(headers))
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.horizontalHeader()
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)

    def fit(self) -> None:
        width = self.viewport().width()
        if width <= 0:
            return
        first = min(self.sizeHintForColumn(0), width // 3) if self.rowCount() else width // 4
        self.setColumnWidth(0, max(first, 40))
        for col in range(1, self.columnCount() - 1):
            wanted = self.sizeHintForColumn(col) if self.rowCount() else width // 4
            self.setColumnWidth(col, max(40, min(wanted, width // 3)))
        self.resizeRowsToContents()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit()


def _table(headers: list[str], name: str) -> _FittingTable:
    return _FittingTable(headers, name)


def _fill(table: _FittingTable, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(r, c, item)
    table.fit()


class DetailPanel(QWidget):
    """One contact: fields, consent trail and send/bounce history, with its actions."""

    def __init__(self, app, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.contact: Contact | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.tr("Choose a contact to see its details."))
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)
        form = QFormLayout()
        self.facts: dict[str, QLabel] = {}
        for key, label in (("status", self.tr("Status")), ("basis", self.tr("Consent")),
                           ("lists", self.tr("Lists")), ("source", self.tr("Source")),
                           ("added", self.tr("Added")), ("fields", self.tr("Fields"))):
            value = QLabel("")
            value.setWordWrap(True)
            value.setObjectName(f"fact:{key}")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[key] = value
            form.addRow(label + ":", value)
        layout.addLayout(form)

        self.edit_button = QPushButton(self.tr("Edit…"))
        self.confirm_button = QPushButton(self.tr("Record confirmation…"))
        self.confirm_button.setToolTip(self.tr("Only a new, recorded confirmation makes an unsubscribed, bounced "
                                               "or complained contact mailable again."))
        self.export_button = QPushButton(self.tr("Export their data…"))
        self.export_button.setToolTip(self.tr("Everything held about this person, as a JSON file (GDPR access "
                                              "and portability)."))
        self.request_button = QPushButton(self.tr("Ask to confirm…"))
        self.request_button.setToolTip(self.tr("A confirmation request to this person now. Someone who opted out "
                                               "gets one only when they asked to come back; their reply to it "
                                               "confirms them."))
        # Unsubscribe and Erase act on the selection (one person or many) from the bar above
        # the table, its context menu and the Delete key: one place, one behaviour.
        rows = (QHBoxLayout(), QHBoxLayout())
        for b in (self.edit_button, self.confirm_button):
            rows[0].addWidget(b)
        for b in (self.request_button, self.export_button):
            rows[1].addWidget(b)
        for r in rows:
            r.addStretch(1)
            layout.addLayout(r)

        self.tabs = QTabWidget()
        self.trail = _table([self.tr("When"), self.tr("Event"), self.tr("Details")], self.tr("Consent trail"))
        self.history = _table([self.tr("When"), self.tr("What"), self.tr("Detail")], self.tr("History"))
        self.tabs.addTab(self.trail, self.tr("Consent trail"))
        self.tabs.addTab(self.history, self.tr("History"))
        layout.addWidget(self.tabs, 1)
        self.show_contact(None)

    def show_contact(self, contact: Contact | None) -> None:
        self.contact = contact
        for b in (self.edit_button, self.confirm_button, self.export_button, self.request_button):
            b.setEnabled(contact is not None)
        self.request_button.setText(contacts_request.button_text(self, contact.status if contact else None))
        if contact is None:
            self.title.setText(self.tr("Choose a contact to see its details."))
            for label in self.facts.values():
                label.setText("")
            _fill(self.trail, [])
            _fill(self.history, [])
            return
        self.request_button.setEnabled(contact.status != consent.CONFIRMED)
        self.title.setText(f"<b>{_esc(contact.email)}</b><br>{_esc(contact.name)}")
        self.facts["status"].setText(self.tr(STATUS_LABELS.get(contact.status, contact.status)))
        self.facts["status"].setToolTip(self.tr(STATUS_HELP.get(contact.status, "")))
        basis = contact.consent_basis or self.tr("none recorded yet")
        if contact.consent_expires_at:
            basis += " " + self.tr("(until {day})").format(day=contact.consent_expires_at)
        self.facts["basis"].setText(basis)
        self.facts["lists"].setText(", ".join(contact.lists) or "–")
        self.facts["source"].setText(contact.source or "–")
        self.facts["added"].setText(contact.created_at.replace("T", " ").rstrip("Z"))
        self.facts["fields"].setText("; ".join(f"{field_label(k)}: {v}" for k, v in contact.fields.items()) or "–")
        events = contact_service.consent_trail(self.app, contact.id)
        _fill(self.trail, [[_when(e.at), event_label(e.kind), self._trail_details(e)] for e in reversed(events)])
        history = rights.person_history(self.app, contact.id)
        rows = [[d.get("finished_at") or d.get("queued_at") or "", self.tr("Campaign “{c}”: {s}").format(
                 c=d.get("campaign_name") or d.get("campaign_id"), s=d.get("state")), d.get("last_reply") or ""]
                for d in history["deliveries"]]
        rows += [[b.get("at") or "", self.tr("Bounce ({kind})").format(kind=b.get("kind")),
                  f"{b.get('status') or ''} {b.get('reason') or ''}".strip()] for b in history["bounce_events"]]
        rows += [[m.get("processed_at") or "", self.tr("Mail received ({kind})").format(kind=m.get("kind")),
                  m.get("outcome") or m.get("subject") or ""] for m in history["inbox_messages"]]
        rows.sort(key=lambda r: r[0], reverse=True)
        _fill(self.history, [[_when(r[0]), r[1], r[2]] for r in rows])

    def _trail_details(self, event) -> str:
        """Channel, change of status, evidence and the wording shown: one per line."""
        lines = [f"{_status(event.status_before)} → {_status(event.status_after)}",
                 self.tr("Through: {channel}").format(channel=channel_label(event.channel))]
        if event.evidence:
            lines.append(self.tr("Evidence: {text}").format(text=event.evidence))
        if event.wording:
            lines.append(self.tr("Wording shown: {text}").format(text=event.wording))
        return "\n".join(lines)


def _when(at: str) -> str:
    """A stored time as date and time on two lines (a narrow column)."""
    return at.replace("T", "\n", 1).rstrip("Z") if at else ""


def _status(status: str | None) -> str:
    return QCoreApplication.translate("status", STATUS_LABELS.get(status, status)) if status else "–"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
