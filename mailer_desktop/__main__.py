"""GUI entry point: ``mailer-desktop`` / ``python -m mailer_desktop``."""

from __future__ import annotations

import argparse
import sys


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="mailer-desktop", description="Mailer Desktop")
    parser.add_argument("--home", metavar="DIR", help="data folder (default: the platform's data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="open a throw-away data folder with sample contacts, templates and a sent campaign")
    parser.add_argument("--theme", choices=("system", "light", "dark"), help="override the appearance setting")
    parser.add_argument("--smoke-test", action="store_true",
                        help="open the window, print 'started' and quit (used to check builds)")
    args, _qt_args = parser.parse_known_args(argv)
    return args


def _quit_on_signals(qt_app, state: dict) -> None:
    """SIGTERM, SIGINT and SIGHUP (logging out, a service manager, Ctrl+C) quit like closing the
    window without questions: running work is cancelled (a send finishes or gives up its messages
    in flight and leaves the campaign paused) and waited for below."""
    import signal

    from PySide6.QtCore import QTimer

    def quit_now(signum, frame) -> None:
        for win in state.get("windows", []):
            win.jobs.cancel_all()
        qt_app.quit()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), quit_now)
    wake = QTimer(qt_app)  # Python runs signal handlers only when it gets control now and then
    wake.timeout.connect(lambda: None)
    wake.start(250)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from . import APP_ID, APP_NAME, __version__
    from .services.app import open_app, opening_note
    from .storage import DatabaseError
    from .ui.gc import MainThreadGarbageCollector
    from .ui.icons import app_icon

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName(APP_NAME)
    qt_app.setApplicationVersion(__version__)
    qt_app.setOrganizationName(APP_NAME)
    qt_app.setDesktopFileName(APP_ID)
    qt_app.setWindowIcon(app_icon())
    collector = MainThreadGarbageCollector(qt_app)  # lives as long as the application

    splash = None

    def close_splash() -> None:
        nonlocal splash
        if splash is not None:
            splash.close()
            splash = None

    def tell(kind: str, text: str) -> None:
        close_splash()  # a message must not sit behind the start-up card
        if args.smoke_test:  # no modal dialogs in unattended start checks
            print(f"{kind}: {text}", file=sys.stderr)
        elif kind == "error":
            QMessageBox.critical(None, APP_NAME, text)
        else:
            QMessageBox.warning(None, APP_NAME, text)

    note = None if args.demo else opening_note(args.home)
    if note:
        from PySide6.QtWidgets import QSplashScreen

        from .ui.icons import splash_pixmap

        # An upgrade of an older database, or the start-up check of a big one, takes some seconds.
        splash = QSplashScreen(splash_pixmap(f"{APP_NAME}: {note}"))
        splash.show()
        qt_app.processEvents()
    try:
        if args.demo:
            from .services.demo import open_demo

            app = open_demo(args.home)
        else:
            # A file not closed cleanly is checked in the background once the window is up
            # (ui/startup_check.py); an upgrade is never deferred.
            app = open_app(args.home, defer_check=True)
    except DatabaseError as exc:
        from .storage.db import CorruptDatabaseError
        from .ui.dialogs.damaged_database import offer_restore

        # A damaged file is never written to; the newest good backup is offered instead.
        close_splash()
        if not isinstance(exc, CorruptDatabaseError) or args.smoke_test or args.demo \
                or not offer_restore(args.home, str(exc)):
            tell("error", str(exc))
            return 1
        app = open_app(args.home)

    from .ui.main_window import MainWindow
    from .ui.theme import apply_theme, follow_system

    state = {"app": app, "window": None, "code": 0}

    def theme_choice() -> str:
        return args.theme or state["app"].settings.get("appearance.theme")

    apply_theme(qt_app, theme_choice())
    follow_system(qt_app, theme_choice)

    from .ui.errors import install as report_unhandled_errors

    def open_window(current) -> MainWindow:
        win = MainWindow(current)
        win.setWindowIcon(app_icon())
        win.startup_check.failed.connect(lambda problem: QTimer.singleShot(0, lambda: damaged(win, problem)))
        state["window"] = win
        state.setdefault("windows", []).append(win)
        win.show()
        return win

    def damaged(win: MainWindow, problem: str) -> None:
        """The background start-up check failed: nothing was written; offer the newest good backup."""
        from .ui.dialogs.damaged_database import offer_restore

        win.close()
        state["app"].close()
        if args.smoke_test or not offer_restore(args.home, problem):
            tell("error", problem)
            state["code"] = 1
            qt_app.exit(1)
            return
        state["app"] = open_app(args.home)
        open_window(state["app"])

    from PySide6.QtCore import QTimer

    window = open_window(app)
    report_unhandled_errors(lambda: qt_app.activeWindow() or state["window"], APP_NAME, app.paths.logs)
    if splash is not None:
        splash.finish(window)
        splash = None
    def check_keyring() -> None:
        """Asked once the window is up (finding the keyring's backend takes a moment)."""
        current = state["app"]
        if not current.secrets.available():
            try:
                current.secrets.check()
            except Exception as exc:  # KeyringUnavailable: say it plainly; nothing secret is stored meanwhile
                tell("warning", str(exc))

    if args.smoke_test:
        def _done(first: bool = False) -> None:
            if first and window.isVisible():  # bench/startup.py times the window until here
                print("window shown", flush=True)
            if not window.startup_check.passed_or_not_needed:  # wait for the start-up check's verdict
                if window.app.db.damaged is None:
                    QTimer.singleShot(50, _done)
                return
            if state["window"] is window and window.isVisible():
                # Printed as soon as the shown window's first events are handled (bench/startup.py
                # times it); the window stays a moment longer, as a user would see it.
                print(f"started: {window.windowTitle()} with {len(window.pages)} pages", flush=True)
                check_keyring()
                QTimer.singleShot(300, window.close)

        QTimer.singleShot(0, lambda: _done(first=True))
    else:
        def _start_checks() -> None:
            import logging

            from .services.sending.engine import warm_up

            logging.getLogger("mailer_desktop").info("window up")  # the window is shown and idle
            check_keyring()
            warm_up()  # a first send then imports nothing while the window waits
            collector.settle()  # the started window's objects: out of the way of full collections
            if window.check_keys() and window.needs_setup():
                window.open_setup_assistant()
            window.peek_mailboxes()

        QTimer.singleShot(0, _start_checks)
    _quit_on_signals(qt_app, state)
    code = qt_app.exec() or state["code"]
    for win in state.get("windows", []):  # no background job may outlive the program's objects
        win.jobs.cancel_all()
        win.jobs.wait_all()
    app = state["app"]
    app.close()
    if args.demo and not args.home:
        import shutil

        shutil.rmtree(app.paths.home, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
