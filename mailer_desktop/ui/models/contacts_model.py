"""The contact table model: windowed reads from SQLite, so a million contacts stay smooth.

The model knows the total row count of the current query and loads rows in pages of
:data:`PAGE_SIZE` only when the view asks for them, keeping at most :data:`MAX_PAGES` pages in
memory (least recently used pages are dropped). Search, filters and sorting replace the query
and reset the model; the page's searches and filters are read in the model's reader thread
(:meth:`ContactsModel.set_query_soon`), and a big list's whole order is read in the background
so that any window of it is a slice. All reads go through services.contacts (the GUI writes no
SQL).
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from ...services.contacts import people as contact_service
from ...services.contacts.people import Contact, ContactQuery
from ..tasks import JobRunner, Later, LatestRead
from ..widgets.charts import STATUS_COLOURS
from .paging import PageCache
from .table_model import TableModel

log = logging.getLogger(__name__)

PAGE_SIZE = 200
# SQLite VM steps between two looks at whether a search in the reader thread is still wanted.
READER_CHECK_OPS = 20_000
MAX_PAGES = 30
# A list filter with at least this many rows gets its whole order read in the background, after
# which any window of it is a slice (reading a window deep in a big list means sorting the list).
ORDER_MIN_ROWS = 20_000
# While that order is being read, windows deeper than this show blank rows and fill in when it
# arrives: read straight from the database they would hold the window's thread for as long on a
# list of hundreds of thousands of members.
DEFER_AFTER_ROW = 10_000
# A big list's whole order is read once the user has stayed on it this long (not on every click).
ORDER_DELAY_MS = 400

COLUMNS = ("email", "name", "status", "lists", "created")
SORTABLE = {"email": "email", "name": "name", "status": "status", "created": "created"}
STATUS_LABELS = {
    "pending": "Pending",
    "confirmed": "Confirmed",
    "unsubscribed": "Unsubscribed",
    "bounced": "Bounced",
    "complained": "Complained",
}
STATUS_HELP = {
    "pending": "Added without proof of consent: receives only the confirmation request, never campaigns.",
    "confirmed": "Confirmed their subscription: receives campaigns.",
    "unsubscribed": "Withdrew consent: never mailed again unless they confirm anew.",
    "bounced": "The address does not take mail: never mailed again unless they confirm anew.",
    "complained": "Reported a message as spam: never mailed again unless they confirm anew.",
}


class ContactsModel(TableModel):
    HEADERS = ("Email", "Name", "Status", "Lists", "Added")  # in the order of COLUMNS
    ROLES = TableModel.ROLES | {Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.UserRole}

    query_changed = Signal()  # after every reset (count and first rows are ready)
    searching_changed = Signal()  # a query given to set_query_soon started or stopped being read

    def __init__(self, app, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self._query = ContactQuery()
        self._count = 0
        self._hits: int | None = None
        self._order = None          # all ids of the current query in order, once read (array)
        self._generation = 0        # bumped by every reset: an order read for an older one is dropped
        # Set by the page: the jobs that read a big list's whole order in the background.
        # Without them, every window is read from the database.
        self.jobs: JobRunner | None = None
        self._order_job: Later | None = None
        self._order_pending = False  # an order read runs for the current query
        self._deferred = False       # a window was left blank until it arrives
        self._pages: PageCache[Contact] = PageCache(self._fetch, PAGE_SIZE, MAX_PAGES)
        # set_query_soon: one reader thread with a connection (and page cache) of its own; a
        # new query (or set_query) stops a read that is no longer wanted.
        self._reader_busy = False
        self._asked_query = self._query
        self._reader = LatestRead(app, self._apply_prepared, lambda _exc: self._apply_prepared((self._asked_query, None)),
                                  "contacts-reader", self, drop_stale=True, keep_thread=True)
        self._reader_local = threading.local()

    # -- query -----------------------------------------------------------------------------
    @property
    def query(self) -> ContactQuery:
        return self._query

    def set_query(self, query: ContactQuery) -> None:
        self._drop_asked()
        self._query = query
        self.refresh()

    @property
    def searching(self) -> bool:
        """Whether a query given to :meth:`set_query_soon` is still being read."""
        return self._reader_busy

    def set_query_soon(self, query: ContactQuery) -> None:
        """Like :meth:`set_query`, without holding the window's thread: the count and the first
        rows are read in the model's reader thread, and the table keeps showing the previous
        rows until they arrive (``searching`` meanwhile). A newer query stops an older read."""
        self._asked_query = query
        if not self._reader_busy:
            self._reader_busy = True
            self.searching_changed.emit()
        page_size = self._pages.page_size
        self._reader.ask(lambda app, wanted: (query, self._prepare(app, query, page_size, wanted)))

    def refresh_soon(self) -> None:
        """:meth:`refresh` in the reader thread (data changed: the rows shown stay until the new
        ones are read)."""
        self.set_query_soon(self._changed({}))

    def stop_reading(self) -> None:
        """Drop a pending read and let the reader thread end (the page is closing)."""
        self._drop_asked()
        self._reader.stop()

    def _drop_asked(self) -> None:
        self._reader.shown_now()  # a read under way stops; its result is dropped
        if self._reader_busy:
            self._reader_busy = False
            self.searching_changed.emit()

    def _prepare(self, app, query: ContactQuery, page_size: int, wanted: Callable[[], bool]) -> tuple | None:
        """In the reader thread: the search hits, count and first rows of ``query`` (None: the
        read failed, and the window's thread reads instead)."""
        try:
            conn = app.db.conn  # this thread's own connection, kept for the next query
            if not getattr(self._reader_local, "ready", False):
                contact_service.prepare_for_browsing(app)
                self._reader_local.ready = True
            conn.set_progress_handler(lambda: 0 if wanted() else 1, READER_CHECK_OPS)
            try:
                hits = contact_service.search_hits(app, query, conn)
                count = contact_service.count(app, query, hits, conn)
                first = contact_service.contact_page(app, query, 0, page_size, hits, conn)
            finally:
                conn.set_progress_handler(None, 0)
            return hits, count, first
        except Exception as exc:  # nothing may stay unheard in the reader thread
            if not wanted() and isinstance(exc, sqlite3.Error):
                raise  # interrupted: a newer query is on its way (the reader drops this)
            log.warning("reading contacts in the background failed (%s); reading them here", exc)
            return None

    def _apply_prepared(self, prepared: tuple[ContactQuery, tuple | None]) -> None:
        query, result = prepared
        self._reader_busy = False
        self.searching_changed.emit()
        self._query = query
        if result is None:
            self.refresh()  # the reader failed: read here (a real problem shows as it always did)
            return
        self._reset(*result)

    def update_query(self, **changes: Any) -> None:
        """:meth:`set_query` with some fields changed."""
        self.set_query(self._changed(changes))

    def update_query_soon(self, **changes: Any) -> None:
        """:meth:`set_query_soon` with some fields changed."""
        self.set_query_soon(self._changed(changes))

    def _changed(self, changes: dict[str, Any]) -> ContactQuery:
        """The query with ``changes`` — of the query being read, if one is."""
        return dataclasses.replace(self._asked_query if self._reader_busy else self._query, **changes)

    def refresh(self) -> None:
        """Re-read the count and drop cached rows (after data changed)."""
        hits = contact_service.search_hits(self._app, self._query)
        self._reset(hits, contact_service.count(self._app, self._query, hits))

    def _reset(self, hits: int | None, count: int, first: list[Contact] | None = None) -> None:
        if self._order_job is not None:  # an order read for the old query is not wanted now
            self._order_job.cancel()
            self._order_job = None
        self.beginResetModel()
        self._pages.clear()
        if first is not None:
            self._pages.put(0, first)
        self._order = None
        self._order_pending = self._deferred = False
        self._generation += 1
        self._hits, self._count = hits, count
        self.endResetModel()
        self.query_changed.emit()
        q = self._query
        if self.jobs is not None and q.list_id is not None and self._hits is None and self._count >= ORDER_MIN_ROWS:
            self._order_pending = True
            self._order_job = self._read_order(self.jobs, q, self._generation)

    def _read_order(self, jobs: JobRunner, query: ContactQuery, generation: int) -> Later:
        """Read ``query``'s whole order once the user has stayed on the list a moment (not on
        every click); a window that waits for it starts it at once."""
        app = self._app
        return jobs.run_later(ORDER_DELAY_MS, lambda progress: contact_service.ordered_ids(app, query, progress),
                              name="list order", on_result=lambda ids: self._order_ready(generation, ids),
                              on_error=lambda _message: self._order_ready(generation, None))

    def _order_ready(self, generation: int, ids: Sequence[int] | None) -> None:
        """The order read in the background arrived (None: it could not be read)."""
        if generation != self._generation:
            return  # read for an older query
        self._order_pending = False
        self._order_job = None
        first = self._pages.peek(0)
        if ids is None or len(ids) != self._count:
            pass  # failed, or the data changed meanwhile: windows are read from the database
        elif first is not None and [c.id for c in first] != list(ids[:len(first)]):
            pass  # not the order the windows show: keep reading windows from the database
        else:
            self._order = ids
        if self._deferred:  # the blank windows can be filled now
            self._deferred = False
            if self._count:
                self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))

    @property
    def has_order(self) -> bool:
        """Whether every window now comes from the order read in the background."""
        return self._order is not None

    def _fetch(self, offset: int, limit: int) -> list[Contact] | None:
        if self._order is not None:
            return contact_service.contacts_in_order(self._app, self._order[offset:offset + limit])
        if self._order_pending and offset >= DEFER_AFTER_ROW:
            if not self._deferred:
                self._deferred = True
                if self._order_job is not None:
                    self._order_job.start_now()  # asked while the table paints: starts right after
            return None
        return contact_service.contact_page(self._app, self._query, offset, limit, self._hits)

    @property
    def total(self) -> int:
        return self._count

    @property
    def search_hits(self) -> int | None:
        return self._hits

    # -- rows ------------------------------------------------------------------------------
    def contact_at(self, row: int) -> Contact | None:
        if not 0 <= row < self._count:
            return None
        return self._pages.row(row)

    def cached_rows(self) -> int:
        return self._pages.cached_rows()

    def ids_for_rows(self, rows: list[int]) -> list[int]:
        """Contact ids of the given rows, fetched in contiguous ranges (select-all on a
        million rows costs a few range queries, not a million lookups)."""
        ids: list[int] = []
        for start, end in _ranges(sorted(set(rows))):
            ids.extend(self.ids_in_range(start, end - start + 1))
        return ids

    def ids_in_range(self, offset: int, limit: int) -> list[int]:
        """Contact ids of rows offset..offset+limit-1, in the order the table shows them."""
        if self._order is not None:
            return list(self._order[offset:offset + limit])
        return contact_service.contact_ids_in_range(self._app, self._query, offset, limit, self._hits)

    # -- cells -----------------------------------------------------------------------------
    def row_count(self) -> int:
        return self._count

    def item_at(self, row: int) -> Contact | None:
        return self.contact_at(row)

    def header_tooltip(self, section: int) -> str | None:
        return self.tr("Only confirmed contacts receive campaigns.") if COLUMNS[section] == "status" else None

    def missing(self, index: QModelIndex, role: int):
        """A window waiting for the list's order: says so in its first column."""
        if self._order_pending and role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return self.tr("…")
        return None

    def cell(self, contact: Contact, col: int, role: int):
        column = COLUMNS[col]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "email":
                return contact.email
            if column == "name":
                return contact.name
            if column == "status":
                return self.tr(STATUS_LABELS.get(contact.status, contact.status))
            if column == "lists":
                return ", ".join(contact.lists)
            if column == "created":
                return contact.created_at[:10]
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == "status":
                return self.tr(STATUS_HELP.get(contact.status, ""))
            return {"email": contact.email, "name": contact.name, "lists": ", ".join(contact.lists)}.get(column) or None
        elif role == Qt.ItemDataRole.ForegroundRole and column == "status":
            return STATUS_COLOURS.get(contact.status)
        elif role == Qt.ItemDataRole.UserRole:
            return contact.id
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORTABLE.get(COLUMNS[column])
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        shown = self._asked_query if self._reader_busy else self._query
        if (shown.sort, shown.descending) == (key, descending):
            return  # Qt asks for the order already shown (sorting switched on, a header restored)
        self.update_query(sort=key, descending=descending)


def _ranges(rows: list[int]):
    """Contiguous (first, last) runs of sorted row numbers."""
    if not rows:
        return
    first = prev = rows[0]
    for r in rows[1:]:
        if r != prev + 1:
            yield first, prev
            first = r
        prev = r
    yield first, prev
