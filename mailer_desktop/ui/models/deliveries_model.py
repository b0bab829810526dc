"""Models of the Campaigns page: campaign history, and one campaign's per-recipient send log
(windowed: a campaign can have hundreds of thousands of recipients)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from ...services.sending import reports as sender_reports
from ...services.sending.reports import CampaignLine, DeliveryLine
from .table_model import TableModel, WindowedTableModel

PAGE_SIZE = 200
MAX_PAGES = 20

STATE_LABELS = {
    "queued": "Waiting", "sending": "Sending", "sent": "Sent", "deferred": "Deferred (temporary failure)",
    "failed": "Failed", "uncertain": "Uncertain (cut off)", "skipped": "Left out",
}
CAMPAIGN_STATE_LABELS = {"draft": "Draft", "sending": "Sending", "paused": "Paused", "cancelled": "Cancelled",
                         "done": "Done"}


class DeliveriesModel(WindowedTableModel):
    HEADERS = ("Recipient", "Result", "Attempts", "Server reply", "When")

    def __init__(self, app, parent: QObject | None = None):
        self.campaign_id: int | None = None
        self.state: str | None = None
        super().__init__(app, "send-log-reader", PAGE_SIZE, MAX_PAGES, parent)

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
        """(size, first window): on a big campaign the count alone is too slow for the window's
        thread."""
        cid, state = key
        if cid is None:
            return 0, []
        return (sender_reports.delivery_count(app, cid, state),
                sender_reports.delivery_page(app, cid, 0, PAGE_SIZE, state))

    def _read_window(self, offset: int, limit: int) -> list[DeliveryLine]:
        return sender_reports.delivery_page(self._app, self.campaign_id, offset, limit, self.state, self._count)

    def line_at(self, row: int) -> DeliveryLine | None:
        return None if self.campaign_id is None else self.item_at(row)

    def cell(self, line: DeliveryLine, col: int, role: int):
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


class CampaignsModel(TableModel):
    """The campaign history (campaigns and confirmation-request runs), newest first."""

    # deferred ones are counted in the campaign's summary
    HEADERS = ("Campaign", "List", "State", "Sent", "Failed", "Created")

    def __init__(self, app, parent: QObject | None = None):
        super().__init__(parent)
        self._app = app
        self.lines: list[CampaignLine] = []
        self._counts: dict[int, dict[str, int]] | None = None  # None: not read yet

    def refresh(self) -> None:
        """The campaigns now, with the figures last given to :meth:`set_counts` (the page reads
        fresh ones in the background: that read grows with the history)."""
        self.beginResetModel()
        self.lines = sender_reports.campaign_lines(self._app, counts=self._counts, read_counts=False)
        self.endResetModel()

    def set_counts(self, counts: dict[int, dict[str, int]]) -> None:
        """Fresh figures (sender_reports.campaign_counts) for the campaigns shown."""
        self._counts = counts
        self.lines = [sender_reports.with_counts(line, counts) for line in self.lines]
        if self.lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.lines) - 1, len(self._headers) - 1))

    def row_count(self) -> int:
        return len(self.lines)

    def item_at(self, row: int) -> CampaignLine | None:
        return self.lines[row] if 0 <= row < len(self.lines) else None

    line_at = item_at

    def row_of(self, campaign_id: int) -> int:
        return next((i for i, line in enumerate(self.lines) if line.id == campaign_id), -1)

    def cell(self, line: CampaignLine, col: int, role: int):
        if role == Qt.ItemDataRole.DisplayRole:
            name = line.name if line.kind == "campaign" else f"{line.name} ({self.tr('confirmation requests')})"
            figures = (f"{line.sent:,}", f"{line.failed:,}") if line.counted else ("…",) * 2
            values = (name, line.list_name, self.tr(CAMPAIGN_STATE_LABELS.get(line.state, line.state)),
                      *figures, line.created_at[:10])
            return values[col]
        # the tooltip: the whole name (it may be elided), and why it stopped
        if col == 0:
            return "\n".join(x for x in (line.name, line.reason) if x)
        if col == 1:
            return line.list_name or None
        return line.reason or None
