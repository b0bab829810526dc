"""Turning one mapped row into the values of a contact (name, custom fields, opt-out mark)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring as _quote  # the C version when available

from ...domain.importing.mapping import EMAIL, FIELD_PREFIX, FIRST, LAST, NAME, OPTOUT, OPTOUT_VALUES, Mapping

MAX_NAME = 200    # the same limits as services/contacts/people
MAX_FIELD = 2000
JSON_FIELDS = FIELD_PREFIX + "*json"   # a column of JSON objects spread into custom fields (listmonk)


def fields_json(fields: dict[str, str]) -> str:
    """Compact JSON of a str -> str dict (json.dumps is several times slower per row)."""
    if not fields:
        return "{}"
    return "{" + ",".join([_quote(k) + ":" + _quote(v) for k, v in fields.items()]) + "}"


class RowProblem(ValueError):
    def __init__(self, column: str, value: str, reason: str):
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class RowPlan:
    """Column positions for one mapping, so the hot loop does no lookups by name."""

    header: list[str]
    email: int
    name: int | None
    first: int | None
    last: int | None
    optout: int | None
    fields: list[tuple[int, str]]
    json_fields: int | None

    @classmethod
    def of(cls, header: Sequence[str], mapping: Mapping) -> RowPlan:
        pos: dict[str, int] = {}
        fields: list[tuple[int, str]] = []
        json_col = None
        for i, target in enumerate(mapping.targets):
            if target == JSON_FIELDS:
                json_col = i
            elif target.startswith(FIELD_PREFIX):
                fields.append((i, target[len(FIELD_PREFIX):]))
            elif target in (EMAIL, NAME, FIRST, LAST, OPTOUT) and target not in pos:
                pos[target] = i
        return cls(list(header), pos[EMAIL], pos.get(NAME), pos.get(FIRST), pos.get(LAST), pos.get(OPTOUT),
                   fields, json_col)

    def column_name(self, index: int | None) -> str:
        if index is None:
            return ""
        return self.header[index] if index < len(self.header) else f"Column {index + 1}"

    def opted_out(self, row: Sequence[str]) -> str | None:
        """The source's opt-out value when the row is marked as opted out there."""
        i = self.optout
        if i is None or i >= len(row):
            return None
        value = row[i].strip()
        return value if value.lower() in OPTOUT_VALUES else None

    def encoded(self, row: Sequence[str], name_hint: str = "") -> tuple[str, str]:
        """(name, custom fields as compact JSON) of one row — :meth:`values` without building a
        dict when every custom-field key comes from one column; raises RowProblem the same way."""
        prefixes = self.__dict__.get("_prefixes")
        if prefixes is None:
            prefixes = self._field_prefixes()
        if prefixes is False:
            name, fields = self.values(row, name_hint)
            return name, fields_json(fields)
        n = len(row)
        name, first, last = self._names(row, n, name_hint)
        parts = []
        if first:
            parts.append('"first_name":' + _quote(first))
        if last:
            parts.append('"last_name":' + _quote(last))
        for i, prefix in prefixes:
            if i < n:
                value = row[i].strip()
                if value:
                    if len(value) > MAX_FIELD:
                        raise RowProblem(self.column_name(i), value[:60] + "…", f"longer than {MAX_FIELD} characters")
                    parts.append(prefix + _quote(value))
        return name, ("{" + ",".join(parts) + "}") if parts else "{}"

    def encoder(self) -> Callable[[Sequence[str], str], tuple[str, str]]:
        """:meth:`encoded` as one function specialised for this plan's columns (the hot loop
        of a big import calls it once per row): the same results, the same RowProblems."""
        prefixes = self.__dict__.get("_prefixes")
        if prefixes is None:
            prefixes = self._field_prefixes()
        if prefixes is False:
            return self.encoded
        name_i, first_i, last_i = self.name, self.first, self.last
        column_name = self.column_name
        name_column = name_i if name_i is not None else first_i
        fields = list(prefixes)
        needed = max([i for i in (name_i, first_i, last_i) if i is not None], default=-1) + 1

        def encode(row: Sequence[str], name_hint: str = "") -> tuple[str, str]:
            n = len(row)
            if n < needed:  # a short row: the general code
                return self.encoded(row, name_hint)
            name = " ".join(row[name_i].split()) if name_i is not None else ""
            first = " ".join(row[first_i].split()) if first_i is not None else ""
            last = " ".join(row[last_i].split()) if last_i is not None else ""
            if not name:
                name = f"{first} {last}".strip() if (first or last) else " ".join(name_hint.split())
            if len(name) > MAX_NAME:
                raise RowProblem(column_name(name_column), name[:60] + "…",
                                 f"the name is longer than {MAX_NAME} characters")
            parts = []
            if first:
                parts.append('"first_name":' + _quote(first))
            if last:
                parts.append('"last_name":' + _quote(last))
            for i, prefix in fields:
                if i < n:
                    value = row[i].strip()
                    if value:
                        if len(value) > MAX_FIELD:
                            raise RowProblem(column_name(i), value[:60] + "…", f"longer than {MAX_FIELD} characters")
                        parts.append(prefix + _quote(value))
            return name, ("{" + ",".join(parts) + "}") if parts else "{}"

        return encode

    def _field_prefixes(self) -> list[tuple[int, str]] | bool:
        """(column, quoted key + ':') of the custom fields, or False when a JSON column or a
        key given by two columns needs the dict of :meth:`values`."""
        keys = [key for _, key in self.fields] + ["first_name", "last_name"]
        prefixes: list[tuple[int, str]] | bool
        if self.json_fields is not None or len(set(keys)) != len(keys):
            prefixes = False
        else:
            prefixes = [(i, _quote(key) + ":") for i, key in self.fields]
        self.__dict__["_prefixes"] = prefixes
        return prefixes

    def _names(self, row: Sequence[str], n: int, name_hint: str) -> tuple[str, str, str]:
        """(name, first name, last name), whitespace tidied; the name falls back to first + last,
        then to the name found in the address cell."""
        name = " ".join(row[self.name].split()) if self.name is not None and self.name < n else ""
        first = " ".join(row[self.first].split()) if self.first is not None and self.first < n else ""
        last = " ".join(row[self.last].split()) if self.last is not None and self.last < n else ""
        if not name:
            name = f"{first} {last}".strip() if (first or last) else " ".join(name_hint.split())
        if len(name) > MAX_NAME:
            raise RowProblem(self.column_name(self.name if self.name is not None else self.first), name[:60] + "…",
                             f"the name is longer than {MAX_NAME} characters")
        return name, first, last

    def values(self, row: Sequence[str], name_hint: str = "") -> tuple[str, dict[str, str]]:
        """(name, custom fields) of one row; raises RowProblem when a value breaks a limit."""
        n = len(row)
        name, first, last = self._names(row, n, name_hint)
        fields: dict[str, str] = {}
        if first:
            fields["first_name"] = first
        if last:
            fields["last_name"] = last
        if self.json_fields is not None and self.json_fields < n and row[self.json_fields].strip():
            fields.update(self._json(row[self.json_fields]))
        for i, key in self.fields:
            if i < n:
                value = row[i].strip()
                if value:
                    if len(value) > MAX_FIELD:
                        raise RowProblem(self.column_name(i), value[:60] + "…",
                                         f"longer than {MAX_FIELD} characters")
                    fields[key] = value
        return name, fields

    def _json(self, text: str) -> dict[str, str]:
        try:
            data = json.loads(text)
        except ValueError:
            raise RowProblem(self.column_name(self.json_fields), text[:60], "not a JSON object") from None
        if not isinstance(data, dict):
            raise RowProblem(self.column_name(self.json_fields), text[:60], "not a JSON object")
        out = {}
        for k, v in data.items():
            value = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            if value and str(k).strip():
                if len(value) > MAX_FIELD:
                    raise RowProblem(self.column_name(self.json_fields), value[:60] + "…",
                                     f"attribute {k!r} is longer than {MAX_FIELD} characters")
                out[str(k).strip()] = value
        return out
