"""The start-up dialog for a data folder whose keys are missing from the keyring.

Offers the two honest ways out — restore a backup (the newest good one of this folder is
preselected) or start with new keys after a clear warning — and a third, "Decide later",
which leaves sending and inbox processing blocked (services/backup/keys_guard).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...services.backup import archive as backup
from ...services.backup import keys_guard
from ..context import UiContext
from ..widgets.settings_backups import human_size, refresh_all


class MissingKeysDialog(QDialog):
    def __init__(self, ctx: UiContext, problem: keys_guard.KeysProblem, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.problem = problem
        self.job = None
        self.setWindowTitle(self.tr("The keys of this data folder are missing"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        message = QLabel(problem.message)
        message.setWordWrap(True)
        layout.addWidget(message)

        layout.addWidget(QLabel(self.tr("Restore a backup (recommended):")))
        self.backup_list = QListWidget()
        self.backup_list.setAccessibleName(self.tr("Backups of this data folder"))
        layout.addWidget(self.backup_list)
        self._fill_backups()
        other = QPushButton(self.tr("Other file…"))
        other.clicked.connect(self._choose_file)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(self.tr("Backup passphrase"))
        self.passphrase_edit.setAccessibleName(self.tr("Backup passphrase"))
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore)
        row = QHBoxLayout()
        row.addWidget(other)
        row.addWidget(self.passphrase_edit, 1)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)

        warning = QLabel(keys_guard.NEW_KEYS_WARNING)
        warning.setWordWrap(True)
        layout.addWidget(warning)
        self.understand_check = QCheckBox(self.tr("I understand: old unsubscribe links stop working"))
        self.new_keys_button = QPushButton(self.tr("Start with new keys"))
        self.new_keys_button.setEnabled(False)
        self.understand_check.toggled.connect(self.new_keys_button.setEnabled)
        self.new_keys_button.clicked.connect(self.start_with_new_keys)
        later = QPushButton(self.tr("Decide later"))
        later.setToolTip(self.tr("Sending and inbox processing stay blocked until you decide."))
        later.clicked.connect(self.reject)
        layout.addWidget(self.understand_check)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.new_keys_button)
        row.addWidget(later)
        layout.addLayout(row)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

    def _fill_backups(self) -> None:
        app = self.ctx.app
        folder = backup.backup_folder(app)
        infos = [i for i in backup.list_backups(folder, app.install_id) if i.ok]
        self.backup_list.clear()
        for info in infos:
            item = QListWidgetItem(f"{info.created_at.replace('T', ' ').rstrip('Z')} UTC — "
                                   f"{human_size(info.size)} — {info.path.name}")
            item.setData(256, str(info.path))
            self.backup_list.addItem(item)
        if infos:
            self.backup_list.setCurrentRow(0)  # the newest good backup
        else:
            self.backup_list.addItem(self.tr("No backups of this data folder in %s.") % folder)

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Restore a backup"), "",
                                              self.tr("Mailer Desktop backups (*.mdbackup)"))
        if name:
            self.add_file(Path(name))

    def add_file(self, path: Path) -> None:
        item = QListWidgetItem(path.name)
        item.setData(256, str(path))
        self.backup_list.insertItem(0, item)
        self.backup_list.setCurrentRow(0)

    def selected_path(self) -> Path | None:
        item = self.backup_list.currentItem()
        value = item.data(256) if item is not None else None
        return Path(value) if value else None

    def restore(self) -> None:
        path = self.selected_path()
        if path is None:
            self.status.setText(self.tr("Choose a backup file first."))
            return
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self.status.setText(self.tr("Type the backup's passphrase."))
            return
        app = self.ctx.app
        self.restore_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText(self.tr("Restoring…"))
        self.job = self.ctx.jobs.run(
            lambda progress: backup.restore_into_app(app, path, passphrase, progress=progress),
            name="restore", on_result=self._restored, on_error=self._failed, on_ended=self._ended)

    def _restored(self, report) -> None:
        problem = keys_guard.check_keys(self.ctx.app)
        refresh_all(self.ctx)
        if problem is None:
            kept = report.carried.summary()
            said = self.tr("Backup restored; the keys are back.")
            self.ctx.events.status_message.emit(f"{said} {self.tr(kept)}" if kept else said)
            self.accept()
        else:
            self.problem = problem
            self.status.setText(problem.message)

    def _failed(self, message: str) -> None:
        self.status.setText(message)

    def _ended(self) -> None:
        self.job = None
        self.restore_button.setEnabled(True)
        self.progress.setVisible(False)

    def start_with_new_keys(self) -> None:
        if not self.understand_check.isChecked():
            return
        keys_guard.accept_new_keys(self.ctx.app)
        self.ctx.events.status_message.emit(self.tr("New keys created; old unsubscribe links no longer work."))
        self.accept()
