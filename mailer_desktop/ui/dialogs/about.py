"""About: version, data folder, keyring backend."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ... import APP_NAME, __version__
from ...services.app import App
from ..theme import set_text_role


def about_facts(app: App) -> list[tuple[str, str]]:
    keyring_text = app.secrets.backend_title()
    if not app.secrets.available():
        keyring_text += " (not usable: passwords and keys cannot be stored)"
    return [
        ("Version", __version__),
        ("Data folder", str(app.paths.home)),
        ("Database", f"{app.paths.database.name}, schema {app.db.schema_version()}"),
        ("Logs", str(app.paths.logs)),
        ("Keyring", keyring_text),
    ]


class AboutDialog(QDialog):
    def __init__(self, app: App, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("About {name}").format(name=APP_NAME))
        layout = QVBoxLayout(self)
        layout.addWidget(set_text_role(QLabel(APP_NAME), "title"))
        layout.addWidget(QLabel(self.tr("Newsletters with consent, from your own computer.")))
        rows = "".join(
            f"<tr><td style='padding-right:12px'><b>{self.tr(k)}</b></td><td>{v}</td></tr>" for k, v in about_facts(app)
        )
        self.facts = QLabel(f"<table>{rows}</table>")
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setObjectName("aboutFacts")
        layout.addWidget(self.facts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
