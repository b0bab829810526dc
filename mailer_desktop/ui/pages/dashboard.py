"""The dashboard: how the lists are doing and what needs attention."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import dashboard
from ...services.inbox import status as inbox_status
from ...services.next_step import next_step
from ..context import UiContext
from ..theme import page_margins, set_text_role
from ..widgets.charts import STATUS_COLOURS, BarChart, StackedBar
from ..widgets.tables import fit_columns

STATUS_LABELS = {
    "confirmed": "Confirmed",
    "pending": "Waiting for confirmation",
    "unsubscribed": "Unsubscribed",
    "bounced": "Bounced",
    "complained": "Complained",
}
CAMPAIGN_COLUMNS = ("Campaign", "Sent", "Failed", "Hard bounces", "Soft bounces", "Unsubscribed", "Complaints")


def _card(title: str) -> tuple[QFrame, QLabel]:
    frame = QFrame()
    frame.setObjectName("card")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    caption = QLabel(title)
    set_text_role(caption, "secondary")
    value = set_text_role(QLabel("–"), "display")
    layout.addWidget(caption)
    layout.addWidget(value)
    return frame, value


def _section(title: str) -> QLabel:
    return set_text_role(QLabel(title), "heading")


class DashboardPage(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        page_margins(layout)

        # the next step of the journey (set-up, contacts, confirmation, template, campaign)
        self.next_box = QFrame()
        self.next_box.setObjectName("nextStep")
        self.next_box.setStyleSheet("QFrame#nextStep { background: palette(alternate-base); "
                                    "border: 1px solid palette(highlight); border-radius: 8px; }")
        next_row = QHBoxLayout(self.next_box)
        next_row.setContentsMargins(12, 8, 12, 8)
        self.next_label = QLabel("")
        self.next_label.setWordWrap(True)
        self.next_label.setAccessibleName(self.tr("Next step"))
        self.next_button = QPushButton("")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.take_next_step)
        next_row.addWidget(self.next_label, 1)
        next_row.addWidget(self.next_button)
        self.next_box.hide()
        self.next = None
        layout.addWidget(self.next_box)

        cards = QGridLayout()
        self.cards: dict[str, QLabel] = {}
        for col, (key, title) in enumerate((
            ("total", self.tr("Contacts")),
            ("confirmed", self.tr("Confirmed (receive campaigns)")),
            ("pending", self.tr("Waiting for confirmation")),
            ("review", self.tr("Replies to review")),
        )):
            frame, value = _card(title)
            value.setObjectName(f"card:{key}")
            self.cards[key] = value
            cards.addWidget(frame, 0, col)
        layout.addLayout(cards)

        self.warnings = QLabel("")
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self._warning_style()
        layout.addWidget(self.warnings)

        layout.addWidget(_section(self.tr("Contacts by consent state")))
        self.status_bar = StackedBar()
        self.status_bar.setAccessibleName(self.tr("Contacts by consent state"))
        layout.addWidget(self.status_bar)

        row = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(_section(self.tr("Messages sent per campaign")))
        self.chart = BarChart()
        self.chart.setAccessibleName(self.tr("Messages sent per campaign; red: bounced or complained"))
        self.chart.setToolTip(self.tr("Blue: delivered to the server. Red: bounced or reported as spam."))
        left.addWidget(self.chart)
        row.addLayout(left, 2)
        layout.addLayout(row, 2)

        layout.addWidget(_section(self.tr("Campaign results")))
        self.table = QTableWidget(0, len(CAMPAIGN_COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in CAMPAIGN_COLUMNS])
        self.table.setAccessibleName(self.tr("Campaign results"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fit_columns(self.table, stretch=0, values={c: ["1,000,000 (100.0%)"] for c in (3, 5, 6)},
                    widths={1: 70, 2: 70, 4: 90})
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table, 1)

        self.inbox_label = QLabel("")
        layout.addWidget(self.inbox_label)

        self._reading = self._again = False
        self.overview = None
        for signal in (ctx.events.contacts_changed, ctx.events.campaigns_changed, ctx.events.inbox_changed,
                       ctx.events.settings_changed, ctx.events.templates_changed):
            signal.connect(self.refresh)
        self.refresh()

    def _warning_style(self) -> None:
        """Amber on light, dark amber on dark: the warnings read in both themes."""
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        dark = bool(app.property("mailerDarkTheme")) if app is not None else False
        back, text, line = ("#3b3115", "#f3dfa2", "#7a6322") if dark else ("#fff4d6", "#4a3b00", "#e8c96a")
        self.warnings.setStyleSheet(f"QLabel#warnings {{ background: {back}; color: {text}; border: 1px solid "
                                    f"{line}; border-radius: 6px; padding: 6px 10px; }}")

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.PaletteChange:
            self._warning_style()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Read the figures again in a background job (on a big database the counts take a
        moment); a refresh asked for while one runs is done once it ends."""
        if self._reading:
            self._again = True
            return
        self._reading, self._again = True, False
        app = self.ctx.app
        self.ctx.jobs.run(lambda progress: (dashboard.overview(app), inbox_status.reminder(app)[0], next_step(app)),
                          name="overview", on_result=self._show, on_ended=self._read_ended)

    def take_next_step(self) -> None:
        """The button of the next-step box: the assistant, the import, the page that does it."""
        if self.next is None:
            return
        window = self.window()
        key = self.next.key
        if key == "setup" and hasattr(window, "open_setup_assistant"):
            window.open_setup_assistant()
            self.ctx.events.settings_changed.emit()
            self.refresh()
        elif key == "contacts" and hasattr(window, "open_import_wizard"):
            window.open_import_wizard()
        elif key == "campaign" and hasattr(window, "new_campaign"):
            window.new_campaign()
        elif key == "confirm" and hasattr(window, "show_page"):
            window.show_page("campaigns").send_confirmation_requests()
        else:
            self.ctx.events.navigate.emit({"confirm": "campaigns", "template": "templates"}.get(key, "contacts"))

    @property
    def busy(self) -> bool:
        """Whether figures are being read (tests wait for this)."""
        return self._reading

    def _read_ended(self) -> None:
        self._reading = False
        if self._again and self.window().isVisible():  # a closed window reads again when shown
            self.refresh()

    def _show(self, figures) -> None:
        ov, inbox_text, step = figures
        self.overview = ov
        self.next = step
        self.next_box.setVisible(step is not None)
        if step is not None:
            self.next_label.setText(self.tr(step.text))
            self.next_button.setText(self.tr(step.action))
        self.cards["total"].setText(f"{ov.total_contacts:,}")
        self.cards["confirmed"].setText(f"{ov.by_status.get('confirmed', 0):,}")
        self.cards["pending"].setText(f"{ov.by_status.get('pending', 0):,}")
        self.cards["review"].setText(f"{ov.review_count:,}")
        self.status_bar.set_parts([
            (self.tr(STATUS_LABELS[s]), ov.by_status.get(s, 0), STATUS_COLOURS[s]) for s in STATUS_LABELS
        ])
        self.chart.set_bars([
            (c.name, c.sent, c.hard_bounced + c.soft_bounced + c.complained) for c in reversed(ov.campaigns)
        ])
        self.table.setRowCount(len(ov.campaigns))
        for r, c in enumerate(ov.campaigns):
            values = [
                c.name, f"{c.sent:,}", f"{c.failed:,}",
                f"{c.hard_bounced:,} ({c.hard_bounce_rate:.1%})", f"{c.soft_bounced:,}",
                f"{c.unsubscribed:,} ({c.rate(c.unsubscribed):.1%})",
                f"{c.complained:,} ({c.complaint_rate:.2%})",
            ]
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        if ov.warnings:
            items = "".join(
                f"<p style='margin:2px'>{'⚠️' if w.level == 'warning' else 'ℹ️'} {w.text}</p>" for w in ov.warnings
            )
            self.warnings.setText(items)
            self.warnings.show()
        else:
            self.warnings.hide()
        self.inbox_label.setText(inbox_text or self.tr("The inbox has not been processed yet."))
