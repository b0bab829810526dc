"""GUI entry point: ``mailer-desktop`` / ``python -m mailer_desktop``."""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mailer-desktop", description="Mailer Desktop")
    parser.add_argument("--home", metavar="DIR", help="data folder (default: the platform's data folder)")
    args, _qt_args = parser.parse_known_args(argv)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from . import APP_NAME, __version__
    from .services.app import open_app
    from .storage import DatabaseError

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName(APP_NAME)
    qt_app.setApplicationVersion(__version__)
    qt_app.setOrganizationName(APP_NAME)
    try:
        app = open_app(args.home)
    except DatabaseError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    if not app.secrets.available():
        try:
            app.secrets.check()
        except Exception as exc:  # KeyringUnavailable: tell the user plainly, keep going read-only-ish
            QMessageBox.warning(None, APP_NAME, str(exc))

    from .ui.main_window import MainWindow

    window = MainWindow(app)
    window.show()
    code = qt_app.exec()
    app.close()
    return code


if __name__ == "__main__":
    sys.exit(main())
