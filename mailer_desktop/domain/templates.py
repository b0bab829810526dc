"""Email templates: Jinja2 in a sandbox, HTML autoescaped, merge fields from the contact.

A template is compiled once per campaign (:func:`compile_template`) and rendered once per
recipient (:meth:`CompiledTemplate.render`).

Merge fields: ``{{ contact.email }}``, ``contact.name``, ``contact.first_name``,
``contact.last_name`` (split from the name unless the contact has such custom fields) and
every custom field (``contact.company`` or ``contact["Company name"]``). Also available:
``business_name``, ``preheader`` and ``unsubscribe_url``. A field used without
``| default(...)`` (or an ``{% if %}`` around it) that no contact has is reported by name.

Safety: the sandbox refuses attribute access such as ``''.__class__``; anything starting with
``_`` is refused before compiling, with the line. HTML output is always escaped: ``| safe``
and ``{% autoescape false %}`` are refused, so no merge field can add markup, and the
markup of a message comes only from the template text itself — which is what lets
:mod:`.footer` close every element the template leaves open before appending the footer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from . import footer as footer_mod
from .template_sandbox import (
    BUDGET,
    HTML_ENV,
    MAX_OUTPUT,
    TEXT_ENV,
    Budget,
    TemplateLimit,
    too_long,
    with_limits,
)
from .template_source import SourceError, prepare_html, text_source_from_html

BUILTIN_FIELDS = ("email", "name", "first_name", "last_name")
CONTEXT_NAMES = frozenset({"contact", "business_name", "preheader", "unsubscribe_url"})
_DEFAULT_FILTERS = frozenset({"default", "d"})
_NOT_AVAILABLE = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
# Statements that can make the markup differ between recipients (expressions cannot: escaped).
_DYNAMIC = (nodes.If, nodes.For, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.Block)


_TAGS = re.compile(r"<[^<>]*>?")
# Where a merge field, condition or loop sits in the HTML source (text a recipient's data can change).
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_INSERTION = "\ue000"
_QUOTED = re.compile(r"\"[^\"<>]*\"|'[^'<>]*'")


class TemplateError(ValueError):
    """A template that cannot be compiled or rendered. The message says which part and line."""


class MergeContact:
    """What ``contact`` is inside a template: attribute and item access to the merge values,
    nothing else (a dict would also expose ``contact.items`` and friends)."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any]):
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __str__(self) -> str:
        return str(self._values.get("email", ""))


def merge_values(email: str, name: str, fields: Mapping[str, Any] | None) -> dict[str, Any]:
    """The values a template sees as ``contact.*`` for one contact."""
    values: dict[str, Any] = {str(k): ("" if v is None else v) for k, v in (fields or {}).items()}
    words = (name or "").split(None, 1)
    values.setdefault("first_name", words[0] if words else "")
    values.setdefault("last_name", words[1].strip() if len(words) > 1 else "")
    values["email"] = email
    values["name"] = name or ""
    return values




@dataclass
class FieldUsage:
    """Merge fields a template uses. ``required`` is True when some use has no default."""

    fields: dict[str, bool] = field(default_factory=dict)
    unknown_names: set[str] = field(default_factory=set)
    dynamic: bool = False

    def add(self, name: str, required: bool) -> None:
        self.fields[name] = self.fields.get(name, False) or required

    def merge(self, other: FieldUsage) -> None:
        for name, req in other.fields.items():
            self.add(name, req)
        self.unknown_names |= other.unknown_names
        self.dynamic = self.dynamic or other.dynamic

    def unknown_fields(self, known: set[str] | frozenset[str]) -> list[str]:
        """Fields used without a default that are neither built in nor in ``known``."""
        builtin = set(BUILTIN_FIELDS)
        return sorted(n for n, req in self.fields.items() if req and n not in builtin and n not in known)


def _parents(root: nodes.Node) -> dict[int, nodes.Node]:
    out: dict[int, nodes.Node] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in node.iter_child_nodes():
            out[id(child)] = node
            stack.append(child)
    return out


def _is_optional(node: nodes.Node, parents: dict[int, nodes.Node]) -> bool:
    """True when this use of a field has a fallback: ``| default``, a test, or an if-condition."""
    child = node
    parent = parents.get(id(child))
    while parent is not None:
        if isinstance(parent, nodes.Filter) and parent.name in _DEFAULT_FILTERS and parent.node is child:
            return True
        if isinstance(parent, nodes.Test):
            return True
        if isinstance(parent, (nodes.If, nodes.CondExpr)) and parent.test is child:
            return True
        if isinstance(parent, nodes.Stmt) and not isinstance(parent, nodes.If):
            return False
        child, parent = parent, parents.get(id(parent))
    return False


def _analyse(part: str, ast: nodes.Template, html: bool) -> FieldUsage:
    usage = FieldUsage()
    for node in ast.find_all(_NOT_AVAILABLE):
        raise TemplateError(f"{part}, line {node.lineno}: including or extending other templates is not available")
    for node in ast.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            raise TemplateError(f"{part}, line {node.lineno}: '{node.attr}' is not allowed in templates "
                                "(names starting with '_' are blocked by the sandbox)")
    for node in ast.find_all(nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
            raise TemplateError(f"{part}, line {node.lineno}: '{node.arg.value}' is not allowed in templates "
                                "(names starting with '_' are blocked by the sandbox)")
    if html:
        for node in ast.find_all(nodes.Filter):
            if node.name == "safe":
                raise TemplateError(f"{part}, line {node.lineno}: '| safe' is not allowed: merge fields are "
                                    "always escaped in HTML so they cannot change the message's markup")
        for node in ast.find_all(nodes.EvalContextModifier):
            raise TemplateError(f"{part}, line {node.lineno}: '{{% autoescape %}}' is not allowed: HTML "
                                "output is always escaped")
    parents = _parents(ast)
    for node in ast.find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if not (isinstance(target, nodes.Name) and target.name == "contact"):
            continue
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node.arg, nodes.Const):
            name = str(node.arg.value)
        else:
            continue
        usage.add(name, not _is_optional(node, parents))
    usage.unknown_names = set(meta.find_undeclared_variables(ast)) - CONTEXT_NAMES
    usage.dynamic = any(True for _ in ast.find_all(_DYNAMIC))
    return usage


def _compile(env: ImmutableSandboxedEnvironment, part: str, source: str, html: bool):
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{part}, line {exc.lineno}: {exc.message}") from None
    usage = _analyse(part, ast, html)
    try:
        return env.from_string(with_limits(ast)), usage
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{part}, line {exc.lineno}: {exc.message}") from None


@dataclass(frozen=True)
class TemplateSource:
    subject: str
    html: str = ""
    source_format: str = "html"   # 'html' or 'markdown'
    text: str = ""                # empty: generated from the HTML
    preheader: str = ""


@dataclass(frozen=True)
class RenderedContent:
    """One recipient's content before the footer: ``html`` has every element it opened closed."""

    subject: str
    preheader: str
    html: str
    text: str


class CompiledTemplate:
    def __init__(self, source: TemplateSource):
        try:
            self.html_source = prepare_html(source.html, source.source_format)
        except SourceError as exc:
            raise TemplateError(f"HTML body, {exc}") from None
        self.text_generated = not source.text.strip()
        self.text_source = text_source_from_html(self.html_source) if self.text_generated else source.text
        self._subject, u_subject = _compile(TEXT_ENV, "subject", source.subject, False)
        self._preheader, u_pre = _compile(TEXT_ENV, "preheader", source.preheader, False)
        self._html, u_html = _compile(HTML_ENV, "HTML body", self.html_source, True)
        self._text, u_text = _compile(TEXT_ENV, "text body", self.text_source, False)
        self.usage = FieldUsage()
        for u in (u_subject, u_pre, u_html, u_text):
            self.usage.merge(u)
        # Subject and preheader without merge fields are rendered once, not per recipient.
        self._subject_text = self._static_text(self._subject, u_subject, source.subject)
        self._preheader_text = self._static_text(self._preheader, u_pre, source.preheader)
        # Merge fields are escaped, so the markup (and what is left open) changes from one
        # recipient to the next only when the template has conditions or loops — or when a
        # field or condition sits inside a tag name, a bare attribute or a comment, where its
        # text can end or start markup ('<b{{ contact.name }}'); then each message is checked.
        self._closers: str | None = None
        self._closer_cache: dict[str, str] = {}
        self._closers_per_message = not footer_mod.insertions_are_inert(
            _JINJA.sub(_INSERTION, self.html_source), _INSERTION)
        if not u_html.dynamic and not self._closers_per_message:
            sample = _render(self._html, self._context(merge_values("a@example.com", "A", {}), {}), "HTML body")
            self._closers = footer_mod.closing_markup(sample)

    def _static_text(self, template, usage: FieldUsage, source: str) -> str | None:
        if "{" in source and (usage.fields or usage.dynamic or usage.unknown_names or "{{" in source):
            return None
        return _render(template, self._context({}, {}), "subject" if template is self._subject else "preheader")

    def _dynamic_closers(self, html: str) -> str:
        """Closers for a template with conditions or loops, cached by the output's markup.

        Escaped merge values hold no '<', '>' or quotes, so two outputs whose tags (with quoted
        attribute values blanked) are equal were tokenized alike and need the same closers."""
        if self._closers_per_message:
            return footer_mod.closing_markup(html)
        key = _QUOTED.sub('""', "".join(_TAGS.findall(html)))
        found = self._closer_cache.get(key)
        if found is None:
            found = footer_mod.closing_markup(html)
            if len(self._closer_cache) >= 256:
                self._closer_cache.clear()
            self._closer_cache[key] = found
        return found

    @staticmethod
    def _context(values: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
        ctx = {"business_name": "", "preheader": "", "unsubscribe_url": ""}
        ctx.update(extra)
        ctx["contact"] = MergeContact(values)
        return ctx

    def render(self, values: Mapping[str, Any], extra: Mapping[str, Any] | None = None) -> RenderedContent:
        """Render for one contact (``values`` from :func:`merge_values`)."""
        ctx = self._context(values, extra or {})
        subject = self._subject_text
        if subject is None:
            subject = _render(self._subject, ctx, "subject")
        preheader = self._preheader_text
        if preheader is None:
            preheader = _render(self._preheader, ctx, "preheader")
        ctx["preheader"] = preheader
        html = _render(self._html, ctx, "HTML body")
        text = _render(self._text, ctx, "text body")
        closers = self._closers if self._closers is not None else self._dynamic_closers(html)
        return RenderedContent(subject=subject, preheader=preheader, html=html + closers, text=text)


def _render(template: jinja2.Template, ctx: Mapping[str, Any], part: str) -> str:
    """One part rendered within the limits; any failure is a one-line :class:`TemplateError`."""
    token = BUDGET.set(Budget())
    try:
        out = template.render(ctx)
    except TemplateLimit as exc:
        raise TemplateError(f"{part}: {exc}") from None
    except SecurityError as exc:
        raise TemplateError(f"{part}: refused by the template sandbox: {exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{part}: {exc}") from None
    except OverflowError as exc:  # the sandbox's range limit, or a number too big for a float
        raise TemplateError(f"{part}: {exc}") from None
    except (TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        raise TemplateError(f"{part}: {type(exc).__name__}: {exc}") from None
    except MemoryError:
        raise TemplateError(f"{part}: {too_long()}") from None
    finally:
        BUDGET.reset(token)
    if len(out) > MAX_OUTPUT:
        raise TemplateError(f"{part}: {too_long()}")
    return out


def compile_template(source: TemplateSource) -> CompiledTemplate:
    """Compile (raises :class:`TemplateError` with part and line on any problem)."""
    return CompiledTemplate(source)
