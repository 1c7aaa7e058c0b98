"""Reading booking answers and wording offers: what a person types and reads in the chat."""
from __future__ import annotations

import datetime as dt

import pytest
from booking_helpers import BRUSSELS, CITIZEN

from verwijzing.booking.views import BookingView, SlotOffer
from verwijzing.dialogue.booking import (
    confirmation_messages,
    distinct_moments,
    invite_token,
    offers_message,
    pick_offer,
    read_insz,
    read_reference,
    read_telefoon,
    says_more,
    says_no_phone,
)
from verwijzing.dialogue.needs import read_needs
from verwijzing.enums import BookingStatus, Channel, Modality

PEPPER = "pepper"
OFFERS = [
    {"slot_id": 11, "label": "dinsdag 2 maart om 9 uur, met Els V., online", "start": "2027-03-02T09:00:00+01:00"},
    {"slot_id": 12, "label": "woensdag 3 maart om 14 uur, met Jan D., online", "start": "2027-03-03T14:00:00+01:00"},
    {"slot_id": 13, "label": "woensdag 3 maart om 16 uur, met An L., online", "start": "2027-03-03T16:00:00+01:00"},
]


@pytest.mark.parametrize("text, slot_id", [
    ("1", 11), ("de eerste", 11), ("2", 12), ("nummer 3", 13), ("de derde graag", 13),
    ("dinsdag", 11), ("dinsdag past me", 11),
    ("woensdag", None),  # two options on Wednesday: ask again rather than guess
    ("4", None), ("morgen", None), ("", None),
])
def test_a_person_picks_an_option_as_they_say_it(text, slot_id):
    picked = pick_offer(text, OFFERS)
    assert (picked["slot_id"] if picked else None) == slot_id


def test_offers_are_numbered_in_plain_dutch():
    message = offers_message(OFFERS)
    assert message.splitlines()[1] == "1. dinsdag 2 maart om 9 uur, met Els V., online"
    assert message.endswith("Typ het nummer van het moment dat je past.")


@pytest.mark.parametrize("text", [
    "meer", "Meer!", "meer momenten aub", "andere momenten", "nog andere momenten", "toon meer", "later",
    "volgende", "geen van deze", "geen van deze past me", "die passen me niet", "andere tijdstippen graag"])
def test_asking_for_the_next_moments_as_people_say_it(text):
    assert says_more(text)


@pytest.mark.parametrize("text", [
    "1", "4", "ik wil meer info", "meer uitleg over de kosten", "ik kan niet meer", "stop", "dinsdag later op de dag"])
def test_other_answers_are_no_request_for_more(text):
    assert not says_more(text)


@pytest.mark.parametrize("texts, language, wheelchair", [
    (["ik zoek werk"], "nl", False),
    (["kan het in het Frans?"], "fr", False),
    (["een Engelstalige begeleider graag"], "en", False),
    (["iemand die Arabisch spreekt"], "ar", False),
    (["ik spreek geen Frans"], "nl", False),  # no request, a fact about themselves
    (["in het Frans", "nee, toch in het Nederlands"], "nl", False),  # the latest counts
    (["ik zit in een rolstoel"], "nl", True),
    (["mijn rolwagen moet binnen kunnen", "in het Turks"], "tr", True),
    (["ik heb geen rolstoel nodig"], "nl", False),
])
def test_needs_in_the_words_people_use(texts, language, wheelchair):
    needs = read_needs(texts)
    assert (needs.language, needs.wheelchair) == (language, wheelchair)


def test_the_offer_says_back_what_was_asked_so_a_misreading_shows():
    needs = read_needs(["in het Frans", "met mijn rolstoel"])
    assert needs.said("op_locatie") == ("Ik zoek alleen begeleiders die Frans spreken en met een kantoor waar je met "
                                        "een rolstoel binnen kan. Klopt dat niet? Typ 'in het Nederlands' of "
                                        "'zonder rolstoel'.")
    assert needs.said("online") == ("Ik zoek alleen begeleiders die Frans spreken. Klopt dat niet? "
                                    "Typ 'in het Nederlands'.")
    assert read_needs(["ik zoek werk"]).said("op_locatie") is None
    message = offers_message(OFFERS, needs.said("online"))
    assert message.splitlines()[1] == "Deze momenten zijn vrij:"
    # The way back that the offer names works.
    assert read_needs(["in het Frans", "met mijn rolstoel", "zonder rolstoel", "in het Nederlands"]) == read_needs([])


def test_three_counsellors_at_one_hour_are_one_moment():
    at = [dt.datetime(2027, 3, 2, h, tzinfo=BRUSSELS) for h in (9, 9, 9, 14, 16)]
    offers = [SlotOffer(i, f"B{i}", s, s + dt.timedelta(hours=2), Modality.ONLINE, "antwerpen", "2000", ("nl",))
              for i, s in enumerate(at)]
    assert [o.starts_at.hour for o in distinct_moments(offers, 3)] == [9, 14, 16]


@pytest.mark.parametrize("text, phone", [
    ("0470 12 34 56", "+32470123456"), ("mijn gsm: 0470/12.34.56", "+32470123456"),
    ("+32 470 12 34 56", "+32470123456"), ("0032470123456", "+32470123456"),
    (f"0470 12 34 56 en {CITIZEN}", "+32470123456"),
    (f"{CITIZEN}", None),  # a national number is not a phone number
    ("geen gsm", None), ("12", None),
])
def test_phone_numbers_as_people_type_them(text, phone):
    assert read_telefoon(text) == phone


def test_a_national_number_becomes_a_key_and_a_wrong_one_a_reason():
    dotted = f"{CITIZEN[:2]}.{CITIZEN[2:4]}.{CITIZEN[4:6]}-{CITIZEN[6:9]}.{CITIZEN[9:]}"
    assert read_insz(f"hier: {dotted}", PEPPER).key == read_insz(CITIZEN, PEPPER).key
    assert len(read_insz(CITIZEN, PEPPER).key) == 64 and CITIZEN not in read_insz(CITIZEN, PEPPER).key
    wrong = CITIZEN[:-2] + f"{(int(CITIZEN[-2:]) + 1) % 100:02d}"
    reading = read_insz(wrong, PEPPER)
    assert reading.key is None and "controlecijfers" in reading.problem and wrong not in reading.problem
    assert "Ik tel er 10" in read_insz(CITIZEN[:10], PEPPER, asked=True).problem
    assert read_insz("ik weet het niet", PEPPER, asked=True) == read_insz("", PEPPER)


@pytest.mark.parametrize("text, reference", [
    ("annuleer LK-7K3P", "LK-7K3P"), ("kan ik lk 7k3p verplaatsen", "LK-7K3P"), ("lk-7k3p", "LK-7K3P"),
    ("annuleer mijn afspraak", None), ("LK-7K3", None),
])
def test_a_reference_as_people_type_it_back(text, reference):
    assert read_reference(text) == reference


def test_the_confirmation_says_what_it_costs_and_what_to_expect():
    start = dt.datetime(2027, 3, 2, 9, tzinfo=BRUSSELS)
    view = BookingView("LK-7K3P", BookingStatus.CONFIRMED, "Els V.", start, start + dt.timedelta(hours=2),
                       Channel.WEB, Modality.OP_LOCATIE, start, "kantoor Els V., 9000", sms_queued=True)
    messages = confirmation_messages(view, 15, 2, "http://localhost:8080/afspraak/LK-7K3P.ics?t=x", start.date())
    assert len(messages) == 3  # what and when; cost and what to expect; what comes next
    assert messages[0].startswith("Je afspraak staat vast. Je referentie is LK-7K3P.")
    assert "dinsdag 2 maart om 9 uur" in messages[0] and "kantoor Els V., 9000" in messages[0]
    assert "kost je 30 euro" in messages[1] and "identiteitskaart" in messages[1]
    assert "sms" in messages[2] and ".ics" in messages[2] and "annuleer LK-7K3P" in messages[2]
    unsettled = confirmation_messages(view, None, 2, None, start.date())
    assert "weten we nog niet" in unsettled[1] and not any(".ics" in m for m in unsettled)


def test_invite_tokens_differ_per_booking_and_per_secret():
    assert invite_token("LK-7K3P", "a") != invite_token("LK-7K3Q", "a") != invite_token("LK-7K3P", "b")


@pytest.mark.parametrize("text, says", [("ik heb geen gsm", True), ("Geen telefoon, sorry", True),
                                        ("0470 12 34 56", False), ("geen idee", False)])
def test_no_phone_is_an_answer_to_the_phone_question(text, says):
    assert says_no_phone(text) is says
