"""Models of the Campaigns page: campaign history, and one campaign's per-recipient send log
(windowed: a campaign can have hundreds of thousands of recipients)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from ...services.sending import reports as sender_reports
from ...services.sending.reports import CampaignLine, DeliveryLine
from .background_windows import BackgroundWindows
from .paging import PageCache

PAGE_SIZE = 200
MAX_PAGES = 20

STATE_LABELS = {
    "queued": "Waiting", "sending": "Sending", "sent": "Sent", "deferred": "Deferred (temporary failure)",
    "failed": "Failed", "uncertain": "Uncertain (cut off)", "skipped": "Left out",
}
CAMPAIGN_STATE_LABELS = {"draft": "Draft", "sending": "Sending", "paused": "Paused", "cancelled": "Cancelled",
                         "done": "Done"}


class DeliveriesModel(BackgroundWindows, QAbstractTableModel):
    def __init__(self, app, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self.campaign_id: int | None = None
        self.state: str | None = None
        self._count = 0
        self._pages: PageCache[DeliveryLine] = PageCache(
            lambda offset, limit: sender_reports.delivery_page(self._app, self.campaign_id, offset, limit, self.state,
                                                               self._count),
            PAGE_SIZE, MAX_PAGES)
        self._headers = [self.tr("Recipient"), self.tr("Result"), self.tr("Attempts"), self.tr("Server reply"),
                         self.tr("When")]
        self._start_reads(app, "send-log-reader")

    def show_campaign(self, campaign_id: int | None, state: str | None = None) -> None:
        self.campaign_id, self.state = campaign_id, state
        self.refresh()

    def refresh(self) -> None:
        if self.campaign_id is None:
            self.refresh_now()  # nothing to read
        else:
            super().refresh()

    def _filter_key(self) -> tuple:
        return self.campaign_id, self.state

    def _read_first(self, app, key: tuple) -> tuple[int, list[DeliveryLine]]:
        """(size, first window): for a campaign of a million recipients the count alone takes
        about 40 ms."""
        cid, state = key
        if cid is None:
            return 0, []
        return (sender_reports.delivery_count(app, cid, state),
                sender_reports.delivery_page(app, cid, 0, PAGE_SIZE, state))

    @property
    def total(self) -> int:
        return self._count

    def line_at(self, row: int) -> DeliveryLine | None:
        if self.campaign_id is None or not 0 <= row < self._count:
            return None
        return self._pages.row(row)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line = self.line_at(index.row())
        if line is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            col = index.column()
            if col == 0:
                return line.email
            if col == 1:
                return self.tr(STATE_LABELS.get(line.state, line.state))
            if col == 2:
                return str(line.attempts)
            if col == 3:
                return line.reply
            when = line.finished_at.replace("T", " ").rstrip("Z")
            return when[:16] if role == Qt.ItemDataRole.DisplayRole else when  # the tooltip has the seconds
        return None


class CampaignsModel(QAbstractTableModel):
    """The campaign history (campaigns and confirmation-request runs), newest first."""

    def __init__(self, app, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self.lines: list[CampaignLine] = []
        self._counts: dict[int, dict[str, int]] | None = None  # None: not read yet
        self._headers = [self.tr("Campaign"), self.tr("List"), self.tr("State"), self.tr("Sent"), self.tr("Failed"),
                         self.tr("Created")]  # deferred ones are counted in the campaign's summary

    def refresh(self) -> None:
        """The campaigns now, with the figures last given to :meth:`set_counts` (the page reads
        fresh ones in the background: on a long history that read takes about 100 ms)."""
        self.beginResetModel()
        self.lines = sender_reports.campaign_lines(self._app, counts=self._counts, read_counts=False)
        self.endResetModel()

    def set_counts(self, counts: dict[int, dict[str, int]]) -> None:
        """Fresh figures (sender_reports.campaign_counts) for the campaigns shown."""
        self._counts = counts
        self.lines = [sender_reports.with_counts(line, counts) for line in self.lines]
        if self.lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.lines) - 1, len(self._headers) - 1))

    def line_at(self, row: int) -> CampaignLine | None:
        return self.lines[row] if 0 <= row < len(self.lines) else None

    def row_of(self, campaign_id: int) -> int:
        return next((i for i, line in enumerate(self.lines) if line.id == campaign_id), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        line = self.line_at(index.row()) if index.isValid() else None
        if line is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            name = line.name if line.kind == "campaign" else f"{line.name} ({self.tr('confirmation requests')})"
            figures = (f"{line.sent:,}", f"{line.failed:,}") if line.counted else ("…",) * 2
            values = (name, line.list_name, self.tr(CAMPAIGN_STATE_LABELS.get(line.state, line.state)),
                      *figures, line.created_at[:10])
            return values[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole name (it may be elided), and why it stopped
            col = index.column()
            if col == 0:
                return "\n".join(x for x in (line.name, line.reason) if x)
            if col == 1:
                return line.list_name or None
            return line.reason or None
        return None
