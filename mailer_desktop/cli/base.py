"""The small framework under the command-line contract.

A command module defines ``register(cli: Cli)`` and adds its commands with :meth:`Cli.add`.
Handlers take ``(args, ctx)`` and return an exit code (None means 0). Bad input is reported by
raising :class:`CliError` with a one-line, specific message; the shell prints it and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from ..services.progress import Progress

if TYPE_CHECKING:
    from ..services.app import App


class CliError(Exception):
    """Bad input or a refused action; the message is printed as one line."""


@dataclass
class Context:
    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    keyring_backend: Any = None
    _app: App | None = None

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    @property
    def app(self) -> App:
        """The data folder, opened on first use (commands like ``inbox classify`` never open it)."""
        if self._app is None:
            from ..services.app import open_app

            self._app = open_app(getattr(self.args, "home", None), keyring_backend=self.keyring_backend)
        return self._app

    def emit(self, obj: Any) -> None:
        """One JSON document on one line."""
        self.out.write(json.dumps(obj, ensure_ascii=False, sort_keys=False) + "\n")

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def close(self) -> None:
        if self._app is not None:
            self._app.close()
            self._app = None


class StderrProgress(Progress):
    """Progress on one line of standard error, rewritten in place ("12,000/50,000 Sending")."""

    def __init__(self, stream: TextIO):
        super().__init__()
        self.stream = stream
        self._last = ""

    def update(self, done: int, total: int | None = None, text: str = "") -> None:
        count = f"{done:,}/{total:,}" if total else f"{done:,}"
        line = f"\r{count} {text}"
        if line != self._last:
            self.stream.write(line[:160].ljust(len(self._last)))
            self.stream.flush()
            self._last = line

    def finish(self) -> None:
        if self._last:
            self.stream.write("\n")
            self.stream.flush()


def progress_for(ctx: Context, quiet: bool = False) -> Progress:
    """Progress on standard error when a person watches it (a terminal, no --json/--quiet)."""
    if quiet or ctx.json or not ctx.err.isatty():
        return Progress()
    return StderrProgress(ctx.err)


Handler = Callable[[argparse.Namespace, Context], int | None]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (usage)
        self.exit(2, f"{self.prog}: error: {message}\n")


class Cli:
    def __init__(self, prog: str, version: str):
        self.common = argparse.ArgumentParser(add_help=False)
        self.common.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS,
                                 help="data folder (default: $MAILER_DESKTOP_HOME or the platform's data folder)")
        self.common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                                 help="print machine-readable JSON on stdout")
        self.parser = _Parser(prog=prog, parents=[self.common],
                              description="Mailer Desktop, without the window.")
        self.parser.add_argument("--version", action="version", version=f"%(prog)s {version}")
        self._top = self.parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
        self._groups: dict[str, argparse._SubParsersAction] = {}

    def add(self, group: str | None, name: str, handler: Handler, help: str,
            description: str | None = None) -> argparse.ArgumentParser:
        """Add ``mailer-desktop-cli [GROUP] NAME``; returns its parser for the options."""
        if group is None:
            parent = self._top
        else:
            parent = self._groups.get(group)
            if parent is None:
                gp = self._top.add_parser(group, help=f"{group} commands", parents=[self.common])
                parent = gp.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", parser_class=_Parser)
                parent.required = True
                self._groups[group] = parent
        p = parent.add_parser(name, help=help, description=description or help, parents=[self.common])
        p.set_defaults(handler=handler)
        return p

    def placeholder(self, name: str, help: str) -> None:
        """List ``name`` among the commands without building its options (see cli.build)."""
        if name not in self._top.choices:
            self._top.add_parser(name, help=help, parents=[self.common])

    def run(self, argv: list[str] | None, **ctx_kwargs: Any) -> int:
        args = self.parser.parse_args(argv)
        handler = getattr(args, "handler", None)
        if handler is None:
            self.parser.print_help(sys.stderr)
            return 2
        ctx = Context(args=args, **ctx_kwargs)
        try:
            code = handler(args, ctx)
        except CliError as exc:
            ctx.err.write(f"{self.parser.prog}: error: {exc}\n")
            return 1
        except KeyboardInterrupt:
            ctx.err.write(f"{self.parser.prog}: interrupted\n")
            return 130
        except Exception as exc:  # known failure classes carry user-facing messages
            from ..secrets import KeyringUnavailable
            from ..storage import DatabaseError
            if isinstance(exc, (DatabaseError, KeyringUnavailable)):
                ctx.err.write(f"{self.parser.prog}: error: {exc}\n")
                return 1
            raise
        finally:
            ctx.close()
        return int(code or 0)
