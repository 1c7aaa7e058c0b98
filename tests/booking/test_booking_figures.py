"""Booking's figures come from the policy of the day; what the policy does not settle is None."""
from __future__ import annotations

import datetime as dt

from verwijzing.booking import figures
from verwijzing.booking.ledger import refund_due
from verwijzing.booking.texts import not_enough_credit
from verwijzing.policy import regime_at

CREDIT_START = regime_at(dt.date(2027, 6, 1)).regime.start


def test_figures_are_the_policys():
    day = dt.date(2027, 6, 1)
    assert figures.block_minutes(day) == regime_at(day).value("blok_uren") * 60
    assert figures.credit_minutes(day) == regime_at(day).value("krediet_uren") * 60
    assert figures.retention_years(day) == regime_at(day).value("bewaartermijn_jaren")


def test_transitional_cheque_has_no_block_or_credit_and_says_so():
    before = CREDIT_START - dt.timedelta(days=10)
    assert regime_at(before).value("blok_uren") is None  # no source gives it
    assert figures.block_minutes(before) is None and figures.block_hours(before) is None
    assert figures.credit_minutes(before) is None
    assert not figures.uses_credit(before) and figures.uses_credit(CREDIT_START)
    assert figures.single_cheque_only(before) is regime_at(before).value("eerder_loopbaancheque_sluit_uit")
    assert not figures.single_cheque_only(CREDIT_START)
    # Only the fictional agendas borrow a slot length; nothing is debited or told from it.
    assert figures.agenda_block_minutes(before) == figures.block_minutes(CREDIT_START)


def test_hours_for_people():
    assert figures.hours(120) == 2 and isinstance(figures.hours(120), int)
    assert figures.hours(90) == 1.5
    assert figures.hours(None) is None  # not settled stays not settled


def test_refund_boundary():
    start = dt.datetime(2027, 3, 2, 9, tzinfo=dt.UTC)
    window = dt.timedelta(hours=24)
    assert refund_due(start, start - window, window)
    assert not refund_due(start, start - window + dt.timedelta(seconds=1), window)


def test_credit_messages():
    assert "op" in not_enough_credit(0, 120)
    assert "1 uur krediet over" in not_enough_credit(60, 120)
