"""The command line loads only what the command it was given needs (cli.build, cli.COMMANDS)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from mailer_desktop import __version__, cli
from mailer_desktop.cli.base import Cli


def _registered_by(module: str) -> set[str]:
    one = Cli("mailer-desktop-cli", __version__)
    importlib.import_module(f"mailer_desktop.cli.{module}").register(one)
    return set(one._top.choices)


def test_the_command_table_names_every_module_that_registers_each_command():
    by_command: dict[str, set[str]] = {}
    for module in cli.COMMAND_MODULES:
        for command in _registered_by(module):
            by_command.setdefault(command, set()).add(module)
    assert {name: set(modules) for name, (_, modules) in cli.COMMANDS.items()} == by_command


def _sub_helps(parser) -> dict[tuple[str, ...], str]:
    """Every (sub)command's help text, keyed by its words."""
    found: dict[tuple[str, ...], str] = {}

    def walk(p, words):
        found[words] = p.format_help()
        for action in p._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for name, child in action.choices.items():
                    walk(child, (*words, name))

    walk(parser, ())
    return found


@pytest.mark.parametrize("command", sorted(cli.COMMANDS))
def test_a_command_parses_as_it_does_with_every_command_loaded(command):
    whole = _sub_helps(cli.build().parser)
    lazy = _sub_helps(cli.build(command).parser)
    mine = {words: text for words, text in whole.items() if words[:1] == (command,)}
    assert mine and {words: lazy[words] for words in mine} == mine


@pytest.mark.parametrize(("argv", "expected"), [
    (["contacts", "list"], "contacts"),
    (["--home", "/tmp/x", "--json", "inbox", "review"], "inbox"),
    (["--home=/tmp/x", "doctor"], "doctor"),
    (["--help"], None),
    ([], None),
])
def test_the_command_word_skips_options_and_the_home_folder(argv, expected):
    assert cli.command_word(argv) == expected


def _loaded_after(argv: list[str]) -> set[str]:
    code = ("import sys\nfrom mailer_desktop.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print(' '.join(m for m in sys.modules if m.startswith('mailer_desktop')), file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    return set(proc.stderr.split())


def test_help_loads_no_command_and_no_service():
    loaded = _loaded_after(["--help"])
    assert "mailer_desktop.cli" in loaded
    assert not {m for m in loaded if m.startswith("mailer_desktop.services.") and m != "mailer_desktop.services.progress"}
    assert not loaded & {f"mailer_desktop.cli.{m}" for m in cli.COMMAND_MODULES}


def test_a_wrong_command_is_refused_with_every_command_listed(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["bogus"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'bogus'" in err
    assert all(f"'{name}'" in err for name in cli.COMMANDS)


def test_listing_contacts_does_not_load_the_importer():
    loaded = _loaded_after(["--home", "/nonexistent-never-created", "contacts", "--help"])
    assert "mailer_desktop.cli.contacts_import" in loaded  # its subcommands are listed
    assert "mailer_desktop.services.importing" not in loaded
