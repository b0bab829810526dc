"""Light and dark appearance that follows the system (or the user's choice in Settings).

Fusion style everywhere, so the program looks the same on Windows, macOS and Linux, with a
palette picked from the system's colour scheme. Widgets use palette roles (``palette(base)``
and friends) in their style sheets, never fixed colours, so both themes read well.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory

ACCENT = QColor("#2f7fd8")


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def light_palette() -> QPalette:
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#f3f4f6", QPalette.ColorRole.WindowText: "#1d2330",
        QPalette.ColorRole.Base: "#ffffff", QPalette.ColorRole.AlternateBase: "#eceef2",
        QPalette.ColorRole.Text: "#1d2330", QPalette.ColorRole.Button: "#f7f8fa",
        QPalette.ColorRole.ButtonText: "#1d2330", QPalette.ColorRole.ToolTipBase: "#fffbe6",
        QPalette.ColorRole.ToolTipText: "#1d2330", QPalette.ColorRole.PlaceholderText: "#6b7280",
        QPalette.ColorRole.Mid: "#c9ced6", QPalette.ColorRole.Highlight: ACCENT.name(),
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#1f63b5",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9aa1ad"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9aa1ad"))
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#1f2228", QPalette.ColorRole.WindowText: "#e6e8ec",
        QPalette.ColorRole.Base: "#16181d", QPalette.ColorRole.AlternateBase: "#262a31",
        QPalette.ColorRole.Text: "#e6e8ec", QPalette.ColorRole.Button: "#2a2e36",
        QPalette.ColorRole.ButtonText: "#e6e8ec", QPalette.ColorRole.ToolTipBase: "#2a2e36",
        QPalette.ColorRole.ToolTipText: "#e6e8ec", QPalette.ColorRole.PlaceholderText: "#8b93a1",
        QPalette.ColorRole.Mid: "#3a3f48", QPalette.ColorRole.Highlight: ACCENT.name(),
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#7fb2ff",
        QPalette.ColorRole.BrightText: "#ff7b7b",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b7280"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b7280"))
    return p


class _Style(QProxyStyle):
    """Fusion, without the old-style icons on dialog buttons (OK, Cancel, Save, Yes, No)."""

    def styleHint(self, hint, option=None, widget=None, return_data=None):  # noqa: N802 (Qt API)
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, return_data)


def style_sheet(dark: bool) -> str:
    """What the palette cannot say: light table lines, headers without heavy bevels, a clear
    keyboard focus, one set of spacings. Colours come from the palette (or are picked for the
    theme), so light and dark both read well."""
    grid = "#30343c" if dark else "#e3e6eb"
    header_line = "#3a3f48" if dark else "#d3d8df"
    focus = ACCENT.lighter(130).name() if dark else ACCENT.name()
    return f"""
QTableView, QTableWidget, QListView, QListWidget, QTreeView {{ gridline-color: {grid}; }}
QHeaderView::section {{
    background: palette(window); color: palette(window-text); padding: 4px 8px;
    border: none; border-bottom: 1px solid {header_line}; border-right: 1px solid {grid}; font-weight: 600;
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus,
QComboBox:focus, QAbstractItemView:focus {{ border: 2px solid {focus}; border-radius: 4px; }}
QPushButton:focus, QToolButton:focus, QCheckBox:focus, QRadioButton:focus {{ outline: 2px solid {focus}; }}
QGroupBox {{ font-weight: 600; }}
QToolTip {{ padding: 4px 6px; }}
"""


def apply_theme(app: QApplication, choice: str = "system") -> bool:
    """Apply 'light', 'dark' or 'system'; returns True when the dark palette is in use."""
    if not app.property("mailerStyle"):  # once: a style sheet wraps app.style() afterwards
        app.setStyle(_Style(QStyleFactory.create("Fusion")))
        app.setProperty("mailerStyle", True)
    dark = system_is_dark() if choice == "system" else choice == "dark"
    app.setPalette(dark_palette() if dark else light_palette())
    app.setProperty("mailerDarkTheme", dark)
    app.setStyleSheet(style_sheet(dark))
    # Style sheets resolve palette(...) colours when they are set: set them again so that
    # widgets already on screen follow a theme change.
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if "palette(" in sheet:
            widget.setStyleSheet(sheet)
    return dark


def follow_system(app: QApplication, choice_provider) -> None:
    """Re-apply the theme when the system switches between light and dark."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda *_: apply_theme(app, choice_provider()))
