"""Block documents: a newsletter built from typed blocks, and the email-safe HTML made from it.

A block document is a list of blocks — heading, text, image, button, divider, two columns —
kept as JSON. :func:`render_html` writes the table-based HTML mail programs expect (inline
styles only, a 600 px column with Outlook's conditional table around it, buttons as padded
table cells, two columns as cells that are also inline blocks, so they stack on a phone).
The compliance footer is not part of a block document: the template renderer adds it to
every message as for any other template.

Storage: a block template is an ordinary HTML template whose source starts with a Jinja
comment carrying the blocks::

    {# mailer-blocks v1 sha256=<hash of the HTML below> {"blocks": [...]} -#}
    <table role="presentation" ...>

Jinja drops the comment when it compiles (the ``-`` also drops the line break after it, so
the plain-text part does not start with blank lines), so the mail carries only the HTML; the CLI, the
preview and the sender need nothing new, and older copies of the app open it as HTML. The
hash tells whether the HTML was changed elsewhere (CLI, an older app): then the blocks no
longer describe it and :func:`read_source` returns None, so it is edited as HTML.

Text blocks hold the small, safe subset of HTML described in :mod:`.rich_text`; they are
sanitised again whenever they are read or rendered, so hand-edited JSON cannot add markup.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .rich_text import MAX_URL, escape_attr, escape_text, safe_url, sanitize_for_email, sanitize_rich_text

__all__ = ["sanitize_rich_text", "safe_url"]  # part of this module's interface too

FORMAT_VERSION = 1
MAX_BLOCKS = 80
MAX_TEXT = 20_000            # characters of one text block's HTML (after sanitising)
MAX_LINE = 500               # characters of a heading, button label, alt text
MAX_JSON = 1_000_000
CONTENT_WIDTH = 600
COLUMN_WIDTH = 268

BRAND = "#1f3a5f"
ACCENT = "#d9822b"
LINK = "#1a5fb4"
TEXT_COLOR = "#222222"
SANS = "Helvetica,Arial,sans-serif"
SERIF = "Georgia,'Times New Roman',serif"

ALIGNMENTS = ("left", "center")
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

MARKER_RE = re.compile(r"\A\{# mailer-blocks v(?P<version>\d+) sha256=(?P<hash>[0-9a-f]{64}) (?P<json>.*?) -#\}\n",
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


# -- rendering ----------------------------------------------------------------------------------------
_P_STYLE = f"margin:0 0 16px;font-family:{SANS};font-size:16px;line-height:1.6;color:{TEXT_COLOR};"
_LIST_STYLE = f"margin:0 0 16px;padding-left:24px;font-family:{SANS};font-size:16px;line-height:1.6;color:{TEXT_COLOR};"
_TABLE = 'role="presentation" cellpadding="0" cellspacing="0" border="0"'


def _styled_rich_text(markup: str) -> str:
    """Safe rich text for the mail, with the inline styles mail programs need."""
    body = sanitize_for_email(markup)
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


_COLUMN_CELL = '<td width="50%" valign="top" style="display:inline-block;'
_NEXT_COLUMN = re.compile(r"</td>\s*" + re.escape(_COLUMN_CELL))


def phone_layout(html: str) -> str:
    """``html`` as a phone shows it: two columns one below the other. For previews whose HTML
    viewer ignores 'display:inline-block' (Qt's); mail programs stack the columns by themselves."""
    html = _NEXT_COLUMN.sub('</td></tr><tr><td width="100%" valign="top" style="display:inline-block;', html)
    return html.replace(_COLUMN_CELL, '<td width="100%" valign="top" style="display:inline-block;')


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
    return f"{{# mailer-blocks v{FORMAT_VERSION} sha256={digest} {_comment_json(doc)} -#}}\n{html}"


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
