"""Block documents: a newsletter built from typed blocks, and the email-safe HTML made from it.

A block document is a list of blocks — heading, text, image, button, divider, two columns —
kept as JSON. :func:`render_html` writes the table-based HTML mail programs expect (inline
styles only, a 600 px column with Outlook's conditional table around it, buttons as padded
table cells, two columns as cells that are also inline blocks, so they stack on a phone). The compliance footer is
not part of a block document: the template renderer adds it to every message as for any
other template.

Storage: a block template is an ordinary HTML template whose source starts with a Jinja
comment carrying the blocks::

    {# mailer-blocks v1 sha256=<hash of the HTML below> {"blocks": [...]} #}
    <table role="presentation" ...>

Jinja drops the comment when it compiles, so the mail carries only the HTML; the CLI, the
preview and the sender need nothing new, and older copies of the app open it as HTML. The
hash tells whether the HTML was changed elsewhere (CLI, an older app): then the blocks no
longer describe it and :func:`read_source` returns None, so it is edited as HTML.

Text blocks hold a small, safe subset of HTML (paragraphs, line breaks, bold, italic, links
to https: or mailto:, bulleted and numbered lists); :func:`sanitize_rich_text` reduces any
input (a rich-text editor's output or hostile markup) to that subset. Merge fields such as
``{{ contact.first_name }}`` may appear in any text; every other ``{`` is written so that
Jinja shows it as a character instead of reading it as code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html as html_lib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

FORMAT_VERSION = 1
MAX_BLOCKS = 80
MAX_TEXT = 20_000            # characters of one text block's HTML (after sanitising)
MAX_LINE = 500               # characters of a heading, button label, alt text
MAX_URL = 2_000
MAX_JSON = 1_000_000
MAX_DEPTH = 12               # nesting of elements kept by the sanitiser
CONTENT_WIDTH = 600
COLUMN_WIDTH = 268

BRAND = "#1f3a5f"
ACCENT = "#d9822b"
LINK = "#1a5fb4"
TEXT_COLOR = "#222222"
SANS = "Helvetica,Arial,sans-serif"
SERIF = "Georgia,'Times New Roman',serif"

HEADING_LEVELS = {0: "banner", 1: "title", 2: "section"}
ALIGNMENTS = ("left", "center")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# A merge field kept as Jinja code: {{ … }} without braces or angle brackets inside.
_MERGE = re.compile(r"\{\{[^{}<>]*\}\}")
_MERGE_IN_ATTR = re.compile(r"\{\{[^{}<>\"']*\}\}")
_LITERAL_BRACE = '{{ "{" }}'

MARKER_RE = re.compile(r"\A\{# mailer-blocks v(?P<version>\d+) sha256=(?P<hash>[0-9a-f]{64}) (?P<json>.*?) #\}\n",
                       re.DOTALL)

# Sentences of the starter templates that are meant to be replaced (lower case, as written).
PLACEHOLDER_PHRASES = (
    "replace this paragraph",
    "two or three sentences about something your readers care about",
    "another short item: an offer, an event, a tip",
    "say in one or two sentences what is new",
    "write to your readers the way you would write to a regular customer",
    "describe the first thing here",
    "describe the second thing here",
)
PLACEHOLDER_HOSTS = ("example.com", "example.org", "example.net")


class BlockError(ValueError):
    """A block document that cannot be read or used; the message says what is wrong."""


# -- the model ----------------------------------------------------------------------------------------
@dataclass
class Heading:
    text: str = ""
    level: int = 1          # 0 banner, 1 title, 2 section heading
    kind: str = field(default="heading", init=False)


@dataclass
class Text:
    html: str = ""          # the safe subset, see sanitize_rich_text
    kind: str = field(default="text", init=False)


@dataclass
class Image:
    src: str = ""
    alt: str = ""
    width: int = CONTENT_WIDTH
    href: str = ""
    kind: str = field(default="image", init=False)


@dataclass
class Button:
    label: str = ""
    href: str = ""
    color: str = ACCENT
    align: str = "center"
    kind: str = field(default="button", init=False)


@dataclass
class Divider:
    kind: str = field(default="divider", init=False)


@dataclass
class Column:
    image_src: str = ""
    image_alt: str = ""
    html: str = ""


@dataclass
class Columns:
    left: Column = field(default_factory=Column)
    right: Column = field(default_factory=Column)
    kind: str = field(default="columns", init=False)


Block = Heading | Text | Image | Button | Divider | Columns
KINDS = {"heading": Heading, "text": Text, "image": Image, "button": Button, "divider": Divider,
         "columns": Columns}
KIND_LABELS = {"heading": "Heading", "text": "Text", "image": "Image", "button": "Button",
               "divider": "Divider", "columns": "Two columns"}


@dataclass
class BlockDocument:
    blocks: list[Block] = field(default_factory=list)

    # -- JSON --------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "blocks": [_block_to_dict(b) for b in self.blocks]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: Any) -> BlockDocument:
        if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
            raise BlockError("a block document is an object with a list of blocks")
        if int(data.get("version", 1)) > FORMAT_VERSION:
            raise BlockError("these blocks were saved by a newer version of Mailer Desktop")
        if len(data["blocks"]) > MAX_BLOCKS:
            raise BlockError(f"a message can have at most {MAX_BLOCKS} blocks")
        return cls([_block_from_dict(item) for item in data["blocks"]])

    @classmethod
    def from_json(cls, text: str) -> BlockDocument:
        if len(text) > MAX_JSON:
            raise BlockError("the block document is too large")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise BlockError(f"the block document is not valid JSON: {exc}") from None
        return cls.from_dict(data)


def _block_to_dict(block: Block) -> dict[str, Any]:
    return {"kind": block.kind, **{k: v for k, v in dataclasses.asdict(block).items() if k != "kind"}}


def _str(data: dict, key: str, limit: int, default: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise BlockError(f"{key} must be text")
    if len(value) > limit:
        raise BlockError(f"{key} is longer than {limit:,} characters")
    return value


def _int(data: dict, key: str, default: int, low: int, high: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise BlockError(f"{key} must be a whole number")
    return min(high, max(low, value))


def _column_from_dict(data: Any) -> Column:
    if not isinstance(data, dict):
        raise BlockError("a column is an object")
    return Column(image_src=_str(data, "image_src", MAX_URL), image_alt=_str(data, "image_alt", MAX_LINE),
                  html=sanitize_rich_text(_str(data, "html", MAX_TEXT * 4)))


def _block_from_dict(data: Any) -> Block:
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise BlockError(f"unknown block {data.get('kind') if isinstance(data, dict) else data!r}")
    kind = data["kind"]
    if kind == "heading":
        return Heading(text=_str(data, "text", MAX_LINE), level=_int(data, "level", 1, 0, 2))
    if kind == "text":
        return Text(html=sanitize_rich_text(_str(data, "html", MAX_TEXT * 4)))
    if kind == "image":
        return Image(src=_str(data, "src", MAX_URL), alt=_str(data, "alt", MAX_LINE),
                     width=_int(data, "width", CONTENT_WIDTH, 16, CONTENT_WIDTH), href=_str(data, "href", MAX_URL))
    if kind == "button":
        color = _str(data, "color", MAX_LINE, ACCENT)
        align = _str(data, "align", MAX_LINE, "center")
        return Button(label=_str(data, "label", MAX_LINE), href=_str(data, "href", MAX_URL),
                      color=color if _COLOR.fullmatch(color) else ACCENT,
                      align=align if align in ALIGNMENTS else "center")
    if kind == "columns":
        return Columns(left=_column_from_dict(data.get("left", {})), right=_column_from_dict(data.get("right", {})))
    return Divider()


# -- checks -------------------------------------------------------------------------------------------
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


def block_problems(block: Block) -> list[str]:
    """What keeps one block from making a good message (one sentence each)."""
    out = []
    if isinstance(block, Image):
        if safe_url(block.src, image=True) is None:
            out.append("The picture needs an address starting with https://.")
        if not block.alt.strip():
            out.append("Describe the picture in a few words (shown when images are off).")
        if block.href and safe_url(block.href) is None:
            out.append("The link must start with https:// or mailto:.")
    elif isinstance(block, Button):
        if not block.label.strip():
            out.append("The button needs a label.")
        if safe_url(block.href) is None:
            out.append("The button's link must start with https:// or mailto:.")
    elif isinstance(block, Columns):
        for side, column in (("Left", block.left), ("Right", block.right)):
            if column.image_src and safe_url(column.image_src, image=True) is None:
                out.append(f"{side} column: the picture needs an address starting with https://.")
            if column.image_src and not column.image_alt.strip():
                out.append(f"{side} column: describe the picture in a few words.")
    elif isinstance(block, Text) and len(block.html) > MAX_TEXT:
        out.append(f"The text is longer than {MAX_TEXT:,} characters.")
    return out


def problems(doc: BlockDocument) -> list[str]:
    """What keeps the document from making a good message (block numbers from 1)."""
    out = []
    if len(doc.blocks) > MAX_BLOCKS:
        out.append(f"A message can have at most {MAX_BLOCKS} blocks.")
    for n, block in enumerate(doc.blocks, 1):
        where = f"Block {n} ({KIND_LABELS[block.kind].lower()})"
        out += [f"{where}: {p[0].lower()}{p[1:]}" for p in block_problems(block)]
    return out


def placeholders_in(text: str) -> list[str]:
    """The starter templates' placeholder sentences still present in ``text`` (as written there)."""
    flat = " ".join((text or "").split()).lower()
    return [p for p in PLACEHOLDER_PHRASES if p in flat]


_HREF = re.compile(r"""href\s*=\s*["']?https?://(?:www\.)?([a-z0-9.-]+)""", re.IGNORECASE)


def placeholder_links(html: str) -> list[str]:
    """Example hosts (example.com …) that links still point to."""
    hosts = {m.group(1).lower().rstrip(".") for m in _HREF.finditer(html or "")}
    return sorted(h for h in hosts if h in PLACEHOLDER_HOSTS or h.endswith(tuple("." + p for p in PLACEHOLDER_HOSTS)))


# -- sanitising rich text -----------------------------------------------------------------------------
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


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n\f\v]+", " ", text)


def _write(node: _Node, out: list[str], email: bool) -> bool:
    """Write ``node``'s children; True when something visible was written."""
    wrote = False
    for child in node.children:
        if isinstance(child, str):
            text = _collapse(child)
            if text:
                out.append(escape_text(text, email=email))
                wrote = wrote or bool(text.strip())
            continue
        if child.tag == "br":
            out.append("<br>")
            continue
        inner: list[str] = []
        if not _write(child, inner, email):
            continue  # empty paragraphs, lists and formatting are dropped
        body = "".join(inner)
        if child.tag in ("p", "li"):
            body = re.sub(r"^(?:\s|<br>)+|(?:\s|<br>)+$", "", body)
        if child.tag == "a":
            out.append(f'<a href="{escape_attr(child.href, email=email)}">{body}</a>')
        else:
            out.append(f"<{child.tag}>{body}</{child.tag}>")
        wrote = True
    return wrote


def sanitize_rich_text(markup: str) -> str:
    """Any HTML → paragraphs, line breaks, <strong>, <em>, <a href> (https:/mailto:) and lists.

    Scripts, styles, event handlers, other attributes and every other element are dropped
    (their text is kept, except for scripts, styles and similar). The result is stable:
    sanitising it again gives the same text."""
    return _sanitised(markup, email=False)


def _sanitised(markup: str, *, email: bool) -> str:
    parser = _Sanitiser()
    parser.feed((markup or "")[: MAX_TEXT * 4])
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


# -- rendering ----------------------------------------------------------------------------------------
_P_STYLE = f"margin:0 0 16px;font-family:{SANS};font-size:16px;line-height:1.6;color:{TEXT_COLOR};"
_LIST_STYLE = f"margin:0 0 16px;padding-left:24px;font-family:{SANS};font-size:16px;line-height:1.6;color:{TEXT_COLOR};"
_TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"'


def _styled_rich_text(markup: str) -> str:
    """Safe rich text for the mail, with the inline styles mail programs need."""
    body = _sanitised(markup, email=True)
    return (body.replace("<p>", f'<p style="{_P_STYLE}">')
                .replace("<ul>", f'<ul style="{_LIST_STYLE}">')
                .replace("<ol>", f'<ol style="{_LIST_STYLE}">')
                .replace("<li>", '<li style="margin:0 0 6px;">')
                .replace("<a href=", f'<a style="color:{LINK};text-decoration:underline;" href='))


def _row(content: str, padding: str = "8px 32px") -> str:
    return f'<tr><td style="padding:{padding};">{content}</td></tr>\n'


def _heading(block: Heading) -> str:
    text = escape_text(block.text.strip(), email=True)
    if not text:
        return ""
    if block.level == 0:
        return (f'<tr><td bgcolor="{BRAND}" style="padding:24px 32px;background-color:{BRAND};">'
                f'<p style="margin:0;font-family:{SERIF};font-size:26px;line-height:1.25;color:#ffffff;">{text}</p>'
                "</td></tr>\n")
    if block.level == 1:
        return _row(f'<h1 style="margin:0;font-family:{SERIF};font-size:26px;line-height:1.3;font-weight:bold;'
                    f'color:{BRAND};">{text}</h1>', "24px 32px 8px")
    return _row(f'<h2 style="margin:0;font-family:{SANS};font-size:19px;line-height:1.35;font-weight:bold;'
                f'color:{BRAND};">{text}</h2>', "16px 32px 4px")


def _image_tag(src: str, alt: str, width: int) -> str:
    return (f'<img src="{escape_attr(src, email=True)}" alt="{escape_attr(alt.strip(), email=True)}" '
            f'width="{width}" style="display:block;width:100%;max-width:{width}px;height:auto;border:0;'
            f'margin:0 auto;font-family:{SANS};font-size:14px;color:#5b6573;">')


def _image(block: Image) -> str:
    src = safe_url(block.src, image=True)
    if src is None:
        return ""
    width = min(CONTENT_WIDTH, max(16, block.width))
    # A full-width picture runs edge to edge; a smaller one is centred inside the margins.
    width = min(width, CONTENT_WIDTH - 64) if width < CONTENT_WIDTH else width
    tag = _image_tag(src, block.alt, width)
    href = safe_url(block.href)
    if href:
        tag = f'<a href="{escape_attr(href, email=True)}" style="display:block;">{tag}</a>'
    padding = "0" if width == CONTENT_WIDTH else "8px 32px"
    return f'<tr><td align="center" style="padding:{padding};">{tag}</td></tr>\n'


def _button(block: Button) -> str:
    href, label = safe_url(block.href), escape_text(block.label.strip(), email=True)
    if href is None or not label:
        return ""
    color = block.color if _COLOR.fullmatch(block.color or "") else ACCENT
    align = block.align if block.align in ALIGNMENTS else "center"
    # The padding sits on the cell (Outlook ignores padding on links), so the button has its shape
    # in every mail program.
    return _row(
        f'<table {_TABLE} align="{align}"><tr>'
        f'<td bgcolor="{color}" style="border-radius:4px;background-color:{color};padding:12px 28px;">'
        f'<a href="{escape_attr(href, email=True)}" style="display:inline-block;'
        f'font-family:{SANS};font-size:16px;font-weight:bold;line-height:1.2;color:#ffffff;text-decoration:none;">'
        f'{label}</a></td></tr></table>', "12px 32px 16px")


def _divider() -> str:
    return _row(f'<table {_TABLE} width="100%"><tr><td style="border-top:1px solid #e3e7ed;font-size:0;'
                'line-height:0;height:1px;">&nbsp;</td></tr></table>', "12px 32px")


def _column(column: Column) -> str:
    parts = []
    src = safe_url(column.image_src, image=True)
    if src:
        parts.append(f'<div style="margin:0 0 12px;">{_image_tag(src, column.image_alt, COLUMN_WIDTH - 16)}</div>')
    parts.append(_styled_rich_text(column.html))
    # A cell that is also an inline block: side by side where there is room (and in programs that
    # ignore 'display', Outlook on Windows among them), one below the other on a narrow screen.
    return (f'<td width="50%" valign="top" style="display:inline-block;width:100%;max-width:{COLUMN_WIDTH + 8}px;'
            f'vertical-align:top;text-align:left;padding:0 8px 8px;box-sizing:border-box;">'
            f'{"".join(parts)}</td>')


def _columns(block: Columns) -> str:
    return _row(f'<table {_TABLE} width="100%"><tr>{_column(block.left)}{_column(block.right)}</tr></table>',
                "8px 24px")


def render_block(block: Block) -> str:
    if isinstance(block, Heading):
        return _heading(block)
    if isinstance(block, Text):
        body = _styled_rich_text(block.html)
        return _row(body, "8px 32px 0") if body else ""
    if isinstance(block, Image):
        return _image(block)
    if isinstance(block, Button):
        return _button(block)
    if isinstance(block, Columns):
        return _columns(block)
    return _divider()


def render_html(doc: BlockDocument) -> str:
    """The email-safe HTML of the document (without the footer, which the renderer always adds)."""
    rows = "".join(render_block(b) for b in doc.blocks[:MAX_BLOCKS])
    return (f'<table {_TABLE} width="100%" style="background-color:#f2f4f7;">\n'
            f'<tr><td align="center" style="padding:24px 12px;">\n'
            f'<!--[if mso]><table {_TABLE} width="{CONTENT_WIDTH}"><tr><td><![endif]-->\n'
            f'<table {_TABLE} width="100%" style="max-width:{CONTENT_WIDTH}px;background-color:#ffffff;'
            f'border-radius:8px;">\n'
            f"{rows}"
            f'<tr><td style="padding:0 0 16px;font-size:0;line-height:0;">&nbsp;</td></tr>\n'
            "</table>\n"
            "<!--[if mso]></td></tr></table><![endif]-->\n"
            "</td></tr>\n</table>\n")


# -- the stored form ----------------------------------------------------------------------------------
def _comment_json(doc: BlockDocument) -> str:
    # Inside a Jinja comment: '#' (which JSON has only inside strings) is escaped so that no '#}'
    # can end the comment early.
    return doc.to_json().replace("#", "\\u0023")


def to_source(doc: BlockDocument) -> str:
    """The template source of a block document: the blocks in a Jinja comment, then the HTML."""
    html = render_html(doc)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()
    return f"{{# mailer-blocks v{FORMAT_VERSION} sha256={digest} {_comment_json(doc)} #}}\n{html}"


def is_block_source(source: str) -> bool:
    return bool(source) and source.startswith("{# mailer-blocks v")


def read_source(source: str) -> BlockDocument | None:
    """The blocks of a template source, or None when it is not a block template or its HTML was
    changed outside the block editor (then the blocks no longer describe it)."""
    m = MARKER_RE.match(source or "")
    if not m:
        return None
    html = source[m.end():]
    if hashlib.sha256(html.encode("utf-8")).hexdigest() != m.group("hash"):
        return None
    try:
        return BlockDocument.from_json(m.group("json"))
    except BlockError:
        return None


def html_of_source(source: str) -> str:
    """The HTML part of a block template source (what "Edit as HTML" continues with)."""
    m = MARKER_RE.match(source or "")
    return source[m.end():] if m else source
