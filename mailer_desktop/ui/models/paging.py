"""The page cache behind every windowed table model.

A model over a big table asks for rows in pages of ``page_size`` only when the view shows
them, and keeps the ``max_pages`` most recently used pages; nothing else is held in memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PageCache(Generic[T]):
    def __init__(self, fetch: Callable[[int, int], list[T] | None], page_size: int = 200, max_pages: int = 20):
        self._fetch = fetch  # (offset, limit) -> rows, or None: not now
        self.page_size = page_size
        self.max_pages = max_pages
        self._pages: OrderedDict[int, list[T]] = OrderedDict()

    def page(self, number: int) -> list[T]:
        """The rows of page ``number``; a fetch may answer None for "not now" (the page shows
        blank and is asked for again later)."""
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number * self.page_size, self.page_size)
            if page is None:
                return []
            self._pages[number] = page
            while len(self._pages) > self.max_pages:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def put(self, number: int, rows: list[T]) -> None:
        """Hold page ``number``, read elsewhere."""
        self._pages[number] = rows
        self._pages.move_to_end(number)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)

    def peek(self, number: int) -> list[T] | None:
        """Page ``number`` if it is held, without reading it."""
        return self._pages.get(number)

    def row(self, row: int) -> T | None:
        page = self.page(row // self.page_size)
        offset = row % self.page_size
        return page[offset] if offset < len(page) else None

    def clear(self) -> None:
        self._pages.clear()

    def cached_rows(self) -> int:
        return sum(len(p) for p in self._pages.values())
