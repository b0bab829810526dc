"""The Qt binding the program runs on keeps Python's reference counts intact.

PySide6 6.12.0 frees a reference to True it does not own on every ``signal.emit()`` made from
Python, and one to None on every ``processEvents()``: after a few thousand of them (progress
updates of one import or one campaign) the interpreter aborts with "deallocating True or False".
pyproject.toml keeps that version out; this test catches a binding with the same fault.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    with_values = Signal(int, str, object)


def test_emitting_signals_and_processing_events_keep_reference_counts(qapp):
    emitter = _Emitter()
    heard = []
    emitter.plain.connect(lambda: heard.append(1))
    emitter.with_values.connect(lambda n, text, obj: heard.append(n))
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for n in range(300):
        emitter.plain.emit()
        emitter.with_values.emit(n, "x", None)
        qapp.processEvents()
    assert len(heard) == 600
    # 300 rounds: a faulty binding loses 300-600 references; allow a little unrelated churn
    assert sys.getrefcount(True) > true_before - 30
    assert sys.getrefcount(None) > none_before - 30
