"""Texts with a count, through Qt's translation with ``%n`` so that a translation can give each
language its plural forms later.

Sources write the English forms as ``{singular|plural}``: ``tr_n(self, "Erase %n {contact|contacts}?", n)``
gives "Erase 1 contact?" and "Erase 1,200 contacts?". A translation installed later translates
the whole source text for each of its plural forms; what is left untranslated reads as English.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QObject

_FORMS = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def english(text: str, n: int) -> str:
    """``{singular|plural}`` resolved for ``n``."""
    return _FORMS.sub(lambda m: m.group(1) if n == 1 else m.group(2), text)


def tr_n(owner: QObject | str, source: str, n: int) -> str:
    """``source`` translated for the count ``n`` (``%n`` is the count, with thousands separators)."""
    if isinstance(owner, QObject):
        text = owner.tr(source, "", n)
    else:
        text = QCoreApplication.translate(owner, source, None, n)
    text = english(text, n)
    if abs(n) >= 1000:  # Qt writes %n without separators
        text = text.replace(str(n), f"{n:,}", 1)
    return text
