"""Say only what the sources say (issue 7, point 4).

Every policy item the citizen texts depend on has a status (certain, proposal, unknown,
withdrawn) in the policy data. A text about an item that is not certain on a day it can be shown
carries that status's wording ("onder voorbehoud", "er nu niet"); no citizen text anywhere makes
a claim that no source makes (forbidden.yaml). Then what a person reads in the decisions that
used to be wrong.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from tests.truth.citizen_texts import ROOT, CitizenText, all_texts
from verwijzing.decision.answers import answer
from verwijzing.decision.explain import booking_offer, explain_decision
from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.policy import STATUSES, load_policy

POLICY = load_policy()
POLICY_DIR = ROOT / "src" / "verwijzing" / "policy"
# The one shared reserve phrase: what a plan or an unknown is said with.
RESERVE = POLICY.wordings["proposal"]
FORBIDDEN = yaml.safe_load((Path(__file__).parent / "forbidden.yaml").read_text(encoding="utf-8"))
TEXTS = all_texts()


def _check_days() -> list[dt.date]:
    """Every day a status or a regime changes, and the day before it, within the dated regimes."""
    changes = {start for item in [*POLICY.parameters.values(), *POLICY.regimes.values(), *POLICY.items.values()]
               for start, _ in item.statuses}
    changes |= {r.start for r in POLICY.regimes.values() if r.start}
    days = {d for c in changes if c != dt.date.min for d in (c, c - dt.timedelta(days=1))}
    return sorted(d for d in days if any(r.covers(d) for r in POLICY.regimes.values() if not r.scenario))


CHECK_DAYS = _check_days()


def _days_shown(text: CitizenText) -> list[dt.date]:
    if text.regime is None:
        return CHECK_DAYS
    return [d for d in CHECK_DAYS if POLICY.dated_regime(d).name == text.regime] or CHECK_DAYS


def _recognised(text: str) -> set[str]:
    return {name for name, item in POLICY.items.items() if re.search(item.herkenning, text, re.IGNORECASE)}


# --- the statuses in the policy data -------------------------------------------------------

def test_every_value_regime_and_item_states_its_status_explicitly():
    missing = []
    paths = sorted((POLICY_DIR / "parameters").glob("*.yaml")) + sorted((POLICY_DIR / "scenarios").glob("*/*.yaml"))
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing += [f"{path.name} {day}" for day, entry in data["values"].items()
                    if (entry or {}).get("status") not in STATUSES]
        missing += [path.name] * (not data.get("status_note"))
    for name, data in yaml.safe_load((POLICY_DIR / "regimes.yaml").read_text(encoding="utf-8")).items():
        missing += [name] * (not data.get("status") or not data.get("status_note"))
    for name, data in yaml.safe_load((POLICY_DIR / "items.yaml").read_text(encoding="utf-8")).items():
        incomplete = data.get("status") not in STATUSES or not data.get("status_note") or not data.get("reference")
        missing += [name] * incomplete
    assert not missing, f"no explicit status (or no status_note / reference): {missing}"


@pytest.mark.parametrize("name, day, status", [
    ("jongerenorientatie", dt.date(2027, 3, 1), "withdrawn"),
    ("competentiecheck_pop", dt.date(2027, 3, 1), "proposal"),
    ("eerder_loopbaancheque_telt_niet", dt.date(2027, 3, 1), "proposal"),
    ("loopbaankrediet", dt.date(2026, 11, 27), "proposal"),
    ("loopbaankrediet", dt.date(2027, 1, 1), "certain"),
    ("bijdrage_per_uur_kortgeschoold", dt.date(2026, 11, 27), "unknown"),
    ("bijdrage_per_uur_kortgeschoold", dt.date(2027, 1, 1), "certain"),
    ("kosteloos_annuleren_uren", dt.date(2027, 3, 1), "unknown"),
    ("eerder_loopbaancheque_sluit_uit", dt.date(2026, 11, 27), "certain"),
    ("eerder_loopbaancheque_sluit_uit", dt.date(2027, 3, 1), "proposal"),
])
def test_statuses_follow_the_sources(name, day, status):
    assert POLICY.status(name, day) == status


def test_a_plan_and_a_gap_share_one_reserve_phrase_and_certain_needs_none():
    assert RESERVE and POLICY.wordings["unknown"] == RESERVE
    assert POLICY.wordings["certain"] is None and POLICY.wordings["withdrawn"]


# --- every text about an uncertain item says so -------------------------------------------

@pytest.mark.parametrize("text", [t for t in TEXTS if t.over is not None], ids=lambda t: t.where)
def test_a_text_declares_every_item_it_is_recognised_to_speak_about(text):
    undeclared = _recognised(text.text) - set(text.over)
    assert not undeclared, f"{text.where} speaks about {undeclared} without declaring it in `over`"


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.where)
def test_every_text_about_an_item_that_is_not_certain_carries_the_reserve_wording(text):
    about = set(text.over or ()) | _recognised(text.text)
    lacking = {}
    for day in _days_shown(text):
        for wording in {w for name in about if (w := POLICY.wordings[POLICY.status(name, day)])}:
            if wording.lower() not in text.text.lower():
                lacking.setdefault(wording, day)
    assert not lacking, f"{text.where} ({sorted(about)}) lacks {lacking}: {text.text!r}"


@pytest.mark.parametrize("claim", FORBIDDEN, ids=lambda c: c["naam"])
def test_no_citizen_text_makes_a_claim_no_source_makes(claim):
    pattern = re.compile(claim["patroon"], re.IGNORECASE)
    found = [f"{t.where}: {t.text!r}" for t in TEXTS if pattern.search(t.text)
             and not (claim.get("tenzij_voorbehoud") and RESERVE in t.text.lower())]
    assert not found, f"{claim['naam']} ({claim['waarom']}):\n" + "\n".join(found)


def test_the_forbidden_list_catches_the_sentences_it_was_made_for():
    # The claims as they stood before issue 7: each must still be caught.
    before = [
        "Je kiest zelf een loopbaanbegeleider met een erkenning van de Vlaamse overheid.",
        "Daarna kies je zelf een loopbaancentrum.",
        "Het eerste kennismakingsgesprek is gratis.",
        "Dit blok kost je 30 euro. Je betaalt aan je begeleider.",
        "De overheid betaalt de rest aan je begeleider.",
        "Je neemt die op in blokken van 2 uur. Je kiest zelf wanneer.",
        "Je annuleerde minder dan 24 uur vooraf, daarom krijg je de uren van dit blok niet terug.",
        "Een oude loopbaancheque telt niet mee.",
        "Bron: SERV-advies (oktober 2025) §2.3 (conceptnota p. 2).",
    ]
    for sentence in before:
        assert any(re.search(c["patroon"], sentence, re.IGNORECASE) for c in FORBIDDEN), sentence


# --- what a person reads -------------------------------------------------------------------

BASE = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen", "werkervaring_jaren": 12,
        "opleidingsniveau": "kort", "leeftijd": 45, "eerder_gebruikt_uren": 0, "eerder_gebruikt_trajecten": 0,
        "eerder_loopbaancheque": False}


def _read(day: str, **facts) -> tuple[object, list[str]]:
    data = {**BASE, **facts}
    decision = screen(parse_facts(data), dt.date.fromisoformat(day))
    return decision, explain_decision(decision, data["woonregio"]).messages


@pytest.mark.parametrize("facts", [{}, {"werkstatus": "gepensioneerd"}, {"werkstatus": "werkzoekende"}])
def test_someone_living_in_wallonia_is_sent_to_le_forem_not_to_vdab(facts):
    _, messages = _read("2027-03-01", woonregio="wallonie", **facts)
    assert "Le Forem" in messages[-1] and "ADG" in messages[-1]
    assert "VDAB" not in messages[-1]


def test_the_decision_gives_one_plain_link_and_keeps_the_sources_for_staff():
    decision, messages = _read("2027-03-01", werkervaring_jaren=3, leeftijd=45)
    said = " ".join(messages)
    assert "Bron" not in said and "§" not in said and "conceptnota" not in said
    assert said.count("vlaanderen.be/loopbaanbegeleiding") == 1
    assert all(r.bron for r in decision.redenen)
    assert any("SERV-advies" in r.bron for r in decision.redenen)


def test_youth_orientation_is_said_to_be_closed_with_where_to_go_meanwhile():
    decision, messages = _read("2027-03-01", werkervaring_jaren=2, leeftijd=23)
    assert decision.route.value == "jongerenorientatie"
    step = messages[-1]
    assert "er nu niet" in step and "VDAB" in step and "CLB" in step
    assert "Voor jou is er gratis oriëntatie" not in " ".join(messages)


def test_the_competence_check_plan_is_not_promised_and_vdab_is_the_step_now():
    decision, messages = _read("2027-03-01", hulpvraag="competenties")
    assert decision.route.value == "competentiecheck"
    assert "VDAB" in messages[-1] and RESERVE in messages[-1]
    assert "Je krijgt een persoonlijk ontwikkelingsplan" not in " ".join(messages)
    assert RESERVE in answer("vraag_competentiecheck", dt.date(2027, 3, 1))


@pytest.mark.parametrize("day, years", [("2026-11-27", "10"), ("2027-03-01", "5")])
def test_the_privacy_answer_gives_the_retention_of_the_day(day, years):
    assert f"bewaren we {years} jaar" in answer("vraag_privacy", dt.date.fromisoformat(day))


def test_the_credit_decision_names_the_social_correction_and_what_others_pay():
    _, messages = _read("2027-03-01", opleidingsniveau="hoog")
    cost = messages[1]
    assert "sociale correctie" in cost and "15 euro per uur" in cost and "25 euro per uur" in cost
    assert "50 euro voor een blok van 2 uur" in cost and "150 euro voor alle 6 uur" in cost


def test_in_the_transition_the_cost_is_not_settled_and_no_2027_block_is_promised():
    decision, messages = _read("2026-11-27")
    assert decision.route.value == "loopbaancheque"
    assert "nog niet beslist" in messages[1] and RESERVE in messages[1]
    assert "31 december 2026" in messages[1]
    offer = booking_offer(dt.date(2026, 11, 27))
    assert "uur" not in offer, "the transitional cheque has no block size in any source"
    assert "blok van 2 uur" in booking_offer(dt.date(2027, 3, 1))


def test_from_2027_the_counsellor_has_a_mandate():
    _, messages = _read("2027-03-01")
    assert "mandaat" in messages[-1]
    assert "mandaat" in answer("vraag_begeleiders", dt.date(2027, 3, 1))


def test_a_scenario_says_it_is_one_and_claims_no_amount():
    decision = screen(parse_facts(BASE), dt.date(2027, 3, 1), "serv-advies")
    outcome, cost, _ = explain_decision(decision).messages
    assert "scenario" in outcome and RESERVE in outcome
    assert "nog niet beslist" in cost and "loopbaancheque" not in cost
