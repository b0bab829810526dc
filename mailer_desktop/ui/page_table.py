"""The window's pages, in sidebar order (key, title, class, shortcut), and the mapping that
builds each page the first time it is asked for.

A page's module is imported when the page is first built, not at start-up: each entry holds a
function that imports the page's class and returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    page_class: Callable[[], type[QWidget]]  # imports the page's module when first shown
    shortcut: str


# The other pages are built after the window shows: first after this pause, then one by one.
PAGE_BUILD_DELAY_MS = 400
PAGE_BUILD_GAP_MS = 30

class LazyPages(Mapping):
    """The window's pages by key; a page is built the first time it is asked for."""

    def __init__(self, build: Callable[[str], QWidget]):
        self._build = build
        self._built: dict[str, QWidget] = {}

    def __getitem__(self, key: str) -> QWidget:
        page = self._built.get(key)
        if page is None:
            if all(spec.key != key for spec in PAGES):
                raise KeyError(key)
            page = self._built[key] = self._build(key)
        return page

    def __iter__(self) -> Iterator[str]:
        return iter([spec.key for spec in PAGES])

    def __len__(self) -> int:
        return len(PAGES)

    def is_built(self, key: str) -> bool:
        return key in self._built

    def built(self) -> list[QWidget]:
        return list(self._built.values())


# Each page's module is imported when the page is first built (start-up imports none of them).
def _dashboard() -> type[QWidget]:
    from .pages.dashboard import DashboardPage
    return DashboardPage


def _contacts() -> type[QWidget]:
    from .pages.contacts import ContactsPage
    return ContactsPage


def _suppression() -> type[QWidget]:
    from .pages.suppression import SuppressionPage
    return SuppressionPage


def _templates() -> type[QWidget]:
    from .pages.templates import TemplatesPage
    return TemplatesPage


def _campaigns() -> type[QWidget]:
    from .pages.campaigns import CampaignsPage
    return CampaignsPage


def _sandbox() -> type[QWidget]:
    from .pages.sandbox import SandboxPage
    return SandboxPage


def _inbox() -> type[QWidget]:
    from .pages.inbox import InboxPage
    return InboxPage


def _settings() -> type[QWidget]:
    from .pages.settings import SettingsPage
    return SettingsPage


PAGES: tuple[PageSpec, ...] = (
    PageSpec("dashboard", "Overview", _dashboard, "Ctrl+1"),
    PageSpec("contacts", "Contacts", _contacts, "Ctrl+2"),
    PageSpec("suppression", "Suppression list", _suppression, "Ctrl+3"),
    PageSpec("templates", "Templates", _templates, "Ctrl+4"),
    PageSpec("campaigns", "Campaigns", _campaigns, "Ctrl+5"),
    PageSpec("sandbox", "Sandbox", _sandbox, "Ctrl+6"),
    PageSpec("inbox", "Inbox", _inbox, "Ctrl+7"),
    PageSpec("settings", "Settings", _settings, "Ctrl+,"),
)
