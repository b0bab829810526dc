"""Icons shipped in mailer_desktop/resources/icons."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QIcon

from .. import APP_ID


def app_icon() -> QIcon:
    icons = resources.files("mailer_desktop") / "resources" / "icons"
    icon = QIcon(str(icons / "mailer-desktop.svg"))
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = icons / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon
