"""The starter templates and stored-template CRUD."""

from __future__ import annotations

import pytest

from mailer_desktop.domain.templates import TemplateSource, compile_template, merge_values
from mailer_desktop.services.compose import templates as template_service

STARTERS = template_service.starter_templates()


def test_three_starters_are_shipped():
    assert len(STARTERS) == 3 and len({s.key for s in STARTERS}) == 3


@pytest.mark.parametrize("starter", STARTERS, ids=lambda s: s.key)
def test_starter_renders_with_inlined_css_table_layout_and_text(starter):
    tpl = compile_template(TemplateSource(subject=starter.subject, html=starter.source, preheader=starter.preheader))
    out = tpl.render(merge_values("anna@example.com", "Anna Berg", {}), {"business_name": "Bakery"})
    assert "<style" not in out.html and 'style="' in out.html
    assert '<table role="presentation"' in out.html
    assert "Anna" in out.html and "Anna" in out.text and "{{" not in out.text
    assert "Bakery" in out.subject or "Anna" in out.subject
    assert len(out.html.encode()) < 30 * 1024
    assert tpl.usage.unknown_fields(set()) == [] and not tpl.usage.unknown_names


def test_template_crud(app):
    tid = template_service.install_starter(app, "letter", name="Winter letter")
    t = template_service.require_template(app, tid)
    assert t.name == "Winter letter" and t.source_format == "html"
    updated = template_service.update_template(app, tid, subject="New subject", text="Plain {{ contact.name }}")
    assert updated.subject == "New subject" and updated.text == "Plain {{ contact.name }}"
    with pytest.raises(template_service.TemplateStoreError, match="line 1"):
        template_service.update_template(app, tid, source="{% if %}")
    assert template_service.require_template(app, tid).source == t.source   # unchanged after the refusal
    with pytest.raises(template_service.TemplateStoreError, match="needs a name"):
        template_service.create_template(app, "  ")
    assert template_service.delete_template(app, tid)
    assert template_service.list_templates(app) == []
    with pytest.raises(template_service.TemplateStoreError, match="no starter template"):
        template_service.install_starter(app, "nope")
