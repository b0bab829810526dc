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
# Element categories of the HTML parsing algorithm (WHATWG HTML §13.2.4.2).
_SCOPE = frozenset("applet caption html table td th marquee object template".split())
_FORMATTING = frozenset("a b big code em font i nobr s small strike strong tt u".split())
_SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button caption center col "
    "colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 "
    "h5 h6 head header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav "
    "noembed noframes noscript object ol p param plaintext pre script search section select source style "
    "summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp".split()
)
_LIST_ITEM_STOP = _SPECIAL - {"address", "div", "p"}
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_TABLE_PARTS = frozenset("caption col colgroup tbody td tfoot th thead tr".split())
_TABLE_SCOPE = frozenset({"html", "table", "template"})
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul li dd dt".split()
)
# The tokenizer's view of a tag's attributes: names, optional values (quoted or bare), slashes.
_ONE_ATTR = r"""[\s/]++|=?[^\s/>=]++(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|[^\s>]*+))?|="""
_ATTRS = "(?:" + re.sub(r"\(\?P<\w+>", "(?:", _ONE_ATTR) + ")*+"
_ATTR = re.compile(_ONE_ATTR)
_COMMENTS_AND_TAGS = (
    r"|(?P<comment><!---?>|<!--.*?--!?>)"
    r"|(?P<open_comment><!--)"
    r"|(?P<bogus></(?![a-zA-Z])[^>]*>|<\?[^>]*>|<!(?!--)[^>]*>)"
    # A tag left without its '>' runs to the end: what follows inside it (even '<!--') is not markup.
    r"|<(?P<end>/?)(?P<tag>[a-zA-Z][^\s/>]*)" + _ATTRS + r"(?:>|\Z)"
)
# Outlook (Word) reads the markup inside '<!--[if mso]>' … '<![endif]-->'.
_MARKUP = re.compile(
    r"(?P<cond_open><!--\[if[^\]]*\]>(?:<!-->)?)"
    r"|(?P<cond_close>(?:<!--)?<!\[endif\]-->)" + _COMMENTS_AND_TAGS,
    re.DOTALL,
)
# Every other mail program parses HTML as WHATWG says: a conditional is a plain comment, which
# ends at the first '-->' or '--!>' (even one that starts a '<!--' inside it).
_MARKUP_WHATWG = re.compile(_COMMENTS_AND_TAGS[1:], re.DOTALL)


# Written before the end tags: it ends whatever the tokenizer is in the middle of — a tag left
# without its '>', a quoted attribute value, a comment, a bogus comment — and is an invisible
# comment when nothing is open. (The leading space ends a bare tag name such as '<div'.)
TOKENIZER_RESET = " <!--\"'><!-- -->"
# The tokenizer lowercases ASCII letters only.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class _OpenElements:
    """A model of the HTML parser's stack of open elements that may over-count (harmless: a
    stray end tag is ignored) but never under-counts (a footer inside an open element is the
    failure). Formatting elements the parser closes implicitly stay in its "active formatting
    elements" list and would be re-created around later text, so they are remembered too."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.leftover_formatting: list[str] = []

    def _pop_from(self, index: int) -> None:
        for name in self.stack[index + 1:]:
            if name in _FORMATTING:
                self.leftover_formatting.append(name)
        del self.stack[index:]

    def _find(self, name: str, stop: frozenset[str]) -> int | None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] == name:
                return i
            if self.stack[i] in stop:
                return None
        return None

    def start(self, tag: str) -> None:
        if tag == "image":  # the parser renames it
            tag = "img"
        if tag in _VOID or (tag in _TABLE_PARTS and "table" not in self.stack):
            return  # table parts outside a table are dropped by the parser
        if tag in _CLOSES_P:
            self._close("p", _SCOPE | {"button"})
        if tag == "li":  # closes an open li unless a special element other than address/div/p is above it
            self._close("li", _LIST_ITEM_STOP)
        elif tag in ("dd", "dt"):  # closes the innermost open dd or dt, whichever comes first
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i] in ("dd", "dt"):
                    self._pop_from(i)
                    break
                if self.stack[i] in _LIST_ITEM_STOP:
                    break
        elif tag in ("td", "th"):
            self._close("td", (_SCOPE - {"td"}) | {"tr"})
            self._close("th", (_SCOPE - {"th"}) | {"tr"})
        elif tag == "tr":
            self._close("tr", _SCOPE - {"td", "th"})
        self.stack.append(tag)

    def _close(self, name: str, stop: frozenset[str]) -> None:
        i = self._find(name, stop)
        if i is not None:
            self._pop_from(i)

    def end(self, tag: str) -> None:
        if tag in _TABLE_PARTS or tag == "table":
            self._close(tag, _TABLE_SCOPE - {"table"} if tag == "table" else _TABLE_SCOPE)
        elif tag in _FORMATTING:
            i = self._find(tag, _SCOPE)
            if i is None:
                return
            if any(name in _SPECIAL for name in self.stack[i + 1:]):
                del self.stack[i]  # the adoption agency keeps the block above it open
            else:
                self._pop_from(i)
        elif tag == "form":  # only the form element itself leaves the stack
            i = self._find("form", _SCOPE)
            if i is not None:
                del self.stack[i]
        elif tag in _HEADINGS:  # any heading level closes the innermost heading
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i] in _HEADINGS:
                    self._pop_from(i)
                    return
                if self.stack[i] in _SCOPE:
                    return
        elif tag in ("li", "dd", "dt", "p"):
            self._close(tag, _SCOPE | {"ul", "ol"} if tag == "li" else _SCOPE | {"button"})
        elif tag in _SPECIAL:
            self._close(tag, _SCOPE)
        else:
            self._close(tag, _SPECIAL)  # "any other end tag": ignored past a special element

    def closers(self) -> str:
        return ("".join(f"</{t}>" for t in reversed(self.stack))
                + "".join(f"</{t}>" for t in reversed(self.leftover_formatting)))


def closing_markup(html: str) -> str:
    """The markup that ends every comment and element ``html`` leaves open — as a WHATWG
    parser reads it and as Outlook reads it (both sets of end tags; a surplus one is ignored)."""
    whatwg, _ = _open_elements(html, _MARKUP_WHATWG)
    outlook, open_conditionals = _open_elements(html, _MARKUP)
    closers = whatwg.closers()
    if outlook.closers() != closers:
        closers += outlook.closers()
    # The reset first: an end tag written inside a still-open comment or tag would close nothing.
    return TOKENIZER_RESET + "<![endif]-->" * open_conditionals + closers


def _open_elements(html: str, markup: re.Pattern) -> tuple[_OpenElements, int]:
    elements = _OpenElements()
    open_conditionals = 0
    for m in markup.finditer(html):
        kind = m.lastgroup
        if kind == "cond_open":
            open_conditionals += 1
        elif kind == "cond_close":
            open_conditionals = max(0, open_conditionals - 1)
        elif kind == "open_comment":
            if open_conditionals:
                continue  # what Outlook makes of it is unknown: keep counting what opens after it
            break  # everything after it is comment text
        elif kind in ("tag", "end"):
            tag = m.group("tag").translate(_ASCII_LOWER)
            if m.group("end"):
                # Inside an Outlook conditional an end tag happens for only one kind of mail
                # program; counting the element as still open is the safe side for both.
                if not open_conditionals:
                    elements.end(tag)
            else:
                elements.start(tag)
    return elements, open_conditionals


# Right before inserted text, these make it part of a tag or comment opening ('<' + 'b' = '<b').
_OPENING_PREFIX = re.compile(r"<[/!]?-?\Z")


def insertions_are_inert(html: str, marker: str) -> bool:
    """Whether HTML-escaped text (no '<', '>', '&' or quotes) put at each ``marker`` in ``html``
    leaves the tokenizer's reading of the markup — and so :func:`closing_markup` — unchanged.

    True when every marker sits in plain text, not right after '<', '</', '<!' or '<!-', or
    inside a quoted attribute value. Anywhere else (a tag name, a bare attribute, a comment)
    the inserted text can end or start a tag or comment, so the closers must be worked out
    from the rendered markup instead."""
    return all(_inert_for(html, marker, markup) for markup in (_MARKUP_WHATWG, _MARKUP))


def _inert_for(html: str, marker: str, markup: re.Pattern) -> bool:
    pos = 0
    for m in markup.finditer(html):
        if not _text_is_inert(html[pos:m.start()], marker):
            return False
        pos = m.end()
        if m.lastgroup == "open_comment":  # the rest of the document is comment text
            return marker not in html[m.start():]
        if marker in m.group() and not _tag_is_inert(m, marker):
            return False
    return _text_is_inert(html[pos:], marker)


def _tag_is_inert(m: re.Match, marker: str) -> bool:
    """A marker in a tag is harmless only inside a quoted attribute value."""
    if m.lastgroup != "tag" or marker in m.group("tag"):
        return False  # a comment, a conditional comment, a bogus comment, or the tag's name
    html, at, end = m.string, m.end("tag"), m.end()
    while at < end:
        attr = _ATTR.match(html, at, end)
        if attr is None:  # the closing '>'
            return True
        outside = attr.group()
        for quoted in ("dq", "sq"):
            if attr.group(quoted) is not None:
                outside = html[attr.start():attr.start(quoted)]
        if marker in outside:
            return False
        at = attr.end()
    return True


def _text_is_inert(text: str, marker: str) -> bool:
    at = text.find(marker)
    while at >= 0:
        if _OPENING_PREFIX.search(text, 0, at):
            return False
        at = text.find(marker, at + 1)
    return True


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
    # One element per line: the renderer encodes the lines without the token only once.
    return "\n".join(parts)


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
# The preview text mail programs show after the subject: hidden by display and size alone (no
# white-on-white or 1px text, which spam filters count as hidden text: HTML_FONT_LOW_CONTRAST,
# FONT_INVIS_*); mso-hide for Outlook on Windows, which ignores display:none.
PREHEADER = ('<div style="display:none;max-height:0;max-width:0;overflow:hidden;mso-hide:all;">'
             '{text}</div>')


_PREHEADER_RE = re.compile(re.escape(PREHEADER.split("{text}")[0]) + r"[^<]*</div>")


def without_preheader(html: str) -> str:
    """``html`` without the hidden preheader, for viewers that do not honour display:none (Qt's
    rich text): what a reader sees in the message itself. Mail programs show it only in the list."""
    return _PREHEADER_RE.sub("", html, count=1)


def head_html(title: str) -> str:
    return HEAD.replace("{title}", escape(title)) + "\n"


def content_html_line(content_html: str, preheader: str) -> str:
    """The preheader and the (already closed) content, ending a line."""
    pre = PREHEADER.replace("{text}", escape(preheader)) if preheader.strip() else ""
    return pre + content_html + "\n"


def footer_lines(footer: str) -> list[str]:
    """The footer and the document's end as lines (each but the last ending in a newline)."""
    return [line + "\n" for line in footer.split("\n")] + ["</body></html>"]


def assemble_text(content_text: str, footer: str) -> str:
    return content_text.rstrip() + "\n" + footer
