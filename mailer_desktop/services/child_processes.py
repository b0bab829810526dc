"""Helper processes (import checking, message rendering) started with 'spawn'.

'spawn' (never 'fork': the GUI process has threads) normally imports the program's main module
again in every child. What the children run lives in this package, so :func:`main_module_hidden`
keeps the main module out of that: a script that calls the services without an
``if __name__ == "__main__"`` guard would otherwise run again, send or import and all, in each child.
"""

from __future__ import annotations

import contextlib
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
