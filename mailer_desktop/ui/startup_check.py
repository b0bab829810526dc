"""The database's start-up check, run in the background while the window is already usable.

When a data folder was not closed cleanly (a crash, another program, a copied file), its
database must pass ``PRAGMA quick_check`` before anything writes to it — seconds on a big file.
The window opens at once instead: the check holds the write gate for its whole run (changes
made in the window meanwhile are refused with "busy with checking your data", jobs wait), and
when it fails the gate stays shut for good and :attr:`StartupCheck.failed` hands the complaint
to the caller, which offers a backup (ui/dialogs/damaged_database.py).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..services.progress import Cancelled
from ..storage.db import Interrupted

CHECK_TASK = "checking your data"


class StartupCheck(QObject):
    passed = Signal()
    failed = Signal(str)  # the complaint, in words for the user

    def __init__(self, ctx, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self._key: int | None = None

    @property
    def needed(self) -> bool:
        return not self.ctx.app.db.checked and self.ctx.app.db.damaged is None

    @property
    def passed_or_not_needed(self) -> bool:
        return self.ctx.app.db.checked

    def start(self) -> bool:
        """Start the check if the file has not passed one; False when nothing needs checking."""
        if not self.needed:
            return False
        db = self.ctx.app.db
        self._key = db.gate.hold(CHECK_TASK)  # before the worker runs: no write slips in between

        def work(progress):
            try:
                return db.verify(stop=lambda: progress.cancelled)  # Quit during the check stops it
            except Interrupted:
                raise Cancelled() from None

        self.job = self.ctx.jobs.run(work, name="start-up check", on_result=self._done,
                                     on_error=self._error)
        return True

    def _done(self, problem: str | None) -> None:
        self.job = None
        if problem is None:
            self.ctx.app.db.gate.release(self._key)
            self.passed.emit()
        else:
            self.failed.emit(problem)  # the gate stays shut: a damaged file is never written to

    def _error(self, message: str) -> None:
        self.job = None
        self.failed.emit(message)
