"""GUI tests collect Python garbage on the GUI thread only, as the application does
(mailer_desktop/ui/gc.py): a collection in a worker thread could destroy Qt objects there."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def main_thread_gc(qapp):
    from mailer_desktop.ui.gc import MainThreadGarbageCollector

    collector = MainThreadGarbageCollector(interval_ms=200)
    yield collector
    collector.stop()
