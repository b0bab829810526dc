"""Packaging: the wheel carries every runtime resource; desktop metadata validates."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.mailer_desktop.MailerDesktop"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    if proc.returncode != 0 and "No module named build" in proc.stderr:
        pytest.skip("the 'build' package is not installed (it is in the test extra)")
    assert proc.returncode == 0, proc.stderr[-2000:]
    (path,) = out.glob("*.whl")
    return path


def test_wheel_contains_every_runtime_resource(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "mailer_desktop"
    expected = [
        p.relative_to(ROOT).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc",)
    ]
    missing = [name for name in expected if name not in names]
    assert missing == [], f"not in the wheel: {missing[:10]}"
    assert any(n.endswith("storage/migrations/0001_initial.sql") for n in names)
    assert any(n.endswith("resources/icons/mailer-desktop.svg") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "mailer-desktop-cli = mailer_desktop.cli:main" in text
    assert "[gui_scripts]" in text and "mailer-desktop = mailer_desktop.__main__:main" in text


def test_appstream_metainfo_validates():
    tool = shutil.which("appstreamcli")
    if tool is None:
        pytest.skip("appstreamcli is not installed (Debian package appstream)")
    proc = subprocess.run([tool, "validate", "--no-net", str(PACKAGING / f"{APP_ID}.metainfo.xml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_desktop_file_validates_and_names_the_icon():
    desktop = PACKAGING / f"{APP_ID}.desktop"
    text = desktop.read_text()
    assert f"Icon={APP_ID}" in text and "Exec=mailer-desktop" in text
    icon = ROOT / "mailer_desktop" / "resources" / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"
    assert icon.is_file()
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        pytest.skip("desktop-file-validate is not installed (Debian package desktop-file-utils)")
    proc = subprocess.run([tool, str(desktop)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_gui_starts_headless(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "mailer_desktop", "--home", str(tmp_path / "data"), "--smoke-test"],
        capture_output=True, text=True, timeout=120, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "started: Mailer Desktop" in proc.stdout
    assert (tmp_path / "data" / "mailer-desktop.sqlite3").is_file()
