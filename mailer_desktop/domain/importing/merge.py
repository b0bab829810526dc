"""How an imported row's name and custom fields combine with what is already there.

Policies (the user chooses one per import; duplicates inside the file follow it too):
- ``fill``       fill empty fields only: existing values stay, missing ones are added (default);
- ``overwrite``  imported non-empty values replace existing ones (empty cells erase nothing);
- ``keep``       the existing contact stays exactly as it is.

Consent (status, basis, expiry) is never part of a merge: an import neither upgrades nor
downgrades anyone's consent.
"""

from __future__ import annotations

FILL, OVERWRITE, KEEP = "fill", "overwrite", "keep"
POLICIES = (FILL, OVERWRITE, KEEP)
POLICY_TITLES = {FILL: "Fill empty fields", OVERWRITE: "Overwrite fields", KEEP: "Keep existing contacts"}


def merge(policy: str, name: str, fields: dict, new_name: str, new_fields: dict) -> tuple[str, dict, bool]:
    """(name, fields, changed) after merging the imported values into the existing ones."""
    if policy == KEEP:
        return name, fields, False
    out_name = name
    if new_name and (policy == OVERWRITE or not name):
        out_name = new_name
    out_fields = fields
    for key, value in new_fields.items():
        if value in ("", None):
            continue
        current = out_fields.get(key)
        if current in ("", None) or (policy == OVERWRITE and current != value):
            if out_fields is fields:
                out_fields = dict(fields)
            out_fields[key] = value
    changed = out_name != name or out_fields is not fields
    return out_name, out_fields, changed
