"""A message preview: the HTML as rendered, the plain text, a narrow phone-width view and the
raw MIME source. Remote images are not fetched unless the user asks (privacy: a fetch tells
the image's server that the message was opened); the fetch then runs as a background job.
"""

from __future__ import annotations

import urllib.request

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.blocks import phone_layout
from ...domain.footer import without_preheader

MOBILE_WIDTH = 375
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that never follows links and loads remote images only when allowed."""

    remote_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.allow_remote = False
        self.blocked: set[str] = set()
        self.images: dict[str, QImage] = {}

    def loadResource(self, kind: int, url: QUrl):  # noqa: N802 (Qt override)
        text = url.toString()
        if url.scheme().lower() in ("http", "https"):
            if text in self.images:
                return self.images[text]
            self.blocked.add(text)
            if self.allow_remote:
                self.remote_requested.emit(text)
            return None
        if url.scheme().lower() in ("file", "qrc", ""):
            return None  # a message must never read local files
        return super().loadResource(kind, url)


def fetch_images(urls: list[str], timeout: float = 10.0) -> dict[str, bytes]:
    """Download images (runs in a background job)."""
    out = {}
    for url in urls:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (http/https only)
                data = response.read(MAX_IMAGE_BYTES + 1)
        except (OSError, ValueError):
            continue
        if len(data) <= MAX_IMAGE_BYTES:
            out[url] = data
    return out


class MessagePreview(QWidget):
    def __init__(self, ctx=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.subject_label = QLabel()
        self.subject_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subject_label.setWordWrap(True)
        layout.addWidget(self.subject_label)
        self.tabs = QTabWidget()
        self.html_view = SafeBrowser()
        self.html_view.setAccessibleName(self.tr("HTML preview"))
        self.text_view = QPlainTextEdit(readOnly=True)
        self.text_view.setAccessibleName(self.tr("Plain-text preview"))
        self.mobile_view = SafeBrowser()
        self.mobile_view.setFixedWidth(MOBILE_WIDTH)
        self.mobile_view.setAccessibleName(self.tr("Phone-width preview"))
        mobile_box = QWidget()
        mobile_layout = QHBoxLayout(mobile_box)
        mobile_layout.addStretch(1)
        mobile_layout.addWidget(self.mobile_view)
        mobile_layout.addStretch(1)
        self.source_view = QPlainTextEdit(readOnly=True)
        self.source_view.setAccessibleName(self.tr("Message source"))
        self.source_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.tabs.addTab(self.html_view, self.tr("HTML"))
        self.tabs.addTab(self.text_view, self.tr("Plain text"))
        self.tabs.addTab(mobile_box, self.tr("Phone"))
        self.tabs.addTab(self.source_view, self.tr("Source"))
        layout.addWidget(self.tabs, 1)
        self.remote_box = QCheckBox(self.tr("Load remote images"))
        self.remote_box.setToolTip(self.tr(
            "Off by default: loading an image from the internet tells its server that you opened the message."))
        self.remote_box.toggled.connect(self._remote_toggled)
        layout.addWidget(self.remote_box)
        self._html = ""
        self.html_view.remote_requested.connect(self._want_image)
        self.mobile_view.remote_requested.connect(self._want_image)
        self._wanted: set[str] = set()

    def show_message(self, subject: str, html: str, text: str, source: str = "") -> None:
        self.subject_label.setText(self.tr("Subject: {0}").format(subject))
        self._html = html = without_preheader(html)  # Qt shows display:none text; mail programs do not
        self.html_view.setHtml(html)
        self.mobile_view.setHtml(phone_layout(html))  # two columns stack on a phone
        self.text_view.setPlainText(text)
        self.source_view.setPlainText(source)

    def show_error(self, message: str) -> None:
        self.subject_label.setText(self.tr("Cannot preview: {0}").format(message))

    @property
    def blocked_images(self) -> set[str]:
        return self.html_view.blocked | self.mobile_view.blocked

    def _remote_toggled(self, on: bool) -> None:
        for view in (self.html_view, self.mobile_view):
            view.allow_remote = on
        if on:
            for url in list(self.blocked_images):
                self._want_image(url)

    def _want_image(self, url: str) -> None:
        if url in self._wanted or self.ctx is None:
            return
        self._wanted.add(url)
        self.ctx.jobs.run(lambda progress, u=url: fetch_images([u]), name="preview images",
                          on_result=self._images_arrived)

    def _images_arrived(self, found: dict) -> None:
        for url, data in found.items():
            image = QImage.fromData(data)
            if image.isNull():
                continue
            for view in (self.html_view, self.mobile_view):
                view.images[url] = image
                view.document().addResource(QTextDocument.ResourceType.ImageResource, QUrl(url), image)
        if found:
            self.html_view.setHtml(self._html)
            self.mobile_view.setHtml(phone_layout(self._html))
