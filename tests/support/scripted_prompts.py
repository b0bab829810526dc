"""Answers a page's questions from a script instead of modal dialogs (GUI tests)."""

from __future__ import annotations


class ScriptedPrompts:
    """Answers the page's questions from a script instead of modal dialogs."""

    def __init__(self):
        self.answers: dict[str, list] = {"text": [], "item": [], "confirm": [], "save_path": [], "open_path": [],
                                            "choose": []}
        self.choices: list[list[tuple[str, str]]] = []
        self.asked: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.dialog_script = None

    def _next(self, kind, title):
        self.asked.append((kind, title))
        return self.answers[kind].pop(0)

    def text(self, parent, title, label, default=""):
        return self._next("text", title)

    def item(self, parent, title, label, items, editable=True):
        return self._next("item", title)

    def confirm(self, parent, title, text):
        return self._next("confirm", title)

    def save_path(self, parent, title, suggested, filters):
        return self._next("save_path", title)

    def open_path(self, parent, title, filters):
        return self._next("open_path", title)

    def choose(self, parent, title, text, choices):
        self.choices.append(list(choices))
        return self._next("choose", title)

    def error(self, parent, title, text):
        self.errors.append(text)

    def run_dialog(self, dialog):
        dialog.show()
        self.dialog_script(dialog)
        return dialog.result() == 1
