"""Which column of an imported table goes where.

Targets: ``email``, ``name`` (full name), ``first_name``, ``last_name``, ``field:KEY`` (a custom
field, stored in the contact's fields under KEY), ``optout`` (a source system's own opt-out
column: a row marked there is skipped, never imported) and ``skip``.

:func:`auto_map` recognises the exports of Mailchimp, listmonk, Google Contacts, Outlook,
Shopify and of this program from their header rows (the preset with the most matching
columns wins); otherwise common header names in English, German, French and Spanish are
matched. Columns nobody knows are skipped by default (data minimisation: custom fields only
when the user asks for them) or kept as custom fields with ``unknown="field"``.
Consent columns of other systems (status, opt-in time …) never set consent here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

EMAIL, NAME, FIRST, LAST, SKIP, OPTOUT = "email", "name", "first_name", "last_name", "skip", "optout"
FIELD_PREFIX = "field:"
BASE_TARGETS = (EMAIL, NAME, FIRST, LAST, OPTOUT, SKIP)


def norm(header: str) -> str:
    return re.sub(r"[^0-9a-zß-ÿ]+", "", header.strip().lower())


# Generic header names (normalised with norm()).
_ALIASES: dict[str, str] = {}
for _target, _names in {
    EMAIL: ["email", "e-mail", "emailaddress", "email address", "e-mail address", "mail", "e-mail 1 - value",
            "email 1 - value", "primary email", "emailadresse", "e-mail-adresse", "courriel",
            "adresse e-mail", "adresse email", "correo", "correo electrónico", "correo electronico",
            "subscriber email", "address e-mail", "mailadresse", "e-mail1"],
    NAME: ["name", "full name", "fullname", "display name", "contact name", "nom complet", "nombre completo",
           "vollständiger name", "customer name", "subscriber name"],
    FIRST: ["first name", "firstname", "given name", "forename", "vorname", "prénom", "prenom", "nombre", "fname"],
    LAST: ["last name", "lastname", "surname", "family name", "nachname", "nom", "apellido", "apellidos", "lname"],
}.items():
    for _n in _names:
        _ALIASES[norm(_n)] = _target

# Common extra columns that become custom fields under a stable key when kept.
_FIELD_ALIASES = {
    norm(n): k for n, k in [
        ("company", "company"), ("organization", "company"), ("organisation", "company"),
        ("organization name", "company"), ("organization 1 - name", "company"), ("firma", "company"),
        ("phone", "phone"), ("phone number", "phone"), ("telephone", "phone"), ("mobile", "phone"),
        ("telefon", "phone"), ("phone 1 - value", "phone"), ("city", "city"), ("stadt", "city"),
        ("ort", "city"), ("country", "country"), ("land", "country"), ("tags", "tags"),
        ("birthday", "birthday"), ("language", "language"), ("sprache", "language"),
    ]
}


@dataclass(frozen=True)
class Preset:
    """A known export format: its name, the columns that identify it and how they map."""

    key: str
    title: str
    signature: tuple[str, ...]
    columns: dict[str, str] = field(default_factory=dict)
    unknown: str = SKIP   # target for this format's other columns: SKIP or "field"


def _p(key, title, signature, columns, unknown=SKIP) -> Preset:
    return Preset(key, title, tuple(norm(s) for s in signature),
                  {norm(k): v for k, v in columns.items()}, unknown)


PRESETS: tuple[Preset, ...] = (
    _p("mailer_desktop", "Mailer Desktop export", ["consent_basis", "consent_expires_at", "lists", "created_at"],
       {"email": EMAIL, "name": NAME, "status": SKIP, "consent_basis": SKIP, "consent_expires_at": SKIP,
        "lists": SKIP, "source": SKIP, "created_at": SKIP, "updated_at": SKIP}, unknown="field"),
    _p("mailchimp", "Mailchimp", ["Email Address", "MEMBER_RATING", "OPTIN_TIME", "LEID", "EUID", "CONFIRM_TIME"],
       {"Email Address": EMAIL, "First Name": FIRST, "Last Name": LAST, "Phone Number": "field:phone",
        "Address": "field:address", "Birthday": "field:birthday", "TAGS": "field:tags"}),
    _p("listmonk", "listmonk", ["uuid", "attributes"],
       {"email": EMAIL, "name": NAME, "attributes": "field:*json", "status": OPTOUT}),
    _p("google", "Google Contacts", ["E-mail 1 - Value", "E-mail 1 - Type", "E-mail 1 - Label", "Given Name",
                                      "Family Name", "Group Membership", "Name Prefix"],
       {"E-mail 1 - Value": EMAIL, "Name": NAME, "Given Name": FIRST, "Family Name": LAST, "First Name": FIRST,
        "Last Name": LAST, "Organization 1 - Name": "field:company", "Organization Name": "field:company",
        "Phone 1 - Value": "field:phone"}),
    _p("outlook", "Outlook", ["E-mail Address", "E-mail 2 Address", "E-mail Display Name", "Middle Name",
                              "Business Phone", "Home Phone", "Job Title"],
       {"E-mail Address": EMAIL, "First Name": FIRST, "Last Name": LAST, "Company": "field:company",
        "Business Phone": "field:phone", "Mobile Phone": "field:phone"}),
    _p("shopify", "Shopify", ["Customer ID", "Accepts Email Marketing", "Accepts Marketing", "Total Spent",
                              "Total Orders", "Default Address Company", "Tax Exempt"],
       {"Email": EMAIL, "First Name": FIRST, "Last Name": LAST, "Accepts Email Marketing": OPTOUT,
        "Accepts Marketing": OPTOUT, "Default Address Company": "field:company", "Company": "field:company",
        "Phone": "field:phone", "Default Address City": "field:city", "City": "field:city", "Tags": "field:tags"}),
)
PRESETS_BY_KEY = {p.key: p for p in PRESETS}

# Values of an OPTOUT column that mean "this person must not be mailed".
OPTOUT_VALUES = frozenset({"no", "false", "0", "blocklisted", "blacklisted", "unsubscribed", "n", "nein", "non"})


def guess_target(header: str) -> str | None:
    """The target a header name suggests (None when it means nothing to us)."""
    n = norm(header)
    if n in _ALIASES:
        return _ALIASES[n]
    if n in _FIELD_ALIASES:
        return FIELD_PREFIX + _FIELD_ALIASES[n]
    return None


def field_key(header: str) -> str:
    """The custom-field key a column's header gives (its text, trimmed)."""
    return header.strip() or "field"


def detect_preset(header: Sequence[str]) -> Preset | None:
    names = {norm(h) for h in header}
    best, best_hits = None, 0
    for preset in PRESETS:
        hits = sum(1 for s in preset.signature if s in names)
        if hits > best_hits and hits >= min(2, len(preset.signature)):
            best, best_hits = preset, hits
    return best


@dataclass
class Mapping:
    """targets[i] is where column i goes; ``preset`` names the recognised export format."""

    targets: list[str]
    preset: str | None = None

    @property
    def email_column(self) -> int | None:
        return self.targets.index(EMAIL) if EMAIL in self.targets else None

    def describe(self, header: Sequence[str]) -> dict[str, str]:
        return {(header[i] if i < len(header) else f"Column {i + 1}"): t for i, t in enumerate(self.targets)}


def valid_target(target: str) -> bool:
    return target in BASE_TARGETS or (target.startswith(FIELD_PREFIX) and len(target) > len(FIELD_PREFIX))


def auto_map(header: Sequence[str], unknown: str = SKIP, sample_rows: Sequence[Sequence[str]] = ()) -> Mapping:
    """The mapping suggested for a header row (``unknown``: SKIP or "field" for the columns
    nothing recognises). Without a header-named email column, the column whose sample values
    hold the most addresses becomes the email column."""
    from .sniff import has_address

    preset = detect_preset(header)
    targets: list[str] = []
    for h in header:
        n = norm(h)
        target = None
        if preset is not None:
            target = preset.columns.get(n)
            if target is None and n in _ALIASES and _ALIASES[n] != EMAIL:
                target = _ALIASES[n]
            if target is None:
                target = SKIP if preset.unknown == SKIP and unknown == SKIP else FIELD_PREFIX + field_key(h)
        else:
            target = guess_target(h)
            if target is None:
                target = FIELD_PREFIX + field_key(h) if unknown == "field" and h.strip() else SKIP
        if target in (EMAIL, NAME, FIRST, LAST) and target in targets:
            target = SKIP if unknown == SKIP else FIELD_PREFIX + field_key(h)  # second email column etc.
        targets.append(target)
    if EMAIL not in targets and sample_rows:
        counts = [0] * len(header)
        for row in sample_rows:
            for i, cell in enumerate(row[: len(header)]):
                if has_address(cell):
                    counts[i] += 1
        if counts and max(counts) > 0:
            targets[counts.index(max(counts))] = EMAIL
    return Mapping(targets, preset.key if preset else None)
