"""Re-asks and menus (verwijzing.dialogue.repair): every way out works, and choosing an answer gives the
value it promises — read by the same free-text readers as anything the person types."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.support.repair_options import slot_answers
from verwijzing.dialogue.repair import (
    PERSON_PAYLOAD,
    chosen_button,
    main_reask,
    offers_reask,
    slot_options,
    slot_reask,
)
from verwijzing.interpret import read_all, read_modaliteit, read_text, read_woonregio

DAYS = [dt.date(2026, 11, 27), dt.date(2027, 2, 1)]
INTAKE_SLOTS = ("hulpvraag", "werkstatus", "woonregio", "werkervaring_jaren", "leeftijd", "opleidingsniveau")
ALL_SLOTS = (*INTAKE_SLOTS, "werkregio", "eerder_loopbaancheque", "eerder_gebruikt_uren", "feiten_bevestigd",
             "modaliteit", "postcode", "telefoon", "rijksregisternummer", "referentie_wijziging")


def read(slot: str, text: str, day: dt.date):
    if slot == "modaliteit":
        return read_modaliteit(text)
    if slot == "werkregio":
        return read_woonregio(text, asked=True)
    return read_all(text, day, slot).get(slot)


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("slot", [*INTAKE_SLOTS, "werkregio", "modaliteit"])
def test_choosing_an_option_gives_the_value_it_promises(slot, day):
    answers = slot_answers(slot, day)
    assert len(answers) >= 2
    for said, value in answers:
        assert read(slot, said, day) == value, f"{slot}: choosing {said!r} must give {value!r}"


def test_the_credit_used_options_give_the_hours_they_promise():
    day = dt.date(2027, 2, 1)
    answers = slot_answers("eerder_gebruikt_uren", day)
    assert [value for _, value in answers] == [0.0, 2.0, 6.0]
    for said, value in answers:
        assert read_text(said, day, "eerder_gebruikt_uren").facts.get("eerder_gebruikt_uren") == value


def test_range_answers_fall_on_the_right_side_of_the_policy_boundary():
    day = dt.date(2027, 2, 1)
    titles = [o.title for o in slot_options("werkervaring_jaren", day)]
    assert titles == ["Minder dan 7 jaar", "7 jaar of meer"]
    (_, fewer), (_, enough) = slot_answers("werkervaring_jaren", day)
    assert fewer < 7 <= enough


@pytest.mark.parametrize("slot", ALL_SLOTS)
def test_every_question_has_a_menu_with_a_person_stop_and_start_over(slot):
    reply = slot_reask(slot, 2, dt.date(2027, 2, 1))
    assert "0. Met een mens praten" in reply.text
    assert "'stop'" in reply.text and "'opnieuw'" in reply.text
    assert reply.buttons[-1]["payload"] == PERSON_PAYLOAD
    numbered = [line for line in reply.text.splitlines() if line[:2].rstrip(".").isdigit()]
    assert len(numbered) == len(reply.buttons)


@pytest.mark.parametrize("slot", ALL_SLOTS)
def test_no_re_ask_is_said_three_times_in_four_misses(slot):
    day = dt.date(2027, 2, 1)
    said = [slot_reask(slot, misses, day).text for misses in range(1, 5)]
    assert max(said.count(text) for text in said) < 3
    assert slot_reask(slot, 0, day) is None  # not a miss: the question itself


def test_outside_a_question_the_menu_lists_what_the_assistant_does():
    assert "1." not in main_reask(1).text  # first: say it in other words
    menu = main_reask(2)
    assert [b["payload"] for b in menu.buttons] == ["/start_intake", "/vraag_kostprijs", "/afspraak_annuleren",
                                                    "/afspraak_verplaatsen", PERSON_PAYLOAD]
    texts = [main_reask(m).text for m in range(1, 5)]
    assert max(texts.count(t) for t in texts) < 3


@pytest.mark.parametrize("typed, expected", [
    ("2", "/vraag_kostprijs"), ("de tweede", "/vraag_kostprijs"), (" 1 ", "/start_intake"), ("0", PERSON_PAYLOAD),
    ("nul", PERSON_PAYLOAD), ("Wat kost loopbaanbegeleiding?", None), ("9", None), ("ik woon in Gent", None),
])
def test_a_typed_number_picks_a_line(typed, expected):
    buttons = list(main_reask(2).buttons)
    button = chosen_button(typed, buttons)
    if expected is None and typed.startswith("Wat"):
        assert button is None or button["payload"] == "/vraag_kostprijs"
    else:
        assert (button or {}).get("payload") == expected


def test_zero_is_no_choice_where_no_person_line_was_shown():
    assert chosen_button("0", [{"title": "Ja", "payload": "ja"}]) is None


def test_the_free_moments_keep_their_numbers_when_asked_again():
    labels = ["dinsdag 2 februari om 9 uur", "woensdag 3 februari om 18 uur"]
    first, second = offers_reask(labels, 1), offers_reask(labels, 2)
    assert first.text != second.text
    for reply in (first, second):
        assert "1. dinsdag 2 februari om 9 uur" in reply.text and "0. Met een mens praten" in reply.text
        assert [b["payload"] for b in reply.buttons] == ["1", "2", PERSON_PAYLOAD]
