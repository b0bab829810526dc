"""The look of issue #21: a clear keyboard focus in light and dark, and one type scale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mailer_desktop.ui import theme

UI = Path(theme.__file__).parent


@pytest.fixture(params=["light", "dark"])
def themed(request, qapp):
    before = qapp.palette()
    theme.apply_theme(qapp, request.param)
    yield request.param
    qapp.setStyleSheet("")
    qapp.setPalette(before)


def _accent_pixels(widget: QWidget, colour: QColor) -> int:
    image = widget.grab().toImage()
    count = 0
    for y in range(0, image.height()):
        for x in range(0, image.width()):
            c = image.pixelColor(x, y)
            if abs(c.red() - colour.red()) + abs(c.green() - colour.green()) + abs(c.blue() - colour.blue()) < 40:
                count += 1
    return count


def _window(qtbot, *widgets: QWidget) -> QWidget:
    window = QWidget()
    layout = QVBoxLayout(window)
    for w in widgets:
        layout.addWidget(w)
    qtbot.addWidget(window)
    window.resize(320, 60 * len(widgets))
    window.show()
    qtbot.waitExposed(window)
    return window


def _focused(qtbot, widget: QWidget, other: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)
    QApplication.processEvents()


@pytest.mark.parametrize("kind", ["button", "line edit", "combo box", "spin box", "table", "list"])
def test_the_focused_widget_gets_a_clear_accent_frame(qtbot, themed, kind):
    colour = QColor(QApplication.instance().property("mailerFocusColour"))
    assert colour == theme.focus_colour(themed == "dark")
    if kind == "button":
        widget = QPushButton("Save")
    elif kind == "line edit":
        widget = QLineEdit("some text")
    elif kind == "combo box":
        widget = QComboBox()
        widget.addItems(["Sandbox (this computer only)"])
    elif kind == "spin box":
        widget = QSpinBox()
    elif kind == "table":
        widget = QTableWidget(2, 2)
        for r in range(2):
            for c in range(2):
                widget.setItem(r, c, QTableWidgetItem(f"{r}{c}"))
        widget.setSelectionMode(QTableWidget.SelectionMode.NoSelection)  # no highlight to mistake for focus
    else:
        widget = QListWidget()
        widget.addItems(["Newsletter", "Loyalty club"])
        widget.setSelectionMode(QListWidget.SelectionMode.NoSelection)
    other = QPushButton("elsewhere")
    window = _window(qtbot, widget, other)
    if kind in ("table", "list"):
        widget.setCurrentIndex(widget.model().index(0, 0))
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    QApplication.processEvents()
    before = _accent_pixels(widget, colour)
    _focused(qtbot, widget, other)
    after = _accent_pixels(widget, colour)
    # a frame of two pixels around the widget (or its current item) is well over 100 pixels
    assert after - before > 100, (kind, before, after)
    assert window.isVisible()


def test_text_roles_follow_one_scale(qtbot, themed):
    base = QApplication.font().pointSizeF()
    labels = {role: theme.set_text_role(QLabel(role), role) for role in theme.TYPE_SCALE}
    window = _window(qtbot, *labels.values())
    sizes = {role: label.font().pointSizeF() for role, label in labels.items()}
    assert sizes["display"] > sizes["title"] > sizes["heading"] > sizes["body"] > sizes["secondary"]
    assert sizes["body"] == pytest.approx(base, abs=0.11)
    assert labels["title"].font().weight() >= 600
    error = theme.set_text_role(QLabel("wrong"), "error")
    window2 = _window(qtbot, error)
    red = error.palette().color(error.foregroundRole())
    assert window.isVisible() and window2.isVisible()
    assert red.red() > red.green() + 60
    with pytest.raises(ValueError):
        theme.set_text_role(QLabel(), "huge")


def test_pages_and_dialogs_choose_no_sizes_or_colours_of_their_own():
    """Sizes come from the type scale in ui/theme.py, colours from the palette or a text role."""
    ad_hoc = re.compile(r"setPointSize|font-size|setPixelSize|color:\s*#|<h[1-6][ >]")
    found = [f"{path.relative_to(UI)}:{n}" for path in UI.rglob("*.py") if path.name != "theme.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if ad_hoc.search(line)]
    assert found == []
