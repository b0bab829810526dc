"""Screenshots of every main page with the demo data, for the README.

Run through ./scripts/screenshots (which starts Xvfb); writes docs/screenshots/*.png.
``./scripts/screenshots --size 1024x700 --out /tmp/shots --all-dark`` looks at a smaller window
(every page in light and dark) without touching the README's pictures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from mailer_desktop.services.demo import open_demo
from mailer_desktop.ui.main_window import MainWindow
from mailer_desktop.ui.theme import apply_theme

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "import" / "mailchimp.csv"
PAGES = ("dashboard", "contacts", "suppression", "templates", "campaigns", "sandbox", "inbox", "settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1400x860", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--all-dark", action="store_true", help="every page in the dark theme too")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    width, height = (int(x) for x in args.size.lower().split("x"))
    qt = QApplication(sys.argv[:1])
    apply_theme(qt, "light")
    app = open_demo()
    window = MainWindow(app)
    window.resize(width, height)
    window.show()
    steps = [(page, "light") for page in PAGES]
    steps += [(page, "dark") for page in PAGES] if args.all_dark else [("dashboard", "dark")]

    def shoot(i: int = 0) -> None:
        if i >= len(steps):
            apply_theme(qt, "light")
            shoot_wizard()
            return
        page, theme = steps[i]
        apply_theme(qt, theme)
        shown = window.show_page(page)
        if page == "contacts":  # show one person's consent trail
            shown.table.selectRow(1)

        def grab() -> None:
            name = page if theme == "light" else f"{page}-{theme}"
            window.grab().save(str(out / f"{name}.png"))
            print(out / f"{name}.png")
            shoot(i + 1)

        QTimer.singleShot(700, grab)

    def shoot_wizard() -> None:
        """The import wizard's mapping step with a Mailchimp export (a test fixture)."""
        from mailer_desktop.ui.dialogs.import_wizard import MAPPING, ImportWizard

        wizard = ImportWizard(window.ctx, FIXTURE, parent=window)
        wizard.resize(900, 600)
        wizard.show()

        def mapping() -> None:
            wizard.go_next()
            QTimer.singleShot(500, grab)

        def grab() -> None:
            if wizard.page == MAPPING:
                wizard.grab().save(str(out / "import-mapping.png"))
                print(out / "import-mapping.png")
            wizard.close()
            shoot_block_editor()

        QTimer.singleShot(1500, mapping)

    def shoot_block_editor() -> None:
        """The composer with the Newsletter starter in the block editor, a text block selected."""
        from mailer_desktop.services.compose.templates import starter_templates
        from mailer_desktop.ui.dialogs.composer import ComposerDialog

        starter = next(s for s in starter_templates() if s.key == "newsletter")
        composer = ComposerDialog(window.ctx, starter=starter, parent=window)
        composer.resize(1200, 780)
        composer.show()
        composer.block_editor.list.setCurrentRow(2)

        def grab() -> None:
            composer.grab().save(str(out / "block_editor.png"))
            print(out / "block_editor.png")
            composer.close()
            shoot_setup()

        QTimer.singleShot(1500, grab)

    def shoot_setup() -> None:
        """The set-up assistant's account page, signing in by browser (Gmail)."""
        from mailer_desktop.ui.dialogs.setup_assistant import SetupAssistant

        assistant = SetupAssistant(window.ctx, parent=window)
        assistant.show()
        assistant.next()
        assistant.sending.use_account.setChecked(True)

        def grab() -> None:
            assistant.grab().save(str(out / "setup-account.png"))
            print(out / "setup-account.png")
            assistant.reject()
            qt.quit()

        QTimer.singleShot(1500, grab)

    QTimer.singleShot(800, shoot)
    code = qt.exec()
    app.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
