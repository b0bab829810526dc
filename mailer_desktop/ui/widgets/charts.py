"""Small charts drawn with QPainter (no extra Qt modules needed)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Consent states in colours that read the same in light and dark themes.
STATUS_COLOURS = {
    "confirmed": QColor("#2e9d5b"),
    "pending": QColor("#e0a526"),
    "unsubscribed": QColor("#7d8796"),
    "bounced": QColor("#d2563c"),
    "complained": QColor("#9b3fb5"),
}


class StackedBar(QWidget):
    """One horizontal bar split into coloured parts, with a legend underneath."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.parts: list[tuple[str, int, QColor]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(84)

    def set_parts(self, parts: list[tuple[str, int, QColor]]) -> None:
        self.parts = parts
        self.setAccessibleDescription(", ".join(f"{label}: {n}" for label, n, _ in parts))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(480, 84)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(n for _, n, _ in self.parts)
        bar = QRectF(0, 4, self.width() - 1, 26)
        p.setPen(Qt.PenStyle.NoPen)
        if total == 0:
            p.setBrush(self.palette().mid())
            p.drawRoundedRect(bar, 6, 6)
        else:
            x = bar.left()
            for _, n, colour in self.parts:
                if not n:
                    continue
                w = bar.width() * n / total
                p.setBrush(colour)
                p.drawRect(QRectF(x, bar.top(), max(w, 1.5), bar.height()))
                x += w
        # legend
        fm = p.fontMetrics()
        x, y = 0.0, bar.bottom() + 14
        for label, n, colour in self.parts:
            text = f"{label}  {n:,}"
            p.setBrush(colour)
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(QRectF(x, y, 12, 12), 3, 3)
            p.setPen(QPen(self.palette().windowText().color()))
            p.drawText(int(x + 18), int(y + 11), text)
            x += 18 + fm.horizontalAdvance(text) + 22
            if x > self.width() - 120:
                x, y = 0.0, y + 20
        p.end()


class BarChart(QWidget):
    """Vertical bars (e.g. messages sent per campaign) with an optional highlighted part."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bars: list[tuple[str, int, int]] = []  # label, value, highlighted part of value
        self.colour = QColor("#3b7dd8")
        self.highlight = QColor("#d2563c")
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_bars(self, bars: list[tuple[str, int, int]]) -> None:
        self.bars = bars
        self.setAccessibleDescription(", ".join(f"{label}: {v}" for label, v, _ in bars))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        text_colour = self.palette().windowText().color()
        if not self.bars:
            p.setPen(text_colour)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No campaigns sent yet"))
            p.end()
            return
        top, bottom = 18, self.height() - fm.height() - 8
        height = max(bottom - top, 10)
        peak = max(v for _, v, _ in self.bars) or 1
        slot = self.width() / len(self.bars)
        bar_w = min(slot * 0.6, 60)
        for i, (label, value, part) in enumerate(self.bars):
            x = i * slot + (slot - bar_w) / 2
            h = height * value / peak
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self.colour)
            p.drawRoundedRect(QRectF(x, bottom - h, bar_w, h), 3, 3)
            if part:
                ph = max(height * part / peak, 2)
                p.setBrush(self.highlight)
                p.drawRect(QRectF(x, bottom - ph, bar_w, ph))
            p.setPen(text_colour)
            p.drawText(QRectF(x - 20, bottom - h - 16, bar_w + 40, 14), Qt.AlignmentFlag.AlignCenter, f"{value:,}")
            name = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(slot) - 4)
            p.drawText(QRectF(i * slot, bottom + 4, slot, fm.height()), Qt.AlignmentFlag.AlignCenter, name)
        p.end()
