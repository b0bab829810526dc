"""Settings → Backups: folder, schedule, passphrase, "Back up now", "Restore…" and the list of backups.

The widget also owns the daily schedule while the window is open (:class:`BackupScheduler`)
and, once the window is up, the start-up check of the keys (services/backup/keys_guard): a folder
whose keys are missing opens the missing-keys dialog. All file and crypto work runs through
``ctx.jobs``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services.backup import archive as backup
from ...services.backup import keys_guard
from ...services.backup.format import MIN_PASSPHRASE
from ..context import UiContext
from ..prompts import Prompts
from ..theme import set_text_role

SCHEDULE_INTERVAL_MS = 60 * 60 * 1000  # look once an hour whether the daily backup is due
FIRST_CHECK_MS = 2 * 60 * 1000  # not during start-up itself


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


def refresh_all(ctx: UiContext) -> None:
    """After a restore every page shows other data."""
    ev = ctx.events
    for signal in (ev.contacts_changed, ev.lists_changed, ev.templates_changed, ev.campaigns_changed,
                   ev.settings_changed, ev.inbox_changed):
        signal.emit()


class BackupScheduler(QObject):
    """Runs ``maybe_backup_daily`` now and then while the app runs, and ``after_campaign`` when a
    campaign has finished since the last backup (noticed through ``campaigns_changed``)."""

    backed_up = Signal(object)  # BackupInfo
    passphrase_needed = Signal(int)  # a campaign finished, a backup is due, and no passphrase is stored

    def __init__(self, ctx: UiContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._job = None
        self._asked: set[int] = set()  # campaigns the user was asked about (once each)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run_now)
        QTimer.singleShot(FIRST_CHECK_MS, self, self.run_now)
        self.timer.start(SCHEDULE_INTERVAL_MS)
        ctx.events.campaigns_changed.connect(self.campaign_check)

    def _start(self, fn, name: str) -> None:
        if self._job is not None or keys_guard.current_problem(self.ctx.app) is not None:
            return
        self._job = self.ctx.jobs.run(fn, name=name, on_result=self._done, on_error=self._failed,
                                      on_ended=self._ended)

    def run_now(self) -> None:
        app = self.ctx.app
        self._start(lambda progress: backup.maybe_backup_daily(app, progress=progress), "daily backup")

    def campaign_check(self) -> None:
        app = self.ctx.app
        try:
            campaign_id = backup.campaign_awaiting_backup(app)
        except Exception:  # a page mid-restore: the next change looks again
            return
        if campaign_id is None or not app.settings.get("backup.after_campaign"):
            return
        try:
            stored = backup.auto_passphrase(app) is not None
        except Exception:  # no usable keyring: the Backups tab says so
            stored = False
        if not stored:
            if campaign_id not in self._asked:
                self._asked.add(campaign_id)
                self.passphrase_needed.emit(campaign_id)
            return
        self._start(lambda progress: backup.after_campaign(app, campaign_id, progress=progress),
                    "backup after campaign")

    def _done(self, info) -> None:
        if info is not None:
            self.ctx.events.status_message.emit(self.tr("Automatic backup written: %s") % info.path.name)
            self.backed_up.emit(info)

    def _failed(self, message: str) -> None:
        self.ctx.events.status_message.emit(self.tr("Automatic backup failed: %s") % message)

    def _ended(self) -> None:
        self._job = None


class BackupSettings(QWidget):
    show_me = Signal()  # the Settings page brings this tab to the front

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, *, schedule: bool = True):
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = Prompts()
        self.job = None
        outer = QVBoxLayout(self)
        self.auto_label = QLabel("")  # what is on, and what it needs
        self.auto_label.setObjectName("autoBackups")
        self.auto_label.setWordWrap(True)
        self.auto_label.setAccessibleName(self.tr("Automatic backups"))
        outer.addWidget(self.auto_label)

        where = QGroupBox(self.tr("Where and when"))
        form = QFormLayout(where)
        self.folder_edit = QLineEdit()
        self.folder_edit.setAccessibleName(self.tr("Backup folder"))
        self.folder_edit.setPlaceholderText(str(ctx.app.paths.backups))
        self.folder_edit.setToolTip(self.tr("A synced cloud folder or a USB disk works well: somewhere that is "
                                            "not lost with this computer. Empty: the folder shown."))
        choose = QPushButton(self.tr("Choose…"))
        choose.setAccessibleName(self.tr("Choose backup folder"))
        choose.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(choose)
        form.addRow(self.tr("Backup folder"), row)
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 1000)
        self.keep_spin.setAccessibleName(self.tr("Backups to keep"))
        self.keep_spin.setToolTip(self.tr("Older automatic backups of this data folder are deleted."))
        form.addRow(self.tr("Backups to keep"), self.keep_spin)
        self.daily_check = QCheckBox(self.tr("Back up daily while the app runs"))
        self.after_campaign_check = QCheckBox(self.tr("Back up after each campaign"))
        form.addRow("", self.daily_check)
        form.addRow("", self.after_campaign_check)
        outer.addWidget(where)

        secret = QGroupBox(self.tr("Passphrase"))
        pform = QFormLayout(secret)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName(self.tr("Backup passphrase"))
        self.passphrase_edit.setToolTip(self.tr("At least %d characters. Without it a backup cannot be "
                                                "restored: write it down somewhere safe.") % MIN_PASSPHRASE)
        self.repeat_edit = QLineEdit()
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName(self.tr("Repeat the passphrase"))
        pform.addRow(self.tr("Passphrase"), self.passphrase_edit)
        pform.addRow(self.tr("Repeat"), self.repeat_edit)
        self.remember_check = QCheckBox(self.tr("Remember it in the system keyring for automatic backups"))
        self.remember_check.setToolTip(self.tr("Automatic backups need it. It is kept only in the "
                                               "keyring, never in a file."))
        pform.addRow("", self.remember_check)
        self.stored_label = QLabel("")
        self.forget_button = QPushButton(self.tr("Forget stored passphrase"))
        self.forget_button.clicked.connect(self.forget_passphrase)
        srow = QHBoxLayout()
        srow.addWidget(self.stored_label, 1)
        srow.addWidget(self.forget_button)
        pform.addRow("", srow)
        self.passwords_check = QCheckBox(self.tr("Include SMTP/IMAP passwords in \"Back up now\""))
        self.passwords_check.setToolTip(self.tr("Handy when moving to a new computer; the backup is then "
                                                "as sensitive as the passwords themselves."))
        pform.addRow("", self.passwords_check)
        outer.addWidget(secret)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.backup_button = QPushButton(self.tr("Back up now"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(self.tr("Restore…"))
        self.restore_button.setToolTip(self.tr("Replaces all current data with the backup's."))
        self.restore_button.clicked.connect(self.restore)
        for b in (self.save_button, self.backup_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Backup progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        outer.addLayout(prow)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.status)

        self.last_label = QLabel("")
        outer.addWidget(self.last_label)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(self.tr("Backups"))
        self.table.setHorizontalHeaderLabels([self.tr("Made (UTC)"), self.tr("Size"), self.tr("File")])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        outer.addWidget(self.table, 1)
        self.backups: list[backup.BackupInfo] = []

        self._busy(False)
        self.load()
        self.scheduler = BackupScheduler(ctx, self) if schedule else None
        if self.scheduler is not None:
            self.scheduler.backed_up.connect(lambda _info: self.refresh_list())
            self.scheduler.passphrase_needed.connect(self.ask_for_passphrase)
        # The missing-keys check at start-up is the main window's (MainWindow.check_keys).

    # -- settings ---------------------------------------------------------------------------
    def load(self) -> None:
        s = self.ctx.app.settings
        self.folder_edit.setText(s.get("backup.folder"))
        self.keep_spin.setValue(s.get("backup.keep"))
        self.daily_check.setChecked(s.get("backup.daily"))
        self.after_campaign_check.setChecked(s.get("backup.after_campaign"))
        self._show_stored()
        self.refresh_list()

    def _show_stored(self) -> None:
        try:
            stored = backup.auto_passphrase(self.ctx.app) is not None
        except Exception:  # KeyringUnavailable: automatic backups cannot run; say so
            stored = False
        self.stored_label.setText(self.tr("A passphrase for automatic backups is stored in the keyring.")
                                  if stored else self.tr("No passphrase stored."))
        self.forget_button.setEnabled(stored)
        self._show_automatic(stored)

    def _show_automatic(self, stored: bool) -> None:
        """One sentence on what runs by itself, and what it still needs."""
        s = self.ctx.app.settings
        when = [w for w, on in ((self.tr("daily"), s.get("backup.daily")),
                                (self.tr("after each campaign"), s.get("backup.after_campaign"))) if on]
        folder = backup.backup_folder(self.ctx.app)
        if not when:
            text, style = self.tr("Automatic backups are off. Use Back up now, or tick when to back up."), "body"
        elif stored:
            text = self.tr("Automatic backups are on: {when}, to {folder}.").format(
                when=self.tr(" and ").join(when), folder=folder)
            style = "success"
        else:
            text = self.tr("Automatic backups ({when}) are waiting for a passphrase: type one below, tick "
                           "“Remember it…” and Save. Until then nothing is backed up by itself.").format(
                when=self.tr(" and ").join(when))
            style = "error"
        self.auto_label.setText(text)
        set_text_role(self.auto_label, style)

    def ask_for_passphrase(self, campaign_id: int) -> None:
        """A campaign finished and should be backed up, but no passphrase is stored: ask once."""
        name = self.ctx.app.db.conn.execute("SELECT name FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
        question = self.tr("“{name}” has been sent. Back up your data now? A backup needs a passphrase; "
                           "stored in the keyring, it lets the next backups run by themselves.").format(
            name=name[0] if name else campaign_id)
        if not self.prompts.confirm(self.window(), self.tr("Back up after the campaign"), question):
            return
        self.ctx.events.navigate.emit("settings")
        self.show_me.emit()
        self.remember_check.setChecked(True)
        self.passphrase_edit.setFocus()
        self._say(self.tr("Type a passphrase twice, then Back up now (and Save to keep it for the next ones)."))

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Backup folder"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def _typed_passphrase(self, *, repeat: bool) -> str | None:
        """The passphrase typed in the form, or None after telling the user what is wrong."""
        value = self.passphrase_edit.text()
        if len(value) < MIN_PASSPHRASE:
            self._say(self.tr("The passphrase must have at least %d characters.") % MIN_PASSPHRASE)
            return None
        if repeat and self.repeat_edit.text() != value:
            self._say(self.tr("The two passphrases differ."))
            return None
        return value

    def save(self) -> bool:
        app = self.ctx.app
        if self.remember_check.isChecked():
            value = self._typed_passphrase(repeat=True)
            if value is None:
                return False
            backup.set_auto_passphrase(app, value)
        with app.db.transaction():
            app.settings.set("backup.folder", self.folder_edit.text().strip())
            app.settings.set("backup.keep", self.keep_spin.value())
            app.settings.set("backup.daily", self.daily_check.isChecked())
            app.settings.set("backup.after_campaign", self.after_campaign_check.isChecked())
        self._show_stored()
        self.refresh_list()
        self._say(self.tr("Saved."))
        self.ctx.events.settings_changed.emit()
        return True

    def forget_passphrase(self) -> None:
        backup.set_auto_passphrase(self.ctx.app, None)
        self._show_stored()
        self._say(self.tr("The stored passphrase was removed."))

    # -- list ----------------------------------------------------------------------------------
    def refresh_list(self) -> None:
        app = self.ctx.app
        self.backups = backup.list_backups(backup.backup_folder(app))
        self.last_label.setText(backup.backup_due_text(app))
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            when = info.created_at.replace("T", " ").rstrip("Z") or self.tr("unreadable")
            cells = [when, human_size(info.size), info.path.name + ("" if info.ok else f" — {info.problem}")]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(info.path) if info.ok else info.problem or "")
                self.table.setItem(row, col, item)

    def selected_backup(self) -> backup.BackupInfo | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.backups[min(rows)] if rows else None

    # -- jobs ------------------------------------------------------------------------------------
    def _busy(self, busy: bool) -> None:
        for w in (self.save_button, self.backup_button, self.restore_button):
            w.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if text:
            self.progress.setFormat(text)

    def _say(self, text: str) -> None:
        self.status.setText(text)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _run(self, fn, name: str, on_result) -> None:
        self._busy(True)
        self.job = self.ctx.jobs.run(fn, name=name, on_result=on_result, on_error=self._failed,
                                     on_progress=self._on_progress, on_cancelled=self._cancelled,
                                     on_ended=self._ended)

    def _failed(self, message: str) -> None:
        self._say(message)

    def _cancelled(self) -> None:
        self._say(self.tr("Cancelled; nothing was changed."))

    def _ended(self) -> None:
        self.job = None
        self._busy(False)

    def backup_now(self) -> None:
        app = self.ctx.app
        if self.passphrase_edit.text():
            # The repeat field is checked when filled; restoring later needs exactly this text.
            passphrase = self._typed_passphrase(repeat=bool(self.repeat_edit.text()))
        else:
            passphrase = backup.auto_passphrase(app)
            if passphrase is None:
                self._say(self.tr("Type a passphrase first (or store one for automatic backups)."))
                return
        if passphrase is None:
            return
        include = self.passwords_check.isChecked()
        self._say(self.tr("Backing up…"))
        self._run(lambda progress: backup.create_backup(app, passphrase, include_passwords=include,
                                                        progress=progress),
                  "backup", self._backed_up)

    def _backed_up(self, info) -> None:
        self.refresh_list()
        self._say(self.tr("Backup written: %s (%s).") % (info.path, human_size(info.size)))
        if not self.isVisible():  # started from the File menu elsewhere: say it where the user is
            self.ctx.events.status_message.emit(self.tr("Backup written: %s") % info.path.name)

    # -- restore --------------------------------------------------------------------------------
    def choose_backup_file(self) -> Path | None:
        start = str(backup.backup_folder(self.ctx.app))
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Restore a backup"), start,
                                              self.tr("Mailer Desktop backups (*.mdbackup)"))
        return Path(name) if name else None

    def confirm_restore(self, path: Path) -> bool:
        answer = QMessageBox.warning(
            self, self.tr("Restore a backup"),
            self.tr("Restoring %s replaces ALL current data (contacts, consent records, campaigns, "
                    "settings) and the keys with the backup's. Anything changed since the backup was "
                    "made is lost.\n\nRestore now?") % path.name,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    def restore(self) -> None:
        selected = self.selected_backup()
        path = selected.path if selected is not None and selected.ok else self.choose_backup_file()
        if path is None:
            return
        if not self.passphrase_edit.text():
            self._say(self.tr("Type the passphrase of the backup first."))
            return
        passphrase = self.passphrase_edit.text()
        if [j for j in self.ctx.jobs.active if j is not self.job]:
            self._say(self.tr("Wait until the running tasks have finished, then restore."))
            return
        if not self.confirm_restore(path):
            return
        app = self.ctx.app
        self._say(self.tr("Restoring…"))
        self._run(lambda progress: backup.restore_into_app(app, path, passphrase, progress=progress),
                  "restore", self._restored)

    def _restored(self, report) -> None:
        self.load()
        said = self.tr("Restored the backup made %s: %d contacts.") % (report.created_at, report.contacts)
        kept = report.carried.summary()
        self._say(f"{said} {self.tr(kept)}" if kept else said)
        refresh_all(self.ctx)

