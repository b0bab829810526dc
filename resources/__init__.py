"""The files the program ships, and the one place that finds them.

This folder is installed as the package ``mailer_desktop.resources`` (setup.py maps it), so a
checkout, an editable install, a wheel and the PyInstaller bundle all find the files the same
way, through importlib.resources:

- ``icons/``      the app icon (SVG source, PNGs rendered by packaging/make_icons.py), page icons
- ``templates/``  the starter templates (block documents in JSON)
- ``lists/``      role mailboxes, disposable domains, popular domains and their common typos
- ``demo/``       the ``--demo`` data: business, people, the texts of its two campaigns
- ``desktop/``    the .desktop file and the AppStream metainfo
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def locate(*parts: str) -> Traversable:
    """The shipped file or folder at PARTS (e.g. ``locate("icons", "pages", "inbox.svg")``);
    it may not exist, ask ``is_file()``. In every installed form it is a real file on disk."""
    found = resources.files(__name__)
    for part in parts:
        found = found / part
    return found


def read_text(*parts: str) -> str:
    """A shipped text file (UTF-8)."""
    return locate(*parts).read_text(encoding="utf-8")


def list_lines(name: str) -> list[str]:
    """The entries of a list in lists/: one per line, without blank lines and ``#`` comments."""
    lines = (ln.strip() for ln in read_text("lists", name).splitlines())
    return [ln for ln in lines if ln and not ln.startswith("#")]
