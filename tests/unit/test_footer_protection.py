"""No template can remove or hide the compliance footer (checked with a WHATWG HTML parser)."""

from __future__ import annotations

import email
import email.policy
import os
import re

import html5lib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer_desktop.domain.footer import TOKENIZER_RESET, closing_markup, insertions_are_inert
from mailer_desktop.domain.templates import TemplateError
from mailer_desktop.services import campaigns
from mailer_desktop.services.compose.renderer import CampaignRenderer
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.sending.identity import save_sender

NS = "{http://www.w3.org/1999/xhtml}"
HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?![.\d]*[1-9])|font-size\s*:\s*0"
                    r"|max-height\s*:\s*0|height\s*:\s*0", re.IGNORECASE)


def footer_is_visible(html: str, postal_line: str) -> None:
    """The footer div is an element of <body> itself, nothing hides it, and it shows the address."""
    tree = html5lib.parse(html, namespaceHTMLElements=True)
    parents = {child: parent for parent in tree.iter() for child in parent}
    footers = [el for el in tree.iter(f"{NS}div") if "md-footer" in (el.get("class") or "")]
    assert len(footers) == 1, "exactly one footer element"
    footer = footers[0]
    assert "".join(footer.itertext()).count(postal_line) == 1
    chain, node = [], parents.get(footer)
    while node is not None:
        chain.append(node.tag.replace(NS, ""))
        style = node.get("style") or ""
        assert not HIDING.sub("", style.replace("!important", "")) != style.replace("!important", "") or \
            "!important" in style, f"ancestor <{chain[-1]}> hides the footer: {style}"
        assert node.get("hidden") is None
        node = parents.get(node)
    assert chain == ["body", "html"], f"the footer is nested in {chain}"
    for el in footer.iter():
        style = el.get("style") or ""
        assert "display:block!important" in style or "display:inline!important" in style or el.tag.endswith("br") \
            or "visibility:visible!important" in style


@pytest.fixture
def shop(app):
    save_sender(app, name="Shop", from_address="news@shop.example", postal_address="1 Main Street\nSpringfield")
    anna = contacts.add_contact(app, "anna@example.com", "Anna", lists=["News"], confirmed=True, evidence="t")
    return app, anna


def rendered(app, contact, html, text=None):
    cid = campaigns.create_campaign(app, "N", "S", "News", html=html, text=text)
    msg = CampaignRenderer(app, cid).message_for(contact)
    return (msg.get_body(("html",)).get_content(), msg.get_body(("plain",)).get_content())


HOSTILE = [
    "<p>unclosed comment <!-- the rest is a comment",
    "<div style='display:none'>wrapper never closed",
    "<div hidden><span style='font-size:0'>",
    "<table><tr><td><div style='display:none'></td>",       # </td> cannot close the div from outside
    "<!--[if mso]><div style='display:none'><![endif]-->",
    "<!--[if mso]><div>",                                  # conditional comment never closed
    "<a href='https://evil.example'>everything after is a link",
    "<details><summary>x</summary>collapsed",
    "<style>.md-footer{display:none!important} body{display:none}</style><p>x</p>",
    "<html><body style='display:none'><p>x</p></body></html>",
    "<ul><li><p>deep<div><table><tr><td><b><i>",
    "</div></div></body></html><div style='display:none'>",
    "<p>{% if contact.name %}<div style='display:none'>{% endif %}</p>",
    "<font color=white style='font-size:1px'>",
    "<div style='display:none' title='unterminated",
    "<p><b style='font-size:0'><div>x</div>",
    "<span style='display:none'><div></span>",
    "<div hidden><!--[if mso]></div>",
    "<div style='display:none'><!--[if !mso]><!--></div><!--<![endif]-->",
    "<b<!--",                                              # '<!--' inside an unfinished tag name
    "<div style='display:none' <!-- x",
    "<div title=\"a b><!--",
    "<i><!--[if mso]><!--!><b style='display:none'>",        # '--!>' ends the conditional's comment early
    "<!--[if mso]><!--><div hidden><![endif]-->",
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_templates_cannot_hide_the_footer(shop, html):
    app, anna = shop
    body_html, body_text = rendered(app, anna, html)
    footer_is_visible(body_html, "1 Main Street")
    assert "1 Main Street" in body_text and "Unsubscribe: mailto:" in body_text


def test_footer_cannot_be_removed_from_an_explicit_text_part(shop):
    app, anna = shop
    _, text = rendered(app, anna, "<p>x</p>", text="Only this, {{ contact.name }}")
    assert text.startswith("Only this, Anna")
    assert "1 Main Street" in text and "Unsubscribe: mailto:" in text


def test_closing_markup_closes_only_what_is_open():
    reset = TOKENIZER_RESET
    assert closing_markup("<div><p>x</p><br><img src=x></div>") == reset
    assert closing_markup("<div><span>x") == reset + "</span></div>"
    assert closing_markup("<p>x<!-- y") == reset + "</p>"
    assert closing_markup("<!--[if mso]><table>") == reset + "<![endif]--></table>"
    assert closing_markup("<div><!--[if mso]>") == reset + "<![endif]--></div>"
    assert closing_markup("<span><div hidden></span>") == reset + "</div></span>"
    assert closing_markup("<p><b style='font-size:0'><div>x</div>") == reset + "</b>"
    assert closing_markup('<p>x</p><div title="a>b" style="display:none"') == reset + "</div>"
    assert closing_markup("<b<!--") == reset + "</b<!-->"
    assert closing_markup("<div hidden <!-- -->") == reset + "</div>"
    assert closing_markup("<DIV><SPAN>") == reset + "</span></div>"


def test_an_unclosed_title_is_refused_with_its_line(shop):
    app, _ = shop
    with pytest.raises(campaigns.CampaignError, match=r"line 2: <title> is never closed"):
        campaigns.create_campaign(app, "N", "S", "News", html="<p>x</p>\n<title>swallow")
    cid = campaigns.create_campaign(app, "N", "S", "News",
                                    html="<html><head><title>Autumn sale</title></head><body><p>x</p></body></html>")
    assert "Autumn sale" not in CampaignRenderer(app, cid).message_for(shop[1]).get_body(("html",)).get_content()


@pytest.mark.parametrize("html", [
    "<b{{ contact.name }}",                                 # a merge field inside a tag name
    "<{{ contact.name }}<div style='display:none'>",        # '<' + '' = text, '<' + 'A' = a tag
    "<!-- a -{{ contact.name }}-><div style='display:none'>",
    "<p a={{ contact.name }} b='><div style=\"display:none\">'>",
    "</{{ contact.name }}<div hidden>",
])
def test_merge_fields_inside_markup_are_closed_per_recipient(shop, html):
    app, _ = shop
    cid = campaigns.create_campaign(app, "N", "S", "News", html=html)
    renderer = CampaignRenderer(app, cid)
    for i, name in enumerate(["", "A", "-", "b hidden", "div", "Zoë"]):
        contact = {"id": i + 1, "email": f"c{i}@example.com", "name": name, "fields": {}}
        msg = email.message_from_bytes(renderer.bytes_for(contact)[0], policy=email.policy.default)
        footer_is_visible(msg.get_body(("html",)).get_content(), "1 Main Street")


def test_insertion_points_in_text_and_quoted_values_are_inert():
    m = "\ue000"
    assert insertions_are_inert(f"<p class='{m}'>Hello {m}, <a href=\"https://x.example/?u={m}\">x</a></p>", m)
    assert insertions_are_inert(f"<!-- note -->{m} < {m}", m)
    for html in (f"<b{m}>", f"<{m}", f"</{m}", f"<!-{m}", f"<a href={m}>", f"<p {m}>", f"<!-- {m} -->",
                 f"<!-- {m}", f"<p a=b=\"{m}\">"):
        assert not insertions_are_inert(html, m), html


def test_plaintext_cannot_be_smuggled_in(shop):
    app, _ = shop
    with pytest.raises(campaigns.CampaignError, match="plaintext"):
        campaigns.create_campaign(app, "N", "S", "News", html="<PLAINTEXT>")
    with pytest.raises(TemplateError):
        from mailer_desktop.domain.templates import TemplateSource, compile_template
        compile_template(TemplateSource(subject="s", html="<p>{{ contact.name|safe }}</p>"))


_TAGS = ["div", "p", "span", "table", "tr", "td", "a", "b", "ul", "li", "center", "font", "h1", "h2", "blockquote",
         "form", "button", "dl", "dd", "tbody", "nobr", "i", "ol", "th", "caption", "address"]
_ATTRS = ["", " style='display:none'", " hidden", " style='font-size:0;color:#fff'", " class='x'"]
_fragment = st.one_of(
    st.sampled_from(_TAGS).flatmap(lambda t: st.sampled_from(_ATTRS).map(lambda a: f"<{t}{a}>")),
    st.sampled_from(_TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(["<!--", "-->", "<!--[if mso]>", "<![endif]-->", "<br>", "<img src='x.png'>", "&amp;",
                     "{{ contact.name }}", "{% if contact.name %}", "{% endif %}", "<", ">", "'", '"']),
    st.text(alphabet="abc <>/=\"'-!", max_size=8),
)


@settings(max_examples=int(os.environ.get("FOOTER_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(_fragment, max_size=25), name=st.text(max_size=20))
def test_random_templates_always_carry_a_visible_footer_in_both_parts(shop, parts, name):
    app, _ = shop
    html = "".join(parts)
    try:
        cid = campaigns.create_campaign(app, "N", "S", "News", html=html)
    except campaigns.CampaignError:
        return  # e.g. an {% if %} without {% endif %}: refused before anything is sent
    contact = {"id": 1, "email": "r@example.com", "name": name, "fields": {}}
    msg = email.message_from_bytes(CampaignRenderer(app, cid).bytes_for(contact)[0], policy=email.policy.default)
    footer_is_visible(msg.get_body(("html",)).get_content(), "1 Main Street")
    text = msg.get_body(("plain",)).get_content()
    assert "1 Main Street" in text and "Springfield" in text and "Unsubscribe: mailto:" in text


def test_end_tags_inside_outlook_conditionals_do_not_count_as_closing():
    reset = TOKENIZER_RESET
    assert closing_markup("<div hidden><!--[if mso]></div>") == reset + "<![endif]--></div>"
    assert closing_markup("<div><!--[if !mso]><!--></div><!--<![endif]-->") == reset + "</div>"


def test_dynamic_markup_is_closed_per_recipient(shop):
    app, _ = shop
    html = ("{% if contact.name == 'Hide' %}<div style='display:none'>{% endif %}"
            "<p title='{{ contact.name }}'>Hello {{ contact.name }}</p>")
    cid = campaigns.create_campaign(app, "N", "S", "News", html=html)
    renderer = CampaignRenderer(app, cid)
    for i, name in enumerate(["Shown", "Other", "Hide", "Shown <b>", "Hide"]):
        contact = {"id": i + 1, "email": f"c{i}@example.com", "name": name, "fields": {}}
        msg = email.message_from_bytes(renderer.bytes_for(contact)[0], policy=email.policy.default)
        footer_is_visible(msg.get_body(("html",)).get_content(), "1 Main Street")
    assert 1 <= len(renderer.template._closer_cache) <= 3


def test_viewers_without_display_none_get_the_message_without_its_hidden_preheader():
    from mailer_desktop.domain.footer import content_html_line, without_preheader

    html = content_html_line("<p>Hello</p>", "Fresh rye & buns")
    assert "Fresh rye &amp; buns" in html
    assert without_preheader(html) == "<p>Hello</p>\n"
    assert without_preheader("<p>Hello</p>") == "<p>Hello</p>"  # no preheader: unchanged
