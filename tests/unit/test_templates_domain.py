"""Templates: sandbox, escaping, merge fields, Markdown, CSS inlining, generated plain text."""

from __future__ import annotations

import pytest

from mailer_desktop.domain.html_text import html_to_text
from mailer_desktop.domain.templates import TemplateError, TemplateSource, compile_template, merge_values

ANNA = merge_values("anna@example.com", "Anna Berg", {"company": "ACME & Co", "Favourite colour": "green"})


def render(html="", subject="S", text="", fmt="html", values=ANNA, preheader=""):
    return compile_template(TemplateSource(subject=subject, html=html, source_format=fmt, text=text,
                                           preheader=preheader)).render(values)


def test_merge_fields_from_contact_and_custom_fields():
    out = render('<p>{{ contact.first_name }} {{ contact.last_name }} {{ contact.email }} '
                 '{{ contact.company }} {{ contact["Favourite colour"] }}</p>', subject="Hi {{ contact.name }}")
    assert out.subject == "Hi Anna Berg"
    assert "Anna Berg anna@example.com ACME &amp; Co green" in out.html
    assert "Anna Berg anna@example.com ACME & Co green" in out.text


def test_default_filter_for_missing_fields():
    out = render('<p>Dear {{ contact.first_name | default("there", true) }}</p>', values=merge_values("x@y.z", "", {}))
    assert "Dear there" in out.html


@pytest.mark.parametrize("source", [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ contact._values }}",
    "{{ contact['__dict__'] }}",
    "{{ cycler.__init__.__globals__ }}",
])
def test_sandbox_escapes_are_refused_with_a_clear_error(source):
    with pytest.raises(TemplateError, match="not allowed|sandbox"):
        render(f"<p>{source}</p>")


def test_sandbox_refuses_unsafe_calls_at_render_time():
    with pytest.raises(TemplateError, match="sandbox"):
        render("<p>{{ contact.email.format.__self__ }}</p>")


def test_html_is_autoescaped_and_safe_or_autoescape_off_is_refused():
    out = render("<p>{{ contact.name }}</p>", values=merge_values("a@b.c", "<script>alert(1)</script>", {}))
    assert "<script>" not in out.html and "&lt;script&gt;" in out.html
    with pytest.raises(TemplateError, match="safe"):
        render("<p>{{ contact.name | safe }}</p>")
    with pytest.raises(TemplateError, match="autoescape"):
        render("{% autoescape false %}{{ contact.name }}{% endautoescape %}")


def test_syntax_errors_name_part_and_line():
    with pytest.raises(TemplateError, match=r"HTML body, line 2"):
        render("<p>ok</p>\n<p>{{ contact.name </p>")
    with pytest.raises(TemplateError, match=r"subject, line 1"):
        render("<p>x</p>", subject="{% if %}")


def test_unknown_fields_are_reported_by_name():
    tpl = compile_template(TemplateSource(subject="{{ contact.city }}", html=(
        "<p>{{ contact.company }} {{ contact.shoe_size | default('?') }} "
        "{% if contact.vip %}VIP{% endif %} {{ first_name }}</p>")))
    assert tpl.usage.unknown_fields({"company"}) == ["city"]
    assert tpl.usage.unknown_names == {"first_name"}
    assert tpl.usage.unknown_fields({"company", "city"}) == []


@pytest.mark.parametrize("tag", ["script", "plaintext", "iframe", "template", "textarea", "noscript"])
def test_dangerous_elements_are_refused(tag):
    with pytest.raises(TemplateError, match=f"<{tag}>"):
        render(f"<p>x</p><{tag}>y</{tag}>")


def test_markdown_source_keeps_merge_fields():
    out = render("# Hello {{ contact.first_name | default(\"there\") }}\n\n*Big* news from **{{ business_name }}**\n\n"
                 "[Shop now](https://shop.example/?a=1&b=2)", fmt="markdown")
    assert "Hello Anna</h1>" in out.html and "<em>Big</em>" in out.html
    assert 'href="https://shop.example/?a=1&amp;b=2"' in out.html
    assert "Shop now (https://shop.example/?a=1&b=2)" in out.text


def test_explicit_plain_text_is_used_as_written():
    out = render("<p>HTML</p>", text="Plain {{ contact.first_name }} & more")
    assert out.text == "Plain Anna & more"


def test_css_is_inlined_with_jinja_in_tables_and_attributes():
    html = ("<html><head><style>td.c { color: #123456; }</style></head><body><table><tr>"
            "{% for i in [1, 2] %}<td class=\"c\" title=\"{{ contact.first_name }}\">{{ i }}</td>{% endfor %}"
            "</tr></table></body></html>")
    out = render(html)
    assert out.html.count('color: #123456') == 2
    assert out.html.count('title="Anna"') == 2


def test_html_to_text_layout():
    html = ("<h1>Title</h1><p>One <b>two</b>\n three</p><ul><li>a</li><li>b</li></ul>"
            "<p><a href='https://x.example/p'>Read more</a> <a href='https://y.example'>https://y.example</a></p>"
            "<img src='x.png' alt='Logo'><div style='display:none'>hidden</div><style>p{}</style>")
    assert html_to_text(html) == ("Title\n\nOne two three\n\n* a\n* b\n\n"
                                  "Read more (https://x.example/p) https://y.example\n\nLogo\n")
