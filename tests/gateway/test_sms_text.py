"""SMS wording: GSM-7 spelling, exact segment counts, splitting and numbered choices."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verwijzing.gateway.assistant import BotMessage, Button
from verwijzing.gateway.options import choose
from verwijzing.gateway.sms.text import (
    MAX_SEGMENTS,
    fits_gsm7,
    reply_text,
    segments,
    split,
    to_gsm7,
)


def test_dutch_typography_is_written_in_the_sms_alphabet():
    assert to_gsm7("België’s “loopbaan” – financiële… ruïne") == "Belgie's \"loopbaan\" - financiele... ruine"
    assert to_gsm7("é è à ö ü Ä ñ €") == "é è à ö ü Ä ñ €"  # these are GSM-7 already
    assert to_gsm7("Goed zo 👍") == "Goed zo "


def test_segments_are_counted_as_operators_count_them():
    assert segments("a" * 160) == 1
    assert segments("a" * 161) == 2  # 153 septets per part once it is split
    assert segments("a" * 306) == 2 and segments("a" * 307) == 3
    assert segments("€" * 80) == 1 and segments("€" * 81) == 2  # € costs two septets
    assert segments("ë" * 70) == 1 and segments("ë" * 71) == 2  # outside GSM-7: UCS-2, 70 then 67
    assert segments("a" * 458 + "ë") == 7


@given(st.lists(st.text(alphabet=st.sampled_from("abcdefghij klmnop.,?\n€ë"), min_size=1, max_size=400),
                min_size=1, max_size=5))
def test_every_sms_of_a_split_reply_fits_three_segments_and_nothing_is_lost(parts):
    text = to_gsm7("\n\n".join(parts))
    pieces = split(text)
    assert all(segments(p) <= MAX_SEGMENTS for p in pieces)
    squeeze = lambda s: "".join(s.split()).replace(".", "")  # noqa: E731 - split may add a full stop
    assert squeeze("".join(pieces)) == squeeze(text)


def test_a_long_reply_is_split_between_messages_first():
    first, second = "Eerste bericht. " * 20, "Tweede bericht. " * 20
    assert split(f"{first.strip()}\n\n{second.strip()}") == [first.strip(), second.strip()]


def test_buttons_become_numbered_lines_and_the_number_chooses_the_same_payload():
    reply = [BotMessage("Werk je nu?", (Button("Ik werk voor een werkgever", "ik ben werknemer"),
                                        Button("Ik zoek werk", "ik zoek werk")))]
    assert reply_text(reply) == "Werk je nu?\n1. Ik werk voor een werkgever\n2. Ik zoek werk"
    assert choose("2", reply) == "ik zoek werk"
    assert choose(" 1. ", reply) == "ik ben werknemer"
    assert choose("3", reply) is None and choose("12 jaar", reply) is None


def test_a_menu_that_lists_its_choices_is_not_listed_twice_and_0_is_a_person():
    menu = "Typ het nummer dat past:\n1. Ja\n2. Nee\n0. Met een mens praten"
    reply = [BotMessage(menu, (Button("1. Ja", "ja"), Button("2. Nee", "nee"),
                               Button("0. Met een mens praten", "/mens_spreken")))]
    assert reply_text(reply) == menu
    assert choose("0", reply) == "/mens_spreken" and choose("2", reply) == "nee"


def test_the_reply_is_gsm7_whatever_the_bot_wrote():
    text = reply_text([BotMessage("Je woont in België – dat is goed…")])
    assert fits_gsm7(text)
