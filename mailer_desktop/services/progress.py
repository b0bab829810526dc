"""How long-running services report progress and learn about cancellation, without Qt.

A service takes a ``Progress`` (default :data:`NO_PROGRESS`), calls ``progress.update(done,
total, text)`` now and then, and calls ``progress.check()`` at safe points; ``check()`` raises
:class:`Cancelled` once the user asked to stop. The GUI's job helper and the CLI each provide
their own implementation.
"""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The user cancelled; the service has left everything consistent."""


class Progress:
    def __init__(self) -> None:
        self._cancel = threading.Event()

    def update(self, done: int, total: int | None = None, text: str = "") -> None:
        """Report progress (total None: unknown)."""

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()


NO_PROGRESS = Progress()
