"""The Campaigns page's changes to a campaign: Edit… (the composer with its preview, drafts
only), Rename…, Duplicate and Delete… (drafts never sent) — as buttons under the campaign's title
and in the history's context menu."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton

from ...services import campaigns as campaign_service


class CampaignChanges(QObject):
    """Acts on the campaign the page shows (``page.campaign_id``) through the page's prompts,
    events and jobs."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.duplicate_button = QPushButton(self.tr("Duplicate"))
        self.duplicate_button.setToolTip(self.tr("A new draft with the same content, list and attachments."))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.delete_button.setToolTip(self.tr("Only a draft that was never sent can be deleted; a sent campaign "
                                              "keeps its record of who received it."))
        self.buttons = (self.edit_button, self.rename_button, self.duplicate_button, self.delete_button)
        self.row = QHBoxLayout()
        for b, slot in zip(self.buttons, (self.edit, self.rename, self.duplicate, self.delete), strict=True):
            b.clicked.connect(slot)
            b.setAccessibleName(self.tr("Campaign: {}").format(b.text().rstrip("…")))
            self.row.addWidget(b)
        self.row.addStretch(1)

    def show(self, line, sending: bool) -> None:
        """Which changes the campaign ``line`` (a history line) allows now."""
        draft = line.state == "draft"
        self.edit_button.setEnabled(draft and line.kind == "campaign")
        self.edit_button.setToolTip(self.tr("Change the draft's subject, text and list, with the preview.") if draft
                                    else self.tr("Only a draft can be changed. Duplicate it to send a changed "
                                                 "copy."))
        self.rename_button.setEnabled(True)
        self.duplicate_button.setEnabled(line.kind == "campaign")
        self.delete_button.setEnabled(draft and not sending)

    def history_menu(self, pos) -> None:
        page = self.page
        index = page.history.indexAt(pos)
        line = page.history_model.line_at(index.row()) if index.isValid() else None
        if line is None:
            return
        if line.id != page.campaign_id:
            page.select_campaign(line.id)
        menu = QMenu(page.history)
        for b in self.buttons:
            action = menu.addAction(b.text())
            action.setEnabled(b.isEnabled())
            action.triggered.connect(b.click)
        menu.exec(page.history.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _current_name(self) -> str:
        page = self.page
        line = page.history_model.line_at(page.history_model.row_of(page.campaign_id))
        return line.name if line is not None else ""

    def edit(self) -> None:
        page = self.page
        if page.campaign_id is None or not self.edit_button.isEnabled():
            return
        from ..dialogs.composer import ComposerDialog

        page.composer = ComposerDialog(page.ctx, campaign_id=page.campaign_id, parent=page)
        page.composer.open()

    def rename(self) -> None:
        page = self.page
        if page.campaign_id is None:
            return
        name = page.prompts.text(page, self.tr("Rename campaign"), self.tr("New name:"), self._current_name())
        if name is None:
            return
        try:
            campaign_service.rename_campaign(page.app, page.campaign_id, name)
        except campaign_service.CampaignError as exc:
            page.prompts.error(page, self.tr("Rename campaign"), str(exc))
            return
        page.ctx.events.campaigns_changed.emit()

    def duplicate(self) -> None:
        page = self.page
        if page.campaign_id is None:
            return
        try:
            new_id = campaign_service.duplicate_campaign(page.app, page.campaign_id)
        except campaign_service.CampaignError as exc:
            page.prompts.error(page, self.tr("Duplicate campaign"), str(exc))
            return
        page.campaign_id = new_id
        page.ctx.events.campaigns_changed.emit()
        page.ctx.events.status_message.emit(self.tr("Created the draft “{}”.").format(self._current_name()))

    def delete(self) -> None:
        page = self.page
        if page.campaign_id is None or page.job is not None:
            return
        name = self._current_name()
        if not page.prompts.confirm(page, self.tr("Delete campaign"),
                                    self.tr("Delete the draft “{}”? It was never sent.").format(name)):
            return
        try:
            campaign_service.delete_draft(page.app, page.campaign_id)
        except campaign_service.CampaignError as exc:
            page.prompts.error(page, self.tr("Delete campaign"), str(exc))
            return
        page.campaign_id = None
        page.ctx.events.campaigns_changed.emit()
        page.ctx.events.status_message.emit(self.tr("Deleted the draft “{}”.").format(name))
