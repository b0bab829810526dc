"""The import wizard: file (or pasted text) → preview → mapping → consent → progress → report.

Every step that reads the file or writes the database runs through ``ctx.jobs`` (the GUI
thread never blocks); the import itself is the service's one transaction, so Cancel leaves
the contacts exactly as they were. Files can also be dropped on the wizard.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.importing.mapping import PRESETS_BY_KEY
from ...services import importing
from ...services.contacts.lists import all_lists
from ..models.import_tables import IssuesModel, PreviewModel
from ..theme import set_text_role
from ..widgets.import_mapping import MappingTable

SOURCE, PREVIEW, MAPPING, OPTIONS, RUNNING, REPORT = range(6)
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "cp1250", "mac_roman")
DELIMITERS = {",": "Comma", ";": "Semicolon", "\t": "Tab", "|": "Pipe"}


MAX_COLUMN_WIDTH = 260  # report columns: longer values are cut short and shown in full as a tooltip


class ImportWizard(QDialog):
    imported = Signal(object)  # the ImportReport

    def __init__(self, ctx, path: str | Path | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.table: importing.Table | None = None
        self.report: importing.ImportReport | None = None
        self.job = None
        self._close_when_stopped = False
        self._path: Path | None = None
        self._text: str | None = None
        self.setWindowTitle(self.tr("Import contacts"))
        self.setMinimumSize(760, 520)
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_text_role(self.error, "error")
        self.error.setAccessibleName(self.tr("Problem"))
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        layout.addLayout(buttons)
        self.back_button = QPushButton(self.tr("< &Back"))
        self.next_button = QPushButton(self.tr("&Next >"))
        self.next_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.close_button = QPushButton(self.tr("&Close"))
        for b in (self.back_button, self.next_button, self.cancel_button, self.close_button):
            b.setAccessibleName(b.text().replace("&", ""))
        buttons.addStretch(1)
        for b in (self.back_button, self.next_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)

        for build in (self._build_source, self._build_preview, self._build_mapping, self._build_options,
                      self._build_running, self._build_report):
            self.stack.addWidget(build())
        self._show(SOURCE)
        if path is not None:
            self.path_edit.setText(str(path))
            self.load_path(Path(path))

    # -- pages ---------------------------------------------------------------------------
    def _build_source(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(QLabel(self.tr("Choose a contact list: CSV or text table, Excel (.xlsx) or vCard (.vcf). "
                                   "You can also drop a file here, or paste addresses or a copied table below.")))
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName(self.tr("File"))
        self.path_edit.setPlaceholderText(self.tr("File to import"))
        browse = QPushButton(self.tr("&Choose file…"))
        browse.setAccessibleName(self.tr("Choose file"))
        browse.clicked.connect(self.choose_file)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        v.addLayout(row)
        paste_row = QHBoxLayout()
        paste_row.addWidget(QLabel(self.tr("Or paste:")))
        paste = QPushButton(self.tr("&Paste from clipboard"))
        paste.setAccessibleName(self.tr("Paste from clipboard"))
        paste.clicked.connect(lambda: self.paste_edit.setPlainText(QGuiApplication.clipboard().text()))
        paste_row.addStretch(1)
        paste_row.addWidget(paste)
        v.addLayout(paste_row)
        self.paste_edit = QPlainTextEdit()
        self.paste_edit.setAccessibleName(self.tr("Pasted addresses"))
        self.paste_edit.setPlaceholderText("Anna Smith <anna@example.com>, ben@example.org …")
        v.addWidget(self.paste_edit, 1)
        return page

    def _build_preview(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.detected = QLabel()
        self.detected.setAccessibleName(self.tr("Detected format"))
        self.detected.setWordWrap(True)
        v.addWidget(self.detected)
        form = QHBoxLayout()
        self.encoding_combo = QComboBox()
        self.encoding_combo.setAccessibleName(self.tr("Encoding"))
        self.encoding_combo.setToolTip(self.tr("Change this when accents look wrong in the preview"))
        self.encoding_combo.addItem(self.tr("Detected"), None)
        for enc in ENCODINGS:
            self.encoding_combo.addItem(enc, enc)
        self.delimiter_combo = QComboBox()
        self.delimiter_combo.setAccessibleName(self.tr("Delimiter"))
        self.delimiter_combo.addItem(self.tr("Detected"), None)
        for d, title in DELIMITERS.items():
            self.delimiter_combo.addItem(self.tr(title), d)
        form.addWidget(QLabel(self.tr("&Encoding:")))
        form.itemAt(form.count() - 1).widget().setBuddy(self.encoding_combo)
        form.addWidget(self.encoding_combo)
        form.addWidget(QLabel(self.tr("&Delimiter:")))
        form.itemAt(form.count() - 1).widget().setBuddy(self.delimiter_combo)
        form.addWidget(self.delimiter_combo)
        form.addStretch(1)
        v.addLayout(form)
        self.encoding_combo.activated.connect(self._reload)
        self.delimiter_combo.activated.connect(self._reload)
        self.preview_view = QTableView()
        self.preview_view.setAccessibleName(self.tr("Preview of the first rows"))
        v.addWidget(self.preview_view, 1)
        return page

    def _build_mapping(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.preset_label = QLabel()
        self.preset_label.setWordWrap(True)
        v.addWidget(self.preset_label)
        self.mapping_table = MappingTable()
        v.addWidget(self.mapping_table, 1)
        note = QLabel(self.tr("Consent columns of other programs (status, opt-in dates) are never used "
                              "to set consent here; choose the consent of this import on the next page."))
        note.setWordWrap(True)
        v.addWidget(note)
        return page

    def _build_options(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.list_combo = QComboBox()
        self.list_combo.setEditable(True)
        self.list_combo.setAccessibleName(self.tr("Add to list"))
        self.list_combo.setToolTip(self.tr("Everyone imported joins this list (created if it does not exist)"))
        form.addRow(self.tr("Add to &list:"), self.list_combo)
        self.policy_combo = QComboBox()
        self.policy_combo.setAccessibleName(self.tr("Existing contacts"))
        for key in importing.POLICIES:
            self.policy_combo.addItem(self.tr(importing.POLICY_TITLES[key]), key)
        self.policy_combo.setToolTip(self.tr("How rows for addresses already in your contacts (and duplicates in "
                                             "the file) are merged. Consent is never changed by an import."))
        form.addRow(self.tr("E&xisting contacts:"), self.policy_combo)
        self.consent_group = QButtonGroup(self)
        self.pending_radio = QRadioButton(self.tr("Pending — ask them to confirm (recommended)"))
        self.confirmed_radio = QRadioButton(self.tr("Already confirmed — I can prove it"))
        self.implied_radio = QRadioButton(self.tr("Existing customers (CASL implied consent, 2 years from purchase)"))
        for i, radio in enumerate((self.pending_radio, self.confirmed_radio, self.implied_radio)):
            radio.setAccessibleName(radio.text())
            self.consent_group.addButton(radio, i)
            form.addRow("" if i else self.tr("Consent:"), radio)
        self.pending_radio.setChecked(True)
        self.proof_edit = QLineEdit()
        self.proof_edit.setAccessibleName(self.tr("Proof of consent"))
        self.proof_edit.setPlaceholderText(self.tr("Where and when they agreed, e.g. signup form at the fair, May 2024"))
        self.proof_edit.setToolTip(self.tr("Stored as evidence in every imported contact's consent trail"))
        form.addRow(self.tr("&Proof:"), self.proof_edit)
        self.purchase_edit = QDateEdit(QDate.currentDate())
        self.purchase_edit.setCalendarPopup(True)
        self.purchase_edit.setDisplayFormat("yyyy-MM-dd")
        self.purchase_edit.setAccessibleName(self.tr("Purchase date"))
        form.addRow(self.tr("P&urchase date:"), self.purchase_edit)
        self.consent_group.idToggled.connect(lambda *_: self._options_changed())
        self.proof_edit.textChanged.connect(self._options_changed)
        return page

    def _build_running(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addStretch(1)
        self.progress_label = QLabel(self.tr("Importing…"))
        v.addWidget(self.progress_label)
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(self.tr("Import progress"))
        v.addWidget(self.progress_bar)
        v.addStretch(1)
        return page

    def _build_report(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        self.headline_label = set_text_role(QLabel(), "title")
        self.headline_label.setWordWrap(True)
        v.addWidget(self.headline_label)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setAccessibleName(self.tr("Import summary"))
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.summary_label)
        self.issues_view = QTableView()
        self.issues_view.setAccessibleName(self.tr("Rows with issues"))
        self.issues_view.horizontalHeader().setStretchLastSection(True)
        self.issues_view.verticalHeader().setVisible(False)
        v.addWidget(self.issues_view, 1)
        self.no_issues_label = QLabel(self.tr("No row needs a second look: every row was imported or matched a "
                                              "contact you already have."))
        self.no_issues_label.setWordWrap(True)
        self.no_issues_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.no_issues_label.setContentsMargins(0, 12, 0, 0)
        self.no_issues_label.setAccessibleName(self.tr("No issues"))
        v.addWidget(self.no_issues_label, 1)
        self.save_report_button = QPushButton(self.tr("&Save report as CSV…"))
        self.save_report_button.setAccessibleName(self.tr("Save report as CSV"))
        self.save_report_button.clicked.connect(lambda: self.save_report())
        v.addWidget(self.save_report_button, 0, Qt.AlignmentFlag.AlignLeft)
        return page

    # -- navigation ----------------------------------------------------------------------
    def _show(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.error.clear()
        self.back_button.setVisible(index in (PREVIEW, MAPPING, OPTIONS))
        self.next_button.setVisible(index in (SOURCE, PREVIEW, MAPPING, OPTIONS))
        self.next_button.setText(self.tr("&Import") if index == OPTIONS else self.tr("&Next >"))
        self.cancel_button.setVisible(index != REPORT)
        self.close_button.setVisible(index == REPORT)
        if index == OPTIONS:
            self._options_changed()
        else:
            self.next_button.setEnabled(True)

    @property
    def page(self) -> int:
        return self.stack.currentIndex()

    def go_back(self) -> None:
        if self.page > SOURCE:
            self._show(self.page - 1)

    def go_next(self) -> None:
        if self.page == SOURCE:
            text = self.paste_edit.toPlainText()
            if self.path_edit.text().strip():
                self.load_path(Path(self.path_edit.text().strip()))
            elif text.strip():
                self.load_text(text)
            else:
                self.error.setText(self.tr("Choose a file, drop one here, or paste addresses."))
        elif self.page == PREVIEW:
            self._show(MAPPING)
        elif self.page == MAPPING:
            if self._targets().count("email") != 1:
                self.error.setText(self.tr("Map exactly one column to “Email address”."))
                return
            self._fill_lists()
            self._show(OPTIONS)
        elif self.page == OPTIONS:
            self.start_import()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import contacts"), "",
            self.tr("Contact lists (*.csv *.tsv *.txt *.xlsx *.vcf);;All files (*)"))
        if path:
            self.path_edit.setText(path)
            self.load_path(Path(path))

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls() and self.page in (SOURCE, PREVIEW, MAPPING):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.path_edit.setText(urls[0].toLocalFile())
            self.load_path(Path(urls[0].toLocalFile()))

    # -- loading the table ---------------------------------------------------------------
    def load_path(self, path: Path, encoding: str | None = None, delimiter: str | None = None) -> None:
        self._path, self._text = path, None
        self._open(lambda _p: importing.open_table(path, encoding=encoding, delimiter=delimiter))

    def load_text(self, text: str) -> None:
        self._path, self._text = None, text
        self._open(lambda _p: importing.table_from_text(text))

    def _reload(self) -> None:
        if self._path is not None:
            self.load_path(self._path, self.encoding_combo.currentData(), self.delimiter_combo.currentData())

    def _open(self, fn) -> None:
        self.next_button.setEnabled(False)
        self.error.setText(self.tr("Reading…"))
        self.job = self.ctx.jobs.run(fn, name="open contact list", on_result=self._table_loaded,
                                     on_error=self._failed)

    def _failed(self, message: str) -> None:
        self.next_button.setEnabled(True)
        self.error.setText(message)

    def _table_loaded(self, table: importing.Table) -> None:
        self.table = table
        self.next_button.setEnabled(True)
        parts = [importing.FORMAT_TITLES.get(table.file_format, table.file_format)]
        if table.encoding:
            parts.append(self.tr("encoding {enc}").format(enc=table.encoding))
        if table.delimiter:
            parts.append(self.tr("delimiter: {d}").format(d=self.tr(DELIMITERS.get(table.delimiter, table.delimiter))))
        parts.append(self.tr("header on row {n}").format(n=table.header_row) if table.header_row
                     else self.tr("no header row"))
        self.detected.setText(f"{table.name}: " + ", ".join(parts) + ". "
                              + self.tr("The first {n} rows:").format(n=len(table.preview)))
        self.preview_view.setModel(PreviewModel(table.header, table.preview, self.preview_view))
        self._fill_mapping(table)
        self._show(PREVIEW)

    # -- mapping -------------------------------------------------------------------------
    def _fill_mapping(self, table: importing.Table) -> None:
        preview = [r for _, r in table.preview]
        mapping = importing.auto_map(table.header, "skip", preview)
        preset = PRESETS_BY_KEY.get(mapping.preset) if mapping.preset else None
        self.preset_label.setText(
            self.tr("Recognised: {title} export. Check how each column is imported.").format(title=preset.title)
            if preset else self.tr("Check how each column is imported."))
        self.mapping_table.fill(table.header, preview, mapping)

    def field_name_item(self, column: int) -> QTableWidgetItem:
        return self.mapping_table.field_name_item(column)

    def mapping_combo(self, column: int) -> QComboBox:
        return self.mapping_table.combo(column)

    def _targets(self) -> list[str]:
        return self.mapping_table.targets()

    # -- options -------------------------------------------------------------------------
    def _fill_lists(self) -> None:
        current = self.list_combo.currentText()
        self.list_combo.clear()
        self.list_combo.addItem("")
        for lst in all_lists(self.ctx.app):
            self.list_combo.addItem(lst.name)
        self.list_combo.setEditText(current)

    def options(self) -> importing.ImportOptions:
        choice = ("pending", "confirmed", "implied")[max(0, self.consent_group.checkedId())]
        qdate = self.purchase_edit.date()
        return importing.ImportOptions(
            list_name=self.list_combo.currentText().strip() or None, consent=choice,
            proof=self.proof_edit.text().strip(),
            purchase_date=date(qdate.year(), qdate.month(), qdate.day()) if choice == "implied" else None,
            policy=self.policy_combo.currentData(), targets=self._targets())

    def _options_changed(self) -> None:
        confirmed = self.confirmed_radio.isChecked()
        self.proof_edit.setEnabled(not self.pending_radio.isChecked())
        self.purchase_edit.setEnabled(self.implied_radio.isChecked())
        ready = not confirmed or bool(self.proof_edit.text().strip())
        if self.page == OPTIONS:
            self.next_button.setEnabled(ready)
            self.error.setText("" if ready else self.tr("Importing as confirmed needs a proof: where and when "
                                                        "these people agreed."))

    # -- running -------------------------------------------------------------------------
    def start_import(self) -> None:
        options = self.options()
        try:
            importing.check_options(options)
        except importing.ImportInputError as exc:
            self.error.setText(str(exc))
            return
        table, app = self.table, self.ctx.app
        size = self._path.stat().st_size if self._path is not None and self._path.exists() else None
        self._show(RUNNING)
        self.progress_bar.setRange(0, 0)
        self.job = self.ctx.jobs.run(
            lambda progress: importing.import_table(app, table, options, progress, size_hint=size),
            name="import contacts", on_result=self._done, on_error=self._import_failed,
            on_progress=self._progress, on_cancelled=self._cancelled)

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        else:
            self.progress_bar.setRange(0, 0)
        self.progress_label.setText(self.tr("{text}: {n} rows").format(text=text, n=f"{done:,}"))

    def _done(self, report: importing.ImportReport) -> None:
        self.report = report
        headline = self.tr("{added} new contacts, {updated} updated.").format(
            added=f"{report.added:,}", updated=f"{report.updated:,}")
        counts = {key: f"{value:,}" for key, value in (
            ("rows", report.rows), ("added", report.added), ("updated", report.updated),
            ("unchanged", report.unchanged), ("dup", report.duplicates), ("invalid", report.invalid),
            ("supp", report.suppressed), ("skipped", report.skipped), ("flagged", report.flagged))}
        self.headline_label.setText(headline)
        self.summary_label.setText(self.tr(
            "{rows} rows: {added} added, {updated} updated, {unchanged} unchanged, {dup} duplicates, "
            "{invalid} invalid, {supp} suppressed (never re-added), {skipped} skipped; {flagged} flagged "
            "for a second look.").format(**counts))
        self.issues_view.setModel(IssuesModel(report.issues, self.issues_view))
        self.save_report_button.setEnabled(bool(report.issues))
        self.save_report_button.setVisible(bool(report.issues))
        self.issues_view.setVisible(bool(report.issues))
        self.no_issues_label.setVisible(not report.issues)
        if report.issues:
            self.issues_view.resizeColumnsToContents()
            for column in range(self.issues_view.model().columnCount() - 1):  # all columns fit the dialog
                self.issues_view.setColumnWidth(column, min(self.issues_view.columnWidth(column), MAX_COLUMN_WIDTH))
        self._show(REPORT)
        self.ctx.events.contacts_changed.emit()
        self.ctx.events.lists_changed.emit()
        self.ctx.events.status_message.emit(self.tr(
            "Imported {name}: {added} added, {updated} updated, {unchanged} unchanged, {dup} duplicates, "
            "{invalid} invalid, {supp} suppressed, {skipped} skipped; {flagged} flagged").format(
                name=report.source, **counts))
        self.imported.emit(report)

    def _import_failed(self, message: str) -> None:
        self._show(OPTIONS)
        self.error.setText(self.tr("The import failed and nothing was changed: {msg}").format(msg=message))

    def _cancelled(self) -> None:
        self._show(OPTIONS)
        self.error.setText(self.tr("Import cancelled; nothing was changed."))

    def cancel(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.progress_label.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def save_report(self, path: str | Path | None = None) -> Path | None:
        if self.report is None:
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save import report"), "import-report.csv",
                                                    self.tr("CSV files (*.csv)"))
            if not chosen:
                return None
            path = chosen
        try:
            importing.write_report_csv(self.report, path)
        except OSError as exc:
            self.error.setText(self.tr("Cannot write {path}: {why}").format(path=path, why=exc.strerror or exc))
            return None
        return Path(path)

    def reject(self) -> None:
        """Closing while an import runs cancels it; the dialog closes once the import has
        stopped (and rolled back) — without holding the window meanwhile."""
        if self.job is not None and self.job.running:
            self.job.cancel()
            self.progress_label.setText(self.tr("Cancelling…"))
            if not self._close_when_stopped:
                self._close_when_stopped = True
                self.job.ended.connect(lambda: QDialog.reject(self))
            return
        super().reject()
