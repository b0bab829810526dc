"""Light and dark appearance that follows the system (or the user's choice in Settings).

Fusion style everywhere, so the program looks the same on Windows, macOS and Linux, with a
palette picked from the system's colour scheme. Widgets use palette roles (``palette(base)``
and friends) in their style sheets, never fixed colours, so both themes read well.

Text follows one type scale (:data:`TYPE_SCALE`): a page or dialog marks a label with
:func:`set_text_role` (``"title"``, ``"heading"``, ``"secondary"``, ``"error"`` …) instead of
choosing point sizes or colours itself. Spacing follows :data:`SPACING` and :func:`page_margins`.
The keyboard focus is drawn as a two-pixel frame in the accent colour on buttons, fields,
tables and list items, in both themes.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QLayout, QProxyStyle, QStyle, QStyleFactory, QWidget

ACCENT = QColor("#2f7fd8")

# The type scale, relative to the system's body font: (size factor, weight).
TYPE_SCALE: dict[str, tuple[float, int]] = {
    "display": (1.8, 700),  # a big figure (Overview's counts)
    "title": (1.35, 600),  # what a page or pane is about (a campaign's name, an empty state)
    "heading": (1.1, 600),  # a section of a page, a group of settings
    "body": (1.0, 400),
    "secondary": (0.92, 400),  # hints, captions, notes under a field
}
# Text roles that colour rather than size: light theme, dark theme.
TEXT_COLOURS: dict[str, tuple[str, str]] = {
    "error": ("#b3261e", "#ff8a80"),
    "warning": ("#9a5b00", "#ffcc66"),
    "success": ("#1b7f3b", "#7ddc9a"),
}
SPACING = 8  # between widgets of one group
SECTION_SPACING = 10  # between the groups of a page
MARGINS = (14, 12, 14, 12)  # around a page's content


def page_margins(layout: QLayout) -> None:
    """The page's outer margins and spacing, the same on every page."""
    layout.setContentsMargins(*MARGINS)
    layout.setSpacing(SECTION_SPACING)


def set_text_role(widget: QWidget, role: str) -> QWidget:
    """Give ``widget`` its place in the type scale (or an error/warning colour); the theme's
    style sheet says how that looks. Returns the widget, for use inline."""
    if role not in TYPE_SCALE and role not in TEXT_COLOURS:
        raise ValueError(f"unknown text role: {role}")
    widget.setProperty("textRole", role)
    style = widget.style()
    style.unpolish(widget)  # a role given after the widget was polished
    style.polish(widget)
    return widget


def scaled_font(role: str, base: QFont | None = None) -> QFont:
    """A font of the type scale, for text that is painted rather than shown in a label."""
    factor, weight = TYPE_SCALE[role]
    font = QFont(base if base is not None else QGuiApplication.font())
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setWeight(QFont.Weight(weight))
    return font


def focus_colour(dark: bool) -> QColor:
    return QColor(ACCENT.lighter(140).name()) if dark else QColor(ACCENT)


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


def _draw_focus(painter: QPainter, rect, inset: float = 1.0) -> None:
    app = QApplication.instance()
    colour = QColor(app.property("mailerFocusColour") or ACCENT.name()) if app else ACCENT
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(rect).adjusted(inset, inset, -inset, -inset), 3, 3)
    painter.restore()


class _Style(QProxyStyle):
    """Fusion, without the old-style icons on dialog buttons (OK, Cancel, Save, Yes, No), and
    with a clear keyboard focus: Fusion's own is a faint line of the highlight colour."""

    def styleHint(self, hint, option=None, widget=None, return_data=None):  # noqa: N802 (Qt API)
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, return_data)

    def drawPrimitive(self, element, option, painter, widget=None):  # noqa: N802 (Qt API)
        if element == QStyle.PrimitiveElement.PE_FrameFocusRect:  # item views' current item, check boxes
            _draw_focus(painter, option.rect)
            return
        super().drawPrimitive(element, option, painter, widget)

    def drawControl(self, element, option, painter, widget=None):  # noqa: N802 (Qt API)
        super().drawControl(element, option, painter, widget)
        if element == QStyle.ControlElement.CE_PushButton and option.state & QStyle.StateFlag.State_HasFocus:
            _draw_focus(painter, option.rect)

    def drawComplexControl(self, control, option, painter, widget=None):  # noqa: N802 (Qt API)
        super().drawComplexControl(control, option, painter, widget)
        framed = (QStyle.ComplexControl.CC_ToolButton, QStyle.ComplexControl.CC_ComboBox,
                  QStyle.ComplexControl.CC_SpinBox)  # drawn by the style: a style sheet rule would lose their arrows
        if control in framed and option.state & QStyle.StateFlag.State_HasFocus:
            _draw_focus(painter, option.rect)


def _type_rules(dark: bool) -> str:
    base = QGuiApplication.font().pointSizeF()
    base = base if base > 0 else 10.0
    rules = [f'*[textRole="{role}"] {{ font-size: {base * factor:.1f}pt; font-weight: {weight}; }}'
             for role, (factor, weight) in TYPE_SCALE.items()]
    rules.append('*[textRole="secondary"] { color: palette(placeholder-text); }')
    rules += [f'*[textRole="{role}"] {{ color: {colours[1] if dark else colours[0]}; }}'
              for role, colours in TEXT_COLOURS.items()]
    return "\n".join(rules)


def style_sheet(dark: bool) -> str:
    """What the palette cannot say: light table lines, headers without heavy bevels, a clear
    keyboard focus, one set of spacings. Colours come from the palette (or are picked for the
    theme), so light and dark both read well."""
    grid = "#30343c" if dark else "#e3e6eb"
    header_line = "#3a3f48" if dark else "#d3d8df"
    focus = focus_colour(dark).name()
    heading = QGuiApplication.font().pointSizeF()
    heading = (heading if heading > 0 else 10.0) * TYPE_SCALE["heading"][0]
    return _type_rules(dark) + f"""
QTableView, QTableWidget, QListView, QListWidget, QTreeView {{ gridline-color: {grid}; }}
QHeaderView::section {{
    background: palette(window); color: palette(window-text); padding: 4px 8px;
    border: none; border-bottom: 1px solid {header_line}; border-right: 1px solid {grid}; font-weight: 600;
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QAbstractItemView:focus {{
    border: 2px solid {focus}; border-radius: 4px; }}
QListWidget#sidebar {{ font-size: {heading:.1f}pt; }}
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
    app.setProperty("mailerFocusColour", focus_colour(dark).name())
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
