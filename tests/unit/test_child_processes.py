"""Helper processes die with the process that started them, also when it is killed while they start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "support" / "orphan_parent.py"
ROOT = Path(__file__).resolve().parents[2]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
@pytest.mark.parametrize("child_delay, kill_after", [(1.5, 0.5), (0.0, 1.5)],
                         ids=["killed-while-the-child-starts", "killed-later"])
def test_a_child_never_outlives_its_killed_parent(child_delay, kill_after):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    parent = subprocess.Popen([sys.executable, str(SCRIPT), str(child_delay)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=env)
    child = int(parent.stdout.readline())
    time.sleep(kill_after)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    end = time.monotonic() + child_delay + 10
    while _alive(child) and time.monotonic() < end:
        time.sleep(0.05)
    alive = _alive(child)
    if alive:
        os.kill(child, signal.SIGKILL)
    parent.stdout.close()
    assert not alive, "the child outlived its parent"
