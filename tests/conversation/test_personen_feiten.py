"""The held-out people's expectations are right: their `feiten` through the screening (no Rasa).

tests/conversation/test_heldout_personen.py plays these people through the real stack and checks
the route they reach against `verwacht`; this test makes sure `verwacht` is what the decision
table gives for the facts their answers mean, so a wrong expectation cannot pass for a weakness
of the assistant (or hide one).
"""
from __future__ import annotations

import json

import pytest

from tests.conversation.personas import ASKABLE_SLOTS, CREDIT_ROUTES, SETS, load_personas
from verwijzing.cli import screen_json

PERSONS = load_personas()
EVERYONE = [(name, p) for name, path in SETS.items() for p in load_personas(path)]


@pytest.mark.parametrize("person", [p for _, p in EVERYONE], ids=[f"{s}-{p.naam}" for s, p in EVERYONE])
def test_expected_route_is_what_the_rules_decide_for_the_persons_facts(person):
    decision = screen_json(json.dumps({"datum": person.datum.isoformat(), **person.feiten}), person.datum)
    assert (decision["route"], decision["in_aanmerking"]) == (person.route, person.in_aanmerking)
    if person.boeken:  # only someone with a right to a first block can want to book one
        assert person.route in CREDIT_ROUTES and person.in_aanmerking and person.modaliteit


def test_the_new_sets_are_large_enough_and_cover_every_kind_of_mistake():
    kinds = {"correctie", "delen", "bereik", "verhaal", "werkvorm", "burnout", "prive", "dialect", "spraak",
             "laaggeletterd", "meertalig"}
    conversations = load_personas(SETS["gesprekken"])
    assert len(conversations) >= 60
    assert {p.soort for p in conversations} >= kinds
    assert {p.soort for p in load_personas(SETS["verzegeld"])} >= kinds
    for path in SETS.values():  # names identify the people in the report of their set
        names = [p.naam for p in load_personas(path)]
        assert len(names) == len(set(names)), path.name


@pytest.mark.parametrize("person", [p for _, p in EVERYONE], ids=[f"{s}-{p.naam}" for s, p in EVERYONE])
def test_every_person_can_answer_every_question_of_the_intake(person):
    assert set(person.antwoorden) == set(ASKABLE_SLOTS)
    assert all(isinstance(a, str) and a.strip() for a in person.antwoorden.values())
    assert set(person.feiten) == set(ASKABLE_SLOTS)


def test_the_set_covers_every_route_both_regimes_and_the_hard_cases():
    routes = {p.route for p in PERSONS}
    assert routes == {"loopbaankrediet", "loopbaancheque", "competentiecheck", "jongerenorientatie",
                      "vdab_bemiddeling", "zorg", "terug_naar_werk", "vlaio", "opleiding", "geen"}
    assert len(PERSONS) >= 40
    assert {p.datum.year for p in PERSONS} == {2026, 2027}
    woon = {p.feiten["woonregio"] for p in PERSONS}
    assert {"wallonie", "eer_buitenland", "buiten_eer", "brussel"} <= woon
    status = {p.feiten["werkstatus"] for p in PERSONS}
    assert {"langdurig_ziek", "student", "gepensioneerd", "zelfstandige", "werkzoekende", "anders"} <= status
    assert any("tijdelijk werkloos" in p.antwoorden["werkstatus"] for p in PERSONS)
    assert len({p.naam for p in PERSONS}) == len(PERSONS), "names identify the people in the report"
