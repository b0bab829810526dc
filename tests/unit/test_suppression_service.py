"""services/contacts/suppression: keyed hashes, domains, bulk files, removal rules."""

from __future__ import annotations

import pytest

from mailer_desktop.domain.addresses import normalize
from mailer_desktop.domain.suppression import KeyedHasher, address_hash, domain_hash
from mailer_desktop.services.contacts import people as contacts
from mailer_desktop.services.contacts import rights, suppression
from mailer_desktop.services.contacts.suppression import SuppressionChecker, SuppressionError


def test_address_entries_match_the_normalised_address_and_store_a_keyed_hash(app):
    entry = suppression.suppress(app, "  <Spam@Example.COM> ", note="asked by phone")
    assert entry.scope == "address" and entry.display == "Spam@example.com" and entry.reason == "manual"
    assert entry.hash == address_hash(app.suppression_key(), "spam@example.com")
    assert suppression.is_suppressed(app, "SPAM@example.com")
    assert not suppression.is_suppressed(app, "spam2@example.com")
    assert not suppression.is_suppressed(app, "not an address")  # unusable input is simply not listed


def test_domain_entries_cover_every_address_of_the_domain(app):
    suppression.suppress(app, "@Bad.Example.")
    assert suppression.is_suppressed(app, "anyone@bad.example")
    assert not suppression.is_suppressed(app, "anyone@sub.bad.example")
    suppression.suppress(app, "bücher.example")
    assert suppression.is_suppressed(app, "x@xn--bcher-kva.example")


def test_existing_entry_is_kept_on_second_suppress(app):
    suppression.suppress(app, "a@example.com", "complaint")
    again = suppression.suppress(app, "a@example.com", "manual")
    assert again.reason == "complaint"
    assert suppression.count_suppressions(app) == 1


@pytest.mark.parametrize("bad, message", [
    ("", "empty"), ("justtext", "neither an address nor a domain"), ("a@b@", "not a valid address"),
    ("two words.com", "neither"),
])
def test_bad_entries_are_refused_with_reason(app, bad, message):
    with pytest.raises(SuppressionError, match=message):
        suppression.suppress(app, bad)


def test_unknown_and_reserved_reasons_are_refused(app):
    with pytest.raises(SuppressionError, match="unknown"):
        suppression.suppress(app, "a@example.com", "because")
    with pytest.raises(SuppressionError, match="erasure only"):
        suppression.suppress(app, "a@example.com", "erased")


def test_bulk_file_reports_line_numbers(app, tmp_path):
    f = tmp_path / "list.csv"
    f.write_bytes("email,reason\r\nOne@example.com,asked\r\n\r\nbad line here\r\nexample.net;x\r\n"
                  "one@example.com\r\n".encode("cp1252"))
    report = suppression.suppress_file(app, f)
    assert (report.added, report.already) == (2, 1)
    assert report.invalid == [(4, "bad line here", report.invalid[0][2])]
    assert "neither an address nor a domain" in report.invalid[0][2]
    assert suppression.list_suppressions(app, search="example.net")[0].note == "from list.csv"
    with pytest.raises(SuppressionError, match="cannot read"):
        suppression.suppress_file(app, tmp_path / "missing.txt")


def test_list_search_and_unsuppress(app):
    for i in range(5):
        suppression.suppress(app, f"u{i}@example.com")
    suppression.suppress(app, "x@other.example", "complaint")
    assert suppression.count_suppressions(app) == 6
    assert [s.display for s in suppression.list_suppressions(app, search="other")] == ["x@other.example"]
    assert suppression.count_suppressions(app, reason="complaint") == 1
    assert len(suppression.list_suppressions(app, offset=4, limit=10)) == 2
    assert suppression.unsuppress(app, "U1@example.com")
    assert not suppression.is_suppressed(app, "u1@example.com")
    h = address_hash(app.suppression_key(), "u2@example.com")
    assert suppression.unsuppress(app, h)
    assert not suppression.unsuppress(app, "u2@example.com")


def test_erased_entries_cannot_be_removed(app):
    c = contacts.add_contact(app, "gone@example.com")
    rights.erase_person(app, c.id, compact_file=False)
    [entry] = suppression.list_suppressions(app)
    assert entry.reason == "erased" and entry.display is None
    with pytest.raises(SuppressionError, match="erased person"):
        suppression.unsuppress(app, "gone@example.com")
    with pytest.raises(SuppressionError, match="erased person"):
        suppression.unsuppress(app, entry.hash)


def test_checker_reads_the_key_once(app, keyring_backend):
    suppression.suppress(app, "a@example.com")
    checker = SuppressionChecker(app)
    calls = []
    original = keyring_backend.get_password
    keyring_backend.get_password = lambda *a: calls.append(a) or original(*a)
    try:
        assert checker("a@example.com").reason == "manual"
        assert checker("b@example.com") is None
    finally:
        keyring_backend.get_password = original
    assert calls == []


@pytest.mark.parametrize("key", [b"", b"k" * 32, b"k" * 64, bytes(range(200))])
def test_keyed_hasher_gives_the_stored_hashes(key):
    hasher = KeyedHasher(key)
    for addr in ("anna@example.com", "zoë@bücher.example", "x@y.z"):
        n = normalize(addr)
        assert hasher.address(n.key).hex() == address_hash(key, n)
        assert hasher.domain(n.ascii_domain).hex() == domain_hash(key, n.ascii_domain)


def test_the_list_is_read_a_window_at_a_time_newest_first_without_sorting_it_whole(app):
    conn = app.db.conn
    with app.db.transaction():
        for i in range(600):  # many entries share a second, as an import's do
            conn.execute("INSERT INTO suppressions (hash, scope, reason, created_at, display) VALUES (?, 'address', ?, ?, ?)",
                         (f"{i * 7919 % 1000:04d}{i:04d}", ("hard_bounce", "unsubscribed", "manual")[i % 3],
                          f"2026-11-{1 + i // 40:02d}T00:00:00Z", f"p{i}@example.net"))
    for reason in (None, "manual"):
        everything = [(r[0], r[1]) for r in conn.execute(
            "SELECT created_at, hash FROM suppressions" + (" WHERE reason = ?" if reason else ""),
            (reason,) if reason else ())]
        expected = [h for _, h in sorted(everything, reverse=True)]
        assert suppression.count_suppressions(app, reason=reason) == len(expected)
        for offset in (0, 1, 199, 200, len(expected) - 3):
            window = suppression.list_suppressions(app, offset=offset, limit=200, reason=reason)
            assert [s.hash for s in window] == expected[offset:offset + 200]
        ran: list[str] = []
        conn.set_trace_callback(ran.append)
        try:
            suppression.list_suppressions(app, offset=300, limit=200, reason=reason)
        finally:
            conn.set_trace_callback(None)
        statement = next(s for s in ran if "FROM suppressions" in s)
        plan = [tuple(r) for r in conn.execute("EXPLAIN QUERY PLAN " + statement)]
        window = next(r[0] for r in plan if r[3].startswith("LIST SUBQUERY"))
        finding = [r[3] for r in plan if r[1] == window]  # how the window's keys are found
        assert any("COVERING INDEX suppressions_by_" in step for step in finding), plan
        assert not any("TEMP B-TREE" in step for step in finding), plan  # only the window itself is sorted
