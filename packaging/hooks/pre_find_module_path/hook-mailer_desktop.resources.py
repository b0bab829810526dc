"""PyInstaller: the package mailer_desktop.resources is the top-level resources/ folder (setup.py maps
it there), so the analysis looks for it in the repository's root, not in mailer_desktop/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def pre_find_module_path(api):
    api.search_dirs = [str(ROOT)]
