"""Start-up dialog for a database that fails its integrity check: offer the newest good backup.

The damaged file is never overwritten: a restore keeps it beside the database as
``<db>.damaged-<time>``. Without a backup the user can only quit; the message says the file
was left untouched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
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

from ...config import resolve_paths
from ...services.backup import archive as backup
from ..tasks import JobRunner

_PATH_ROLE = 256


class DamagedDatabaseDialog(QDialog):
    def __init__(self, home: str | Path | None, problem: str, *, keyring_backend=None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.paths = resolve_paths(home)
        self.keyring_backend = keyring_backend
        self.jobs = JobRunner(self)
        self.job = None
        self.report = None
        self.setWindowTitle(self.tr("The database is damaged"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        text = QLabel(problem + "\n\n" + self.tr(
            "Restore a backup to go on working. The damaged file is kept beside the new one."))
        text.setWordWrap(True)
        layout.addWidget(text)
        self.backup_list = QListWidget()
        self.backup_list.setAccessibleName(self.tr("Good backups, newest first"))
        layout.addWidget(self.backup_list)
        folder = backup.folder_of(self.paths)
        good = [i for i in backup.list_backups(folder) if i.ok]
        for info in good:
            item = QListWidgetItem(f"{info.created_at.replace('T', ' ').rstrip('Z')} UTC — {info.path.name}")
            item.setData(_PATH_ROLE, str(info.path))
            self.backup_list.addItem(item)
        if good:
            self.backup_list.setCurrentRow(0)  # the newest good backup
        else:
            self.backup_list.addItem(self.tr("No usable backup in %s.") % folder)
        other = QPushButton(self.tr("Other file…"))
        other.clicked.connect(self._choose_file)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(self.tr("Backup passphrase"))
        self.passphrase_edit.setAccessibleName(self.tr("Backup passphrase"))
        row = QHBoxLayout()
        row.addWidget(other)
        row.addWidget(self.passphrase_edit, 1)
        layout.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self.restore)
        quit_button = QPushButton(self.tr("Quit"))
        quit_button.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.restore_button)
        row.addWidget(quit_button)
        layout.addLayout(row)

    def _choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Restore a backup"), "",
                                              self.tr("Mailer Desktop backups (*.mdbackup)"))
        if name:
            item = QListWidgetItem(Path(name).name)
            item.setData(_PATH_ROLE, name)
            self.backup_list.insertItem(0, item)
            self.backup_list.setCurrentRow(0)

    def selected_path(self) -> Path | None:
        item = self.backup_list.currentItem()
        value = item.data(_PATH_ROLE) if item is not None else None
        return Path(value) if value else None

    def restore(self) -> None:
        path, passphrase = self.selected_path(), self.passphrase_edit.text()
        if path is None or not passphrase:
            self.status.setText(self.tr("Choose a backup and type its passphrase."))
            return
        home, backend = self.paths.home, self.keyring_backend
        self.restore_button.setEnabled(False)
        self.progress.setVisible(True)
        self.status.setText(self.tr("Restoring…"))
        self.job = self.jobs.run(
            lambda progress: backup.restore_backup(home, path, passphrase, keyring_backend=backend,
                                                   force=True, progress=progress),
            name="restore", on_result=self._restored, on_error=self._failed, on_ended=self._ended)

    def _restored(self, report) -> None:
        self.report = report
        self.job = None  # finished: the dialog may close now
        self.accept()

    def _failed(self, message: str) -> None:
        self.status.setText(message)

    def _ended(self) -> None:
        self.job = None
        self.restore_button.setEnabled(True)
        self.progress.setVisible(False)

    def done(self, result: int) -> None:  # noqa: D401 (Qt API) — never close under a running restore
        if self.job is not None:
            return
        super().done(result)


def offer_restore(home: str | Path | None, problem: str, keyring_backend=None) -> bool:
    """Show the dialog (modal); True when a backup was restored and the folder can be opened."""
    dialog = DamagedDatabaseDialog(home, problem, keyring_backend=keyring_backend)
    dialog.exec()
    return dialog.report is not None
