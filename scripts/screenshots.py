"""Screenshots of every main page with the demo data, for the README.

Run through ./scripts/screenshots (which starts Xvfb); writes docs/screenshots/*.png.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mailer_desktop.services.demo import open_demo
from mailer_desktop.ui.main_window import MainWindow
from mailer_desktop.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
PAGES = ("dashboard", "contacts", "templates", "campaigns", "sandbox", "inbox", "settings")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    qt = QApplication(sys.argv[:1])
    apply_theme(qt, "light")
    app = open_demo()
    window = MainWindow(app)
    window.resize(1400, 860)
    window.show()
    steps = [(page, "light") for page in PAGES] + [("dashboard", "dark")]

    def shoot(i: int = 0) -> None:
        if i >= len(steps):
            qt.quit()
            return
        page, theme = steps[i]
        apply_theme(qt, theme)
        shown = window.show_page(page)
        if page == "contacts":  # show one person's consent trail
            shown.table.selectRow(1)

        def grab() -> None:
            name = page if theme == "light" else f"{page}-{theme}"
            window.grab().save(str(OUT / f"{name}.png"))
            print(OUT / f"{name}.png")
            shoot(i + 1)

        QTimer.singleShot(700, grab)

    QTimer.singleShot(800, shoot)
    code = qt.exec()
    app.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
