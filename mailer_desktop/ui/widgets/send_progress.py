"""The progress panel of a running send: bar, live figures, Pause / Resume / Cancel.

It drives a :class:`~mailer_desktop.services.sending.control.SendControl` (thread-safe), so the
buttons act on the engine running in a background job without blocking the window.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from ...services.sending.control import SendControl


class SendProgress(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.control: SendControl | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Send progress"))
        self.figures = QLabel()
        self.figures.setAccessibleName(self.tr("Send figures"))
        self.figures.setWordWrap(True)
        buttons = QHBoxLayout()
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Each connection finishes its current message, then waits."))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.cancel_button = QPushButton(self.tr("Cancel campaign"))
        self.cancel_button.setToolTip(self.tr("Stop for good: nobody else receives this campaign."))
        for b in (self.pause_button, self.resume_button, self.cancel_button):
            b.setAccessibleName(b.text())
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addWidget(self.bar)
        layout.addWidget(self.figures)
        layout.addLayout(buttons)
        self.pause_button.clicked.connect(self.pause)
        self.resume_button.clicked.connect(self.resume)
        self.cancel_button.clicked.connect(self.cancel)
        self.attach(None)
        self.reset()  # shown while a send runs

    def attach(self, control: SendControl | None) -> None:
        self.control = control
        running = control is not None
        self.pause_button.setEnabled(running)
        self.resume_button.setEnabled(False)
        self.cancel_button.setEnabled(running)
        if running:
            self.bar.show()
            self.figures.show()
            for b in (self.pause_button, self.resume_button, self.cancel_button):
                b.show()
            self.bar.setRange(0, 0)
            self.figures.setText(self.tr("Starting…"))

    def reset(self) -> None:
        """Nothing running for what the page shows: no bar, no figures, no buttons (the page's
        summary holds the campaign's figures)."""
        self.bar.reset()
        self.bar.hide()
        self.figures.clear()
        self.figures.hide()
        for b in (self.pause_button, self.resume_button, self.cancel_button):
            b.hide()

    def show_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.figures.setText(text)

    def pause(self) -> None:
        if self.control is not None:
            self.control.pause()
            self.pause_button.setEnabled(False)
            self.resume_button.setEnabled(True)
            self.figures.setText(self.figures.text() + " · " + self.tr("pausing…"))

    def resume(self) -> None:
        if self.control is not None:
            self.control.resume()
            self.pause_button.setEnabled(True)
            self.resume_button.setEnabled(False)

    def cancel(self) -> None:
        if self.control is not None:
            self.control.cancel()
            self.cancel_requested.emit()
            for b in (self.pause_button, self.resume_button, self.cancel_button):
                b.setEnabled(False)
