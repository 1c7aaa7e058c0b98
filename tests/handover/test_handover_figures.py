"""The dashboard's "hulp van een mens": hand-overs per channel, the wait (median and p90), call
backs within a working day, and who needed a person by education level and age band."""
from __future__ import annotations

import datetime as dt

from verwijzing.decision.facts import parse_facts
from verwijzing.monitoring.handovers import CaseRow, handover_figures, next_working_day
from verwijzing.monitoring.intakes import AgeBands, DecisionRow, Intake
from verwijzing.nl_be import BRUSSELS

AT = dt.datetime(2027, 3, 5, 10, tzinfo=BRUSSELS)  # a Friday


def intake(conversation: str, level: str, age: int) -> Intake:
    facts = parse_facts({"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen",
                         "werkervaring_jaren": 12, "opleidingsniveau": level, "leeftijd": age})
    return Intake(DecisionRow(1, AT, "web", "loopbaankrediet", "krediet", True, facts, conversation), False, False)


def live(conversation: str, channel: str, waited_min: int | None) -> CaseRow:
    taken = AT + dt.timedelta(minutes=waited_min) if waited_min is not None else None
    return CaseRow(conversation, channel, "bij_consulent" if taken else "wacht", AT, taken, None)


def test_hand_overs_per_channel_and_the_wait():
    cases = [live("a", "web", 2), live("b", "web", 4), live("c", "sms", 10), live("d", "sms", None)]
    # Every conversation has a case: those where nobody asked for a person do not count.
    with_the_assistant = [CaseRow(f"x{n}", "web", "assistent", AT, None, None) for n in range(5)]
    figures = handover_figures(cases + with_the_assistant, [], AgeBands.for_day(AT.date()))
    assert figures.per_channel == {"web": 2, "sms": 2, "voice": 0}
    assert figures.waited == 3 and figures.wait_median == dt.timedelta(minutes=4)
    assert dt.timedelta(minutes=4) < figures.wait_p90 <= dt.timedelta(minutes=10)


def test_a_call_back_on_friday_is_in_time_until_monday_at_the_same_hour():
    assert next_working_day(AT) == dt.datetime(2027, 3, 8, 10, tzinfo=BRUSSELS)
    in_time = CaseRow("e", "web", "gesloten", AT, AT + dt.timedelta(days=3), "voormiddag")
    late = CaseRow("f", "sms", "gesloten", AT, AT + dt.timedelta(days=3, hours=1), "namiddag")
    waiting = CaseRow("g", "web", "terugbellen", AT, None, "maakt_niet_uit")
    figures = handover_figures([in_time, late, waiting], [], AgeBands.for_day(AT.date()))
    assert (figures.callbacks, figures.callbacks_in_time) == (3, 1)
    assert figures.per_channel == {"web": 0, "sms": 0, "voice": 0}


def test_who_needed_a_person_by_education_and_age():
    items = [intake("a", "kort", 52), intake("b", "kort", 54), intake("c", "hoog", 30), intake("d", "hoog", 31)]
    assistant_only = CaseRow("c", "web", "assistent", AT, None, None)  # "c" never asked for a person
    figures = handover_figures([live("a", "web", 3), assistant_only], items, AgeBands.for_day(AT.date()))
    by_level = {g.group: (g.conversations, g.needed, g.share) for g in figures.by_education}
    assert by_level["kort"][:2] == (2, 1) and str(by_level["kort"][2]) == "50.0"
    assert by_level["hoog"][:2] == (2, 0)
    assert sum(g.needed for g in figures.by_age) == 1
