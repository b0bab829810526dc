"""Campaigns: creating one (with its own copy of the content), reading, editing drafts, attachments.

A campaign copies subject, preheader and body when it is created (from the given HTML or
Markdown, or from a stored template), so editing a template later never changes what a
campaign sends. The content is compiled on creation and on every edit, so a broken template
is refused with the part and line instead of failing halfway through a send.
Kinds: ``campaign`` (newsletters), ``confirmation`` (double opt-in requests; its content is
built by the renderer from the confirmation wording), ``test``.
"""

from __future__ import annotations

import mimetypes
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..domain.templates import TemplateError, TemplateSource, compile_template
from ..storage import campaigns as store
from ..storage import templates as template_store
from ..storage.db import now_iso

KINDS = ("campaign", "confirmation", "test")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class CampaignError(ValueError):
    """Bad input for a campaign; the message says what is wrong."""


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str
    kind: str
    template_id: int | None
    list_id: int | None
    list_name: str | None
    account_id: int | None
    subject: str
    preheader: str
    source_format: str
    source: str
    text: str
    state: str
    state_reason: str
    created_at: str
    started_at: str | None
    finished_at: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Campaign:
        return cls(**{k: row[k] for k in row.keys()})

    def template_source(self) -> TemplateSource:
        return TemplateSource(subject=self.subject, html=self.source, source_format=self.source_format,
                              text=self.text, preheader=self.preheader)

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _check_content(source: TemplateSource) -> None:
    try:
        compile_template(source)
    except TemplateError as exc:
        raise CampaignError(f"the campaign content has an error: {exc}") from None


def create_campaign(app, name: str, subject: str, list_name: str | None = None, *, html: str | None = None,
                    markdown: str | None = None, text: str | None = None, template_id: int | None = None,
                    kind: str = "campaign", preheader: str = "") -> int:
    """Create a draft; returns its id. Exactly one of ``html``, ``markdown``, ``template_id`` gives the
    body (none for a confirmation campaign, whose body comes from the confirmation wording)."""
    name = " ".join((name or "").split())
    if kind not in KINDS:
        raise CampaignError(f"unknown campaign kind {kind!r} (expected one of {', '.join(KINDS)})")
    if not name:
        raise CampaignError("a campaign needs a name")
    given = [x for x in (html, markdown) if x is not None]
    if len(given) > 1:
        raise CampaignError("give the body either as HTML or as Markdown, not both")
    conn = app.db.conn
    source_format, source, body_text = "html", "", text or ""
    if markdown is not None:
        source_format, source = "markdown", markdown
    elif html is not None:
        source = html
    elif template_id is not None:
        tpl = template_store.template_by_id(conn, template_id)
        if tpl is None:
            raise CampaignError(f"there is no template with id {template_id}")
        source_format, source = tpl["source_format"], tpl["source"]
        body_text = text if text is not None else tpl["text"]
        subject = subject or tpl["subject"]
        preheader = preheader or tpl["preheader"]
    elif kind != "confirmation":
        raise CampaignError("the campaign has no body: give HTML, Markdown or a template")
    list_id = None
    if list_name:
        list_id = store.list_id_by_name(conn, list_name)
        if list_id is None:
            raise CampaignError(f"there is no list named {list_name!r}")
    elif kind == "campaign":
        raise CampaignError("a campaign needs a list to send to")
    if kind != "confirmation":
        if not (subject or "").strip():
            raise CampaignError("a campaign needs a subject")
        _check_content(TemplateSource(subject=subject, html=source, source_format=source_format,
                                      text=body_text, preheader=preheader))
    with app.db.transaction() as tx:
        return store.insert_campaign(tx, name=name, kind=kind, template_id=template_id, list_id=list_id,
                                     subject=subject or "", preheader=preheader or "",
                                     source_format=source_format, source=source, text=body_text, now=now_iso())


def get_campaign(app, campaign_id: int) -> Campaign | None:
    row = store.campaign_by_id(app.db.conn, int(campaign_id))
    return Campaign.from_row(row) if row else None


def require_campaign(app, campaign_id: int) -> Campaign:
    found = get_campaign(app, campaign_id)
    if found is None:
        raise CampaignError(f"there is no campaign with id {campaign_id}")
    return found


def list_campaigns(app, kinds: tuple[str, ...] | None = None) -> list[Campaign]:
    return [Campaign.from_row(r) for r in store.all_campaigns(app.db.conn, kinds)]


def update_campaign(app, campaign_id: int, *, name: str | None = None, subject: str | None = None,
                    preheader: str | None = None, source_format: str | None = None, source: str | None = None,
                    text: str | None = None, list_name: str | None = None) -> Campaign:
    """Edit a draft's content (refused once sending has started)."""
    current = require_campaign(app, campaign_id)
    if current.state != "draft":
        raise CampaignError(f"campaign {campaign_id} is {current.state}; only drafts can be edited")
    changes: dict = {}
    if name is not None:
        if not name.strip():
            raise CampaignError("a campaign needs a name")
        changes["name"] = " ".join(name.split())
    for key, value in (("subject", subject), ("preheader", preheader), ("source", source), ("text", text)):
        if value is not None:
            changes[key] = value
    if source_format is not None:
        if source_format not in ("html", "markdown"):
            raise CampaignError(f"unknown source format {source_format!r}")
        changes["source_format"] = source_format
    if list_name is not None:
        list_id = store.list_id_by_name(app.db.conn, list_name)
        if list_id is None:
            raise CampaignError(f"there is no list named {list_name!r}")
        changes["list_id"] = list_id
    merged = {**current.as_dict(), **changes}
    if current.kind != "confirmation":
        _check_content(TemplateSource(subject=merged["subject"], html=merged["source"],
                                      source_format=merged["source_format"], text=merged["text"],
                                      preheader=merged["preheader"]))
    with app.db.transaction() as tx:
        store.update_content(tx, campaign_id, **changes)
    return require_campaign(app, campaign_id)


def rename_campaign(app, campaign_id: int, name: str) -> Campaign:
    """A new name, in any state (the name is the user's label; the send log keeps the id)."""
    require_campaign(app, campaign_id)
    name = " ".join((name or "").split())
    if not name:
        raise CampaignError("a campaign needs a name")
    with app.db.transaction() as tx:
        store.update_content(tx, campaign_id, name=name)
    return require_campaign(app, campaign_id)


def duplicate_campaign(app, campaign_id: int, name: str | None = None) -> int:
    """A new draft with the content, list and attachments of ``campaign_id`` (in any state: the
    way to send a finished campaign again, to new members, or a changed copy of it)."""
    c = require_campaign(app, campaign_id)
    if c.kind != "campaign":
        raise CampaignError(f"campaign {campaign_id} is a {c.kind.replace('_', ' ')} run; only campaigns can "
                            "be duplicated")
    name = " ".join((name or "").split()) or _copy_name(app, c.name)
    with app.db.transaction() as tx:
        new_id = store.insert_campaign(tx, name=name, kind=c.kind, template_id=c.template_id, list_id=c.list_id,
                                       subject=c.subject, preheader=c.preheader, source_format=c.source_format,
                                       source=c.source, text=c.text, now=now_iso())
        store.copy_attachments(tx, campaign_id, new_id)
    return new_id


def _copy_name(app, name: str) -> str:
    taken = {c.name for c in list_campaigns(app)}
    candidate = f"{name} (copy)"
    n = 2
    while candidate in taken:
        candidate = f"{name} (copy {n})"
        n += 1
    return candidate


def delete_draft(app, campaign_id: int) -> None:
    """Delete a draft that was never sent. Anything that started sending keeps its record (who got
    it, the servers' replies: the proof of what was sent)."""
    c = require_campaign(app, campaign_id)
    if c.state != "draft":
        raise CampaignError(f"“{c.name}” has been sent (or started sending); its send log is kept as a record "
                            "and it cannot be deleted")
    with app.db.transaction() as tx:
        if store.open_deliveries(tx, campaign_id) is not None:
            raise CampaignError(f"“{c.name}” has a send log; it cannot be deleted")
        store.delete_campaign(tx, campaign_id)


# -- attachments ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    mime_type: str
    size: int


def add_attachment(app, campaign_id: int, path: str | Path | None = None, *, filename: str | None = None,
                   data: bytes | None = None, mime_type: str | None = None) -> int:
    campaign = require_campaign(app, campaign_id)
    if campaign.state != "draft":
        raise CampaignError(f"campaign {campaign_id} is {campaign.state}; attachments can only change on drafts")
    if path is not None:
        p = Path(path)
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise CampaignError(f"{p}: cannot read the file ({exc.strerror or exc})") from None
        filename = filename or p.name
    if data is None or not filename:
        raise CampaignError("an attachment needs a file name and content")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise CampaignError(f"{filename}: {len(data) // 1024} KB is too large to mail to a list "
                            f"(at most {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB); link to it instead")
    mime_type = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    with app.db.transaction() as tx:
        return store.insert_attachment(tx, campaign_id, filename, mime_type, data)


def attachments(app, campaign_id: int) -> list[AttachmentInfo]:
    return [AttachmentInfo(r["id"], r["filename"], r["mime_type"], r["size"])
            for r in store.attachments_of(app.db.conn, campaign_id, with_data=False)]


def remove_attachment(app, campaign_id: int, attachment_id: int) -> bool:
    with app.db.transaction() as tx:
        return store.delete_attachment(tx, campaign_id, attachment_id)
