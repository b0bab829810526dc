"""vCard 3.0 / 4.0 (RFC 2426, RFC 6350) read as a table, one row per card.

Folded lines are unfolded, ``group.`` prefixes dropped, ``\\,`` ``\\;`` ``\\n`` unescaped.
The preferred EMAIL (``PREF=1`` or ``TYPE=pref``, else the first) becomes the address; the
others go to the ``other_emails`` column. FN gives the name; N gives first and last name.
vCard 2.1 quoted-printable values are decoded as well, since old phones still write them.
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterable, Iterator

HEADER = ["email", "name", "first_name", "last_name", "company", "phone", "other_emails"]


FIELD_LIMIT = 1024 * 1024   # characters in one property (a whole unfolded line)
# Pictures, sounds and keys are not read, only skipped; phones write photos of a few MB.
BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
BINARY_LIMIT = 16 * 1024 * 1024
LINE_LIMIT = BINARY_LIMIT   # no physical line is read beyond this (see readers)


class VCardError(ValueError):
    """A card that cannot be read; the message says where."""


def _property(line: str) -> str:
    return line.partition(":")[0].partition(";")[0].rpartition(".")[2].strip().upper()


def unfold(lines: Iterable[str], limit: int = FIELD_LIMIT) -> Iterator[tuple[int, str]]:
    """(line number where the logical line starts, logical line). A logical line longer than
    ``limit`` characters raises :class:`VCardError` (the pieces are joined once: linear time).
    The values of pictures, sounds and keys are dropped (their lines are only counted, up to
    :data:`BINARY_LIMIT`)."""
    parts: list[str] = []
    start = size = 0
    qp = binary = False
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\r\n")
        if parts and (line[:1] in (" ", "\t") or (qp and parts[-1].endswith("="))):
            if line[:1] in (" ", "\t"):
                piece = line[1:]
            else:  # vCard 2.1 soft line break
                parts[-1] = parts[-1][:-1]
                piece = line
            size += len(piece)
            _check(size, start, binary, limit)
            if not binary:
                parts.append(piece)
            continue
        if parts:
            yield start, "".join(parts)
        start, size = number, len(line)
        name = _property(line[:1000])
        binary = name in BINARY_PROPERTIES
        _check(size, start, binary, limit)
        parts = [line.partition(":")[0] + ":" if binary else line]
        qp = "QUOTED-PRINTABLE" in line[:1000].partition(":")[0].upper()
    if parts:
        yield start, "".join(parts)


def _check(size: int, start: int, binary: bool, limit: int) -> None:
    if binary and size > BINARY_LIMIT:
        raise VCardError(f"line {start}: a picture, sound or key longer than {BINARY_LIMIT} characters")
    if not binary and size > limit:
        raise VCardError(f"line {start}: a value longer than {limit} characters (the limit for one field)")


_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    return _ESCAPED.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _split_unescaped(value: str, sep: str) -> list[str]:
    parts, buf, i = [], [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            buf.append(value[i:i + 2])
            i += 2
            continue
        if value[i] == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(value[i])
        i += 1
    parts.append("".join(buf))
    return parts


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    head, _, value = line.partition(":")
    parts = head.split(";")
    name = parts[0].rpartition(".")[2].upper()
    params: dict[str, str] = {}
    for p in parts[1:]:
        k, eq, v = p.partition("=")
        if eq:
            params[k.upper()] = (params.get(k.upper(), "") + "," + v).strip(",")
        else:  # vCard 2.1 bare parameters: EMAIL;INTERNET;PREF
            params.setdefault("TYPE", "")
            params["TYPE"] = (params["TYPE"] + "," + k).strip(",")
    if params.get("ENCODING", "").upper() == "QUOTED-PRINTABLE":
        charset = params.get("CHARSET", "utf-8")
        try:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode(charset, "replace")
        except LookupError:
            value = quopri.decodestring(value.encode("latin-1", "replace")).decode("utf-8", "replace")
    return name, params, value


def _preferred(params: dict[str, str]) -> bool:
    types = params.get("TYPE", "").lower().replace('"', "").split(",")
    return params.get("PREF", "") == "1" or "pref" in types


def cards(lines: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number of BEGIN:VCARD, row in :data:`HEADER` order) for every card."""
    card: dict | None = None
    for number, line in unfold(lines):
        if not line.strip():
            continue
        name, params, value = _parse(line.lstrip("\ufeff"))
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            card = {"start": number, "emails": [], "fn": "", "n": None, "org": "", "tel": ""}
            continue
        if card is None:
            continue
        if name == "END" and value.strip().upper() == "VCARD":
            yield card["start"], _row(card)
            card = None
        elif name == "EMAIL":
            address = _unescape(value).strip()
            if address:
                card["emails"].append((_preferred(params), address))
        elif name == "FN":
            card["fn"] = _unescape(value).strip()
        elif name == "N":
            card["n"] = [_unescape(p).strip() for p in _split_unescaped(value, ";")]
        elif name == "ORG" and not card["org"]:
            card["org"] = " ".join(_unescape(p).strip() for p in _split_unescaped(value, ";") if p.strip())
        elif name == "TEL" and not card["tel"]:
            card["tel"] = _unescape(value).strip().removeprefix("tel:")
    if card is not None:  # a last card without END: still read what it has
        yield card["start"], _row(card)


def _row(card: dict) -> list[str]:
    emails = card["emails"]
    ordered = [a for p, a in emails if p] + [a for p, a in emails if not p]
    last = first = ""
    if card["n"]:
        n = card["n"] + ["", ""]
        last, first = n[0], n[1]
    name = card["fn"] or " ".join(x for x in (first, last) if x)
    return [ordered[0] if ordered else "", name, first, last, card["org"], card["tel"], ", ".join(ordered[1:])]
