"""Reading a big list's whole order in the background, for the contact table (see
``ContactsModel.order_loader``): once it is there, the table jumps anywhere in the list."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

from ...services.contacts import people as contact_service
from ...services.contacts.people import ContactQuery
from ..context import UiContext

# A big list's whole order is read once the user has stayed on it this long (not on every click).
ORDER_DELAY_MS = 400


class ListOrderLoader(QObject):
    def __init__(self, ctx: UiContext, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._start_now: Callable[[], None] | None = None

    def load(self, query: ContactQuery, done: Callable[[Sequence[int] | None], None]) -> Callable[[], None]:
        """Start reading ``query``'s order after :data:`ORDER_DELAY_MS`; ``done(ids)`` hears of
        it (``done(None)`` if it failed). Returns the function that cancels it."""
        app, state = self.ctx.app, {"job": None, "cancelled": False}

        def start() -> None:
            if not state["cancelled"] and state["job"] is None:
                state["job"] = self.ctx.jobs.run(
                    lambda progress: contact_service.ordered_ids(app, query, progress), name="list order",
                    on_result=done, on_error=lambda _message: done(None))

        def cancel() -> None:
            state["cancelled"] = True
            if state["job"] is not None:
                state["job"].cancel()

        QTimer.singleShot(ORDER_DELAY_MS, self, start)
        self._start_now = start
        return cancel

    def start_now(self) -> None:
        """The table shows a window that waits for the order: no reason to wait longer."""
        if self._start_now is not None:  # asked while the table paints: start right after
            QTimer.singleShot(0, self, self._start_now)
