"""The composer: edit a template or a draft campaign and see the real message as you type.

Left: subject, preheader, the body with a merge-field picker, an optional plain-text body and,
for campaigns, attachments. The body is edited in the block editor (headings, text, pictures,
buttons, dividers, two columns) when it was made with it — the starter templates and new
templates are — or as HTML or Markdown (the advanced mode). "Edit as HTML" leaves the block
editor for good: the HTML can then be changed freely, and the blocks could no longer describe
it. Right: the preview of the exact message a chosen contact would get (HTML, plain text,
phone width, source) and the preflight list.
The preview renders through the same services as sending; the DNS part of the preflight
runs as a background job on request.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import blocks
from ...domain.compliance import Finding
from ...domain.templates import TemplateError
from ...services import campaigns as campaign_service
from ...services.compose import templates as template_service
from ...services.compose.preflight import run_preflight
from ...services.compose.preview import SAMPLE_CONTACT, known_fields, preview_contacts
from ...services.compose.renderer import CampaignRenderer
from ..context import UiContext
from ..labels import BUILTIN_FIELD_LABELS, field_label
from ..theme import set_text_role
from ..widgets.block_editor import BlockEditor, default_document
from ..widgets.message_preview import MessagePreview

REFRESH_DELAY_MS = 300
BUILTIN_FIELDS = [
    ("First name", '{{ contact.first_name | default("there", true) }}'),
    ("Last name", "{{ contact.last_name }}"),
    ("Full name", "{{ contact.name }}"),
    ("Email address", "{{ contact.email }}"),
    ("Business name", "{{ business_name }}"),
]
LEVEL_MARK = {"error": "✖", "warning": "⚠", "info": "ℹ"}


def merge_snippet(field: str) -> str:
    return f"{{{{ contact.{field} }}}}" if field.isidentifier() else f'{{{{ contact["{field}"] }}}}'


class ComposerDialog(QDialog):
    """Edit template ``template_id`` (None: a new one) or draft campaign ``campaign_id``.

    A new template starts in ``source_format`` ('blocks', 'html' or 'markdown')."""

    def __init__(self, ctx: UiContext, *, template_id: int | None = None, campaign_id: int | None = None,
                 starter: template_service.StarterTemplate | None = None, source_format: str = "html",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.app = ctx.app
        self.template_id = template_id
        self.campaign = campaign_service.require_campaign(self.app, campaign_id) if campaign_id else None
        self.setWindowTitle(self.tr("Edit campaign") if self.campaign else self.tr("Edit template"))
        self.resize(1200, 780)
        self.last_report = None
        self.mode = "source"          # "blocks" while the block editor holds the body
        self._contacts: list[dict] = []
        self._build()
        self._load(starter, source_format)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        for widget in (self.name_edit, self.subject_edit, self.preheader_edit):
            widget.textChanged.connect(self.schedule_refresh)
        for editor in (self.body_edit, self.text_edit):
            editor.textChanged.connect(self.schedule_refresh)
        self.format_box.currentIndexChanged.connect(self.schedule_refresh)
        self.block_editor.changed.connect(self.schedule_refresh)
        self.contact_box.currentIndexChanged.connect(self.schedule_refresh)
        self.refresh()

    # -- building -------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(self.tr("Name"))
        self.subject_edit = QLineEdit()
        self.subject_edit.setAccessibleName(self.tr("Subject"))
        self.subject_edit.setToolTip(self.tr("Merge fields work here too, e.g. {{ contact.first_name }}. "
                                             "Do not start with RE: or FW: (deceptive under CAN-SPAM)."))
        self.preheader_edit = QLineEdit()
        self.preheader_edit.setAccessibleName(self.tr("Preheader"))
        self.preheader_edit.setToolTip(self.tr("The short line many mail programs show after the subject."))
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Subject"), self.subject_edit)
        form.addRow(self.tr("Preheader"), self.preheader_edit)
        layout.addLayout(form)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_editor())
        splitter.addWidget(self._build_preview())
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        set_text_role(self.error_label, "error")
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _build_editor(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.format_box = QComboBox()
        self.format_box.addItem(self.tr("HTML"), "html")
        self.format_box.addItem(self.tr("Markdown"), "markdown")
        self.format_box.setAccessibleName(self.tr("Body format"))
        self.format_box.setToolTip(self.tr("Markdown: # Heading, *italic*, **bold**, [link](https://…) — "
                                           "no HTML needed."))
        self.field_box = QComboBox()
        self.field_box.setAccessibleName(self.tr("Insert merge field"))
        self.field_box.setToolTip(self.tr("Inserts a merge field at the cursor. The footer with your address "
                                          "and the unsubscribe link is always added for you."))
        self.field_box.activated.connect(self._insert_field)
        self.format_label = QLabel(self.tr("Format"))
        row.addWidget(self.format_label)
        row.addWidget(self.format_box)
        self.blocks_label = QLabel(self.tr("Built from blocks"))
        self.blocks_label.setToolTip(self.tr("Add, move and edit blocks below; the preview shows the message "
                                             "as it will be sent, footer included."))
        row.addWidget(self.blocks_label)
        self.html_button = QPushButton(self.tr("Edit as HTML (advanced)…"))
        self.html_button.setToolTip(self.tr("Continue in HTML or Markdown. The block editor cannot read the "
                                            "result back."))
        self.html_button.clicked.connect(lambda: self.switch_to_html())
        row.addWidget(self.html_button)
        row.addStretch(1)
        row.addWidget(self.field_box)
        layout.addLayout(row)
        self.editor_tabs = QTabWidget()
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName(self.tr("Body"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setAccessibleName(self.tr("Plain-text body"))
        self.text_edit.setPlaceholderText(self.tr("Leave empty to generate the plain text from the body "
                                                  "(recommended: it then always matches)."))
        self.block_editor = BlockEditor()
        self.body_stack = QStackedWidget()
        self.body_stack.addWidget(self.block_editor)
        self.body_stack.addWidget(self.body_edit)
        self.editor_tabs.addTab(self.body_stack, self.tr("Body"))
        self.editor_tabs.addTab(self.text_edit, self.tr("Plain text"))
        layout.addWidget(self.editor_tabs, 1)
        self.attachment_box = QWidget()
        att_layout = QVBoxLayout(self.attachment_box)
        att_layout.setContentsMargins(0, 0, 0, 0)
        att_layout.addWidget(QLabel(self.tr("Attachments")))
        self.attachment_list = QListWidget()
        self.attachment_list.setAccessibleName(self.tr("Attachments"))
        self.attachment_list.setMaximumHeight(90)
        att_layout.addWidget(self.attachment_list)
        att_buttons = QHBoxLayout()
        self.add_attachment_button = QPushButton(self.tr("Attach file…"))
        self.add_attachment_button.clicked.connect(self._choose_attachment)
        self.remove_attachment_button = QPushButton(self.tr("Remove"))
        self.remove_attachment_button.clicked.connect(self.remove_selected_attachment)
        att_buttons.addWidget(self.add_attachment_button)
        att_buttons.addWidget(self.remove_attachment_button)
        att_buttons.addStretch(1)
        att_layout.addLayout(att_buttons)
        layout.addWidget(self.attachment_box)
        return box

    def _build_preview(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Preview for")))
        self.contact_box = QComboBox()
        self.contact_box.setAccessibleName(self.tr("Preview contact"))
        row.addWidget(self.contact_box, 1)
        layout.addLayout(row)
        self.preview = MessagePreview(self.ctx)
        layout.addWidget(self.preview, 3)
        head = QHBoxLayout()
        head.addWidget(QLabel(self.tr("Before sending")))
        head.addStretch(1)
        self.dns_button = QPushButton(self.tr("Check SPF, DKIM, DMARC"))
        self.dns_button.setToolTip(self.tr("Looks up your From domain's records in DNS (needs the internet)."))
        self.dns_button.clicked.connect(self.check_dns)
        head.addWidget(self.dns_button)
        layout.addLayout(head)
        self.preflight_list = QListWidget()
        self.preflight_list.setAccessibleName(self.tr("Preflight results"))
        self.preflight_list.setWordWrap(True)
        self.preflight_list.setSpacing(3)
        layout.addWidget(self.preflight_list, 1)
        return box

    # -- loading --------------------------------------------------------------------------------
    def _load(self, starter, source_format: str) -> None:
        list_id = None
        if self.campaign is not None:
            c = self.campaign
            values = (c.name, c.subject, c.preheader, c.source_format, c.source, c.text)
            list_id = c.list_id
            self._refresh_attachments()
        elif self.template_id is not None:
            t = template_service.require_template(self.app, self.template_id)
            values = (t.name, t.subject, t.preheader, t.source_format, t.source, t.text)
        elif starter is not None:
            values = (starter.name, starter.subject, starter.preheader, "html", starter.source, "")
        elif source_format == "blocks":
            values = ("", "", "", "html", blocks.to_source(default_document()), "")
        else:
            values = ("", "", "", source_format, "", "")
        self.attachment_box.setVisible(self.campaign is not None)
        name, subject, preheader, fmt, source, text = values
        self.name_edit.setText(name)
        self.subject_edit.setText(subject)
        self.preheader_edit.setText(preheader)
        self.format_box.setCurrentIndex(max(0, self.format_box.findData(fmt)))
        doc = blocks.read_source(source) if fmt == "html" else None
        if doc is not None:
            self.block_editor.set_document(doc)
            self._set_mode("blocks")
        else:
            if fmt == "html" and blocks.is_block_source(source):
                source = blocks.html_of_source(source)
                self.error_label.setText(self.tr("This HTML was changed outside the block editor, so it opens "
                                                 "as HTML."))
            self.body_edit.setPlainText(source)
            self._set_mode("source")
        self.text_edit.setPlainText(text)
        self.field_box.addItem(self.tr("Insert merge field…"), "")
        for label, snippet in BUILTIN_FIELDS:
            self.field_box.addItem(self.tr(label), snippet)
        for field in known_fields(self.app, list_id):
            if field in BUILTIN_FIELD_LABELS:
                continue  # listed above by its name ("First name", not first_name)
            self.field_box.addItem(field_label(field), merge_snippet(field))
        self._contacts = preview_contacts(self.app, list_id) or [dict(SAMPLE_CONTACT)]
        for contact in self._contacts:
            label = f"{contact['name']} <{contact['email']}>" if contact["name"] else contact["email"]
            self.contact_box.addItem(label)

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        in_blocks = mode == "blocks"
        self.body_stack.setCurrentWidget(self.block_editor if in_blocks else self.body_edit)
        for widget in (self.blocks_label, self.html_button):
            widget.setVisible(in_blocks)
        for widget in (self.format_label, self.format_box):
            widget.setVisible(not in_blocks)

    def switch_to_html(self, *, confirm: bool = True) -> bool:
        """Leave the block editor: the body becomes its HTML, edited as text from now on."""
        if self.mode != "blocks":
            return False
        if confirm:
            answer = QMessageBox.warning(
                self, self.tr("Edit as HTML"),
                self.tr("The message will be edited as HTML (or Markdown) from now on. The block editor cannot "
                        "read changed HTML back, so this template stays in HTML.\n\nContinue?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.body_edit.setPlainText(blocks.render_html(self.block_editor.document()))
        self.format_box.setCurrentIndex(self.format_box.findData("html"))
        self._set_mode("source")
        self.schedule_refresh()
        return True

    def body_source(self) -> tuple[str, str]:
        """(source_format, source) of the body as it would be saved."""
        if self.mode == "blocks":
            return "html", blocks.to_source(self.block_editor.document())
        return self.format_box.currentData(), self.body_edit.toPlainText()

    # -- the draft ------------------------------------------------------------------------------
    def draft(self) -> campaign_service.Campaign:
        """What is in the editor, as a campaign (not saved)."""
        base = self.campaign or campaign_service.Campaign(
            id=0, name="", kind="campaign", template_id=self.template_id, list_id=None, list_name=None,
            account_id=None, subject="", preheader="", source_format="html", source="", text="", state="draft",
            state_reason="", created_at="", started_at=None, finished_at=None)
        source_format, source = self.body_source()
        return dataclasses.replace(base, name=self.name_edit.text(), subject=self.subject_edit.text(),
                                   preheader=self.preheader_edit.text(), source_format=source_format,
                                   source=source, text=self.text_edit.toPlainText())

    def current_contact(self) -> dict:
        return self._contacts[max(0, self.contact_box.currentIndex())]

    def schedule_refresh(self, *_args) -> None:
        self._timer.start()

    def refresh(self) -> None:
        """Render the preview and the (DNS-free) preflight for the chosen contact."""
        draft, contact = self.draft(), self.current_contact()
        try:
            renderer = CampaignRenderer(self.app, draft)
            parts = renderer.render(contact)
            raw, _ = renderer.bytes_for(contact)
        except (TemplateError, ValueError) as exc:
            self.preview.show_error(str(exc))
        else:
            self.preview.show_message(parts.subject, parts.html, parts.text,
                                      raw.decode("ascii", "replace").replace("\r\n", "\n"))
        self._show_report(run_preflight(self.app, draft, check_dns=False, contact=contact))

    def _show_report(self, report) -> None:
        self.last_report = report
        self.preflight_list.clear()
        findings = list(report.items)
        if self.mode == "blocks":  # a block's own problems come right after the errors
            at = sum(1 for f in findings if f.level == "error")
            findings[at:at] = [Finding("warning", "block_problem", p) for p in self.block_editor.problems()]
        for finding in findings:
            if self.campaign is None and finding.code == "no_recipients":
                continue  # a template has no recipients of its own
            item = QListWidgetItem(f"{LEVEL_MARK.get(finding.level, '')} {finding.message}")
            item.setData(Qt.ItemDataRole.UserRole, finding.code)
            item.setToolTip(finding.message)
            self.preflight_list.addItem(item)

    def preflight_codes(self) -> list[str]:
        return [self.preflight_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.preflight_list.count())]

    def check_dns(self) -> None:
        draft, contact, app = self.draft(), self.current_contact(), self.app
        self.dns_button.setEnabled(False)
        self.ctx.jobs.run(lambda progress: run_preflight(app, draft, check_dns=True, contact=contact),
                          name="preflight DNS", on_result=self._show_report,
                          on_error=lambda message: self.error_label.setText(message),
                          on_ended=lambda: self.dns_button.setEnabled(True))

    # -- editing helpers ------------------------------------------------------------------------
    def _insert_field(self, index: int) -> None:
        snippet = self.field_box.itemData(index)
        self.field_box.setCurrentIndex(0)
        if not snippet:
            return
        if self.editor_tabs.currentWidget() is not self.text_edit and self.mode == "blocks":
            if not self.block_editor.insert_text(snippet):
                self.error_label.setText(self.tr("Click into a text first: the merge field goes where you type."))
            return
        editor = self.text_edit if self.editor_tabs.currentWidget() is self.text_edit else self.body_edit
        editor.insertPlainText(snippet)
        editor.setFocus()

    def _choose_attachment(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if path:
            self.add_attachment_file(path)

    def add_attachment_file(self, path: str | Path) -> None:
        try:
            campaign_service.add_attachment(self.app, self.campaign.id, path)
        except campaign_service.CampaignError as exc:
            self.error_label.setText(str(exc))
            return
        self._refresh_attachments()
        self.schedule_refresh()

    def remove_selected_attachment(self) -> None:
        item = self.attachment_list.currentItem()
        if item is not None:
            campaign_service.remove_attachment(self.app, self.campaign.id, item.data(Qt.ItemDataRole.UserRole))
            self._refresh_attachments()
            self.schedule_refresh()

    def _refresh_attachments(self) -> None:
        self.attachment_list.clear()
        for att in campaign_service.attachments(self.app, self.campaign.id):
            item = QListWidgetItem(f"{att.filename} ({max(1, att.size // 1024)} KB)")
            item.setData(Qt.ItemDataRole.UserRole, att.id)
            self.attachment_list.addItem(item)

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> None:
        d = self.draft()
        try:
            if self.campaign is not None:
                campaign_service.update_campaign(self.app, self.campaign.id, name=d.name, subject=d.subject,
                                                 preheader=d.preheader, source_format=d.source_format,
                                                 source=d.source, text=d.text)
                self.ctx.events.campaigns_changed.emit()
            elif self.template_id is not None:
                template_service.update_template(self.app, self.template_id, name=d.name, subject=d.subject,
                                                 preheader=d.preheader, source_format=d.source_format,
                                                 source=d.source, text=d.text)
                self.ctx.events.templates_changed.emit()
            else:
                self.template_id = template_service.create_template(
                    self.app, d.name, subject=d.subject, preheader=d.preheader, source_format=d.source_format,
                    source=d.source, text=d.text)
                self.ctx.events.templates_changed.emit()
        except (campaign_service.CampaignError, template_service.TemplateStoreError) as exc:
            self.error_label.setText(str(exc))
            return
        self.error_label.clear()
        self.accept()
