"""HTML → readable plain text for the text/plain part of a message.

Built on :mod:`html.parser` (no third-party HTML library): block elements become line
breaks, list items get a bullet, links are kept as ``text (url)`` (or just the url when the
text already shows it), images as their alt text, and hidden or non-content elements
(``<style>``, ``<script>``, ``<head>``, preheader spans with ``display:none``) are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = frozenset(
    "address article aside blockquote center dd div dl dt fieldset figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul".split()
)
_SKIP = frozenset("head style script title template noscript".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class _TextBuilder(HTMLParser):
    def __init__(self, keep: re.Pattern[str] | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.keep = keep
        self.out: list[str] = []
        self.skip_depth = 0
        self.hidden_stack: list[str] = []
        self.links: list[tuple[str, int]] = []  # (href, index in out where the link text starts)
        self.pre_depth = 0

    # -- helpers ---------------------------------------------------------------------------
    def _newline(self, count: int = 1) -> None:
        self.out.append("\n" * count)

    def _skipping(self) -> bool:
        return self.skip_depth > 0 or bool(self.hidden_stack)

    # -- parser callbacks ---------------------------------------------------------------------
    def _kept(self, *texts: str | None) -> None:
        """Markers that must survive even where their text is dropped (see ``keep``)."""
        if self.keep is None:
            return
        for text in texts:
            if text:
                self.out.extend(m.group(0) for m in self.keep.finditer(text))

    def handle_comment(self, data: str) -> None:
        self._kept(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: (v or "") for k, v in attrs}
        if self.keep is not None:
            for k, v in attrs:
                self._kept(k, v)
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag not in _VOID and (_HIDDEN_STYLE.search(attr.get("style", "")) or "hidden" in attr):
            self.hidden_stack.append(tag)
            return
        if self.hidden_stack:
            if tag == self.hidden_stack[0] and tag not in _VOID:
                self.hidden_stack.append(tag)
            return
        if self.skip_depth:
            return
        if tag == "br":
            self._newline()
        elif tag == "hr":
            self.out.append("\n" + "-" * 40 + "\n")
        elif tag == "li":
            self._newline()
            self.out.append("* ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "table"):
            self._newline(2)
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag in _BLOCK:
            self._newline()
        elif tag == "img":
            alt = attr.get("alt", "").strip()
            if alt:
                self.out.append(alt)
        elif tag == "a":
            self.links.append((attr.get("href", "").strip(), len(self.out)))
        if tag == "pre":
            self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.hidden_stack:
            if tag == self.hidden_stack[0]:
                self.hidden_stack.pop()
            return
        if self.skip_depth:
            return
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.out[start:]).strip()
            if href and not href.startswith("#"):
                shown = href[7:] if href.lower().startswith("mailto:") else href
                if not text:
                    self.out.append(shown)
                elif shown not in text and href not in text:
                    self.out.append(f" ({shown})")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "table"):
            self._newline(2)
        elif tag in _BLOCK and tag != "li":  # the next item (or the list's end) breaks the line
            self._newline()
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._skipping():
            self._kept(data)
            return
        if self.pre_depth:
            self.out.append(data.replace("\r\n", "\n"))
        else:
            self.out.append(_SPACES.sub(" ", data.replace("\r", " ").replace("\n", " ")))


def html_to_text(html: str, keep: re.Pattern[str] | None = None) -> str:
    """Plain text for ``html``: paragraphs separated by one blank line, no trailing spaces.

    ``keep`` matches markers that are kept even inside dropped parts (hidden elements,
    attributes, comments): the template code uses it so that no ``{% if %}`` or
    ``{% endif %}`` is lost when the text part is made from an HTML template."""
    builder = _TextBuilder(keep)
    builder.feed(html or "")
    builder.close()
    raw = "".join(builder.out)
    lines = [line.strip() for line in raw.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return text + "\n" if text else ""
