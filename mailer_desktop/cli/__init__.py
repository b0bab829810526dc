"""``mailer-desktop-cli``: headless commands over the same services as the GUI."""

from __future__ import annotations

import sys
from typing import Any

from .. import __version__
from .base import Cli, CliError, Context

__all__ = ["build", "main", "Cli", "CliError", "Context"]

# Each module here has register(cli). Add new command modules to this tuple, and their commands
# to COMMANDS below (tests/unit/test_cli_lazy.py keeps the two in step).
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

# The first word of a command line → (its help in the command list, the modules that register
# it). A run imports only the modules of the command it was given: the rest (and the services
# they use) never load, so ``--help`` and small commands start quickly.
COMMANDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "doctor": ("check the data folder, database, keyring and Qt", ("doctor",)),
    "sender": ("sender commands", ("sender",)),
    "campaign": ("campaign commands", ("campaign", "campaign_send")),
    "backup": ("backup commands", ("backup",)),
    "keys": ("keys commands", ("backup",)),
    "contacts": ("contacts commands", ("contacts", "contacts_import")),
    "suppress": ("suppress commands", ("contacts",)),
    "account": ("account commands", ("account",)),
    "sandbox": ("sandbox commands", ("sandbox",)),
    "confirmations": ("confirmations commands", ("confirmations",)),
    "inbox": ("inbox commands", ("inbox",)),
}


def build(command: str | None = None) -> Cli:
    """The whole parser; with ``command``, only what that command needs (every other command is
    listed by name, so the usage text and "invalid choice" messages stay the same)."""
    import importlib

    cli = Cli("mailer-desktop-cli", __version__)
    if command is None:
        modules = COMMAND_MODULES
    else:
        wanted = COMMANDS.get(command, ("", ()))[1]
        modules = tuple(name for name in COMMAND_MODULES if name in wanted)
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(cli)
    if command is not None:
        for name, (help_text, _) in COMMANDS.items():
            cli.placeholder(name, help_text)
    return cli


def command_word(argv: list[str]) -> str | None:
    """The command a command line names: its first word that is not an option (or ``--home``'s
    value); None when it names none."""
    words = iter(argv)
    for word in words:
        if word == "--home":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: list[str] | None = None, **ctx_kwargs: Any) -> int:
    argv = argv if argv is not None else sys.argv[1:]
    return build(command_word(argv) or "").run(argv, **ctx_kwargs)


if __name__ == "__main__":
    sys.exit(main())
