"""Block documents: JSON round trip, safe rich text, the email HTML and the stored form."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailer_desktop.domain import blocks
from mailer_desktop.domain.blocks import (
    BlockDocument,
    BlockError,
    Button,
    Column,
    Columns,
    Divider,
    Heading,
    Image,
    Text,
    sanitize_rich_text,
)
from mailer_desktop.domain.templates import TemplateSource, compile_template, merge_values

FIRST = '{{ contact.first_name | default("there", true) }}'


def sample() -> BlockDocument:
    return BlockDocument([
        Heading("{{ business_name }}", 0),
        Heading(f"Hello {FIRST},", 1),
        Text("<p>Fresh <strong>rye</strong> and <em>spelt</em>, see <a href=\"https://bakery.example/\">the shop</a>.</p>"
             "<ul><li>Monday</li><li>Friday</li></ul>"),
        Image("https://bakery.example/loaf.png", "A rye loaf", 400, "https://bakery.example/rye"),
        Button("Order now", "https://bakery.example/order", "#1f6f43", "left"),
        Divider(),
        Columns(Column("https://bakery.example/a.png", "Croissant", "<p>Left</p>"), Column("", "", "<p>Right</p>")),
    ])


def render(source: str, name="Anna Berg"):
    tpl = compile_template(TemplateSource(subject="News", html=source))
    return tpl.render(merge_values("anna@example.com", name, {}), {"business_name": "Bakery & Co"})


def test_json_round_trip_keeps_every_block():
    doc = sample()
    again = BlockDocument.from_json(doc.to_json())
    assert again == doc
    assert [b["kind"] for b in json.loads(doc.to_json())["blocks"]] == [
        "heading", "heading", "text", "image", "button", "divider", "columns"]


@pytest.mark.parametrize("bad", ['{"blocks": [{"kind": "video"}]}', '[1, 2]', '{"blocks": "x"}', "not json",
                                 '{"blocks": [{"kind": "heading", "text": 5}]}',
                                 '{"version": 99, "blocks": []}'])
def test_bad_documents_are_refused_with_a_message(bad):
    with pytest.raises(BlockError):
        BlockDocument.from_json(bad)


def test_limits():
    with pytest.raises(BlockError, match="at most"):
        BlockDocument.from_dict({"blocks": [{"kind": "divider"}] * (blocks.MAX_BLOCKS + 1)})
    with pytest.raises(BlockError, match="longer"):
        BlockDocument.from_dict({"blocks": [{"kind": "heading", "text": "x" * (blocks.MAX_LINE + 1)}]})
    image = BlockDocument.from_dict({"blocks": [{"kind": "image", "src": "https://a.example/i.png", "width": 99999}]})
    assert image.blocks[0].width == blocks.CONTENT_WIDTH
    button = BlockDocument.from_dict({"blocks": [{"kind": "button", "color": "red;background:url(x)"}]})
    assert button.blocks[0].color == blocks.ACCENT


@pytest.mark.parametrize("hostile, expected", [
    ('<p>Hi<script>alert(1)</script></p>', "<p>Hi</p>"),
    ('<a href="javascript:alert(1)">click</a>', "<p>click</p>"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "<p>x</p>"),
    ('<a href="data:text/html;base64,xx">x</a>', "<p>x</p>"),
    ('<a href="http://plain.example/">x</a>', "<p>x</p>"),
    ('<img src=x onerror=alert(1)>text', "<p>text</p>"),
    ('<p onclick="x()" style="position:fixed">a</p>', "<p>a</p>"),
    ('<style>p{display:none}</style><p>b</p>', "<p>b</p>"),
    ('<iframe src="https://evil.example/">in</iframe>ok', "<p>ok</p>"),
    ('<svg><a href="https://x.example/">s</a></svg>ok', "<p>ok</p>"),
    ('<table><tr><td>cell</td></tr></table>', "<p>cell</p>"),
    ('<p>&lt;b&gt;not bold&lt;/b&gt;</p>', "<p>&lt;b&gt;not bold&lt;/b&gt;</p>"),
    ('<a href="https://ok.example/" onmouseover="x">ok</a>', '<p><a href="https://ok.example/">ok</a></p>'),
    ('<a href="mailto:shop@bakery.example">mail</a>', '<p><a href="mailto:shop@bakery.example">mail</a></p>'),
    ('<a href="https://a.example/&quot;onclick=&quot;x">q</a>', "<p>q</p>"),
])
def test_sanitizer_keeps_only_the_safe_subset(hostile, expected):
    assert sanitize_rich_text(hostile) == expected
    assert sanitize_rich_text(expected) == expected  # stable


def test_sanitizer_reads_a_rich_text_editors_output():
    qt_like = ('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0//EN"><html><head><meta name="qrichtext" content="1" />'
               '<style type="text/css">p, li { white-space: pre-wrap; }</style></head><body style=" font-size:10pt;">'
               '<p style=" margin-top:0px;">A <span style=" font-weight:700;">bold</span> and '
               '<span style=" font-style:italic;">italic</span> word<br />next line</p>'
               '<ol style="margin-left: 0px;"><li style=" margin-top:12px;">one</li><li>two</li></ol>'
               '<p style="-qt-paragraph-type:empty;"><br /></p></body></html>')
    assert sanitize_rich_text(qt_like) == ("<p>A <strong>bold</strong> and <em>italic</em> word<br>next line</p>"
                                           "<ol><li>one</li><li>two</li></ol>")


def test_unclosed_and_misnested_markup_is_closed():
    assert sanitize_rich_text("<p>a<b>b<i>c</p>d") == "<p>a<strong>b<em>c</em></strong></p><p>d</p>"
    deep = "<ul><li>" * 50 + "x"
    assert sanitize_rich_text(sanitize_rich_text(deep)) == sanitize_rich_text(deep)


def test_render_is_table_based_inline_styled_and_outlook_safe():
    html = blocks.render_html(sample())
    assert html.startswith('<table role="presentation"') and "<style" not in html and "class=" not in html
    assert "<!--[if mso]>" in html and 'width="600"' in html
    assert '<img src="https://bakery.example/loaf.png" alt="A rye loaf" width="400"' in html
    assert 'bgcolor="#1f6f43"' in html and 'align="left"' in html    # a button as a padded table cell
    assert html.count('<td width="50%" valign="top" style="display:inline-block;width:100%') == 2  # they stack


def test_message_from_blocks_has_merge_fields_and_no_block_data():
    out = render(blocks.to_source(sample()))
    assert "Hello Anna," in out.html and "Bakery &amp; Co" in out.html
    assert "mailer-blocks" not in out.html and '"kind"' not in out.html
    assert "Hello Anna," in out.text and "Order now" in out.text and "{{" not in out.text
    assert "<strong>rye</strong>" in out.html


def test_typed_jinja_is_shown_not_run():
    doc = BlockDocument([Text(sanitize_rich_text("<p>{% for x in range(9) %}loop{% endfor %} {{ 7*7 }} {# c #} "
                                                 "#} -->{{ oops</p>")),
                         Heading("Sale {% if 1 %}yes{% endif %}", 1),
                         Button("Go {{", "https://a.example/?q={x}")])
    source = blocks.to_source(doc)
    out = render(source)
    assert "{% for x in range(9) %}loop{% endfor %}" in out.text
    assert "Sale {% if 1 %}yes{% endif %}" in out.text and "{# c #} #} --&gt;{{ oops" in out.html
    assert "49" in out.text  # a merge expression stays one (the sandbox limits what it can do)
    assert blocks.read_source(source) == doc


def test_stored_form_round_trips_and_notices_outside_edits():
    doc = sample()
    source = blocks.to_source(doc)
    assert blocks.is_block_source(source) and blocks.read_source(source) == doc
    assert blocks.html_of_source(source) == blocks.render_html(doc)
    edited = source.replace("Order now", "Order today")
    assert blocks.read_source(edited) is None          # the HTML no longer matches the blocks
    assert blocks.read_source("<p>plain html</p>") is None


def test_problems_name_the_block():
    doc = BlockDocument([Image("http://insecure.example/a.png", ""), Button("", "javascript:x")])
    found = blocks.problems(doc)
    assert any("Block 1" in p and "https://" in p for p in found)
    assert any("Block 1" in p and "describe" in p for p in found)
    assert any("Block 2" in p and "label" in p for p in found)
    assert blocks.problems(sample()) == []
    assert "javascript" not in blocks.render_html(doc) and "insecure" not in blocks.render_html(doc)


def test_placeholders():
    assert blocks.placeholders_in("Here.  Replace this\nparagraph with news") == ["replace this paragraph"]
    assert blocks.placeholders_in("All our own words") == []
    assert blocks.placeholder_links('<a href="https://example.com/">x</a> <a href="https://www.example.org/a">') == [
        "example.com", "example.org"]
    assert blocks.placeholder_links('<a href="https://bakery.example/">x</a>') == []


def test_plain_text_part_starts_with_the_message():
    out = render(blocks.to_source(sample()))
    assert out.text.startswith("Bakery & Co\n\nHello Anna,")


TAGS = ["p", "b", "i", "a", "ul", "ol", "li", "br", "script", "style", "span", "div", "img", "svg", "em", "strong"]
_markup = st.lists(st.one_of(
    st.sampled_from([f"<{t}>" for t in TAGS] + [f"</{t}>" for t in TAGS]),
    st.sampled_from(['<a href="https://ok.example/">', '<a href="javascript:x">', '<span style="font-weight:700">',
                     '<img src=x onerror=alert(1)>', "{{ contact.name }}", "{%", "{#", "#}", "&amp;", "<!--", "-->"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_markup)
@example('<!--<a href="javascript:x">')  # a comment's start: the link after it stays text
@example("<b>{{ contact.name }} <?> ")  # text on both sides of a dropped "<?>" is one text
def test_sanitizer_properties(markup):
    clean = sanitize_rich_text(markup)
    assert sanitize_rich_text(clean) == clean
    tags = {t.lower() for t in re.findall(r"</?([a-zA-Z0-9]+)", clean)}
    assert tags <= {"p", "br", "strong", "em", "a", "ul", "ol", "li"}
    # links are real <a> elements; the same words as escaped text (&lt;a href=…) are harmless
    assert "javascript" not in "".join(re.findall(r'<a [^>]*href="([^"]*)"', clean))
    # Whatever it is, it compiles as part of a template and cannot break out of its block.
    source = blocks.to_source(BlockDocument([Text(clean), Heading("end", 2)]))
    out = render(source)
    assert "end" in out.text


def test_the_phone_preview_stacks_two_columns():
    html = render(blocks.to_source(sample())).html
    row = re.search(r"<tr><td width=\"50%\".*?</tr>", html, re.S).group(0)
    assert row.count("<td width=\"50%\"") == 2  # side by side where there is room
    phone = blocks.phone_layout(html)
    assert '<td width="50%"' not in phone
    assert re.search(r"Left</p>.*?</td></tr><tr><td width=\"100%\".*?Right</p>", phone, re.S)  # one below the other
    assert blocks.phone_layout("<p>no columns</p>") == "<p>no columns</p>"


@pytest.mark.parametrize("markup, clean", [
    ("<b>{{ contact.name }} <?> ", "<p><strong>{{ contact.name }} </strong></p>"),
    ("{%}\x0c<b></b>\r\n%}", "<p>{%} %}</p>"),
    ("one <!-- a comment --> two", "<p>one two</p>"),
    ("one <span></span> <i></i> two", "<p>one two</p>"),
])
def test_text_on_both_sides_of_what_is_dropped_is_one_text(markup, clean):
    assert sanitize_rich_text(markup) == clean
    assert sanitize_rich_text(clean) == clean
