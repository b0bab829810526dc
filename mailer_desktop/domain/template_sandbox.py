"""The Jinja2 sandbox templates render in, and the limits of one rendering.

Every part of a message (subject, preheader, HTML, text) is rendered with a budget: the text it
makes (output, and strings built on the way) and the steps it takes (loop turns, calls). A
template that would pass them ('{{ "a" * 2000000000 }}', loops in loops) stops with one sentence.
"""

from __future__ import annotations

import functools
import re
import types
from contextvars import ContextVar
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from jinja2.utils import _PassArg

MAX_OUTPUT = 5_000_000          # characters of one rendered part
MAX_BUILT = 4 * MAX_OUTPUT      # characters of all strings and lists made while rendering it
MAX_STEPS = 200_000             # loop turns and calls while rendering it
BUDGET: ContextVar[Budget | None] = ContextVar("template_budget", default=None)
_FORMAT_WIDTH = re.compile(r"\d{7,}")


class TemplateLimit(Exception):
    """A rendering passed one of the limits above."""


class Budget:
    __slots__ = ("built", "steps")

    def __init__(self) -> None:
        self.built = 0
        self.steps = 0

    def step(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > MAX_STEPS:
            raise TemplateLimit(f"more than {MAX_STEPS:,} loop turns and calls; make the loops smaller")

    def build(self, size: int) -> None:
        self.built += size
        if self.built > MAX_BUILT:
            raise TemplateLimit(too_long())


def too_long() -> str:
    return f"the text made is longer than {MAX_OUTPUT:,} characters, the limit for one part of a message"


def _charge(value: Any) -> Any:
    budget = BUDGET.get()
    if budget is not None and isinstance(value, (str, list, tuple)):
        if len(value) > MAX_OUTPUT:
            raise TemplateLimit(too_long())
        budget.build(len(value))
    return value


def _check_size(size: int) -> None:
    if size > MAX_OUTPUT:
        raise TemplateLimit(too_long())


def _check_numbers(values) -> None:
    for value in values:
        if type(value) is int and abs(value) > MAX_OUTPUT:
            raise TemplateLimit(f"the number {value} is too big for a width, count or repetition in a template")
        if isinstance(value, str) and "%" in value and _FORMAT_WIDTH.search(value):
            raise TemplateLimit("a format with a width of millions of characters is not allowed in templates")


def _sized(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _guarded_filter(name: str, func):
    """A filter whose number arguments are checked and whose result is counted."""

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _check_numbers(args[1:])
        _check_numbers(kwargs.values())
        values = [a for a in args if isinstance(a, str)]
        if name == "replace" and len(values) >= 3:
            text, old, new = values[-3:]
            _check_size(len(text) + (len(text) // max(1, len(old)) + 1) * len(new))
        elif name == "indent" and values:
            width = next((a for a in [*args[2:], *kwargs.values()] if type(a) is int), 4)
            _check_size(len(values[0]) + values[0].count("\n") * max(width, len(next(iter(values[1:]), ""))))
        elif name == "join" and len(args) >= 2 and isinstance(args[-2 if len(args) > 2 else -1], (list, tuple)):
            items = args[-2 if len(args) > 2 else -1]
            _check_size(sum(map(_sized, items)) + len(items) * _sized(args[-1] if len(args) > 2 else ""))
        return _charge(func(*args, **kwargs))

    return guarded


def _loop_turns(iterable, body_text: int):
    """What a for loop iterates over, counted turn by turn (with the text its body adds)."""
    budget = BUDGET.get()
    if budget is None:
        yield from iterable
        return
    for item in iterable:
        budget.step()
        if body_text:
            budget.build(body_text)
        yield item


def _limited_concat(eval_ctx, items):
    joined = markup_join(items) if eval_ctx.autoescape else str_join(items)
    return _charge(joined)


_limited_concat.jinja_pass_arg = _PassArg.eval_context  # type: ignore[attr-defined]


class _LimitedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox with the budget: repetition, concatenation, formatting, filters and calls are
    checked before they run, and what they make is counted."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    _check_size(len(seq) * max(0, times))
        elif operator == "**":
            if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 \
                    and right * max(1, abs(left).bit_length()) > 64_000:
                raise TemplateLimit("a power too big for a template (a number of tens of thousands of digits)")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                _check_size(len(left) + len(right))
        elif operator == "%" and isinstance(left, str):
            _check_numbers([left, *(right if isinstance(right, tuple) else (right,))])
        return _charge(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (the sandbox's own signature)
        budget = BUDGET.get()
        if budget is not None:
            budget.step()
        if isinstance(__obj, (types.BuiltinFunctionType, types.BuiltinMethodType)) or __obj is safe_range \
                or hasattr(__obj, "__wrapped__"):
            _check_numbers(args)
            _check_numbers(kwargs.values())
            bound = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
            if isinstance(bound, str):
                name = getattr(__obj, "__name__", "")
                if name in ("format", "format_map"):
                    _check_numbers([bound.replace("{", "%{")])
                elif name == "replace" and len(args) >= 2 and isinstance(args[1], str):
                    _check_size(len(bound) + (len(bound) // max(1, len(str(args[0]))) + 1) * len(args[1]))
                elif name == "join" and args and isinstance(args[0], (list, tuple)):
                    _check_size(sum(map(_sized, args[0])) + len(args[0]) * len(bound))
        return _charge(super().call(__context, __obj, *args, **kwargs))


def _finalize(value: Any) -> Any:
    budget = BUDGET.get()
    if budget is not None and isinstance(value, str):
        budget.build(len(value))
    return value


def _environment(autoescape: bool) -> _LimitedSandbox:
    env = _LimitedSandbox(autoescape=autoescape, keep_trailing_newline=True, undefined=jinja2.Undefined,
                          finalize=_finalize)
    if autoescape:
        env.filters.pop("safe", None)
    env.filters = {name: _guarded_filter(name, func) for name, func in env.filters.items()}
    env.filters["loop_turns"] = _loop_turns
    env.filters["limited_concat"] = _limited_concat
    return env


def with_limits(ast: nodes.Template) -> nodes.Template:
    """Route every loop through the turn counter and every ``~`` through the size check."""
    for loop in ast.find_all(nodes.For):
        body_text = sum(len(d.data) for n in loop.body for d in n.find_all(nodes.TemplateData))
        body_text += sum(len(d.data) for d in loop.body if isinstance(d, nodes.TemplateData))
        loop.iter = nodes.Filter(loop.iter, "loop_turns", [nodes.Const(body_text)], [], None, None,
                                 lineno=loop.lineno)
    for parent in ast.find_all(nodes.Node):
        for name in parent.fields:
            value = getattr(parent, name, None)
            if isinstance(value, nodes.Concat):
                setattr(parent, name, _as_filter(value))
            elif isinstance(value, list):
                setattr(parent, name, [_as_filter(v) if isinstance(v, nodes.Concat) else v for v in value])
    return ast


def _as_filter(concat: nodes.Concat) -> nodes.Filter:
    return nodes.Filter(nodes.List(concat.nodes, lineno=concat.lineno), "limited_concat", [], [], None, None,
                        lineno=concat.lineno)


HTML_ENV = _environment(True)
TEXT_ENV = _environment(False)
