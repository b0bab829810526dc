"""A parent whose child (started with 'spawn') takes ``delay`` seconds to call die_with_parent.

    python orphan_parent.py DELAY PIDFILE

Prints the child's pid on a line of its own, then waits; the test kills it before or after the
child's call, and the child must end either way.
"""

from __future__ import annotations

import multiprocessing
import sys
import time


def child(delay: float) -> None:
    time.sleep(delay)  # a slow start (imports, unpickling): the parent may be gone already
    from mailer_desktop.services.child_processes import die_with_parent

    die_with_parent()
    time.sleep(600)


if __name__ == "__main__":
    proc = multiprocessing.get_context("spawn").Process(target=child, args=(float(sys.argv[1]),), daemon=True)
    proc.start()
    print(proc.pid, flush=True)
    time.sleep(600)
