"""The compliance footer (CAN-SPAM §3-5, CASL identification) and what keeps it visible.

The renderer appends the footer after the template's content in both parts of every
message: business name, postal address, why the person receives the mail, an unsubscribe
link carrying the contact's token and, when switched on, the advertisement disclosure.

A template cannot remove or hide it:
- merge fields are escaped (see :mod:`.templates`), so markup comes only from the template;
- :func:`closing_markup` closes whatever the template left open — comments, Outlook
  conditional comments, and every element (a ``display:none`` wrapper, a link, a table) —
  so the footer never lands inside the template's markup;
- the renderer writes the document head itself (template style sheets never reach it), and
  the footer's elements carry inline ``!important`` styles for display, visibility, size
  and colour, which beat any other author rule;
- ``<script>``, ``<plaintext>``, ``<template>``, raw-text elements and the like are refused
  when the template is compiled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

_VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
_SCOPE = frozenset("applet caption html table td th marquee object template".split())
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul li dd dt".split()
)
_MARKUP = re.compile(
    r"(?P<cond_open><!--\[if[^\]]*\]>(?:<!-->)?)"
    r"|(?P<cond_close>(?:<!--)?<!\[endif\]-->)"
    r"|(?P<comment><!--.*?-->)"
    r"|(?P<open_comment><!--)"
    r"|<(?P<end>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9:-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.DOTALL,
)


def _pop_to(stack: list[str], name: str, stop: frozenset[str] = _SCOPE) -> None:
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] == name:
            del stack[i:]
            return
        if stack[i] in stop:
            return


def closing_markup(html: str) -> str:
    """The markup that ends every comment and element ``html`` leaves open.

    Over-closing is harmless (a stray end tag is ignored by HTML parsers), so when in doubt
    an element is counted as open: a footer inside a hidden element would be the failure.
    """
    stack: list[str] = []
    open_conditionals = 0
    unclosed_comment = False
    for m in _MARKUP.finditer(html):
        kind = m.lastgroup
        if kind == "cond_open":
            open_conditionals += 1
        elif kind == "cond_close":
            open_conditionals = max(0, open_conditionals - 1)
        elif kind == "open_comment":
            unclosed_comment = True
            break
        elif kind in ("tag", "end", "attrs"):
            tag = m.group("tag").lower()
            if m.group("end"):
                if tag == "p" and "p" not in stack:
                    continue
                _pop_to(stack, tag)
            elif tag not in _VOID:
                if tag in _CLOSES_P:
                    _pop_to(stack, "p")
                if tag == "li":
                    _pop_to(stack, "li", _SCOPE | {"ul", "ol"})
                elif tag in ("td", "th"):
                    _pop_to(stack, "td", _SCOPE - {"td"} | {"tr"})
                    _pop_to(stack, "th", _SCOPE - {"th"} | {"tr"})
                elif tag == "tr":
                    _pop_to(stack, "tr", _SCOPE - {"td", "th"})
                stack.append(tag)
    out = []
    if unclosed_comment:
        out.append("-->")
    out.extend(f"</{tag}>" for tag in reversed(stack))
    if open_conditionals:
        out.append("<![endif]-->" * open_conditionals)
    return "".join(out)


@dataclass(frozen=True)
class FooterInfo:
    business_name: str
    postal_address: str
    reason: str
    ad_disclosure: bool


@dataclass(frozen=True)
class UnsubscribeLinks:
    """Where one contact unsubscribes: always a mailto, an https page when configured."""

    mailto: str
    https: str | None = None

    @property
    def primary(self) -> str:
        return self.https or self.mailto


AD_TEXT = "This message is an advertisement."
_SHOWN = "visibility:visible!important;opacity:1!important;"
_BOX = (
    "display:block!important;" + _SHOWN + "position:relative!important;z-index:2147483647!important;"
    "overflow:visible!important;max-height:none!important;height:auto!important;transform:none!important;"
    "clip-path:none!important;background:#ffffff!important;margin:0!important;padding:20px 16px!important;"
    "border-top:1px solid #dddddd!important;text-align:center!important;"
)
_LINE = (
    "display:block!important;" + _SHOWN + "font:12px/1.5 Helvetica,Arial,sans-serif!important;"
    "color:#555555!important;margin:0 0 6px!important;max-height:none!important;text-indent:0!important;"
)
_LINK = "display:inline!important;" + _SHOWN + "font-size:12px!important;color:#1a5fb4!important;"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r", "\n").split("\n") if line.strip()]


def footer_html(info: FooterInfo, links: UnsubscribeLinks) -> str:
    parts = [f'<div class="md-footer" role="contentinfo" style="{_BOX}">']
    if info.ad_disclosure:
        parts.append(f'<p style="{_LINE}">{escape(AD_TEXT)}</p>')
    parts.append(f'<p style="{_LINE}"><strong style="{_SHOWN}">{escape(info.business_name)}</strong></p>')
    parts.append(f'<p style="{_LINE}">' + "<br>".join(escape(x) for x in _lines(info.postal_address)) + "</p>")
    if info.reason.strip():
        parts.append(f'<p style="{_LINE}">{escape(info.reason.strip())}</p>')
    unsubscribe = f'<a href="{escape(links.primary)}" style="{_LINK}">Unsubscribe</a>'
    if links.https:
        unsubscribe += f' &middot; <a href="{escape(links.mailto)}" style="{_LINK}">unsubscribe by email</a>'
    parts.append(f'<p style="{_LINE}">{unsubscribe}</p>')
    parts.append("</div>")
    return "".join(parts)


def footer_text(info: FooterInfo, links: UnsubscribeLinks) -> str:
    lines = ["", "-- "]
    if info.ad_disclosure:
        lines.append(AD_TEXT)
    lines.append(info.business_name)
    lines.extend(_lines(info.postal_address))
    if info.reason.strip():
        lines.append(info.reason.strip())
    lines.append(f"Unsubscribe: {links.mailto}")
    if links.https:
        lines.append(f"or: {links.https}")
    return "\n".join(lines) + "\n"


HEAD = (
    '<!DOCTYPE html><html lang="en" style="display:block !important;visibility:visible !important;">'
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta name="x-apple-disable-message-reformatting"><title>{title}</title></head>'
    '<body style="margin:0 !important;padding:0 !important;display:block !important;'
    'visibility:visible !important;opacity:1 !important;background-color:#ffffff;">'
)
PREHEADER = ('<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;font-size:1px;'
             'line-height:1px;color:#ffffff;opacity:0;">{text}</div>')


def assemble_html(content_html: str, footer: str, *, title: str, preheader: str) -> str:
    """The complete HTML document: head, preheader, the (already closed) content, the footer."""
    pre = PREHEADER.replace("{text}", escape(preheader)) if preheader.strip() else ""
    return HEAD.replace("{title}", escape(title)) + pre + content_html + footer + "</body></html>"


def assemble_text(content_text: str, footer: str) -> str:
    return content_text.rstrip() + "\n" + footer
