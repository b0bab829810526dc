"""Cleaning rules (flags, typo suggestions, merge policies) and property tests: the fast address
path agrees with email-validator, and arbitrary CSV text never breaks an import."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailer_desktop.domain.addresses import AddressError, validate
from mailer_desktop.domain.importing.cleaning import AddressCleaner, is_disposable, typo_suggestion
from mailer_desktop.domain.importing.mapping import auto_map
from mailer_desktop.domain.importing.merge import merge
from mailer_desktop.services.importing import ImportInputError, import_text


def test_flags_and_suggestions():
    clean = AddressCleaner()
    info = clean("Sales+eu@Gmial.com")
    assert info.email == "Sales+eu@gmial.com" and info.key == "sales+eu@gmial.com"
    assert set(info.flags) == {"role", "typo"} and info.suggestion == "gmail.com"
    assert clean("someone@mailinator.com").flags == ("disposable",)
    assert is_disposable("inbox.yopmail.com")
    assert clean("anna@example.com").flags == ()
    assert typo_suggestion("hotmial.com") == "hotmail.com"
    assert typo_suggestion("yaoo.com") == "yahoo.com"       # one edit from a popular domain
    assert typo_suggestion("example.con") == "example.com"
    assert typo_suggestion("gmail.com") is None
    assert clean("Anna Smith <anna@example.com>").name == "Anna Smith"
    assert clean("gina@example.com ::: g2@example.org").email == "gina@example.com"


def test_idn_addresses_get_display_and_ascii_forms():
    info = AddressCleaner()("Jörg@Bücher.Example")
    assert info.email == "Jörg@bücher.example"
    assert info.key == "jörg@xn--bcher-kva.example"


def test_merge_policies_never_erase_with_empty_cells():
    assert merge("overwrite", "Old", {"a": "1"}, "", {"a": ""}) == ("Old", {"a": "1"}, False)
    assert merge("fill", "", {"a": ""}, "New", {"a": "2"}) == ("New", {"a": "2"}, True)
    assert merge("keep", "", {}, "New", {"a": "2"}) == ("", {}, False)


def test_generic_header_names_in_several_languages():
    assert auto_map(["Courriel", "Prénom", "Nom"]).targets == ["email", "first_name", "last_name"]
    assert auto_map(["Correo electrónico", "Nombre", "Apellidos"]).targets == ["email", "first_name", "last_name"]
    assert auto_map(["Col A", "Col B"], sample_rows=[["x", "a@example.com"]]).targets == ["skip", "email"]
    assert auto_map(["email", "Lieblingsfarbe"], unknown="field").targets == ["email", "field:Lieblingsfarbe"]


def _verdict(fn, text):
    try:
        a = fn(text)
        return ("ok", a.email, a.key)
    except AddressError as exc:
        return ("error", str(exc))


local_chars = string.ascii_letters + string.digits + ".+-_'!#~" + "é\""
domain_chars = string.ascii_letters + string.digits + ".-" + "üß" + "_"
addresses = st.builds(
    lambda local, domain, tld, pad: f"{pad}{local}@{domain}{tld}{pad}",
    st.text(local_chars, min_size=0, max_size=70),
    st.text(domain_chars, min_size=0, max_size=30),
    st.sampled_from([".com", ".de", ".c", ".123", "", ".xn--p1ai", ".local", ".", ".co.uk"]),
    st.sampled_from(["", " ", "\t"]),
)


@settings(max_examples=400, deadline=None)
@given(addresses)
def test_fast_path_gives_the_same_verdict_as_email_validator(text):
    cleaner = AddressCleaner()
    fast = _verdict(lambda t: cleaner(t), text)
    slow = _verdict(validate, text)
    assert fast == slow
    assert _verdict(lambda t: cleaner(t), text) == slow  # and again from the per-domain cache


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["a@example.com", "B@Example.com", "x@bücher.example", "", '"', '""', "\n", ";", ",", "\t", "|", "=1+2",
     "email", "Email", "info@gmial.com", "bad@", "\r\n", "\x00"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=1, max_size=5), min_size=1, max_size=12),
       st.sampled_from([",", ";", "\t", "|"]), st.booleans())
def test_any_csv_text_is_accounted_for(app, rows, delimiter, with_header):
    lines = [delimiter.join(r) for r in rows]
    if with_header:
        lines.insert(0, delimiter.join(["email", "name"]))
    text = "\n".join(lines)
    try:
        report = import_text(app, text)
    except ImportInputError as exc:
        assert str(exc)  # a clear refusal (e.g. no email column) is fine; a crash is not
        return
    assert report.accounted == report.rows
    assert report.added + report.updated + report.unchanged <= report.rows


@pytest.mark.parametrize("bad", ["x@localhost", "x@example.test", "a..b@example.com", "@example.com"])
def test_invalid_addresses_are_rejected_with_a_reason(bad):
    with pytest.raises(AddressError) as info:
        AddressCleaner()(bad)
    assert str(info.value)


_targets = st.sampled_from(["email", "name", "first_name", "last_name", "skip", "field:company", "field:city",
                            "field:first_name", "field:*json"])


@settings(max_examples=300, deadline=None)
@given(targets=st.lists(_targets, min_size=1, max_size=6),
       row=st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["", "  a  b ", '{"k": "v", "n": 2}', "[1]",
                                                                    "x" * 2001, "N" * 201])), max_size=7),
       hint=st.text(max_size=5))
def test_encoded_row_values_equal_the_json_of_the_values(targets, row, hint):
    from mailer_desktop.domain.importing.mapping import Mapping
    from mailer_desktop.services.importing.rows import RowPlan, RowProblem, fields_json

    targets = ["email", *targets]
    plan = RowPlan.of([f"c{i}" for i in range(len(targets))], Mapping(targets, None))
    try:
        name, fields = plan.values(row, hint)
        expected = (name, fields_json(fields))
    except RowProblem as exc:
        expected = (exc.column, exc.value, exc.reason)
    try:
        got = plan.encoded(row, hint)
    except RowProblem as exc:
        got = (exc.column, exc.value, exc.reason)
    assert got == expected
