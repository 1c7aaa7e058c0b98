"""Say only what the sources say (issue 7, point 4).

Every policy item the citizen texts depend on has a status (certain, proposal, unknown,
withdrawn) in the policy data. A text about an item that is not certain on a day it can be shown
carries that status's wording ("nog niet definitief", "weten we nog niet", "er nu niet"); no
citizen text anywhere makes a claim that no source makes (forbidden.yaml). Then what a person
reads in the decisions that used to be wrong (issues 7 and 17).
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
from verwijzing.policy import STATUSES, build_policy, load_policy

POLICY = load_policy()
POLICY_DIR = ROOT / "src" / "verwijzing" / "policy"
# What a plan is said with, and what a gap in the sources is said with.
RESERVE = POLICY.wordings["proposal"]
NOT_KNOWN = POLICY.wordings["unknown"]
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
    ("loopbaankrediet", dt.date(2027, 1, 1), "proposal"),
    ("loopbaankrediet", dt.date(2030, 1, 1), "proposal"),  # until its decree is published
    ("bijdrage_per_uur_kortgeschoold", dt.date(2026, 11, 27), "unknown"),
    ("bijdrage_per_uur_kortgeschoold", dt.date(2027, 1, 1), "proposal"),
    ("minimum_werkervaring_jaren", dt.date(2026, 11, 27), "certain"),
    ("minimum_werkervaring_jaren", dt.date(2027, 1, 1), "proposal"),
    ("bewaartermijn_jaren", dt.date(2027, 1, 1), "certain"),
    ("kosteloos_annuleren_uren", dt.date(2027, 3, 1), "unknown"),
    ("eerder_loopbaancheque_sluit_uit", dt.date(2026, 11, 27), "certain"),
    ("eerder_loopbaancheque_sluit_uit", dt.date(2027, 3, 1), "proposal"),
])
def test_statuses_follow_the_sources(name, day, status):
    assert POLICY.status(name, day) == status


def test_each_status_but_certain_has_plain_words_and_the_plan_sentence_carries_them():
    assert RESERVE and NOT_KNOWN and POLICY.wordings["withdrawn"]
    assert POLICY.wordings["certain"] is None
    assert RESERVE in POLICY.sentences["proposal"]
    assert "voorbehoud" not in " ".join(w for w in POLICY.wordings.values() if w)


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
        said = POLICY.with_reserve(text.text, sorted(about), day) if text.reserved_by_code else text.text
        for wording in {w for name in about if (w := POLICY.wordings[POLICY.status(name, day)])}:
            if wording.lower() not in said.lower():
                lacking.setdefault(wording, day)
    assert not lacking, f"{text.where} ({sorted(about)}) lacks {lacking}: {text.text!r}"


@pytest.mark.parametrize("claim", FORBIDDEN, ids=lambda c: c["naam"])
def test_no_citizen_text_makes_a_claim_no_source_makes(claim):
    pattern = re.compile(claim["patroon"], re.IGNORECASE)
    found = [f"{t.where}: {t.text!r}" for t in TEXTS if pattern.search(t.text)
             and not (claim.get("tenzij_voorbehoud") and (RESERVE in t.text.lower() or NOT_KNOWN in t.text.lower()
                                                            or t.reserved_by_code))]
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


@pytest.mark.parametrize("day", ["2026-11-27", "2027-03-01"])
def test_the_privacy_answer_gives_this_services_own_retention(day):
    years = POLICY.parameters["bewaartermijn_jaren"].at(dt.date.fromisoformat(day))
    said = answer("vraag_privacy", dt.date.fromisoformat(day)) or ""
    assert f"bewaren we {years} jaar" in said
    # What is true about the number: a code made with a secret key, not "nobody can reverse it".
    assert "geheime sleutel" in said and "terugrekenen" not in said


def test_the_credit_decision_names_the_social_correction_and_what_others_pay():
    _, messages = _read("2027-03-01", opleidingsniveau="hoog")
    cost = messages[1]
    assert "sociale correctie" in cost and "15 euro per uur" in cost and "25 euro per uur" in cost
    assert "Een blok van 2 uur kost je 50 euro" in cost and "Alle 6 uur samen kosten 150 euro" in cost


def test_in_the_transition_the_cost_is_not_settled_and_no_2027_block_is_promised():
    decision, messages = _read("2026-11-27")
    assert decision.route.value == "loopbaancheque"
    assert NOT_KNOWN in messages[1] and RESERVE in " ".join(messages)
    assert "eind 2026" in messages[1]
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
    assert "voorbeeld" in outcome and RESERVE in outcome
    assert NOT_KNOWN in cost and "loopbaancheque" not in cost


# --- issue 17: a proposal said as one, with one switch --------------------------------------

PUBLISHED = build_policy({"decreet_loopbaankrediet": (dt.date(2027, 2, 15), "Belgisch Staatsblad 15-02-2027")})


@pytest.mark.parametrize("name", ["loopbaankrediet", "krediet_uren", "blok_uren", "bijdrage_per_uur_kortgeschoold",
                                  "bijdrage_per_uur_standaard", "minimum_werkervaring_jaren",
                                  "begeleider_min_ervaring_jaren"])
def test_the_credits_items_are_a_proposal_until_the_decree_and_certain_from_its_publication(name):
    assert POLICY.status(name, dt.date(2027, 3, 1)) == "proposal"
    assert PUBLISHED.status(name, dt.date(2027, 2, 14)) == "proposal"
    assert PUBLISHED.status(name, dt.date(2027, 2, 15)) == "certain"
    # The SERV's demand does not become law with the government's decree.
    assert PUBLISHED.status("eerder_loopbaancheque_telt_niet", dt.date(2027, 3, 1)) == "proposal"


def test_the_switch_is_one_date_and_one_reference_in_the_policy_data():
    data = yaml.safe_load((POLICY_DIR / "publications.yaml").read_text(encoding="utf-8"))
    assert set(data["decreet_loopbaankrediet"]) == {"description", "gepubliceerd", "referentie"}
    assert POLICY.publications["decreet_loopbaankrediet"].published is None


def test_a_person_reads_the_plan_as_a_plan_and_after_the_decree_as_the_rule(monkeypatch):
    _, messages = _read("2027-03-01")
    said = " ".join(messages)
    assert said.count(POLICY.sentences["proposal"]) == 1, "once per decision, not once per message"
    assert "Goed nieuws! Je kan het loopbaankrediet krijgen, als je nog uren over hebt." in messages[0]

    import verwijzing.decision.explain as explain
    monkeypatch.setattr(explain, "load_policy", lambda: PUBLISHED)
    _, messages = _read("2027-03-01")
    assert RESERVE not in " ".join(messages)
    assert "15 euro per uur" in messages[1]


def test_an_answer_about_the_credit_says_it_is_a_plan():
    for question in ("vraag_wat_is_loopbaankrediet", "vraag_kostprijs", "vraag_aantal_uren", "vraag_voorwaarden"):
        assert RESERVE in (answer(question, dt.date(2027, 3, 1)) or ""), question
    assert "sinds" not in (answer("vraag_wat_is_loopbaankrediet", dt.date(2027, 3, 1)) or ""), \
        "the seed gives no start date to say 'sinds'"


# --- issue 17, points 3-6: each sentence that was wrong, as a person reads it ---------------

def test_someone_who_used_a_cheque_before_hears_the_demand_as_a_demand():
    decision, messages = _read("2027-03-01", eerder_loopbaancheque=True)
    assert decision.in_aanmerking
    assert "vakbonden en de werkgevers" in messages[0] and RESERVE in messages[0]


def test_long_term_sick_is_not_told_it_counts_as_work_for_sure():
    decision, messages = _read("2027-03-01", werkstatus="langdurig_ziek")
    assert decision.route.value == "terug_naar_werk"
    said = " ".join(messages)
    assert messages[0].startswith("Misschien") and NOT_KNOWN in said and "telt als werken" not in said
    assert any(NOT_KNOWN in r.uitleg for r in decision.redenen if r.code == "langdurig_ziek_met_contract")


def test_training_and_competences_promise_nothing_without_conditions():
    _, messages = _read("2027-03-01", hulpvraag="opleiding")
    assert "voorwaarden" in messages[-1] and "betaal je minder" not in messages[-1]
    said = answer("vraag_competentiecheck", dt.date(2027, 3, 1)) or ""
    assert "daarna kan je nog loopbaanbegeleiding" not in said.lower() and "bestaat nog niet" in said


def test_cancelling_and_moving_name_no_rule_the_sources_lack():
    from verwijzing.booking import texts
    start = dt.datetime(2027, 3, 2, 9, tzinfo=texts.BRUSSELS)
    sms = texts.confirmation_sms("LK-7K3P", start, "Els V.", texts.Modality.ONLINE, None)
    assert "ten laatste" not in sms and "zo vroeg mogelijk" in sms
    assert NOT_KNOWN in texts.too_late_to_move(dt.timedelta(hours=24))
    assert "ongebruikt" not in texts.cheque_confirmation_sms("LK-7K3P", start, "Els V.", texts.Modality.ONLINE, None)


def test_the_first_block_is_a_first_meeting_not_a_plan():
    from verwijzing.booking.views import BookingView
    from verwijzing.dialogue.booking import confirmation_messages
    from verwijzing.enums import BookingStatus, Channel, Modality
    from verwijzing.nl_be import BRUSSELS
    start = dt.datetime(2027, 3, 2, 9, tzinfo=BRUSSELS)
    view = BookingView("LK-7K3P", BookingStatus.CONFIRMED, "Els V.", start, start + dt.timedelta(hours=2),
                       Channel.WEB, Modality.ONLINE, start, "online", sms_queued=False)
    said = " ".join(confirmation_messages(view, 15, 2, None, start.date()))
    assert "een plan" not in said and "volgende stap" in said
    assert "kost je 30 euro" in said and RESERVE in said and NOT_KNOWN in said  # how to pay: not in a source


def test_the_transitional_cheque_route_gives_one_order():
    _, messages = _read("2026-11-27")
    assert "eerst" in messages[-1] and "VDAB" in messages[-1]
    offer = booking_offer(dt.date(2026, 11, 27))
    assert offer.startswith("Heb je je loopbaancheque al?")


def test_youth_orientation_was_withdrawn_not_stopped():
    _, messages = _read("2027-03-01", werkervaring_jaren=2, leeftijd=23)
    assert "ingetrokken" in messages[-1] and "stopgezet" not in messages[-1]


def test_a_cross_border_worker_hears_the_eea_in_words_and_someone_working_elsewhere_is_not_sent_to_wallonia():
    from verwijzing.content import load
    decision, messages = _read("2027-03-01", woonregio="eer_buitenland", werkregio="vlaanderen")
    assert decision.in_aanmerking
    assert any("Noorwegen, IJsland of Liechtenstein" in r.uitleg for r in decision.redenen)
    options = {o["titel"]: o["waarde"] for o in load("repair")["vragen"]["werkregio"]["opties"]}
    assert "Ergens anders" not in options and options["In Wallonië"] == "wallonie"


def test_a_third_grade_bso_certificate_hears_the_rate_it_pays():
    # Middengeschoold (domain.md): told 25 euro, and never "geen diploma … 15 euro" as theirs.
    decision, messages = _read("2027-03-01", opleidingsniveau="midden")
    assert decision.bijdrage_per_uur == 25
    assert "getuigschrift" in messages[1] and "Jij hebt een diploma of getuigschrift" in messages[1]


def test_the_mandate_is_explained_where_it_is_named():
    _, messages = _read("2027-03-01")
    for text in (messages[-1], answer("vraag_begeleiders", dt.date(2027, 3, 1)) or ""):
        assert "mandaat" in text and "Vlaamse overheid" in text and ("mag werken" in text or "laat" in text)


def test_a_decision_says_each_reserve_sentence_once_also_next_to_an_items_own():
    """The old cheque's own reserve comes with the shared one; the cost after it must not repeat
    the shared sentence (it did: the joined pair was remembered, not each sentence)."""
    from verwijzing.decision.explain import explain_decision
    from verwijzing.decision.screening import screen
    from verwijzing.policy import load_policy
    facts = {**BASE, "eerder_loopbaancheque": True}
    day = dt.date(2027, 3, 1)
    said = " ".join(explain_decision(screen(parse_facts(facts), day)).messages)
    shared = load_policy().sentences["proposal"]
    assert shared and said.count(shared) <= 1, said
