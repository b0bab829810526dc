"""Helper processes (import checking, message rendering) started with 'spawn'.

'spawn' (never 'fork': the GUI process has threads) normally imports the program's main module
again in every child. What the children run lives in this package, so :func:`main_module_hidden`
keeps the main module out of that: a script that calls the services without an
``if __name__ == "__main__"`` guard would otherwise run again, send or import and all, in each child.

A child must not outlive the process that started it (a killed import or send): each calls
:func:`die_with_parent` first thing. On Linux the kernel kills it when its parent goes
(``PR_SET_PDEATHSIG``); a parent already gone by then (it was killed while the child was
starting) is noticed at once; elsewhere a thread watches the parent and ends the child.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Iterator

_hiding = threading.Lock()


@contextlib.contextmanager
def main_module_hidden() -> Iterator[None]:
    """Start child processes inside this block."""
    with _hiding:
        main = sys.modules.get("__main__")
        saved = {name: getattr(main, name) for name in ("__spec__", "__file__") if hasattr(main, name)}
        try:
            if main is not None:
                main.__spec__ = None
                if "__file__" in saved:
                    del main.__file__
            yield
        finally:
            for name, value in saved.items():
                setattr(main, name, value)


def die_with_parent() -> None:
    """In a child process started by :mod:`multiprocessing`: end when the parent ends."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    if parent.pid is not None and os.getppid() != parent.pid:  # gone before the line above
        os._exit(1)
    threading.Thread(target=_exit_with, args=(parent.sentinel,), name="parent-watch", daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
