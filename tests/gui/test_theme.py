"""Light and dark palettes: readable contrast, chosen by setting or system."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyle

from mailer_desktop.ui.theme import apply_theme, dark_palette, light_palette


def _contrast(p: QPalette) -> int:
    return abs(p.color(QPalette.ColorRole.Window).lightness() - p.color(QPalette.ColorRole.WindowText).lightness())


def test_both_palettes_have_strong_text_contrast():
    assert _contrast(light_palette()) > 150 and _contrast(dark_palette()) > 150


def test_choice_applies_the_palette(qtbot):
    app = QApplication.instance()
    before = app.palette()
    try:
        assert apply_theme(app, "dark") is True
        assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
        assert apply_theme(app, "light") is False
        assert app.palette().color(QPalette.ColorRole.Window).lightness() > 200
        assert app.property("mailerStyle")  # Fusion, through ui/theme's proxy style
        # no old-style icons on OK, Cancel, Save, Yes and No
        assert not app.style().styleHint(QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons)
    finally:
        app.setPalette(before)
