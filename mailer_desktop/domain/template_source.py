"""Preparing a template's source before Jinja compiles it (done once per campaign).

- Markdown is turned into HTML (markdown-it-py) and placed in a simple centred layout.
- ``<style>`` rules are inlined into ``style`` attributes (css-inline), because Gmail and
  Outlook drop or ignore most style sheets.
- Only the ``<body>`` content is kept: the renderer writes its own document head, so a
  template cannot reach the footer through ``<head>`` styles, ``<base>`` or ``<meta>`` tags.
- Elements that no email program runs and that could swallow the footer (``<script>``,
  ``<plaintext>``, ``<template>``, ``<iframe>``, ``<textarea>`` …) are refused by name.

Jinja constructs (``{{ … }}``, ``{% … %}``, ``{# … #}``) are masked by inert markers while an
HTML or Markdown library looks at the source, and put back afterwards, so those libraries
never mangle them (quotes escaped, table-foster-parenting of block tags, ``*`` as emphasis).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import css_inline
from markdown_it import MarkdownIt

from .html_text import html_to_text

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_TEXT_MARK = re.compile(r'mdjp(\d+)x(?:="")?')
_COMMENT_MARK = re.compile(r"<!--mdjp(\d+)x-->")
_BODY = re.compile(r"<body\b([^>]*)>(.*?)(?:</body\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_STYLE_ATTR = re.compile(r"""\bstyle\s*=\s*("([^"]*)"|'([^']*)')""", re.IGNORECASE)
_DROP_BLOCKS = re.compile(r"<(style|title|head)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_DROP_TAGS = re.compile(r"<!doctype[^>]*>|</?(?:html|head|body|link|meta)\b[^>]*>", re.IGNORECASE)

FORBIDDEN_TAGS = (
    "script", "plaintext", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "noembed", "noframes", "noscript", "xmp", "textarea", "base", "svg", "math", "select", "dialog", "isindex",
)
_FORBIDDEN = re.compile(r"<\s*(" + "|".join(FORBIDDEN_TAGS) + r")\b", re.IGNORECASE)


class SourceError(ValueError):
    """The template source cannot be used; the message names the problem."""


@dataclass(frozen=True)
class Masked:
    text: str
    pieces: tuple[str, ...]

    def restore(self, text: str) -> str:
        text = _COMMENT_MARK.sub(lambda m: self.pieces[int(m.group(1))], text)
        return _TEXT_MARK.sub(lambda m: self.pieces[int(m.group(1))], text)


def mask_jinja(source: str, *, comments: bool) -> Masked:
    """Replace Jinja constructs by ``mdjpNx`` (inside tags, or everywhere when ``comments`` is
    False) or ``<!--mdjpNx-->`` (between tags, where an HTML parser keeps comments in place)."""
    pieces: list[str] = []
    out: list[str] = []
    pos = 0
    in_tag = False
    for m in _JINJA.finditer(source):
        before = source[pos:m.start()]
        out.append(before)
        lt, gt = before.rfind("<"), before.rfind(">")
        if lt != gt:  # both -1 when the stretch has no angle bracket: state unchanged
            in_tag = lt > gt
        n = len(pieces)
        pieces.append(m.group(0))
        if comments and not in_tag:
            out.append(f"<!--mdjp{n}x-->")
        else:
            out.append(f"mdjp{n}x")
        pos = m.end()
    out.append(source[pos:])
    return Masked("".join(out), tuple(pieces))


def inline_css(html: str) -> str:
    """Move ``<style>`` rules into ``style`` attributes; remote style sheets are never loaded."""
    if "<style" not in html.lower():
        return html
    masked = mask_jinja(html, comments=True)
    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False,
                                    load_remote_stylesheets=False)
    try:
        inlined = inliner.inline(masked.text)
    except Exception as exc:  # css-inline reports CSS syntax problems as plain exceptions
        raise SourceError(f"the template's CSS could not be inlined: {exc}") from exc
    return masked.restore(inlined)


def body_content(html: str) -> str:
    """The inside of ``<body>`` (wrapped in a div carrying the body's own style), without head
    parts, style sheets or document tags."""
    m = _BODY.search(html)
    if m:
        style = _STYLE_ATTR.search(m.group(1))
        inner = m.group(2)
        if style:
            value = style.group(2) if style.group(2) is not None else style.group(3)
            inner = f'<div style="{value}">{inner}</div>'
    else:
        inner = html
    inner = _DROP_BLOCKS.sub("", inner)
    return _DROP_TAGS.sub("", inner).strip()


def check_forbidden(html: str) -> None:
    m = _FORBIDDEN.search(mask_jinja(html, comments=False).text)
    if m:
        tag = m.group(1).lower()
        line = html.count("\n", 0, m.start()) + 1
        raise SourceError(f"line {line}: <{tag}> is not allowed in email templates (email programs block it "
                          "and it could hide the required footer); remove it")


_MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")

MARKDOWN_LAYOUT = (
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
    'style="background-color:#f4f5f7;">'
    '<tr><td align="center" style="padding:24px 12px;">'
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
    'style="max-width:600px;background-color:#ffffff;border-radius:6px;">'
    '<tr><td style="padding:28px 32px;font-family:Helvetica,Arial,sans-serif;font-size:16px;'
    'line-height:1.55;color:#222222;">{content}</td></tr></table></td></tr></table>'
)


def markdown_to_html(source: str) -> str:
    """Markdown → HTML inside the simple layout; Jinja constructs pass through untouched."""
    masked = mask_jinja(source, comments=False)
    html = _MARKDOWN.render(masked.text)
    html = (html.replace("<h1>", '<h1 style="font-size:26px;line-height:1.25;margin:0 0 16px;">')
                .replace("<h2>", '<h2 style="font-size:21px;line-height:1.3;margin:24px 0 12px;">')
                .replace("<p>", '<p style="margin:0 0 16px;">')
                .replace("<a href=", '<a style="color:#1a5fb4;" href=')
                .replace("<img ", '<img style="max-width:100%;height:auto;" '))
    return masked.restore(MARKDOWN_LAYOUT.replace("{content}", html))


def prepare_html(source: str, source_format: str) -> str:
    """The HTML body fragment Jinja will compile (markdown converted, CSS inlined, body only)."""
    if source_format == "markdown":
        html = markdown_to_html(source)
    elif source_format == "html":
        html = source
    else:
        raise SourceError(f"unknown source format {source_format!r} (expected 'html' or 'markdown')")
    check_forbidden(html)
    body = body_content(inline_css(html))
    if _TITLE.search(body):
        _refuse_unclosed_title(html)
    return body


_TITLE = re.compile(r"<title\b", re.IGNORECASE)
_TITLE_END = re.compile(r"</title\s*>", re.IGNORECASE)


def _refuse_unclosed_title(html: str) -> None:
    """A <title> left open in the body turns the rest of the mail into its text (footer included)."""
    found = [m for m in _TITLE.finditer(html) if not _TITLE_END.search(html, m.end())]
    at = found[0].start() if found else max(0, html.lower().find("<title"))
    line = html.count("\n", 0, at) + 1
    raise SourceError(f"line {line}: <title> is never closed; add </title> or remove it (an open title would "
                      "swallow the rest of the mail, the required footer included)")


def text_source_from_html(html_source: str) -> str:
    """A plain-text Jinja template made from an HTML Jinja template (merge fields kept)."""
    masked = mask_jinja(html_source, comments=False)
    statements = [str(i) for i, piece in enumerate(masked.pieces) if not piece.startswith("{{")]
    keep = re.compile(r"mdjp(?:" + "|".join(statements) + r")x") if statements else None
    return masked.restore(html_to_text(masked.text, keep))
