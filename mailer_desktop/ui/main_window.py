"""The main window: wiring only. Builds the pages, the sidebar and the menus, connects signals."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from .. import APP_NAME
from ..services.app import App, is_demo
from .context import Events, UiContext
from .dialogs.about import AboutDialog
from .page_table import PAGE_BUILD_DELAY_MS, PAGE_BUILD_GAP_MS, PAGES, LazyPages
from .startup_check import StartupCheck
from .tasks import JobRunner
from .theme import set_text_role


def user_guide() -> Path | None:
    """The README beside the program (a source checkout or an installed copy), if there is one."""
    here = Path(__file__).resolve()
    for folder in (here.parents[2], here.parents[1]):
        candidate = folder / "README.md"
        if candidate.is_file():
            return candidate
    return None


CONTACT_FILE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".vcf", ".vcard"}
MAIL_FILE_SUFFIXES = {".eml", ".msg", ".mbox", ".mbx", ".mail"}


def dropped_kind(path: Path) -> str | None:
    """'contacts', 'mail' or None for a path dropped on the window."""
    if path.is_dir():
        return "mail"  # a Maildir (or a folder of .eml files)
    suffix = path.suffix.lower()
    if suffix in CONTACT_FILE_SUFFIXES:
        return "contacts"
    if suffix in MAIL_FILE_SUFFIXES or path.name.lower() in ("mbox", "inbox"):
        return "mail"
    return None


class MainWindow(QMainWindow):
    def __init__(self, app: App, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        app.db.mark_interactive()  # this thread's writes never wait for a long import to end
        self.events = Events(self)
        self.jobs = JobRunner(self)
        self.ctx = UiContext(app=app, jobs=self.jobs, events=self.events)
        self.startup_check = StartupCheck(self.ctx, self)
        self.startup_check.start()  # a database not closed cleanly is checked while the window opens
        self._building_rest = False
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(QSize(760, 520))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(self.tr("Sections"))
        self.sidebar.setFixedWidth(190)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.stack = QStackedWidget()
        # Pages are built when first needed (the first one now, the others one at a time once the
        # window is up, or at once when asked for): the window shows before their modules load.
        self.pages = LazyPages(self._build_page)
        for spec in PAGES:
            self.stack.addWidget(QWidget())  # a stand-in until the page is built
            item = QListWidgetItem(self.tr(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(170, 36))
            item.setToolTip(f"{self.tr(spec.title)} ({QKeySequence(spec.shortcut).toString()})")
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._show_row)

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self.status_label = QLabel("")
        self.statusBar().addPermanentWidget(self.status_label)
        self.demo_label = QLabel(self.tr("Demo: a throw-away data folder — nothing here is kept"))
        self.demo_label.setObjectName("demoMark")
        self.demo_label.setStyleSheet("QLabel#demoMark { background: #7b3fb3; color: white; font-weight: bold;"
                                      " border-radius: 4px; padding: 1px 8px; }")
        self.statusBar().addWidget(self.demo_label)
        demo = is_demo(app)
        self.demo_label.setVisible(demo)
        if demo:
            self.setWindowTitle(self.tr("{name} — demo").format(name=APP_NAME))
        self.events.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.events.navigate.connect(self.show_page)
        self.events.settings_changed.connect(self._apply_appearance)
        self.events.inbox_changed.connect(self.update_inbox_status)
        self.inbox_timer = QTimer(self)
        self.inbox_timer.setInterval(5 * 60 * 1000)
        self.inbox_timer.timeout.connect(self.update_inbox_status)
        self.inbox_timer.start()
        self.peek_timer = QTimer(self)
        self.peek_timer.setInterval(30 * 60 * 1000)
        self.peek_timer.timeout.connect(self.peek_mailboxes)
        self.peek_timer.start()
        self.update_inbox_status()
        self.setAcceptDrops(True)
        self._style()
        self._restore_geometry()
        self.sidebar.setCurrentRow(0)

    # -- building ------------------------------------------------------------------------
    def _build_page(self, key: str) -> QWidget:
        index, spec = next((i, p) for i, p in enumerate(PAGES) if p.key == key)
        page = spec.page_class()(self.ctx)  # type: ignore[call-arg]
        page.setObjectName(f"page:{spec.key}")
        current = self.stack.currentIndex()
        stand_in = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        if current == index:
            self.stack.setCurrentIndex(index)
        return page

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(PAGES):
            self.pages[PAGES[row].key]  # built on first view
        self.stack.setCurrentIndex(row)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if not self._building_rest:
            self._building_rest = True
            QTimer.singleShot(PAGE_BUILD_DELAY_MS, self._build_next_page)

    def _build_next_page(self) -> None:
        """Build the pages not yet built, one at a time, once the window has shown and settled;
        between two pages the window handles what the user does."""
        missing = [spec.key for spec in PAGES if not self.pages.is_built(spec.key)]
        if missing:
            self.pages[missing[0]]
            QTimer.singleShot(PAGE_BUILD_GAP_MS, self._build_next_page)

    def _build_menus(self) -> None:
        def action(menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
            act = QAction(text, self)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            if tip:
                act.setStatusTip(tip)
            act.triggered.connect(lambda _checked=False: slot())
            menu.addAction(act)
            return act

        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.menu_actions: dict[str, QAction] = {}
        self.menu_actions["import"] = action(file_menu, self.tr("&Import contacts…"), self.open_import_wizard,
                                             "Ctrl+I", self.tr("Import contacts from a CSV, Excel or vCard file."))
        self.menu_actions["new_campaign"] = action(file_menu, self.tr("&New campaign…"), self.new_campaign,
                                                   QKeySequence.StandardKey.New)
        self.menu_actions["backup"] = action(file_menu, self.tr("&Back up now…"), self.back_up_now, None,
                                             self.tr("An encrypted copy of all your data (Settings > Backups)."))
        file_menu.addSeparator()
        self.menu_actions["data_folder"] = action(file_menu, self.tr("Open &data folder"), self.open_data_folder)
        self.menu_actions["setup"] = action(file_menu, self.tr("Set-up &assistant…"), self.open_setup_assistant)
        file_menu.addSeparator()
        quit_action = action(file_menu, self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.menu_actions["quit"] = quit_action

        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        self.menu_actions["find"] = action(edit_menu, self.tr("&Find…"), self.focus_search, QKeySequence.StandardKey.Find,
                                           self.tr("Search the contacts (or the suppression list, when it is shown)."))

        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        for index, spec in enumerate(PAGES):
            act = QAction(self.tr(spec.title), self)
            act.setShortcut(QKeySequence(spec.shortcut))
            act.triggered.connect(lambda _=False, i=index: self.sidebar.setCurrentRow(i))
            go_menu.addAction(act)
            self.addAction(act)

        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.menu_actions["guide"] = action(help_menu, self.tr("&User guide"), self.open_user_guide,
                                            QKeySequence.StandardKey.HelpContents)
        about = QAction(self.tr("&About {name}").format(name=APP_NAME), self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # -- menu actions ------------------------------------------------------------------------
    def new_campaign(self) -> None:
        page = self.show_page("campaigns")
        page.new_campaign()

    def back_up_now(self) -> None:
        """The Backups tab of Settings, and its Back up now (which asks for what it needs)."""
        from .widgets.settings_backups import BackupSettings

        page = self.show_page("settings")
        backups = page.findChild(BackupSettings)
        if backups is None:
            return
        for i in range(page.tabs.count()):
            if page.tabs.widget(i).isAncestorOf(backups):
                page.tabs.setCurrentIndex(i)
        backups.backup_now()

    def open_data_folder(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.app.paths.home)))

    def focus_search(self) -> None:
        """Ctrl+F: the search box of the page shown, or the contacts' search."""
        from PySide6.QtWidgets import QLineEdit

        page = self.stack.currentWidget()
        search = getattr(page, "search", None)
        if not isinstance(search, QLineEdit):
            search = self.show_page("contacts").search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def open_user_guide(self) -> bool:
        guide = user_guide()
        if guide is None:
            self.events.status_message.emit(self.tr("The user guide (README) is not installed with this copy."))
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(guide)))

    def _icons(self) -> None:
        """The sidebar's page icons in the theme's colours (drawn again when the theme changes)."""
        from PySide6.QtGui import QPalette

        from .icons import page_icon

        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        chosen = palette.color(QPalette.ColorRole.HighlightedText)
        self.sidebar.setIconSize(QSize(20, 20))
        for row, spec in enumerate(PAGES):
            self.sidebar.item(row).setIcon(page_icon(spec.key, text, chosen))

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.PaletteChange:
            self._icons()
        super().changeEvent(event)

    def _style(self) -> None:
        # Palette-based colours follow the system's light or dark theme; so do the page icons.
        self._icons()
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { background: palette(alternate-base); padding-top: 8px; }"
            "QListWidget#sidebar::item { padding-left: 14px; border-radius: 6px; margin: 1px 8px; }"
            "QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }"
        )

    # -- inbox freshness in the status bar --------------------------------------------------
    def update_inbox_status(self) -> None:
        from ..services.inbox import status as inbox_status

        text, urgent = inbox_status.reminder(self.app)
        # Overview and the Inbox page say when the inbox was processed; the status bar speaks
        # up only when it is overdue (opt-outs must be honoured within two days), on every page.
        self.status_label.setText("⚠ " + text if urgent else "")
        self.status_label.setVisible(urgent)
        set_text_role(self.status_label, "error" if urgent else "body")

    def peek_mailboxes(self) -> None:
        """Look (read-only, in the background) how old the oldest unprocessed reply is."""
        from ..services.inbox import status as inbox_status

        names = inbox_status.imap_accounts(self.app)
        if not names:
            return

        def work(progress):
            problems = []
            for name in names:
                try:
                    inbox_status.peek_imap(self.app, name)
                except Exception as exc:  # unreachable mailbox: say so, keep the last known state
                    problems.append(f"{name}: {exc}")
            return problems

        def done(problems) -> None:
            self.update_inbox_status()
            if problems:
                self.events.status_message.emit(self.tr("Could not check the mailbox: ") + "; ".join(problems))

        self.jobs.run(work, name="peek mailboxes", on_result=done)

    def _apply_appearance(self) -> None:
        from PySide6.QtWidgets import QApplication

        from .theme import apply_theme

        app = QApplication.instance()
        if app is not None and app.property("mailerDarkTheme") is not None:  # themed at start-up
            apply_theme(app, self.app.settings.get("appearance.theme"))

    # -- drag and drop anywhere on the window ------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if any(dropped_kind(p) for p in paths):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt API)
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.open_paths(paths)

    def open_paths(self, paths: list[Path]) -> None:
        """Contact files open the import wizard; mail files and folders go to the inbox."""
        contacts = [p for p in paths if dropped_kind(p) == "contacts"]
        mail = [p for p in paths if dropped_kind(p) == "mail"]
        ignored = [p.name for p in paths if dropped_kind(p) is None]
        if ignored:
            self.events.status_message.emit(
                self.tr("Not a contact list or mail file: {names}").format(names=", ".join(ignored)))
        if mail:
            inbox = self.show_page("inbox")
            handler = getattr(inbox, "process_paths", None)
            if handler is not None:
                handler(mail)
        for path in contacts:
            self.open_import_wizard(path)

    def open_import_wizard(self, path: Path | None = None):
        from .dialogs.import_wizard import ImportWizard

        self.show_page("contacts")
        wizard = ImportWizard(self.ctx, path=path, parent=self)
        wizard.open()
        return wizard

    # -- navigation ----------------------------------------------------------------------
    def show_page(self, key: str) -> QWidget:
        for row, spec in enumerate(PAGES):
            if spec.key == key:
                self.sidebar.setCurrentRow(row)
                return self.pages[key]
        raise KeyError(key)

    def current_page_key(self) -> str:
        return PAGES[self.stack.currentIndex()].key

    def open_setup_assistant(self) -> int:
        from .dialogs.setup_assistant import SetupAssistant

        return SetupAssistant(self.ctx, self).exec()

    def check_keys(self) -> bool:
        """Start-up guard: when the token or suppression key of an existing folder is gone from the
        keyring, say so and offer a restore instead of silently making new keys. True when fine."""
        from ..services.backup import keys_guard
        from .dialogs.missing_keys import MissingKeysDialog

        try:
            problem = keys_guard.check_keys(self.app)
        except Exception as exc:  # no keyring at all: already reported at start-up
            self.events.status_message.emit(str(exc))
            return False
        if problem is None:
            return True
        MissingKeysDialog(self.ctx, problem, self).exec()
        return keys_guard.current_problem(self.app) is None

    def needs_setup(self) -> bool:
        return not self.app.settings.get("setup.completed")

    def show_about(self) -> None:
        AboutDialog(self.app, self).exec()

    # -- geometry (kept per data folder) --------------------------------------------------
    def _window_settings(self) -> QSettings:
        return QSettings(str(self.app.paths.home / "window.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        geometry = self._window_settings().value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        # Short background reads (listing, counting) finish on their own; only real work asks.
        self.jobs.wait_all(3000)
        if any(job.running for job in self.jobs.active):
            answer = QMessageBox.question(
                self,
                self.tr("Work in progress"),
                self.tr("Background work is still running. Cancel it and quit?"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self.jobs.cancel_all()
            self.jobs.wait_all()
        for page in self.pages.built():  # reads of their own (the contact table's reader thread)
            if hasattr(page, "stop_reading"):
                page.stop_reading()
        self._window_settings().setValue("geometry", self.saveGeometry())
        super().closeEvent(event)
