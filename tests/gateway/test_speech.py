"""Text for the ear (verwijzing.gateway.voice.speech): what the phone voice says instead of the screen text."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.truth.citizen_texts import all_texts
from verwijzing.dialogue.booking import offer_data, offers_message
from verwijzing.dialogue.repair import main_reask, slot_reask
from verwijzing.gateway.assistant import BotMessage, Button
from verwijzing.gateway.voice.speech import (
    dates,
    euros,
    for_ear,
    links,
    spoken_reply,
    times,
)

DAY = dt.date(2027, 2, 1)


@pytest.mark.parametrize(("written", "said"), [
    ("€25", "25 euro"), ("€ 25", "25 euro"), ("25 euro", "25 euro"), ("25 €", "25 euro"),
    ("€ 2,50", "2 euro 50"), ("2,50 euro", "2 euro 50"), ("€ 25,00", "25 euro"), ("€ 1.250", "1250 euro"),
    ("€ 0,50", "50 cent"), ("EUR 15", "15 euro"),
])
def test_amounts_are_said_in_euros(written, said):
    assert euros(f"Dat kost {written} per uur.") == f"Dat kost {said} per uur."


@pytest.mark.parametrize(("written", "said"), [
    ("9:00", "9 uur"), ("13:30", "13 uur 30"), ("09:05", "9 uur 5"), ("16.30 uur", "16 uur 30"),
    ("9u30", "9 uur 30"), ("9:00 uur", "9 uur"), ("9 uur", "9 uur"),
])
def test_times_are_said_in_hours(written, said):
    assert times(f"Om {written} begint het.") == f"Om {said} begint het."


def test_a_national_number_or_a_phone_number_is_no_time():
    for text in ("85.07.30-033.28", "0800 30 700", "0470 12 34 56", "7,5 uur"):
        assert times(text) == text


@pytest.mark.parametrize(("written", "said"), [
    ("di 3/12", "dinsdag 3 december"), ("vr. 5/3", "vrijdag 5 maart"),
    ("3/12/2026", "donderdag 3 december 2026"), ("2026-12-03", "donderdag 3 december 2026"),
    ("1/1/2027", "vrijdag 1 januari 2027"),
])
def test_dates_are_said_with_the_weekday_and_the_month(written, said):
    assert dates(f"Je afspraak is op {written}.") == f"Je afspraak is op {said}."


def test_an_impossible_date_is_left_alone():
    assert dates("op 31/2/2027") == "op 31/2/2027"


def test_a_link_is_never_read_aloud():
    text = ("Je krijgt ook een sms met deze afspraak. Zet de afspraak in je agenda: "
            "https://loopbaan.example/afspraak/LK-7K3P.ics?t=abc Kan je niet? Bel ons.")
    assert links(text) == "Je krijgt ook een sms met deze afspraak. Kan je niet? Bel ons."
    assert links("Kijk op www.voorbeeld.org voor meer. Dag!") == "Dag!"


def test_a_site_the_text_points_to_becomes_a_true_spoken_pointer():
    assert for_ear("Meer uitleg: vlaanderen.be/loopbaanbegeleiding.") == (
        "Meer uitleg vind je op de website van de Vlaamse overheid.")
    assert for_ear("Kijk op vdab.be of bel gratis 0800 30 700.") == (
        "Kijk op de website van VDAB of bel gratis 0800 30 700.")
    assert for_ear("vraag ze aan op vdab.be/loopbaanbegeleiding, of bel.") == (
        "vraag ze aan op de website van VDAB, of bel.")
    # An unknown site is not turned into a pointer that may not be true: the sentence goes.
    assert for_ear("Lees het op iets-anders.be. Tot ziens.") == "Tot ziens."


def test_no_emoji_quotes_or_brackets():
    assert for_ear("Goed nieuws! 🎉 Typ 'ja' of 'nee'. 👍") == "Goed nieuws! Zeg ja of nee."
    assert for_ear("Dat moment bestaat niet (meer).") == "Dat moment bestaat niet meer."
    assert for_ear("Ga naar foto's van 's avonds.") == "Ga naar foto's van 's avonds."


def test_screen_words_become_what_is_true_on_the_phone():
    assert for_ear("Het lukt niet goed via de chat. Een mens helpt je graag: typ 0. Of typ het nummer dat past:") == (
        "Het lukt niet goed via de telefoon. Een mens helpt je graag: druk 0. Of toets het nummer dat past:")
    assert for_ear("Klik op de knop.") == "Druk op de toets."
    # The written example of the national number becomes what to press.
    assert for_ear("Typ het zo: 85.07.30-033.28.") == "Toets de 11 cijfers en dan een hekje."


def test_a_booking_reference_is_spelled():
    assert for_ear("Je referentie is LK-7K3P.") == "Je referentie is L K 7 K 3 P."


def message(reply) -> BotMessage:
    return BotMessage(reply.text, tuple(Button(b["title"], b["payload"]) for b in reply.buttons))


def test_a_repair_menu_is_read_as_keys_in_its_own_order():
    spoken = spoken_reply([message(slot_reask("werkstatus", 2, DAY))])
    assert spoken.startswith("Ik help je op weg. Toets het nummer dat past: Druk 1 voor ik werk voor een werkgever.")
    assert "Druk 6 voor ik ben met pensioen. Druk 0 om met een mens te praten. Of zeg stop om te stoppen" in spoken
    assert not re.search(r"(^|\s)\d\. ", spoken)  # no "1. …" line is read as a number


def test_the_main_menu_and_the_free_moments_are_read_as_keys():
    menu = spoken_reply([message(main_reask(3))])
    assert "Druk 1 voor kijken of ik recht heb op hulp voor mijn loopbaan." in menu
    assert "Druk 2 voor wat kost loopbaanbegeleiding." in menu
    start = dt.datetime(2027, 2, 2, 8, 30, tzinfo=dt.UTC)
    offers = offer_data([type("Offer", (), {"slot_id": 7, "label": "dinsdag 2 februari om 9.30 uur, met An L., "
                                             "online (videogesprek)", "starts_at": start,
                                             "modality": "online"})()])
    reply = BotMessage(offers_message(offers), (Button("1. " + offers[0]["label"], "1"),))
    assert spoken_reply([reply]) == ("Deze momenten zijn vrij: Druk 1 voor dinsdag 2 februari om 9 uur 30, met An L., "
                                     "online videogesprek. Toets het nummer van het moment dat je past.")


def test_buttons_without_numbered_lines_are_added_as_keys():
    reply = [BotMessage("Hallo!"), BotMessage("Heb je ooit al een loopbaancheque gebruikt?",
                                              (Button("Ja", "ja"), Button("Nee", "nee")))]
    assert spoken_reply(reply) == "Hallo! Heb je ooit al een loopbaancheque gebruikt? Druk 1 voor ja. Druk 2 voor nee."
    voice_titles = [BotMessage("Werk je nu?", (Button("als je werk zoekt", "ik zoek werk"),))]
    assert spoken_reply(voice_titles) == "Werk je nu? Druk 1 als je werk zoekt."


def test_a_typed_number_is_ended_with_the_hash_key():
    assert spoken_reply([BotMessage("Hoe oud ben je?")], digits_then_hash=True) == (
        "Hoe oud ben je? Sluit af met een hekje.")
    already = [BotMessage("Toets je leeftijd, en dan een hekje.")]
    assert spoken_reply(already, digits_then_hash=True) == "Toets je leeftijd, en dan een hekje."


SCREEN_ONLY = re.compile(r"\b(typ|typt|klik|knop|knoppen|chat)\b|https?:|www\.|\.be\b|€|"
                         r"[\U0001F000-\U0001FAFF\u2600-\u27BF]", re.IGNORECASE)


@pytest.mark.parametrize("text", all_texts(), ids=lambda t: t.where)
def test_no_citizen_text_says_a_screen_word_a_link_or_an_emoji_on_the_phone(text):
    assert not SCREEN_ONLY.search(for_ear(text.text)), for_ear(text.text)
