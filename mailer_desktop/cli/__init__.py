"""``mailer-desktop-cli``: headless commands over the same services as the GUI (DESIGN.md §4)."""

from __future__ import annotations

import sys
from typing import Any

from .. import __version__
from .base import Cli, CliError, Context

__all__ = ["build", "main", "Cli", "CliError", "Context"]

# Each module here has register(cli). Add new command modules to this tuple.
COMMAND_MODULES = (
    "doctor",
    "sender",
    "campaign",
    "backup",
    "contacts",
    "account",
    "campaign_send",
    "sandbox",
    "confirmations",
    "inbox",
    "contacts_import",
)


def build() -> Cli:
    import importlib

    cli = Cli("mailer-desktop-cli", __version__)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(cli)
    return cli


def main(argv: list[str] | None = None, **ctx_kwargs: Any) -> int:
    return build().run(argv if argv is not None else sys.argv[1:], **ctx_kwargs)


if __name__ == "__main__":
    sys.exit(main())
