"""The consent state machine and mailability rules (domain/consent.py)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailer_desktop.domain import consent


def test_every_status_and_status_event_pair_is_decided():
    for status in consent.STATUSES:
        for kind in consent.STATUS_EVENTS:
            assert (status, kind) in consent.TRANSITIONS, (status, kind)
    assert set(consent.TRANSITIONS.values()) <= set(consent.STATUSES)


def test_only_a_confirmation_leads_out_of_an_opt_out():
    for (before, kind), after in consent.TRANSITIONS.items():
        if before in consent.OPTED_OUT and after not in consent.OPTED_OUT:
            assert kind == consent.EV_CONFIRMED, (before, kind, after)


def test_confirmation_needs_evidence():
    with pytest.raises(consent.ConsentError, match="evidence"):
        consent.transition(consent.UNSUBSCRIBED, consent.EV_CONFIRMED, "  ")
    step = consent.transition(consent.UNSUBSCRIBED, consent.EV_CONFIRMED, "<reply@mail>")
    assert (step.before, step.after) == (consent.UNSUBSCRIBED, consent.CONFIRMED)


def test_record_only_events_and_unknown_statuses_are_refused_as_transitions():
    with pytest.raises(consent.ConsentError, match="cannot change"):
        consent.transition(consent.PENDING, consent.EV_EDITED)
    with pytest.raises(consent.ConsentError, match="unknown consent status"):
        consent.transition("erased", consent.EV_CONFIRMED, "x")


def test_opt_outs_never_lower_severity():
    assert consent.transition(consent.COMPLAINED, consent.EV_UNSUBSCRIBED).after == consent.COMPLAINED
    assert consent.transition(consent.COMPLAINED, consent.EV_BOUNCED).after == consent.COMPLAINED
    assert consent.transition(consent.BOUNCED, consent.EV_UNSUBSCRIBED).after == consent.BOUNCED
    assert consent.transition(consent.UNSUBSCRIBED, consent.EV_BOUNCED).after == consent.BOUNCED


def test_initial_status_needs_proof_for_confirmed():
    assert consent.initial_status(consent.EV_IMPORTED) == consent.PENDING
    assert consent.initial_status(consent.EV_CREATED, "form", confirmed=True) == consent.CONFIRMED
    with pytest.raises(consent.ConsentError, match="proof"):
        consent.initial_status(consent.EV_IMPORTED, "", confirmed=True)
    with pytest.raises(consent.ConsentError):
        consent.initial_status(consent.EV_CONFIRMED)


def test_implied_consent_expires_two_years_after_purchase():
    assert consent.implied_expiry(date(2025, 3, 10)) == date(2027, 3, 10)
    assert consent.implied_expiry(date(2024, 2, 29)) == date(2026, 2, 28)
    end = consent.implied_expiry(date(2025, 3, 10))
    assert consent.is_mailable("confirmed", "implied", end, date(2027, 3, 9))
    assert not consent.is_mailable("confirmed", "implied", end, date(2027, 3, 10))
    assert not consent.is_mailable("confirmed", "implied", None, date(2025, 1, 1))
    assert consent.is_mailable("confirmed", "implied", "2027-03-10T00:00:00Z", date(2027, 1, 1))


@pytest.mark.parametrize("status", ["pending", "unsubscribed", "bounced", "complained"])
def test_only_confirmed_is_mailable(status):
    assert not consent.is_mailable(status, "express", None, date(2026, 1, 1))
    assert consent.is_mailable("confirmed", "express", None, date(2026, 1, 1))
    assert consent.is_mailable("confirmed", None, None, date(2026, 1, 1))


@given(st.lists(st.tuples(st.sampled_from(consent.STATUS_EVENTS), st.sampled_from(["", "evidence"])),
                max_size=30))
def test_no_event_sequence_reaches_confirmed_without_a_confirmation_after_the_last_opt_out(events):
    status = consent.PENDING
    confirmed_since_opt_out = False
    for kind, evidence in events:
        try:
            step = consent.transition(status, kind, evidence)
        except consent.ConsentError:
            assert kind == consent.EV_CONFIRMED and not evidence
            continue
        status = step.after
        if kind == consent.EV_CONFIRMED:
            confirmed_since_opt_out = True
        elif step.after in consent.OPTED_OUT:
            confirmed_since_opt_out = False
        if consent.is_mailable(status, "express", None, date(2026, 1, 1)):
            assert confirmed_since_opt_out
