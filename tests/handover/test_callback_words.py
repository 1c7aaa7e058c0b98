"""A call back asked in a few words: the request, the part of the day as people say it, and a stop."""
from __future__ import annotations

import pytest

from verwijzing.enums import Daypart
from verwijzing.handover.callback import read_daypart, stops, wants_callback


@pytest.mark.parametrize("text", ["terugbellen", "TERUGBELLEN", "Bel me terug", "kunnen jullie mij terugbellen?",
                                  "terug bellen aub"])
def test_asking_to_be_called_back(text):
    assert wants_callback(text)


@pytest.mark.parametrize("text", ["ik bel zelf wel", "bellen", "wat kost het?", "terug naar het begin"])
def test_other_messages_are_no_call_back(text):
    assert not wants_callback(text)


@pytest.mark.parametrize(("text", "daypart"), [
    ("1", Daypart.MORNING), ("s morgens graag", Daypart.MORNING), ("'s ochtends", Daypart.MORNING),
    ("2", Daypart.AFTERNOON), ("liefst in de namiddag", Daypart.AFTERNOON), ("'s middags", Daypart.AFTERNOON),
    ("3", Daypart.ANY), ("maakt niet uit", Daypart.ANY), ("om het even", Daypart.ANY),
    ("voormiddag of namiddag", None), ("morgen", None), ("12", None), ("", None),  # unclear: asked again
])
def test_the_part_of_the_day_as_people_say_it(text, daypart):
    assert read_daypart(text) == daypart


def test_a_stop_ends_it():
    assert stops("nee laat maar") and stops("stop") and not stops("0470 12 34 56")


def test_the_wait_is_said_in_plain_dutch_one_minute_or_more():
    import datetime as dt

    from verwijzing.enums import Channel
    from verwijzing.handover.texts import handed_over
    assert "ongeveer 1 minuut." in handed_over(Channel.SMS, 1, "HK7M3P", dt.timedelta(seconds=40))
    assert "ongeveer 3 minuten." in handed_over(Channel.WEB, 2, "HK7M3P", dt.timedelta(minutes=3))
    assert "Meestal" not in handed_over(Channel.WEB, 1, "HK7M3P", None)  # nothing promised before any hand-over
