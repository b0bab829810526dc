"""The Suppression page: addresses and domains that are never imported nor mailed.

Entries come from unsubscribes, bounces, complaints and erasures, or are added here by hand
(one address or domain, or a whole file). Entries of erased people show no address and cannot
be removed.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...services.contacts import suppression
from ...services.contacts.suppression import SuppressionError
from ..context import UiContext
from ..models.suppression_model import REASON_LABELS, SuppressionModel
from ..plurals import tr_n
from ..prompts import Prompts
from ..theme import page_margins
from ..widgets.empty_state import EmptyState
from ..widgets.tables import fit_columns, keep_room
from .contacts_panels import JobBar


class SuppressionPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.prompts = Prompts()
        layout = QVBoxLayout(self)
        page_margins(layout)

        add_row = QHBoxLayout()
        self.entry = QLineEdit()
        self.entry.setAccessibleName(self.tr("Address or domain to suppress"))
        self.entry.setPlaceholderText(self.tr("name@example.com or example.com"))
        self.entry.setToolTip(self.tr("An address blocks that mailbox; a domain blocks every address at it."))
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add to the suppression list"))
        self.file_button = QPushButton(self.tr("Add from file…"))
        self.file_button.setToolTip(self.tr("A text or CSV file with one address or domain per line "
                                            "(CSV: the first column)."))
        self.message = QLabel("")
        self.message.setObjectName("suppressionMessage")
        self.message.setWordWrap(True)
        add_row.addWidget(self.entry, 2)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.file_button)
        layout.addLayout(add_row)
        layout.addWidget(self.message)

        self.stack = QStackedWidget()
        self.empty = EmptyState(
            self.tr('Nobody is suppressed'),
            self.tr(
                'Addresses here are never imported again and never mailed: people who unsubscribed or '
                'complained, addresses that bounced, erased people, and any address or domain you add yourself.'
            ),
        )
        self.stack.addWidget(self.empty)
        main = QWidget()
        inner = QVBoxLayout(main)
        inner.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setAccessibleName(self.tr("Search the suppression list"))
        self.search.setPlaceholderText(self.tr("Search…"))
        self.search.setClearButtonEnabled(True)
        self.reason_filter = QComboBox()
        self.reason_filter.setAccessibleName(self.tr("Filter by reason"))
        self.reason_filter.addItem(self.tr("All reasons"), None)
        for key, label in REASON_LABELS.items():
            self.reason_filter.addItem(self.tr(label), key)
        self.count_label = QLabel("")
        self.remove_button = QPushButton(self.tr("Remove…"))
        self.remove_button.setToolTip(self.tr("Allow the selected addresses again. Entries of erased people "
                                              "stay."))
        filters.addWidget(self.search, 2)
        filters.addWidget(self.reason_filter)
        filters.addWidget(self.count_label, 1)
        filters.addWidget(self.remove_button)
        inner.addLayout(filters)
        self.model = SuppressionModel(self.app, self)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Suppression list"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        fit_columns(self.table, stretch=0, values={
            1: [self.tr("Whole domain"), self.tr("Address")], 2: [self.tr(v) for v in REASON_LABELS.values()],
            3: ["2026-12-31"]}, widths={4: 220})
        self._columns = keep_room(self.table, stretch=0, minimum=200, optional=[4, 3, 1])
        inner.addWidget(self.table, 1)
        self.stack.addWidget(main)
        layout.addWidget(self.stack, 1)
        self.job_bar = JobBar()
        layout.addWidget(self.job_bar)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self._timer.start)
        self.reason_filter.currentIndexChanged.connect(self.apply_filters)
        self.add_button.clicked.connect(self.add_entry)
        self.entry.returnPressed.connect(self.add_entry)
        self.file_button.clicked.connect(self.add_file)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_view)
        ctx.events.contacts_changed.connect(self.model.refresh)
        self.model.refresh_now()  # the first view right away (cheap without a search): no empty state first

    def apply_filters(self) -> None:
        self._timer.stop()
        self.model.set_filter(self.search.text().strip(), self.reason_filter.currentData())

    def _update_view(self) -> None:
        everyone = self.model.total if not (self.model.search or self.model.reason) \
            else suppression.count_suppressions(self.app)
        self.stack.setCurrentIndex(0 if everyone == 0 else 1)
        self.count_label.setText(tr_n(self, "%n {entry|entries}", self.model.total))
        self._update_buttons()

    def _update_buttons(self, *_) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def add_entry(self) -> None:
        text = self.entry.text().strip()
        try:
            entry = suppression.suppress(self.app, text)
        except SuppressionError as exc:
            self.message.setText(str(exc))
            return
        self.entry.clear()
        self.message.setText(self.tr("{what} is suppressed ({reason}).").format(
            what=entry.display, reason=self.tr(REASON_LABELS.get(entry.reason, entry.reason))))
        self.model.refresh()
        self.ctx.events.contacts_changed.emit()

    def add_file(self) -> None:
        path = self.prompts.open_path(self, self.tr("Add addresses from a file"),
                                      self.tr("Text or CSV files (*.txt *.csv);;All files (*)"))
        if not path:
            return
        app = self.app

        def done(report):
            lines = [self.tr("Added {a}, already listed {b}, not usable {c}.").format(
                a=report.added, b=report.already, c=len(report.invalid))]
            lines += [self.tr("Line {n}: {why}").format(n=n, why=why) for n, _t, why in report.invalid[:5]]
            self.message.setText("\n".join(lines))
            self.model.refresh()
            self.ctx.events.contacts_changed.emit()

        job = self.ctx.jobs.run(lambda progress: suppression.suppress_file(app, path, progress=progress),
                                name="suppress file", on_result=done,
                                on_error=lambda msg: self.message.setText(msg))
        self.job_bar.track(job, self.tr("Adding to the suppression list"))

    def remove_selected(self) -> None:
        rows = [i.row() for i in self.table.selectionModel().selectedRows()]
        entries = [e for e in (self.model.entry_at(r) for r in rows) if e is not None]
        if not entries:
            return
        if not self.prompts.confirm(self, self.tr("Remove from the suppression list"), tr_n(
                self, "Allow %n {entry|entries} again? Imports and sends will no longer skip {it|them}.",
                len(entries))):
            return
        removed, kept = 0, 0
        for entry in entries:
            try:
                removed += suppression.unsuppress(self.app, entry.hash)
            except SuppressionError:
                kept += 1
        text = self.tr("Removed {n}.").format(n=removed)
        if kept:
            text += " " + tr_n(self, "%n {entry|entries} of erased people {stays|stay}: they can never be removed.", kept)
        self.message.setText(text)
        self.model.refresh()
        self.ctx.events.contacts_changed.emit()

