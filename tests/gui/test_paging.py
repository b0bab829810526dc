"""The page cache behind the windowed table models."""

from __future__ import annotations

from mailer_desktop.ui.models.paging import PageCache


def test_fetches_pages_on_demand_and_keeps_the_most_recent():
    calls = []

    def fetch(offset, limit):
        calls.append(offset)
        return list(range(offset, min(offset + limit, 95)))

    cache = PageCache(fetch, page_size=10, max_pages=3)
    assert cache.row(0) == 0 and cache.row(9) == 9 and calls == [0]
    assert cache.row(94) == 94 and cache.row(95) is None  # past the end of the last page
    cache.row(10)
    cache.row(20)
    assert cache.cached_rows() == 25  # pages 90, 10, 20 (page 0 dropped as least recently used)
    cache.row(0)
    assert calls == [0, 90, 10, 20, 0]
    cache.clear()
    assert cache.cached_rows() == 0
