"""Entry script for bundlers (PyInstaller): the same as ``python -m mailer_desktop``."""

import sys

from mailer_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
