"""Packaging: a wheel built from a fresh clone carries every runtime resource and, installed, finds
them; the desktop metadata validates."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESKTOP = ROOT / "resources" / "desktop"
APP_ID = "io.github.mailer_desktop.MailerDesktop"


def _build_wheel(source: Path, out: Path) -> subprocess.CompletedProcess:
    """A wheel of SOURCE without the network: `python -m build` (the test extra), else pip."""
    if importlib.util.find_spec("build") is not None:
        cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)]
    elif importlib.util.find_spec("pip") is not None:
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
               "--wheel-dir", str(out), str(source)]
    else:
        pytest.skip("neither 'build' (in the test extra) nor pip is installed: no way to build a wheel")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the committed tree: what a user or CI checks out, without stray local files."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout (or git is missing): nothing to clone")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    path = tmp_path_factory.mktemp("clone") / "mailer-desktop"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "--quiet", head], check=True)
    return path


@pytest.fixture(scope="module")
def wheel(clone, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _build_wheel(clone, out)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
    (path,) = out.glob("*.whl")
    return path


def _tracked(clone: Path, folder: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(clone), "ls-files", "--", folder], capture_output=True, text=True,
                         check=True).stdout
    return out.split()


def test_wheel_contains_every_runtime_resource(clone, wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    # mailer_desktop/ goes in as it is; the top-level resources/ goes in as mailer_desktop/resources/.
    expected = _tracked(clone, "mailer_desktop") + ["mailer_desktop/" + n for n in _tracked(clone, "resources")]
    assert any(n.startswith("mailer_desktop/resources/lists/") for n in expected)
    missing = [name for name in expected if name not in names]
    assert missing == [], f"not in the wheel: {missing[:10]}"
    assert "mailer_desktop/storage/migrations/0001_initial.sql" in names
    for name in ("mailer_desktop/resources/__init__.py", "mailer_desktop/resources/icons/mailer-desktop.svg",
                 "mailer_desktop/resources/lists/disposable_domains.txt",
                 "mailer_desktop/resources/templates/newsletter.json", "mailer_desktop/resources/demo/demo.json",
                 f"mailer_desktop/resources/desktop/{APP_ID}.desktop",
                 f"mailer_desktop/resources/desktop/{APP_ID}.metainfo.xml"):
        assert name in names
    assert not any(n.startswith("resources/") or "__pycache__" in n for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "mailer-desktop-cli = mailer_desktop.cli:main" in text
    assert "[gui_scripts]" in text and "mailer-desktop = mailer_desktop.__main__:main" in text


# Run by the installed program's interpreter: each kind of resource found through the package's loader.
_LOAD_RESOURCES = f"""
import json, sys
from pathlib import Path
import mailer_desktop, mailer_desktop.resources as resources
from mailer_desktop.domain.importing import cleaning
from mailer_desktop.services import demo
from mailer_desktop.services.compose import templates
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication
from mailer_desktop.ui import icons

app = QApplication([])
icon = icons.app_icon()
print(json.dumps({{
    "package": mailer_desktop.__file__, "resources": resources.__file__,
    "disposable": "mailinator.com" in cleaning.disposable_domains(),
    "typo": cleaning.domain_typos().get("gmial.com"),
    "role": "info" in cleaning.role_locals(),
    "starters": sorted(s.key for s in templates.starter_templates()),
    "icon": not icon.isNull() and not icon.pixmap(64).isNull(),
    "icon_pngs": sum(resources.locate("icons", "hicolor", f"{{n}}x{{n}}", "apps", "{APP_ID}.png").is_file()
                     for n in (16, 24, 32, 48, 64, 128, 256, 512)),
    "page_icon": not icons.page_icon("inbox", QColor("black"), QColor("white")).isNull(),
    "demo_people": len(demo.PEOPLE), "demo_pending": len(demo.PENDING), "demo_text": "Christmas" in demo.WINTER_HTML,
    "desktop": resources.locate("desktop", "{APP_ID}.desktop").is_file(),
    "metainfo": resources.locate("desktop", "{APP_ID}.metainfo.xml").is_file(),
}}))
"""


def test_installed_wheel_finds_its_resources(wheel, tmp_path):
    """The wheel installed into a new venv (no network: --no-deps, the dependencies come from this
    test's own environment, after the venv's own site-packages) finds every kind of resource."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                           "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    own = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              capture_output=True, text=True, check=True).stdout.strip())
    # A plain path in a .pth: the test environment's packages without its .pth files (so without
    # the editable install of this checkout).
    ours = dict.fromkeys((sysconfig.get_path("purelib"), sysconfig.get_path("platlib")))
    (own / "zz_test_dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([str(python), "-I", "-c", _LOAD_RESOURCES], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    # the installed copy, not this checkout
    assert Path(found["package"]).is_relative_to(own) and Path(found["resources"]).is_relative_to(own)
    assert Path(found["resources"]) == own / "mailer_desktop" / "resources" / "__init__.py"
    assert found["disposable"] and found["typo"] == "gmail.com" and found["role"]
    assert found["starters"] == ["announcement", "letter", "newsletter"]
    assert found["icon"] and found["icon_pngs"] == 8 and found["page_icon"]
    assert found["demo_people"] > 30 and found["demo_pending"] > 0 and found["demo_text"]
    assert found["desktop"] and found["metainfo"]


def test_appstream_metainfo_validates():
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian package appstream)")
    proc = subprocess.run([tool, "validate", "--no-net", str(DESKTOP / f"{APP_ID}.metainfo.xml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_desktop_file_validates_and_names_the_icon():
    desktop = DESKTOP / f"{APP_ID}.desktop"
    text = desktop.read_text()
    assert f"Icon={APP_ID}" in text and "Exec=mailer-desktop" in text
    icon = ROOT / "resources" / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"
    assert icon.is_file()
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian package desktop-file-utils)")
    proc = subprocess.run([tool, str(desktop)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gui_starts_headless(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mailer_desktop", "--home", str(tmp_path / "data"), "--smoke-test"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "started: Mailer Desktop" in proc.stdout
    assert (tmp_path / "data" / "mailer-desktop.sqlite3").is_file()
