"""What a referral keeps of a decision: the pure part of verwijzing.referrals.record."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from verwijzing.decision.facts import Facts, parse_facts
from verwijzing.decision.screening import screen
from verwijzing.referrals.record import (
    KEPT_FACTS,
    ReferralError,
    decision_snapshot,
    kept_facts,
    referral_fields,
    status_of,
)

DAY = dt.date(2027, 2, 1)
PERSON = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen", "werkervaring_jaren": 12.0,
          "opleidingsniveau": "kort", "leeftijd": 45, "eerder_gebruikt_uren": 0,
          "eerder_gebruikt_trajecten": 0}


def test_the_kept_facts_are_the_facts_the_rules_read():
    # A fact added to the rules must be kept too, or a re-screening of recorded intakes goes wrong.
    assert set(KEPT_FACTS) == set(Facts.names())


def test_a_re_screening_of_the_kept_facts_gives_the_same_decision():
    facts = parse_facts(PERSON)
    kept = kept_facts(facts)
    assert kept == {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen",
                    "werkervaring_jaren": 12.0, "opleidingsniveau": "kort", "leeftijd": 45,
                    "eerder_gebruikt_uren": 0, "eerder_gebruikt_trajecten": 0}
    assert screen(parse_facts(kept), DAY) == screen(facts, DAY)
    # and under the scenario, which is what the dashboard's comparison does
    assert screen(parse_facts(kept), DAY, "serv-advies") == screen(facts, DAY, "serv-advies")


def test_the_age_is_kept_in_years_because_the_youth_limit_is_a_policy_figure():
    young = {**PERSON, "werkervaring_jaren": 2.0, "leeftijd": 24}
    assert kept_facts(young)["leeftijd"] == 24
    assert screen(parse_facts(kept_facts(young)), DAY).route.value == "jongerenorientatie"


def test_nothing_but_the_rules_facts_is_kept_from_what_a_caller_hands_over():
    given = {**PERSON, "naam": "Jan Peeters", "rijksregisternummer": "85073003328", "telefoon": "0470123456",
             "postcode": "9000", "vrije_tekst": "ik wil iets anders"}
    kept = kept_facts(given)
    assert set(kept) <= set(KEPT_FACTS)
    assert "Jan" not in repr(kept) and "85073003328" not in repr(kept) and "0470" not in repr(kept)


def test_the_snapshot_keeps_outcome_figures_and_reasons_with_sources():
    snapshot = decision_snapshot(screen(parse_facts(PERSON), DAY))
    assert snapshot["in_aanmerking"] is True and snapshot["route"] == "loopbaankrediet"
    assert snapshot["regime"] == "loopbaankrediet" and snapshot["peildatum"] == "2027-02-01"
    assert snapshot["bijdrage_per_uur"] == 15
    assert snapshot["redenen"] and all(r["bron"] and r["uitleg"] and r["code"] for r in snapshot["redenen"])
    assert any("7" in r["uitleg"] and r["voldaan"] is True for r in snapshot["redenen"])


def test_a_chat_referral_has_no_consent_override_or_staff_member():
    fields = referral_fields(decision=screen(parse_facts(PERSON), DAY), facts=PERSON, channel="sms",
                             conversation_id="a" * 64)
    assert fields["channel"] == "sms" and fields["conversation_id"] == "a" * 64
    assert fields["route"] == "loopbaankrediet" and fields["in_aanmerking"] is True
    assert fields["consent"] is None and fields["override"] is None and fields["staff_member"] is None
    with pytest.raises(ReferralError):
        referral_fields(decision=screen(parse_facts(PERSON), DAY), facts=PERSON, channel="web",
                        consent="in_persoon")


def test_a_staff_referral_needs_the_consulent_and_the_consent():
    decision = screen(parse_facts(PERSON), DAY)
    with pytest.raises(ReferralError, match="toestemming"):
        referral_fields(decision=decision, facts=PERSON, channel="staff", staff_member="an")
    with pytest.raises(ReferralError, match="consulent"):
        referral_fields(decision=decision, facts=PERSON, channel="staff", consent="telefonisch")
    fields = referral_fields(decision=decision, facts=PERSON, channel="staff", staff_member="an",
                             consent="telefonisch")
    assert fields["consent"] == "telefonisch" and fields["staff_member"] == "an"


def test_an_override_changes_the_route_keeps_the_rules_outcome_and_needs_a_reason():
    decision = screen(parse_facts(PERSON), DAY)
    staff = {"decision": decision, "facts": PERSON, "channel": "staff", "staff_member": "an",
             "consent": "in_persoon"}
    fields = referral_fields(**staff, override={"route": "competentiecheck",
                                                "reden": "  Wil eerst  zijn competenties kennen; bel 0470 12 34 56 "})
    assert fields["route"] == "competentiecheck" and fields["in_aanmerking"] is True
    assert fields["decision"]["route"] == "loopbaankrediet"
    assert fields["override"] == {"route": "competentiecheck", "oorspronkelijke_route": "loopbaankrediet",
                                  "reden": "Wil eerst zijn competenties kennen; bel [telefoon]"}
    with pytest.raises(ReferralError, match="waarom"):
        referral_fields(**staff, override={"route": "competentiecheck", "reden": "   "})
    with pytest.raises(ReferralError, match="route"):
        referral_fields(**staff, override={"route": "ergens", "reden": "omdat"})


def test_bad_facts_and_incomplete_decisions_are_refused_plainly():
    decision = screen(parse_facts(PERSON), DAY)
    with pytest.raises(ReferralError, match="werkstatus"):
        referral_fields(decision=decision, facts={**PERSON, "werkstatus": "piraat"}, channel="web")
    with pytest.raises(ReferralError, match="in_aanmerking"):
        referral_fields(decision={"route": "loopbaankrediet", "regime": "loopbaankrediet"}, facts=PERSON,
                        channel="web")
    with pytest.raises(ReferralError, match="kanaal"):
        referral_fields(decision=decision, facts=PERSON, channel="fax")


def test_the_snapshot_of_a_decision_read_back_from_json_is_the_same():
    decision = screen(parse_facts(PERSON), DAY)
    assert decision_snapshot(decision_snapshot(decision)) == decision_snapshot(decision)
    assert decision_snapshot(dataclasses.replace(decision, redenen=()))["redenen"] == []


@pytest.mark.parametrize("eligible, booking, status", [
    (True, None, "in_aanmerking"), (False, None, "niet"), (True, "confirmed", "geboekt"),
    (True, "attended", "bijgewoond"), (True, "cancelled", "geannuleerd"), (True, "held", "in_aanmerking"),
])
def test_the_status_is_the_furthest_step(eligible, booking, status):
    assert status_of(eligible, booking) == status
