"""The real Rasa server and action server: a citizen completes the intake in free text.

For every golden case with a `chat`, the person says "hallo" and then answers each question the
assistant asks, in their own words, until the assistant decides. The outcome slots must match
the golden case, within 9 answers.
"""
from __future__ import annotations

import itertools

import pytest

from tests.rules.golden import golden_cases

pytestmark = pytest.mark.rasa
MAX_ANSWERS = 9
CHAT_CASES = [c for c in golden_cases() if c.chat]
_ids = itertools.count()




def slots(rasa, sender) -> dict:
    return rasa.tracker(sender)["slots"]


def complete_intake(rasa, sender: str, chat: dict[str, str]) -> tuple[dict, int, list[str]]:
    said = [m.get("text", "") for m in rasa.send(sender, "hallo")]
    answers = 1
    while True:
        current = slots(rasa, sender)
        if current.get("route"):
            return current, answers, said
        asked = current.get("requested_slot")
        assert asked, f"the assistant stopped asking without a decision; it said: {said[-3:]}"
        assert asked in chat, f"asked {asked!r}, which this person would not expect; it said: {said[-3:]}"
        assert answers < MAX_ANSWERS, f"no decision after {MAX_ANSWERS} answers"
        said += [m.get("text", "") for m in rasa.send(sender, chat[asked])]
        answers += 1


def _run_case(stack, case):
    rasa, actions = stack
    actions.on_day(case.date.isoformat())
    final, answers, said = complete_intake(rasa, f"e2e-{next(_ids)}", case.chat)
    assert final["route"] == case.output["route"], said[-4:]
    assert final["in_aanmerking"] == case.output["in_aanmerking"]
    if "bijdrage_per_uur" in case.output:
        assert final["bijdrage_per_uur"] == case.output["bijdrage_per_uur"]
    assert answers <= MAX_ANSWERS
    return said


@pytest.mark.parametrize("case", CHAT_CASES, ids=[c.name for c in CHAT_CASES])
def test_free_text_intake_reaches_the_golden_route(stack, case):
    said = _run_case(stack, case)
    # Every outcome ends with a concrete next step.
    assert any(text.startswith(("Zo ga je verder", "Wat kan je wel doen")) for text in said)


def test_opening_message_facts_are_never_asked_again(stack):
    rasa, actions = stack
    actions.on_day("2027-02-01")
    sender = "e2e-opening"
    rasa.send(sender, "Ik ben 24 en werk sinds 2 jaar als bediende")
    current = slots(rasa, sender)
    assert (current["leeftijd"], current["werkervaring_jaren"], current["werkstatus"]) == (24, 2, "werknemer")
    asked = []
    for answer in ["ik wil iets anders doen", "Gent"]:
        asked.append(slots(rasa, sender)["requested_slot"])
        rasa.send(sender, answer)
    assert asked == ["hulpvraag", "woonregio"]
    assert slots(rasa, sender)["route"] == "jongerenorientatie"


def test_a_question_in_the_middle_then_the_form_goes_on(stack):
    rasa, _ = stack
    sender = "e2e-question"
    rasa.send(sender, "hallo")
    rasa.send(sender, "ik wil iets anders doen")
    before = slots(rasa, sender)["requested_slot"]
    reply = " ".join(m.get("text", "") for m in rasa.send(sender, "wat kost dat eigenlijk?"))
    assert "euro per uur" in reply
    assert slots(rasa, sender)["requested_slot"] == before


def test_a_correction_is_taken(stack):
    rasa, _ = stack
    sender = "e2e-correction"
    for text in ["hallo", "ik wil iets anders doen", "bediende", "Gent", "5 jaar"]:
        rasa.send(sender, text)
    assert slots(rasa, sender)["werkervaring_jaren"] == 5
    rasa.send(sender, "nee, 12 jaar bedoel ik")
    assert slots(rasa, sender)["werkervaring_jaren"] == 12


def test_stop_ends_the_intake(stack):
    rasa, _ = stack
    sender = "e2e-stop"
    rasa.send(sender, "hallo")
    reply = " ".join(m.get("text", "") for m in rasa.send(sender, "stop"))
    tracker = rasa.tracker(sender)
    assert "stoppen" in reply
    assert not (tracker.get("active_loop") or {}).get("name")


@pytest.mark.parametrize("nonsense", ["qwfpgj zxcv", "asdfgh", "?!?!", "😀😀"])
def test_nonsense_gets_a_dutch_re_ask_not_silence(stack, nonsense):
    rasa, _ = stack
    sender = f"e2e-nonsense-{next(_ids)}"
    rasa.send(sender, "hallo")
    rasa.send(sender, "ik wil iets anders doen")
    before = slots(rasa, sender)
    reply = [m.get("text", "") for m in rasa.send(sender, nonsense)]
    after = slots(rasa, sender)
    assert reply, "never silence"
    # The same question again, kindly, and nothing was filled in from the nonsense.
    assert "Werk je nu?" in reply[-1]
    assert after["requested_slot"] == before["requested_slot"] == "werkstatus"
    assert after["werkstatus"] is None
