"""Never confidently wrong (issue 16), through the real Rasa and action servers: a correction is
checked before the decision, the decision says what it rests on, "klopt niet" changes a fact and
decides again, a story's credit already used is never answered with "je hebt recht", and asking
for an appointment without a right shows what was understood."""
from __future__ import annotations

import itertools

import pytest

pytestmark = pytest.mark.rasa
_ids = itertools.count()


def talk(rasa, sender: str, text: str) -> str:
    return "\n".join(m.get("text", "") for m in rasa.send(sender, text))


def slots(rasa, sender: str) -> dict:
    return rasa.tracker(sender)["slots"]


def conversation(rasa, *texts: str) -> tuple[str, list[str]]:
    sender = f"begrepen-{next(_ids)}"
    return sender, [talk(rasa, sender, text) for text in texts]


def test_a_corrected_age_is_checked_and_a_wrong_fact_is_changed_with_klopt_niet(stack):
    rasa, _ = stack
    sender, said = conversation(rasa, "hallo", "ik wil iets anders doen", "bediende", "9000", "5 jaar",
                                "62.. sorry omgedraaid, 26 bedoel ik")
    assert "Even checken voor ik beslis. Ik heb begrepen: je bent 26 jaar." in said[-1]
    assert slots(rasa, sender)["route"] is None  # nothing decided before the check
    decision = talk(rasa, sender, "ja")
    assert decision.startswith("Ik heb begrepen: een vraag over je loopbaan, je werkt, je woont in Vlaanderen, "
                               "5 jaar gewerkt, 26 jaar oud.")
    assert slots(rasa, sender)["route"] == "jongerenorientatie"
    listing = talk(rasa, sender, "klopt niet")
    assert "Wat klopt er niet?" in listing and "4. Je hebt 5 jaar gewerkt" in listing
    assert "Hoeveel jaar heb je in totaal al gewerkt?" in talk(rasa, sender, "4")
    assert "loopbaankrediet gebruikt" in talk(rasa, sender, "12 jaar")
    assert "diploma" in talk(rasa, sender, "nee")
    again = talk(rasa, sender, "diploma middelbaar")
    assert "12 jaar gewerkt" in again
    assert "Goed nieuws! Je kan het loopbaankrediet krijgen, als je nog uren over hebt." in again
    assert slots(rasa, sender)["route"] == "loopbaankrediet"


def test_a_story_with_the_credit_used_up_never_hears_it_has_a_right(stack):
    rasa, _ = stack
    sender, said = conversation(rasa, "Ik heb in januari en februari mijn drie blokken van twee uur loopbaankrediet "
                                      "gehad. Kan ik nog extra uren krijgen?")
    answers = {"hulpvraag": "ik wil iets anders doen", "werkstatus": "ik ben bediende", "woonregio": "Leuven",
               "werkervaring_jaren": "15 jaar", "opleidingsniveau": "bachelor", "feiten_bevestigd": "ja"}
    for _ in range(8):
        current = slots(rasa, sender)
        if current["route"]:
            break
        said.append(talk(rasa, sender, answers.get(current["requested_slot"], "ja")))
    assert slots(rasa, sender)["eerder_gebruikt_uren"] == 6
    assert any("al 6 uur van het loopbaankrediet gebruikt" in s for s in said), said  # checked first
    assert slots(rasa, sender)["in_aanmerking"] is False
    assert not any("Goed nieuws" in s or "Wil je meteen" in s for s in said)


def test_an_appointment_after_the_gp_shows_what_was_understood(stack):
    rasa, _ = stack
    sender, said = conversation(rasa, "ik heb een burn-out en wil daar hulp voor")
    assert slots(rasa, sender)["route"] == "zorg", said
    assert said[-1].startswith("Ik heb begrepen: hulp bij een burn-out.")
    reply = talk(rasa, sender, "ja, ik wil graag een afspraak maken")
    assert "Een afspraak vastleggen kan ik alleen als je recht hebt" in reply
    assert "1. Je wil hulp bij een burn-out" in reply
