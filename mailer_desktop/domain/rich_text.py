"""Safe rich text for newsletters: a small subset of HTML, and Jinja-safe escaping.

The subset: paragraphs, line breaks, ``<strong>``, ``<em>``, links to https: or mailto:
addresses, bulleted and numbered lists. :func:`sanitize_rich_text` reduces any input — a
rich-text editor's output, pasted markup, hostile HTML — to it: scripts, styles, event
handlers, other attributes and all other elements go (their text stays, except for scripts,
styles and the like). The result is stable: sanitising it again gives the same text.

Merge fields such as ``{{ contact.first_name }}`` may appear in any text. When the subset is
written into an email template (:func:`sanitize_for_email`, :func:`escape_text`), merge
fields stay Jinja code and every other ``{`` is written so that Jinja shows it as a
character: ``{% for %}`` typed by a user appears in the mail, it is never run.
"""

from __future__ import annotations

import html as html_lib
import re
from html.parser import HTMLParser

MAX_URL = 2_000
MAX_INPUT = 80_000           # characters of markup read by the sanitiser
MAX_DEPTH = 12               # nesting of elements kept by the sanitiser
# A merge field kept as Jinja code: {{ … }} without braces or angle brackets inside.
_MERGE = re.compile(r"\{\{[^{}<>]*\}\}")
_MERGE_IN_ATTR = re.compile(r"\{\{[^{}<>\"']*\}\}")
_LITERAL_BRACE = '{{ "{" }}'


def safe_url(url: str, *, image: bool = False) -> str | None:
    """``url`` if it may go into a message (https:, or mailto: for links), else None."""
    url = (url or "").strip()
    probe = _MERGE_IN_ATTR.sub("x", url)  # a merge field may hold spaces: {{ contact.email }}
    if not url or len(url) > MAX_URL or any(c.isspace() or ord(c) < 32 or c in "<>\"'`\\" for c in probe):
        return None
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "https" and url[6:8] == "//" and len(url) > 8:
        return url
    if scheme == "mailto" and not image and len(url) > 7:
        return url
    return None


_DROP_CONTENT = frozenset({"script", "style", "head", "title", "template", "iframe", "object", "embed", "svg",
                           "math", "noscript", "textarea", "select", "xmp", "plaintext", "noembed", "noframes",
                           "applet", "frameset", "button", "option"})
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "source", "embed"})
_BLOCKISH = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "section", "article",
                       "header", "footer", "table", "tr", "td", "th", "center"})
_BOLD = re.compile(r"font-weight\s*:\s*(bold|bolder|[6-9]00)", re.IGNORECASE)
_ITALIC = re.compile(r"font-style\s*:\s*italic", re.IGNORECASE)


class _Node:
    __slots__ = ("tag", "href", "children")

    def __init__(self, tag: str, href: str = ""):
        self.tag = tag
        self.href = href
        self.children: list[_Node | str] = []


class _Sanitiser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack: list[_Node] = [self.root]
        self.opened: list[tuple[str, int]] = []   # (source tag, depth of the stack before it)
        self.skip = 0
        self.skip_tag = ""

    # helpers
    def _inside(self, tag: str) -> bool:
        return any(n.tag == tag for n in self.stack)

    def _push(self, node: _Node) -> None:
        if len(self.stack) <= MAX_DEPTH:
            self.stack[-1].children.append(node)
            self.stack.append(node)

    def _pop_to(self, keep: tuple[str, ...]) -> None:
        """Close open elements until the innermost one is the root or one of ``keep``."""
        while len(self.stack) > 1 and self.stack[-1].tag not in keep:
            self.stack.pop()

    def _ensure_block(self) -> None:
        """Inline content needs a paragraph (or a list item) around it."""
        top = self.stack[-1].tag
        if top == "root":
            self._push(_Node("p"))
        elif top in ("ul", "ol"):
            self._push(_Node("li"))

    # parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.skip:
            if tag == self.skip_tag:
                self.skip += 1
            return
        if tag in _DROP_CONTENT:
            self.skip, self.skip_tag = 1, tag
            return
        if tag in _VOID:
            if tag == "br":
                self._ensure_block()
                self.stack[-1].children.append(_Node("br"))
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in ("ul", "ol"):
            self._pop_to(("li",))
            self.opened.append((tag, len(self.stack)))
            self._push(_Node(tag))
        elif tag == "li":
            self._pop_to(("ul", "ol"))
            if self.stack[-1].tag == "root":
                self._push(_Node("ul"))
            self.opened.append((tag, len(self.stack)))
            self._push(_Node("li"))
        elif tag in _BLOCKISH:
            self._pop_to(("li",))
            self.opened.append((tag, len(self.stack)))
            if self.stack[-1].tag == "root":
                self._push(_Node("p"))
        else:
            wants = []
            style = a.get("style", "")
            if tag in ("b", "strong") or (tag == "span" and _BOLD.search(style)):
                wants.append("strong")
            if tag in ("i", "em") or (tag == "span" and _ITALIC.search(style)):
                wants.append("em")
            if tag == "a":
                href = safe_url(html_lib.unescape(a.get("href", "")))
                if href and not self._inside("a"):
                    wants.append("a:" + href)
            if wants:
                self._ensure_block()
            self.opened.append((tag, len(self.stack)))
            for want in wants:
                name = want.split(":", 1)[0]
                if not self._inside(name):
                    self._push(_Node(name, want[2:] if name == "a" else ""))

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if self.skip:
            if tag == self.skip_tag:
                self.skip -= 1
            return
        for i in range(len(self.opened) - 1, -1, -1):
            if self.opened[i][0] == tag:
                depth = max(1, self.opened[i][1])
                del self.opened[i:]
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if self.skip or not data:
            return
        top = self.stack[-1].tag
        if top in ("root", "ul", "ol") and not data.strip():
            return
        self._ensure_block()
        self.stack[-1].children.append(data)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n\f\v]+", " ", _CONTROL.sub("", text))


def _write(node: _Node, out: list[str], email: bool) -> bool:
    """Write ``node``'s children; True when something visible was written."""
    wrote = False
    # Text not yet written: a comment, "<?>" or an element that writes nothing between two texts
    # does not split them (their spaces collapse together, as when the result is sanitised again).
    pending: list[str] = []

    def flush() -> None:
        nonlocal wrote
        text = _collapse("".join(pending))
        pending.clear()
        if text:
            out.append(escape_text(text, email=email))
            wrote = wrote or bool(text.strip())

    for child in node.children:
        if isinstance(child, str):
            pending.append(child)
            continue
        if child.tag == "br":
            flush()
            out.append("<br>")
            continue
        inner: list[str] = []
        if not _write(child, inner, email):
            continue  # empty paragraphs, lists and formatting are dropped
        flush()
        body = "".join(inner)
        if child.tag in ("p", "li"):
            body = re.sub(r"^(?:\s|<br>)+|(?:\s|<br>)+$", "", body)
        if child.tag == "a":
            out.append(f'<a href="{escape_attr(child.href, email=email)}">{body}</a>')
        else:
            out.append(f"<{child.tag}>{body}</{child.tag}>")
        wrote = True
    flush()
    return wrote


def sanitize_rich_text(markup: str) -> str:
    """Any HTML → paragraphs, line breaks, <strong>, <em>, <a href> (https:/mailto:) and lists."""
    return _sanitised(markup, email=False)


def sanitize_for_email(markup: str) -> str:
    """The safe subset, written into an email template (merge fields kept, other braces shown)."""
    return _sanitised(markup, email=True)


def _sanitised(markup: str, *, email: bool) -> str:
    parser = _Sanitiser()
    parser.feed((markup or "")[:MAX_INPUT])
    parser.close()
    out: list[str] = []
    _write(parser.root, out, email)
    return "".join(out)


def escape_text(text: str, *, email: bool = False) -> str:
    """HTML-escape ``text``; for an email template, merge fields stay Jinja code and any other
    ``{`` is written as a Jinja literal (so ``{%`` typed by a user is shown, not run)."""
    if not email:
        return html_lib.escape(text, quote=False)
    out, pos = [], 0
    for m in _MERGE.finditer(text):
        out.append(_escape_braces(text[pos:m.start()], quote=False))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_braces(text[pos:], quote=False))
    return "".join(out)


def escape_attr(value: str, *, email: bool = False) -> str:
    if not email:
        return html_lib.escape(value, quote=True)
    out, pos = [], 0
    for m in _MERGE_IN_ATTR.finditer(value):
        out.append(_escape_braces(value[pos:m.start()], quote=True))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape_braces(value[pos:], quote=True))
    return "".join(out)


def _escape_braces(text: str, *, quote: bool) -> str:
    escaped = html_lib.escape(text, quote=quote)
    if "{" not in escaped:
        return escaped
    if quote:
        return escaped.replace("{", "&#123;")  # an attribute: the entity is decoded by the mail program
    return escaped.replace("{", _LITERAL_BRACE)
