"""The block editor: a newsletter as a list of blocks, each edited in a small form.

Top: the blocks in order, with Add, Move up, Move down and Delete. Below: the form of the
selected block (a heading's words and style, rich text, a picture's address and description,
a button's label and link, two columns). Every change updates the document at once and
emits ``changed``; :meth:`BlockEditor.document` is what the composer saves. Merge fields go
into whichever text field of the editor had the focus last.
"""

from __future__ import annotations

import copy
import html as html_lib
import re

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import blocks
from ...domain.blocks import BlockDocument, Button, Column, Columns, Divider, Heading, Image, Text
from ..labels import field_label
from ..theme import set_text_role
from .rich_text import RichTextBox

HEADING_STYLES = [(0, "Banner (white on colour)"), (1, "Title"), (2, "Section heading")]
BUTTON_COLOURS = [("#d9822b", "Orange"), ("#1f3a5f", "Navy"), ("#1f6f43", "Green"), ("#b42318", "Red"),
                  ("#222222", "Black")]
NEW_BLOCKS = {
    "heading": lambda: Heading("", 2),
    "text": lambda: Text(""),
    "image": lambda: Image("", "", blocks.CONTENT_WIDTH, ""),
    "button": lambda: Button("", "https://"),
    "divider": Divider,
    "columns": lambda: Columns(Column(), Column()),
}


_MERGE_FIELD = re.compile(r"""\{\{\s*(?:contact\.(\w+)|contact\[["']([^"']+)["']\]|(business_name))[^{}]*\}\}""")


def _field_word(m: re.Match) -> str:
    name = m.group(1) or m.group(2)
    return f"‹{field_label(name)}›" if name else f"‹{_t('Business name')}›"


def _t(text: str) -> str:
    return QCoreApplication.translate("BlockEditor", text)


def default_document() -> BlockDocument:
    return BlockDocument([Heading("{{ business_name }}", 0),
                          Heading('Hello {{ contact.first_name | default("there", true) }},', 1), Text("")])


def summary(block) -> str:
    """One line naming a block and the start of its content, for the list."""
    label = _t(blocks.KIND_LABELS[block.kind])
    if isinstance(block, Heading):
        detail = block.text
        label = _t(dict(HEADING_STYLES)[block.level]).split(" (")[0]
    elif isinstance(block, Text):
        detail = html_lib.unescape(re.sub(r"<[^>]+>", " ", block.html))
    elif isinstance(block, Image):
        detail = block.alt or block.src
    elif isinstance(block, Button):
        detail = block.label
    elif isinstance(block, Columns):
        detail = " | ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", c.html)).strip()[:30]
                            for c in (block.left, block.right))
    else:
        detail = ""
    detail = _MERGE_FIELD.sub(_field_word, " ".join(detail.split()))
    if len(detail) > 60:
        detail = detail[:59] + "…"
    return f"{label}  —  {detail}" if detail else label


class _FocusWatch(QObject):
    """Remembers which text field of the editor had the focus last (where merge fields go)."""

    def __init__(self, editor: BlockEditor):
        super().__init__(editor)
        self.editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.FocusIn:
            self.editor.last_target = watched
        return False


class BlockEditor(QWidget):
    changed = Signal()

    def __init__(self, doc: BlockDocument | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = copy.deepcopy(doc) if doc is not None else default_document()
        self.last_target: QObject | None = None
        self._watch = _FocusWatch(self)
        self.form: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 6)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Blocks"))
        self.list.setMinimumHeight(120)
        self.list.setAlternatingRowColors(True)
        self.list.setStyleSheet("QListWidget::item { padding: 4px 6px; }")
        self.list.currentRowChanged.connect(self._show_form)
        for key, slot in (("Alt+Up", lambda: self.move_current(-1)), ("Alt+Down", lambda: self.move_current(1)),
                          (QKeySequence.StandardKey.Delete, self.delete_current)):
            shortcut = QShortcut(QKeySequence(key), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        top_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add block"))
        self.add_button.setAccessibleName(self.tr("Add block"))
        menu = QMenu(self.add_button)
        for kind, label in blocks.KIND_LABELS.items():
            action = menu.addAction(self.tr(label), lambda k=kind: self.add_block(k))
            action.setData(kind)
        self.add_menu = menu
        self.add_button.setMenu(menu)
        self.up_button = QPushButton(self.tr("Move up"))
        self.up_button.setToolTip(self.tr("Move the selected block up (Alt+Up)"))
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button = QPushButton(self.tr("Move down"))
        self.down_button.setToolTip(self.tr("Move the selected block down (Alt+Down)"))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Remove the selected block (Delete)"))
        self.delete_button.clicked.connect(self.delete_current)
        self.undo_button = QPushButton(self.tr("Undo delete"))
        self.undo_button.setToolTip(self.tr("Put the block just deleted back where it was"))
        self.undo_button.clicked.connect(self.undo_delete)
        self.undo_button.hide()
        self._deleted: tuple[int, object] | None = None
        row.addWidget(self.add_button)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        for b in (self.up_button, self.down_button, self.delete_button):
            row.addWidget(b)
        top_layout.addLayout(row)
        splitter.addWidget(top)
        self.form_box = QWidget()
        self.form_layout = QVBoxLayout(self.form_box)
        self.form_layout.setContentsMargins(0, 6, 0, 0)
        splitter.addWidget(self.form_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([240, 360])
        layout.addWidget(splitter, 1)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        set_text_role(self.problems_label, "warning")
        layout.addWidget(self.problems_label)
        self._fill_list(0)
        self._show_problems()

    # -- the document -----------------------------------------------------------------------------
    def document(self) -> BlockDocument:
        return copy.deepcopy(self.doc)

    def set_document(self, doc: BlockDocument) -> None:
        self.doc = copy.deepcopy(doc)
        self._fill_list(0)
        self._show_problems()

    def _fill_list(self, select: int) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for block in self.doc.blocks:
            self.list.addItem(QListWidgetItem(summary(block)))
        self.list.blockSignals(False)
        if self.doc.blocks:
            self.list.setCurrentRow(max(0, min(select, len(self.doc.blocks) - 1)))
        else:
            self._show_form(-1)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row, count = self.list.currentRow(), len(self.doc.blocks)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)
        self.delete_button.setEnabled(row >= 0)
        self.add_button.setEnabled(count < blocks.MAX_BLOCKS)

    def _edited(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.doc.blocks):
            self.list.item(row).setText(summary(self.doc.blocks[row]))
        self._show_problems()
        self.changed.emit()

    def _show_problems(self) -> None:
        """The selected block's problems, under its form (the composer lists all of them)."""
        row = self.list.currentRow()
        found = blocks.block_problems(self.doc.blocks[row]) if 0 <= row < len(self.doc.blocks) else []
        self.problems_label.setText("\n".join(self.tr(p) for p in found))
        self.problems_label.setVisible(bool(found))

    def problems(self) -> list[str]:
        return blocks.problems(self.doc)

    # -- actions ----------------------------------------------------------------------------------
    def add_block(self, kind: str) -> None:
        """Add a new block of ``kind`` after the selected one and select it."""
        if len(self.doc.blocks) >= blocks.MAX_BLOCKS:
            return
        at = self.list.currentRow() + 1 if self.list.currentRow() >= 0 else len(self.doc.blocks)
        self.doc.blocks.insert(at, NEW_BLOCKS[kind]())
        self._forget_deleted()
        self._fill_list(at)
        self._edited()
        if self.form is not None:
            first = getattr(self.form, "first_field", None)
            if first is not None:
                first.setFocus()

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < len(self.doc.blocks):
            return
        items = self.doc.blocks
        items[row], items[to] = items[to], items[row]
        self._forget_deleted()
        self._fill_list(to)
        self._edited()

    def delete_current(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        self._deleted = (row, self.doc.blocks.pop(row))
        self._fill_list(row)
        self._edited()
        self.undo_button.show()

    def undo_delete(self) -> None:
        if self._deleted is None:
            return
        row, block = self._deleted
        self._deleted = None
        self.undo_button.hide()
        self.doc.blocks.insert(min(row, len(self.doc.blocks)), block)
        self._fill_list(row)
        self._edited()

    def _forget_deleted(self) -> None:
        """Undo brings a block back to where it was; after other changes to the order it cannot."""
        self._deleted = None
        self.undo_button.hide()

    def insert_text(self, text: str) -> bool:
        """Insert ``text`` (a merge field) where the user was typing; False when no field had the focus."""
        target = self.last_target
        if isinstance(target, QLineEdit):
            target.insert(text)
            target.setFocus()
            return True
        box = target.parent() if target is not None else None
        while box is not None and not isinstance(box, RichTextBox):
            box = box.parent()
        if isinstance(box, RichTextBox):
            box.insert_text(text)
            return True
        return False

    # -- the form of the selected block -------------------------------------------------------------
    def _show_form(self, row: int) -> None:
        if self.form is not None:
            self.form.setParent(None)
            self.form.deleteLater()
            self.form = None
            self.last_target = None
        if 0 <= row < len(self.doc.blocks):
            self.form = make_form(self.doc.blocks[row], self._edited)
            for child in self.form.findChildren(QWidget):
                if isinstance(child, QLineEdit) or child.objectName() == "richTextEdit":
                    child.installEventFilter(self._watch)
            self.form_layout.addWidget(self.form, 1)
        self._update_buttons()
        self._show_problems()


# -- the forms --------------------------------------------------------------------------------------
def _line(value: str, name: str, on_change, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(value)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    edit.textChanged.connect(on_change)
    return edit


def _rich(html: str, name: str, on_change) -> RichTextBox:
    box = RichTextBox(html, accessible_name=name)
    box.edit.setObjectName("richTextEdit")
    if on_change is not None:
        box.changed.connect(on_change)
    return box


class BlockForm(QWidget):
    """The fields of one block; writes every change straight into the block."""

    def __init__(self, title: str, note: str = ""):
        super().__init__()
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        heading = set_text_role(QLabel(_t(title)), "heading")
        self.layout_.addWidget(heading)
        if note:
            hint = QLabel(_t(note))
            hint.setWordWrap(True)
            set_text_role(hint, "secondary")
            self.layout_.addWidget(hint)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.addLayout(self.form)
        self.first_field: QWidget | None = None

    def add_row(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(_t(label), widget)
        if self.first_field is None:
            self.first_field = widget
        return widget


def make_form(block, on_edit) -> BlockForm:
    """The form for ``block``; ``on_edit`` is called after every change."""
    def setter(obj, attr, convert=lambda v: v):
        def apply(value):
            setattr(obj, attr, convert(value))
            on_edit()
        return apply

    if isinstance(block, Heading):
        form = BlockForm("Heading")
        style = QComboBox()
        style.setAccessibleName("Heading style")
        for level, label in HEADING_STYLES:
            style.addItem(_t(label), level)
        style.setCurrentIndex(max(0, style.findData(block.level)))
        style.currentIndexChanged.connect(lambda i: setter(block, "level")(style.itemData(i)))
        form.add_row("Words", _line(block.text, "Heading text", setter(block, "text"), "A short heading"))
        form.add_row("Style", style)
        form.layout_.addStretch(1)
        return form
    if isinstance(block, Text):
        form = BlockForm("Text", "Select words to make them bold, italic or a link. Press Enter for a new "
                                 "paragraph.")
        box = _rich(block.html, "Text", None)
        box.changed.connect(lambda: setter(block, "html")(box.html()))
        form.layout_.addWidget(box, 1)
        form.first_field = box.edit
        return form
    if isinstance(block, Image):
        form = BlockForm("Picture", "Use a picture that is already online (your website, a photo service). "
                                    "Many mail programs hide pictures until the reader allows them, so the "
                                    "description matters.")
        form.add_row("Address", _line(block.src, "Picture address", setter(block, "src"),
                                      "https://…/photo.jpg"))
        form.add_row("Description", _line(block.alt, "Picture description", setter(block, "alt"),
                                          "What the picture shows, e.g. “Fresh rye loaves”"))
        width = QSpinBox()
        width.setAccessibleName("Picture width")
        width.setRange(16, blocks.CONTENT_WIDTH)
        width.setSuffix(" px")
        width.setValue(block.width)
        width.setToolTip("600 px fills the message's width; on a phone the picture shrinks to fit.")
        width.valueChanged.connect(setter(block, "width"))
        form.add_row("Width", width)
        form.add_row("Link (optional)", _line(block.href, "Picture link", setter(block, "href"), "https://…"))
        form.layout_.addStretch(1)
        return form
    if isinstance(block, Button):
        form = BlockForm("Button")
        form.add_row("Label", _line(block.label, "Button label", setter(block, "label"), "e.g. Order now"))
        form.add_row("Link", _line(block.href, "Button link", setter(block, "href"), "https://…"))
        colour = QComboBox()
        colour.setAccessibleName("Button colour")
        for value, label in BUTTON_COLOURS:
            colour.addItem(_t(label), value)
        if colour.findData(block.color) < 0:
            colour.addItem(block.color, block.color)
        colour.setCurrentIndex(colour.findData(block.color))
        colour.currentIndexChanged.connect(lambda i: setter(block, "color")(colour.itemData(i)))
        align = QComboBox()
        align.setAccessibleName("Button position")
        align.addItem(_t("Centred"), "center")
        align.addItem(_t("Left"), "left")
        align.setCurrentIndex(max(0, align.findData(block.align)))
        align.currentIndexChanged.connect(lambda i: setter(block, "align")(align.itemData(i)))
        form.add_row("Colour", colour)
        form.add_row("Position", align)
        form.layout_.addStretch(1)
        return form
    if isinstance(block, Columns):
        form = BlockForm("Two columns", "Side by side on a computer, one below the other on a phone.")
        tabs = QTabWidget()
        for column, title in ((block.left, "Left column"), (block.right, "Right column")):
            page = QWidget()
            page_layout = QFormLayout(page)
            page_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            page_layout.addRow(_t("Picture"), _line(column.image_src, f"{title} picture address",
                                                setter(column, "image_src"), "https://… (optional)"))
            page_layout.addRow(_t("Description"), _line(column.image_alt, f"{title} picture description",
                                                    setter(column, "image_alt"), "What the picture shows"))
            box = _rich(column.html, f"{title} text", None)
            box.changed.connect(lambda b=box, c=column: setter(c, "html")(b.html()))
            page_layout.addRow(box)
            tabs.addTab(page, _t(title))
        form.layout_.addWidget(tabs, 1)
        return form
    form = BlockForm("Divider", "A thin line between two parts of the message. Nothing to set.")
    form.layout_.addStretch(1)
    return form
