"""A counsellor's hours into moments: whole blocks back to back, Brussels wall-clock time across
both switches of summer time, date overrides, and no double moment."""
from __future__ import annotations

import datetime as dt

from verwijzing.counsellors.availability import Hours, Window, moments
from verwijzing.counsellors.hours_form import RowInput, parse_override, parse_time, parse_weekly
from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS

TWO_HOURS = dt.timedelta(hours=2)
ALL = frozenset(Modality)
OP_LOCATIE = frozenset({Modality.OP_LOCATIE})


def block(_day: dt.date) -> dt.timedelta:
    return TWO_HOURS


def window(start: str, end: str, modalities: frozenset[Modality] = OP_LOCATIE, location: str | None = None) -> Window:
    return Window(dt.time.fromisoformat(start), dt.time.fromisoformat(end), modalities, location)


def local_times(found) -> list[str]:
    return [f"{m.starts_at.astimezone(BRUSSELS):%Y-%m-%d %H:%M}" for m in found]


def test_a_window_holds_whole_blocks_back_to_back_from_its_start():
    hours = Hours(weekly={0: [window("09:00", "16:00")]})  # Monday
    found = moments(hours, dt.date(2027, 1, 4), dt.date(2027, 1, 4), block)
    # 15:00 would end at 17:00, after the window.
    assert local_times(found) == ["2027-01-04 09:00", "2027-01-04 11:00", "2027-01-04 13:00"]
    assert all(m.ends_at - m.starts_at == TWO_HOURS for m in found)


def test_nine_oclock_stays_nine_oclock_across_the_switch_to_summer_time():
    # Sunday 28 March 2027 at 2:00 the clocks go to 3:00. The Fridays before and after:
    hours = Hours(weekly={4: [window("09:00", "11:00")]})
    found = moments(hours, dt.date(2027, 3, 26), dt.date(2027, 4, 2), block)
    assert local_times(found) == ["2027-03-26 09:00", "2027-04-02 09:00"]
    assert [m.starts_at.hour for m in found] == [8, 7]  # UTC: winter +1, summer +2


def test_nine_oclock_stays_nine_oclock_across_the_switch_back_in_october():
    # Sunday 31 October 2027 at 3:00 the clocks go back to 2:00.
    hours = Hours(weekly={4: [window("09:00", "11:00")]})
    found = moments(hours, dt.date(2027, 10, 29), dt.date(2027, 11, 5), block)
    assert local_times(found) == ["2027-10-29 09:00", "2027-11-05 09:00"]
    assert [m.starts_at.hour for m in found] == [7, 8]


def test_on_the_switch_nights_a_block_is_two_real_hours_or_is_not_offered():
    night = Hours(weekly={6: [window("00:00", "06:00")]})  # Sundays, through the switch
    march = moments(night, dt.date(2027, 3, 28), dt.date(2027, 3, 28), block)
    # 2:00 does not exist that night: neither the block ending then nor the one starting then is
    # offered (the wall clock and the real time disagree); 4:00–6:00 is fine.
    assert local_times(march) == ["2027-03-28 04:00"]
    october = moments(night, dt.date(2027, 10, 31), dt.date(2027, 10, 31), block)
    # 02:00–04:00 on the wall clock lasts three real hours that night: not a 2-hour block.
    assert local_times(october) == ["2027-10-31 00:00", "2027-10-31 04:00"]
    assert all(m.ends_at - m.starts_at == TWO_HOURS for m in march + october)


def test_a_day_off_and_other_hours_replace_the_weekly_hours_on_that_date_only():
    hours = Hours(weekly={0: [window("09:00", "11:00")], 1: [window("09:00", "11:00")]},
                  overrides={dt.date(2027, 1, 4): [], dt.date(2027, 1, 5): [window("14:00", "18:00", ALL)]})
    found = moments(hours, dt.date(2027, 1, 4), dt.date(2027, 1, 12), block)
    assert local_times(found) == ["2027-01-05 14:00", "2027-01-05 16:00", "2027-01-11 09:00", "2027-01-12 09:00"]
    assert found[0].modalities == ALL


def test_overlapping_windows_and_busy_times_give_no_double_or_busy_moment():
    hours = Hours(weekly={0: [window("09:00", "13:00"), window("10:00", "14:00", location="Gent")]})
    busy = [(dt.datetime(2027, 1, 4, 11, 30, tzinfo=BRUSSELS), dt.datetime(2027, 1, 4, 12, 0, tzinfo=BRUSSELS))]
    found = moments(hours, dt.date(2027, 1, 4), dt.date(2027, 1, 4), block, busy=busy)
    # 9–11 from the first window; 11–13 overlaps the busy half hour; 10–12 overlaps 9–11; 12–14 is free.
    assert local_times(found) == ["2027-01-04 09:00", "2027-01-04 12:00"]
    assert [m.location for m in found] == [None, "Gent"]


def test_the_hours_form_says_per_row_what_is_wrong_and_keeps_nothing_half():
    rows = [
        RowInput("0", "9:00", "12u", frozenset({"op_locatie"})),
        RowInput("0", "11.30", "14:00", frozenset({"op_locatie"})),  # overlaps row 1 on Monday
        RowInput("2", "14:00", "13:00", frozenset({"online"})),
        RowInput("3", "9:00", "10:00", frozenset({"op_locatie"})),  # too short for one block
        RowInput("4", "negen", "12:00", frozenset()),
        RowInput("8", "9:00", "12:00", frozenset({"op_locatie"})),
        RowInput("1", "9:00", "12:00", frozenset({"telefoon"})),  # not a way this counsellor works
        RowInput("", "", "", frozenset()),  # an empty row is skipped
    ]
    weekly, problems = parse_weekly(rows, frozenset({Modality.OP_LOCATIE, Modality.ONLINE}), TWO_HOURS)
    assert problems == [
        "Rij 3: het einde (13:00) moet na het begin (14:00) komen.",
        "Rij 4: een gesprek duurt 2 uur. Van 09:00 tot 10:00 past er geen.",
        "Rij 5: het begin 'negen' is geen uur. Schrijf het zo: 9:00.",
        "Rij 5: kies minstens één manier: op locatie, online.",
        "Rij 6: kies een dag van maandag tot zondag.",
        "Rij 7: volgens het register werk je niet telefoon.",
        "Rij 1 en rij 2 overlappen op maandag.",
    ]
    assert parse_time("9u30") == dt.time(9, 30) and parse_time("14 u") == dt.time(14, 0)
    assert parse_time("25:00") is None and parse_time("") is None


def test_an_override_in_the_past_or_without_a_date_is_refused():
    allowed = frozenset({Modality.OP_LOCATIE})
    day, window_, problems = parse_override(RowInput("2027-01-04", "", "", frozenset()), True, allowed, TWO_HOURS,
                                            dt.date(2027, 1, 5))
    assert problems == ["Die datum is al voorbij."]
    _, _, problems = parse_override(RowInput("morgen", "", "", frozenset()), True, allowed, TWO_HOURS,
                                    dt.date(2027, 1, 5))
    assert problems and "geen datum" in problems[0]
    day, window_, problems = parse_override(RowInput("2027-01-06", "13:00", "17:00", frozenset({"op_locatie"})), False,
                                            allowed, TWO_HOURS, dt.date(2027, 1, 5))
    assert problems == [] and day == dt.date(2027, 1, 6) and window_ == window("13:00", "17:00")
