"""The Templates page: the user's templates, a preview of the selected one, and the composer.

New templates start from blocks (the block editor), blank HTML or Markdown (the advanced
mode), or from one of the starter templates, which open in the block editor; "New
campaign from template" copies the template into a draft campaign for a chosen list and opens
it in the composer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.templates import TemplateError
from ...services import campaigns as campaign_service
from ...services.compose import templates as template_service
from ...services.compose.preview import SAMPLE_CONTACT, list_names, preview_contacts
from ...services.compose.renderer import CampaignRenderer
from ..context import UiContext
from ..dialogs.composer import ComposerDialog
from ..theme import page_margins
from ..widgets.empty_state import EmptyState
from ..widgets.message_preview import MessagePreview

FORMAT_LABELS = {"blocks": "Blocks", "html": "HTML", "markdown": "Markdown"}


class TemplatesPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.composer: ComposerDialog | None = None
        self.stack = QStackedWidget()
        page = QVBoxLayout(self)
        page_margins(page)
        page.addWidget(self.stack)
        self.empty = EmptyState(
            self.tr("No templates yet"),
            self.tr("A template is the look of your newsletter: headings, text, pictures and buttons you put "
                    "together as blocks. The footer with your postal address and an unsubscribe link is added "
                    "to every message automatically."),
        )
        for starter in template_service.starter_templates():
            self.empty.add_button(self.tr("Start from “{0}”").format(starter.name),
                                  lambda _=False, s=starter: self.new_from_starter(s))
        self.empty.add_button(self.tr("Blank template"), lambda: self.new_blank("blocks"), primary=True)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self._build_main())
        ctx.events.templates_changed.connect(self.refresh)
        ctx.events.lists_changed.connect(self._fill_lists)
        ctx.events.contacts_changed.connect(self._fill_lists)
        self.refresh()

    def _build_main(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        layout = QVBoxLayout(left)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Templates"))
        self.list.currentItemChanged.connect(lambda *_: self.show_selected())
        self.list.itemDoubleClicked.connect(lambda *_: self.edit_selected())
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New"))
        self.new_button.setAccessibleName(self.tr("New template"))
        menu = QMenu(self.new_button)
        menu.addAction(self.tr("Blank template (blocks)"), lambda: self.new_blank("blocks"))
        for starter in template_service.starter_templates():
            menu.addAction(self.tr("From “{0}”").format(starter.name), lambda s=starter: self.new_from_starter(s))
        menu.addSeparator()
        advanced = menu.addMenu(self.tr("Advanced"))
        advanced.addAction(self.tr("Blank HTML"), lambda: self.new_blank("html"))
        advanced.addAction(self.tr("Blank Markdown"), lambda: self.new_blank("markdown"))
        self.new_button.setMenu(menu)
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete_selected)
        for b in (self.new_button, self.edit_button, self.delete_button):
            row.addWidget(b)
        layout.addLayout(row)
        campaign_row = QHBoxLayout()
        self.list_box = QComboBox()
        self.list_box.setAccessibleName(self.tr("List for the new campaign"))
        self.campaign_button = QPushButton(self.tr("New campaign from template"))
        self.campaign_button.setToolTip(self.tr("Copies this template into a draft campaign for the chosen list; "
                                                "later edits of the template do not change the campaign."))
        self.campaign_button.clicked.connect(self.campaign_from_selected)
        campaign_row.addWidget(self.list_box, 1)
        campaign_row.addWidget(self.campaign_button)
        layout.addLayout(campaign_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        splitter.addWidget(left)
        self.preview = MessagePreview(self.ctx)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(1, 2)
        return splitter

    # -- data -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        current = self.selected_id()
        templates = template_service.list_templates(self.app)
        self.list.blockSignals(True)
        self.list.clear()
        for t in templates:
            shown = template_service.display_format(t.source_format, t.source)
            item = QListWidgetItem(f"{t.name}  ·  {FORMAT_LABELS.get(shown, shown)}")
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            self.list.addItem(item)
            if t.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self.stack.setCurrentIndex(1 if templates else 0)
        self._fill_lists()
        self.show_selected()

    def _fill_lists(self) -> None:
        chosen = self.list_box.currentText()
        self.list_box.clear()
        self.list_box.addItems(list_names(self.app))
        if chosen:
            self.list_box.setCurrentText(chosen)
        self.campaign_button.setEnabled(self.list_box.count() > 0)

    def selected_id(self) -> int | None:
        item = self.list.currentItem() if hasattr(self, "list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def show_selected(self) -> None:
        template_id = self.selected_id()
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(template_id is not None)
        if template_id is None:
            return
        t = template_service.require_template(self.app, template_id)
        draft = campaign_service.Campaign(
            id=0, name=t.name, kind="campaign", template_id=t.id, list_id=None, list_name=None, account_id=None,
            subject=t.subject, preheader=t.preheader, source_format=t.source_format, source=t.source, text=t.text,
            state="draft", state_reason="", created_at="", started_at=None, finished_at=None)
        contact = (preview_contacts(self.app, None, 1) or [dict(SAMPLE_CONTACT)])[0]
        try:
            parts = CampaignRenderer(self.app, draft).render(contact)
        except (TemplateError, ValueError) as exc:
            self.preview.show_error(str(exc))
            return
        self.preview.show_message(parts.subject, parts.html, parts.text)

    # -- actions --------------------------------------------------------------------------------
    def _open(self, dialog: ComposerDialog) -> ComposerDialog:
        self.composer = dialog
        dialog.open()
        return dialog

    def new_blank(self, source_format: str) -> ComposerDialog:
        return self._open(ComposerDialog(self.ctx, source_format=source_format, parent=self))

    def new_from_starter(self, starter) -> ComposerDialog:
        return self._open(ComposerDialog(self.ctx, starter=starter, parent=self))

    def edit_selected(self) -> ComposerDialog | None:
        template_id = self.selected_id()
        if template_id is None:
            return None
        return self._open(ComposerDialog(self.ctx, template_id=template_id, parent=self))

    def delete_selected(self) -> None:
        template_id = self.selected_id()
        if template_id is None:
            return
        name = self.list.currentItem().text().split("  ·  ")[0]
        answer = QMessageBox.question(self, self.tr("Delete template"),
                                      self.tr("Delete the template “{0}”? Campaigns made from it keep their "
                                              "own copy.").format(name))
        if answer == QMessageBox.StandardButton.Yes:
            template_service.delete_template(self.app, template_id)
            self.ctx.events.templates_changed.emit()

    def campaign_from_selected(self) -> ComposerDialog | None:
        template_id = self.selected_id()
        if template_id is None or not self.list_box.currentText():
            return None
        t = template_service.require_template(self.app, template_id)
        try:
            cid = campaign_service.create_campaign(self.app, t.name, t.subject, self.list_box.currentText(),
                                                   template_id=template_id)
        except campaign_service.CampaignError as exc:
            self.status.setText(str(exc))
            return None
        self.status.setText(self.tr("Draft campaign “{0}” created.").format(t.name))
        self.ctx.events.campaigns_changed.emit()
        return self._open(ComposerDialog(self.ctx, campaign_id=cid, parent=self))
