"""Stored templates: create, read, update, delete, and the starter templates in resources/templates.

A template is compiled on every save, so a broken one is refused with the part and line.
The plain-text body may be left empty: it is then generated from the HTML at render time
and so always stays in step with it.

Templates made with the block editor are stored as HTML templates (``source_format`` 'html')
whose source starts with the blocks in a Jinja comment (see :mod:`..domain.blocks`): the
mail is the HTML, and the editor reads the blocks back. No new format value is needed in the
database, and every other part of the app treats them as the HTML they are.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from ... import resources
from ...domain import blocks
from ...domain.templates import TemplateError, TemplateSource, compile_template
from ...storage import templates as store
from ...storage.db import now_iso

FORMATS = ("html", "markdown")


class TemplateStoreError(ValueError):
    """Bad input for a stored template; the message says what is wrong."""


@dataclass(frozen=True)
class StoredTemplate:
    id: int
    name: str
    subject: str
    preheader: str
    source_format: str
    source: str
    text: str
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> StoredTemplate:
        return cls(**{k: row[k] for k in row.keys()})

    def template_source(self) -> TemplateSource:
        return TemplateSource(subject=self.subject, html=self.source, source_format=self.source_format,
                              text=self.text, preheader=self.preheader)


def _check(subject: str, source: str, source_format: str, text: str, preheader: str) -> None:
    if source_format not in FORMATS:
        raise TemplateStoreError(f"unknown source format {source_format!r} (expected html or markdown)")
    try:
        compile_template(TemplateSource(subject=subject, html=source, source_format=source_format, text=text,
                                        preheader=preheader))
    except TemplateError as exc:
        raise TemplateStoreError(str(exc)) from None


def create_template(app, name: str, *, subject: str = "", source: str = "", source_format: str = "html",
                    text: str = "", preheader: str = "") -> int:
    name = " ".join((name or "").split())
    if not name:
        raise TemplateStoreError("a template needs a name")
    _check(subject, source, source_format, text, preheader)
    with app.db.transaction() as tx:
        return store.insert_template(tx, name=name, subject=subject, preheader=preheader,
                                     source_format=source_format, source=source, text=text, now=now_iso())


def get_template(app, template_id: int) -> StoredTemplate | None:
    row = store.template_by_id(app.db.conn, int(template_id))
    return StoredTemplate.from_row(row) if row else None


def require_template(app, template_id: int) -> StoredTemplate:
    found = get_template(app, template_id)
    if found is None:
        raise TemplateStoreError(f"there is no template with id {template_id}")
    return found


def list_templates(app) -> list[StoredTemplate]:
    return [StoredTemplate.from_row(r) for r in store.all_templates(app.db.conn)]


def update_template(app, template_id: int, *, name: str | None = None, subject: str | None = None,
                    source: str | None = None, source_format: str | None = None, text: str | None = None,
                    preheader: str | None = None) -> StoredTemplate:
    current = require_template(app, template_id)
    changes = {k: v for k, v in (("subject", subject), ("source", source), ("source_format", source_format),
                                 ("text", text), ("preheader", preheader)) if v is not None}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise TemplateStoreError("a template needs a name")
        changes["name"] = name
    merged = {**current.__dict__, **changes}
    _check(merged["subject"], merged["source"], merged["source_format"], merged["text"], merged["preheader"])
    with app.db.transaction() as tx:
        store.update_template(tx, template_id, now_iso(), **changes)
    return require_template(app, template_id)


def delete_template(app, template_id: int) -> bool:
    with app.db.transaction() as tx:
        return store.delete_template(tx, template_id)


# -- starter templates -----------------------------------------------------------------------------
@dataclass(frozen=True)
class StarterTemplate:
    key: str
    name: str
    subject: str
    preheader: str
    source: str           # a block template's source (blocks in a Jinja comment, then the HTML)

    @property
    def document(self) -> blocks.BlockDocument | None:
        return blocks.read_source(self.source)


def starter_templates() -> list[StarterTemplate]:
    """The templates shipped in resources/templates: JSON files with name, subject, preheader and
    the blocks, opened in the block editor."""
    out = []
    folder = resources.locate("templates")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        doc = blocks.BlockDocument.from_dict(data)
        out.append(StarterTemplate(key=entry.name[:-5], name=data["name"], subject=data["subject"],
                                   preheader=data.get("preheader", ""), source=blocks.to_source(doc)))
    return out


def install_starter(app, key: str, name: str | None = None) -> int:
    """Copy a starter template into the user's templates; returns the new template's id."""
    for starter in starter_templates():
        if starter.key == key:
            return create_template(app, name or starter.name, subject=starter.subject, source=starter.source,
                                   preheader=starter.preheader)
    raise TemplateStoreError(f"there is no starter template {key!r}")


def display_format(source_format: str, source: str) -> str:
    """How a template is edited: 'blocks', 'html' or 'markdown'."""
    if source_format == "html" and blocks.read_source(source) is not None:
        return "blocks"
    return source_format
