"""Icons shipped in resources/icons."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from .. import APP_ID, resources
from .theme import scaled_font


def app_icon() -> QIcon:
    icons = resources.locate("icons")
    icon = QIcon(str(icons / "mailer-desktop.svg"))
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = icons / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon


def splash_pixmap(text: str) -> QPixmap:
    """A small start-up card: the program's icon and one line of text."""
    pixmap = QPixmap(520, 120)
    pixmap.fill(QColor("#f4f6f8"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#c9d1d9"))
    painter.drawRect(0, 0, pixmap.width() - 1, pixmap.height() - 1)
    app_icon().paint(painter, QRect(24, 28, 64, 64))
    painter.setPen(QColor("#1f2933"))
    painter.setFont(scaled_font("heading"))
    painter.drawText(QRect(108, 20, 392, 80), Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap, text)
    painter.end()
    return pixmap


def _tinted(svg: str, colour: QColor, size: int, ratio: float) -> QPixmap:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", colour.name()).encode()))
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def page_icon(key: str, colour: QColor, selected: QColor, size: int = 20, ratio: float = 2.0) -> QIcon:
    """The sidebar icon of a page (resources/icons/pages/KEY.svg, line drawings in
    ``currentColor``) drawn in the theme's text colour, and in ``selected`` when chosen."""
    path = resources.locate("icons", "pages", f"{key}.svg")
    if not path.is_file():
        return QIcon()
    svg = path.read_text(encoding="utf-8")
    icon = QIcon()
    icon.addPixmap(_tinted(svg, colour, size, ratio), QIcon.Mode.Normal)
    icon.addPixmap(_tinted(svg, selected, size, ratio), QIcon.Mode.Selected)
    return icon
