"""Python's cyclic garbage collector, run on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate; when that is a worker
thread and the garbage holds Qt objects (a closed dialog, a page's old model), Qt destroys
them off the GUI thread and the process can crash. So the GUI disables automatic collection
and collects from a timer on the GUI thread instead, with the interpreter's own thresholds.
The timer is short (100 ms): a collection's cost grows with what was allocated since the last
one, and a background job (a send, an import) allocates quickly.

A full collection walks every object in the process; in a started application (Qt wrappers,
modules, pages) that takes tens of milliseconds, a visible stall. Once the window is up,
:meth:`MainThreadGarbageCollector.settle` collects and moves what is alive into the permanent
generation (``gc.freeze``), so later full collections walk only what was made since: that
startup heap lives as long as the application anyway.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = 100):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        count0, count1, count2 = gc.get_count()
        if count0 > self.threshold[0]:
            gc.collect(0)
            if count1 > self.threshold[1]:
                gc.collect(1)
                if count2 > self.threshold[2]:
                    gc.collect(2)

    def settle(self) -> None:
        """Collect, then exempt everything alive now from later collections (call once the
        application has started)."""
        gc.collect()
        gc.freeze()

    def stop(self) -> None:
        """Collect once more here and give collection back to the interpreter."""
        self.timer.stop()
        gc.unfreeze()
        gc.collect()
        if self.was_enabled:
            gc.enable()
