"""Column widths that fit what the columns hold.

Short columns (a status, a date, a count) are as wide as their header or their longest
possible value, computed from the font — never from reading rows, which for a table of a
million contacts would mean reading them. One column takes the space left. Long text is elided
in the middle (the start and the domain of an address both stay visible); the models give the
full text as the cell's tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView

PADDING = 18  # cell margins, and room for a sort arrow in the header


def text_width(view: QAbstractItemView, texts: Iterable[str], header: bool = False) -> int:
    widget = view.horizontalHeader() if header else view  # type: ignore[attr-defined]
    metrics = widget.fontMetrics()
    return max((metrics.horizontalAdvance(t) for t in texts), default=0) + PADDING


def fit_columns(view: QAbstractItemView, *, stretch: int, values: Mapping[int, Iterable[str]] | None = None,
                widths: Mapping[int, int] | None = None) -> None:
    """Size the columns of ``view``: ``values`` maps a column to every text it can show (a
    status's labels, a date's form), ``widths`` to a width in pixels; ``stretch`` takes the rest;
    any other column fits its header. All columns stay resizable by hand."""
    header = view.horizontalHeader()  # type: ignore[attr-defined]
    model = view.model()
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    header.setStretchLastSection(False)
    for col in range(model.columnCount()):
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        if col == stretch:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
            continue
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        width = text_width(view, [title], header=True)
        if values and col in values:
            width = max(width, text_width(view, values[col]))
        if widths and col in widths:
            width = max(width, widths[col])
        view.setColumnWidth(col, width)


class ColumnsThatFit(QObject):
    """Keeps the stretching column of ``view`` at least ``minimum`` pixels wide: when the view is
    too narrow, the columns in ``optional`` are hidden (the first first) and shown again when
    there is room. Their content stays in the tooltips and the detail beside the table."""

    def __init__(self, view: QAbstractItemView, stretch: int, minimum: int, optional: list[int]):
        super().__init__(view)
        self.view, self.stretch, self.minimum, self.optional = view, stretch, minimum, list(optional)
        self._widths: dict[int, int] = {}
        view.viewport().installEventFilter(self)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it fits, long text elides
        self.update()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Resize:
            self.update()
        return False

    def update(self) -> None:
        header = self.view.horizontalHeader()  # type: ignore[attr-defined]
        room = self.view.viewport().width()
        widths = {}
        for col in range(header.count()):
            if col == self.stretch:
                continue
            if not header.isSectionHidden(col):
                self._widths[col] = header.sectionSize(col)  # as set (or as the user dragged it)
            widths[col] = self._widths.get(col, header.defaultSectionSize())
        used = sum(w for c, w in widths.items() if c not in self.optional)
        for col in reversed(self.optional):  # the most wanted (the last) first, while they fit
            fits = room - used - widths[col] >= self.minimum
            header.setSectionHidden(col, not fits)
            if fits:
                used += widths[col]
            else:
                room = -1  # nothing after a column that does not fit


def keep_room(view: QAbstractItemView, stretch: int, minimum: int, optional: list[int]) -> ColumnsThatFit:
    """See :class:`ColumnsThatFit`."""
    return ColumnsThatFit(view, stretch, minimum, optional)
