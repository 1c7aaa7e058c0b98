"""No dead ends, through the real Rasa and action servers.

Every question of every form, and the fallback outside the forms, is answered with nonsense: by
the second miss the person must see a numbered menu with "0" for a person, "stop" and
"opnieuw"; no message may come three times; nothing known is lost; "0" reaches a person and a
number from the menu answers the question.
"""
from __future__ import annotations

import itertools
from collections import Counter

import pytest

from verwijzing.booking import BookingService

pytestmark = pytest.mark.rasa
NONSENSE = ["qwxz vbnm", "blorp", "zzkrrt plof", "xyxyxy"]
PERSON_LINE = "0. Met een mens praten"
_ids = itertools.count()

# A person who answers every question of the intake and the booking; the route to a question
# is taken by answering everything before it (the reference date decides the regime).
B_ANSWERS = {
    "hulpvraag": "ik wil iets anders doen in mijn werk",
    "werkstatus": "ik ben bediende",
    "woonregio": "ik woon in Gent",
    "werkervaring_jaren": "12 jaar",
    "eerder_gebruikt_uren": "nee",
    "opleidingsniveau": "bachelor verpleegkunde",
    "feiten_bevestigd": "ja",
    "modaliteit": "op locatie",
    "postcode": "9000",
    "gekozen_slot": "1",
    "telefoon": "0470 12 34 56",
}
# (form slot, reference date, answers that differ from B_ANSWERS on the way there)
WALKS = [
    ("hulpvraag", "2027-02-01", {}),
    ("werkstatus", "2027-02-01", {}),
    ("woonregio", "2027-02-01", {}),
    ("werkregio", "2027-02-01", {"woonregio": "ik woon in Nederland"}),
    ("werkervaring_jaren", "2027-02-01", {}),
    ("leeftijd", "2027-02-01", {"werkervaring_jaren": "3 jaar"}),
    ("eerder_gebruikt_uren", "2027-02-01", {}),
    ("opleidingsniveau", "2027-02-01", {}),
    ("feiten_bevestigd", "2027-02-01", {"werkervaring_jaren": "3 jaar hier en 9 jaar daar"}),
    ("eerder_loopbaancheque", "2026-11-27", {}),
    ("modaliteit", "2027-02-01", {}),
    ("postcode", "2027-02-01", {"woonregio": "ik woon in Vlaanderen"}),
    ("gekozen_slot", "2027-02-01", {}),
    ("telefoon", "2027-02-01", {}),
    ("rijksregisternummer", "2027-02-01", {}),
    ("referentie_wijziging", "2027-02-01", {}),
]
# Questions that a request starts, not "hallo" (cancelling or moving a booking).
OPENINGS = {"referentie_wijziging": "ik wil mijn afspraak annuleren"}




class Conversation:
    def __init__(self, rasa, name: str):
        self.rasa, self.sender, self.said = rasa, f"{name}-{next(_ids)}", []

    def send(self, text: str) -> list[dict]:
        replies = self.rasa.send(self.sender, text)
        self.said.append(replies)
        return replies

    def slots(self) -> dict:
        return self.rasa.tracker(self.sender)["slots"]

    def texts(self) -> list[str]:
        return [m.get("text", "") for turn in self.said for m in turn]


def has_menu(replies: list[dict]) -> bool:
    return any(PERSON_LINE in m.get("text", "") and "'stop'" in m.get("text", "") and "'opnieuw'" in m.get("text", "")
               for m in replies)


def drive_to(conversation: Conversation, target: str, answers: dict[str, str]) -> None:
    conversation.send(OPENINGS.get(target, "hallo"))
    for _ in range(12):
        slots = conversation.slots()
        asked = slots.get("requested_slot")
        if asked == target:
            return
        if asked is None and slots.get("route"):
            conversation.send("ja")  # the booking offer after the decision
            continue
        assert asked in answers, f"asked {asked!r} on the way to {target!r}: {conversation.texts()[-3:]}"
        conversation.send(answers[asked])
    raise AssertionError(f"never asked {target!r}: {conversation.texts()[-4:]}")


def booking_status(actions, reference: str) -> str:
    return BookingService.from_settings(actions.env["DATABASE_URL"]).show(reference).status.value


def assert_no_message_three_times(conversation: Conversation) -> None:
    counts = Counter(conversation.texts())
    text, times = counts.most_common(1)[0]
    assert times < 3, f"said {times} times: {text!r}"


@pytest.mark.parametrize("target, day, changes", WALKS, ids=[w[0] for w in WALKS])
def test_every_question_offers_a_way_out(stack, target, day, changes):
    rasa, actions = stack
    actions.on_day(day)
    conversation = Conversation(rasa, f"dood-{target}")
    drive_to(conversation, target, {**B_ANSWERS, **changes})
    known = {k: v for k, v in conversation.slots().items() if k in B_ANSWERS and v is not None}

    first, second = conversation.send(NONSENSE[0]), conversation.send(NONSENSE[1])
    assert first and second, "never silence"
    assert has_menu(first) or has_menu(second), f"no menu by the second miss: {conversation.texts()[-3:]}"
    for nonsense in NONSENSE[2:]:
        conversation.send(nonsense)
    assert_no_message_three_times(conversation)
    after = conversation.slots()
    assert after["requested_slot"] == target, "the question is still open"
    assert {k: after[k] for k in known} == known, "nonsense changed what was known"

    handoff = " ".join(m.get("text", "") for m in conversation.send("0"))
    assert "0800 30 700" in handoff, f"0 must reach a person: {handoff!r}"
    assert conversation.slots()[target] in (None, "")
    menu = conversation.send(NONSENSE[0])  # the menu again, then its first line answers
    numbered = any("\n1. " in m.get("text", "") for m in menu)
    if target not in ("rijksregisternummer", "referentie_wijziging") and numbered:
        conversation.send("1")
        assert conversation.slots()["requested_slot"] != target, f"choosing 1 did not answer {target}"


def test_outside_a_question_nonsense_gets_the_menu_of_what_the_assistant_does(stack):
    rasa, actions = stack
    actions.on_day("2027-02-01")
    conversation = Conversation(rasa, "dood-start")
    first, second = conversation.send(NONSENSE[0]), conversation.send(NONSENSE[1])
    assert has_menu(first) or has_menu(second)
    for nonsense in NONSENSE[2:]:
        conversation.send(nonsense)
    assert_no_message_three_times(conversation)
    cost = " ".join(m.get("text", "") for m in conversation.send("2"))
    assert "euro per uur" in cost
    conversation.send(NONSENSE[0])
    conversation.send(NONSENSE[1])
    conversation.send("1")
    assert conversation.slots()["requested_slot"] == "hulpvraag", "1 starts the intake"


def test_zero_outside_a_question_reaches_a_person(stack):
    rasa, _ = stack
    conversation = Conversation(rasa, "dood-mens")
    conversation.send(NONSENSE[0])
    conversation.send(NONSENSE[1])
    assert "0800 30 700" in " ".join(m.get("text", "") for m in conversation.send("0"))


@pytest.mark.parametrize("opening", [
    "Bestaat er steun als ik naast mijn job een cursus wil volgen?",
    "Bonjour, ik heb een vraag over loopbaanbegeleiding",
    "ik zoek een job die beter bij mij past",
    "salut! hoe werkt dat hier?",
    "mijn baas maakt me gek en ik wil weg, wat kan ik doen",
])
def test_an_opening_that_strays_reaches_a_question_or_a_menu_within_two_turns(stack, opening):
    rasa, _ = stack
    conversation = Conversation(rasa, "dood-opening")
    first = conversation.send(opening)
    asked = conversation.slots().get("requested_slot")
    understood = not first[0].get("text", "").startswith("Sorry")
    if not (asked or understood or has_menu(first)):
        second = conversation.send(NONSENSE[0])
        asked = conversation.slots().get("requested_slot")
        assert asked or has_menu(second), f"no question and no menu: {conversation.texts()}"


def test_a_short_wish_for_training_is_not_a_goodbye(stack):
    rasa, _ = stack
    conversation = Conversation(rasa, "dood-opleiding")
    conversation.send("hallo")
    reply = " ".join(m.get("text", "") for m in conversation.send("een opleiding"))
    assert not reply.startswith("Dag!")
    assert conversation.slots()["hulpvraag"] == "opleiding"


def test_a_wish_for_a_better_job_after_the_decision_never_loops_on_a_reference(stack):
    rasa, _ = stack
    conversation = Conversation(rasa, "dood-referentie")
    for text in ["hallo", "ik wil iets anders doen", "bediende", "Gent", "12 jaar", "bachelor"]:
        conversation.send(text)
    conversation.send("nee")
    conversation.send("ik wil eigenlijk een job die beter bij me past")
    for nonsense in NONSENSE:
        conversation.send(nonsense)
    asks = [t for t in conversation.texts() if "LK-" in t]
    assert len(asks) < 3, asks
    assert_no_message_three_times(conversation)


@pytest.mark.parametrize("target", ["werkervaring_jaren", "rijksregisternummer"])
def test_a_question_gives_up_before_it_repeats_itself_and_nothing_half_done_is_kept(stack, target):
    rasa, actions = stack
    actions.on_day("2027-02-01")
    conversation = Conversation(rasa, f"opgeven-{target}")
    drive_to(conversation, target, B_ANSWERS)
    held = conversation.slots().get("vastgehouden_referentie")
    # The classifier takes some nonsense for a question, which is answered and does not count:
    # the question gives up within a few more messages, never repeating itself.
    for nonsense in [*NONSENSE, "plof plof", "grmbl", "vrrt kwak", "hnnng"]:
        conversation.send(nonsense)
        if "Ik stel nu geen vragen meer" in conversation.texts()[-1]:
            break
    assert "Ik stel nu geen vragen meer" in conversation.texts()[-1]
    assert_no_message_three_times(conversation)
    after = conversation.slots()
    assert after["route" if target == "werkervaring_jaren" else "boeking_referentie"] in (None, "")
    if held:  # the moment that was held is free again
        assert booking_status(actions, held) == "cancelled"
    assert not (rasa.tracker(conversation.sender).get("active_loop") or {}).get("name")
