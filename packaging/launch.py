"""Entry script for bundlers (PyInstaller): the same as ``python -m mailer_desktop``."""

import multiprocessing
import sys

from mailer_desktop.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # big imports check rows in worker processes started from this program
    sys.exit(main())
