"""A small rich-text box for newsletter text: bold, italic, links and lists, nothing more.

What it holds is read back through :func:`domain.blocks.sanitize_rich_text`, so fonts,
colours or markup pasted from elsewhere never reach a message; pasted HTML is reduced to the
same subset as it comes in.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QTextListFormat,
)
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QTextEdit, QToolButton, QVBoxLayout, QWidget

from ...domain.blocks import LINK, safe_url, sanitize_rich_text
from ..theme import set_text_role


class SafeTextEdit(QTextEdit):
    """A QTextEdit that pastes only the safe subset of rich text (and knows Ctrl+B, Ctrl+I, Ctrl+K)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.keys: list[tuple[QKeySequence, object]] = []

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        pressed = QKeySequence(event.keyCombination())
        for sequence, slot in self.keys:
            if pressed.matches(sequence) == QKeySequence.SequenceMatch.ExactMatch:
                slot()
                event.accept()
                return
        super().keyPressEvent(event)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 (Qt override)
        if source.hasHtml():
            self.textCursor().insertHtml(sanitize_rich_text(source.html()))
        elif source.hasText():
            self.textCursor().insertText(source.text())


class RichTextBox(QWidget):
    changed = Signal()

    def __init__(self, html: str = "", *, accessible_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        bar = QHBoxLayout()
        bar.setSpacing(2)
        self.bold_button = self._tool(self.tr("B"), self.tr("Bold (Ctrl+B)"), self.toggle_bold, bar)
        font = self.bold_button.font()
        font.setBold(True)
        self.bold_button.setFont(font)
        self.italic_button = self._tool(self.tr("I"), self.tr("Italic (Ctrl+I)"), self.toggle_italic, bar)
        font = self.italic_button.font()
        font.setItalic(True)
        self.italic_button.setFont(font)
        self.link_button = self._tool(self.tr("Link…"), self.tr("Link the selected words to a web page "
                                                                "(https://…) or an email address (mailto:…) "
                                                                "(Ctrl+K)"),
                                      self.ask_link, bar)
        self.bullets_button = self._tool(self.tr("• List"), self.tr("Bulleted list"),
                                         lambda: self.toggle_list(QTextListFormat.Style.ListDisc), bar)
        self.numbers_button = self._tool(self.tr("1. List"), self.tr("Numbered list"),
                                         lambda: self.toggle_list(QTextListFormat.Style.ListDecimal), bar)
        bar.addStretch(1)
        self.hint = QLabel()
        set_text_role(self.hint, "secondary")
        bar.addWidget(self.hint)
        layout.addLayout(bar)
        self.edit = SafeTextEdit()
        self.edit.setAccessibleName(accessible_name or self.tr("Text"))
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(110)
        self.edit.setPlaceholderText(self.tr("Write here…"))
        self.edit.setHtml(html)
        self.edit.document().setDocumentMargin(8)
        self.edit.textChanged.connect(self.changed)
        layout.addWidget(self.edit, 1)
        self.edit.keys = [(QKeySequence(QKeySequence.StandardKey.Bold), self.toggle_bold),
                          (QKeySequence(QKeySequence.StandardKey.Italic), self.toggle_italic),
                          (QKeySequence("Ctrl+K"), self.ask_link)]
        for button in (self.bold_button, self.italic_button):
            button.setCheckable(True)
        self.edit.currentCharFormatChanged.connect(self._show_format)

    def _tool(self, text: str, tip: str, slot, bar: QHBoxLayout) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keep the cursor (and selection) in the text
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        bar.addWidget(button)
        return button

    # -- reading ----------------------------------------------------------------------------------
    def html(self) -> str:
        return sanitize_rich_text(self.edit.toHtml())

    # -- formatting -------------------------------------------------------------------------------
    def _show_format(self, fmt: QTextCharFormat) -> None:
        self.bold_button.setChecked(fmt.fontWeight() >= QFont.Weight.DemiBold)
        self.italic_button.setChecked(fmt.fontItalic())

    def toggle_bold(self) -> None:
        bold = self.edit.fontWeight() < QFont.Weight.DemiBold
        self.edit.setFontWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
        self.edit.setFocus()

    def toggle_italic(self) -> None:
        self.edit.setFontItalic(not self.edit.fontItalic())
        self.edit.setFocus()

    def toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.edit.textCursor()
        current = cursor.currentList()
        if current is not None and current.format().style() == style:
            block_format = cursor.blockFormat()
            current.remove(cursor.block())
            block_format.setIndent(0)
            cursor.setBlockFormat(block_format)
        else:
            cursor.createList(style)
        self.edit.setFocus()

    def ask_link(self) -> None:
        current = self.edit.textCursor().charFormat().anchorHref() or "https://"
        url, ok = QInputDialog.getText(self, self.tr("Link"),
                                       self.tr("Web address (https://…) or mailto: address; leave empty to "
                                               "remove the link"), text=current)
        if ok:
            self.apply_link(url)

    def apply_link(self, url: str) -> bool:
        """Link the selection (or insert the address as a link); an empty address removes the
        selection's link. False when the address is refused."""
        if not url.strip() or url.strip() in ("https://", "mailto:"):
            return self.remove_link()
        href = safe_url(url)
        if href is None:
            self.hint.setText(self.tr("Links must start with https:// or mailto:"))
            return False
        self.hint.clear()
        cursor = self.edit.textCursor()
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(href)
        fmt.setForeground(QColor(LINK))
        fmt.setFontUnderline(True)
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        else:
            cursor.insertText(href.removeprefix("mailto:"), fmt)
            cursor.setCharFormat(QTextCharFormat())
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()
        return True

    def remove_link(self) -> bool:
        cursor = self.edit.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.WordUnderCursor)
        fmt = QTextCharFormat()
        fmt.setAnchor(False)
        fmt.setAnchorHref("")
        fmt.setFontUnderline(False)
        fmt.setForeground(self.edit.palette().text())
        cursor.mergeCharFormat(fmt)
        self.hint.clear()
        return True

    def insert_text(self, text: str) -> None:
        cursor = self.edit.textCursor()
        cursor.insertText(text)
        self.edit.setTextCursor(cursor)
        self.edit.moveCursor(QTextCursor.MoveOperation.NoMove)
        self.edit.setFocus()
