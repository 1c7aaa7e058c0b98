"""Properties of the rules that must hold for every person, not only the golden cases."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from verwijzing.decision.facts import (
    Facts,
    Hulpvraag,
    Opleidingsniveau,
    Regio,
    Werkstatus,
)
from verwijzing.decision.screening import screen

dates = st.dates(min_value=dt.date(2025, 10, 1), max_value=dt.date(2032, 12, 31))
facts = st.builds(
    Facts,
    werkstatus=st.sampled_from(Werkstatus),
    werkervaring_jaren=st.floats(min_value=0, max_value=50, allow_nan=False),
    opleidingsniveau=st.sampled_from(Opleidingsniveau),
    woonregio=st.sampled_from(Regio),
    werkregio=st.sampled_from(Regio),
    leeftijd=st.integers(min_value=15, max_value=80),
    hulpvraag=st.sampled_from(Hulpvraag),
    eerder_gebruikt_uren=st.sampled_from([0, 1, 2, 3, 4, 5, 6, 8]),
    eerder_loopbaancheque=st.booleans(),
    eerder_gebruikt_trajecten=st.integers(min_value=0, max_value=4),
)
regimes = st.sampled_from([None, "serv-advies"])


@settings(max_examples=300, deadline=None)
@given(facts, dates, st.floats(min_value=0, max_value=30, allow_nan=False), regimes)
def test_more_experience_never_makes_an_eligible_person_ineligible(person, day, extra, regime):
    before = screen(person, day, regime)
    more = Facts(**{**person.__dict__, "werkervaring_jaren": person.werkervaring_jaren + extra})
    if before.in_aanmerking:
        assert screen(more, day, regime).in_aanmerking


@settings(max_examples=300, deadline=None)
@given(facts, st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2032, 12, 31)))
def test_in_regime_b_the_hourly_contribution_is_15_or_25(person, day):
    decision = screen(person, day)
    if decision.in_aanmerking:
        assert decision.bijdrage_per_uur in (15, 25)
        assert decision.bijdrage_per_blok == 2 * decision.bijdrage_per_uur
        assert decision.bijdrage_per_uur == (15 if person.opleidingsniveau is Opleidingsniveau.KORT else 25)
    else:
        assert decision.bijdrage_per_uur is None


@settings(max_examples=300, deadline=None)
@given(facts, dates, regimes)
def test_every_not_eligible_has_a_reason(person, day, regime):
    decision = screen(person, day, regime)
    if not decision.in_aanmerking:
        assert decision.redenen
        assert all(r.uitleg and r.bron for r in decision.redenen)


@settings(max_examples=200, deadline=None)
@given(facts, dates, regimes)
def test_same_facts_same_date_same_decision(person, day, regime):
    assert screen(person, day, regime) == screen(person, day, regime)


@settings(max_examples=200, deadline=None)
@given(facts, dates)
def test_a_care_question_never_gets_the_credit(person, day):
    if person.hulpvraag in (Hulpvraag.BURNOUT, Hulpvraag.THERAPIE):
        decision = screen(person, day)
        assert (decision.in_aanmerking, decision.route.value) == (False, "zorg")
