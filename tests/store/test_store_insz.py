"""The national number: check digits (both century rules), formats, refusals, the keyed hash.
The check is python-stdnum's; these tests pin what a person notices (accepted or not, and why)."""
from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.be import nn

from tests.support.database import valid_insz
from verwijzing.config import ConfigError
from verwijzing.privacy.insz import (
    InvalidInsz,
    PepperMissing,
    citizen_key,
    normalise_insz,
)

# Made up by construction, not real people's numbers.
BORN_1985 = valid_insz(dt.date(1985, 7, 30), 33)
BORN_2003 = valid_insz(dt.date(2003, 2, 14), 122)


def test_known_shapes():
    assert BORN_1985 == "85073003328"
    assert nn.get_birth_year(BORN_1985) == 1985
    assert nn.get_birth_year(BORN_2003) == 2003


@pytest.mark.parametrize("typed", ["85.07.30-033.28", "85 07 30 033 28", "850730-033-28", " 85073003328 ",
                                   "85-07-30-033-28", "85.07.30 - 033.28", "85/07/30/033/28"])
def test_separators_are_allowed(typed):
    assert normalise_insz(typed) == "85073003328"


def test_post_2000_rule_is_needed():
    """The 2000s number fails the old rule and passes only with the 2 in front."""
    body, check = BORN_2003[:9], int(BORN_2003[9:])
    assert 97 - int(body) % 97 != check
    assert 97 - int("2" + body) % 97 == check
    assert normalise_insz(BORN_2003) == BORN_2003


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("8507300332", "length"),
        ("850730033281", "length"),
        ("85O73003328", "not_digits"),
        ("85073003329", "check_digits"),
    ],
)
def test_refusals_say_why(typed, code):
    with pytest.raises(InvalidInsz) as caught:
        normalise_insz(typed)
    assert caught.value.code == code
    assert caught.value.reason and "3328" not in caught.value.reason


def test_impossible_months_are_refused_even_with_good_check_digits():
    # Month 13 and month 35 (not a BIS month either), with check digits computed for them.
    for body in ("851301001", "853501001"):
        number = body + f"{97 - int(body) % 97:02d}"
        with pytest.raises(InvalidInsz) as caught:
            normalise_insz(number)
        assert caught.value.code == "birth_month"
        assert number not in caught.value.reason


def test_a_day_past_the_end_of_the_month_is_the_registrys_own_practice():
    """When a day's counter runs out, the register raises the day: "30 February" exists (stdnum)."""
    body = "850230001"
    assert normalise_insz(body + f"{97 - int(body) % 97:02d}")


def test_unknown_birth_date_and_bis_numbers_are_valid():
    unknown = "000000" + "123"
    assert normalise_insz(unknown + f"{97 - int(unknown) % 97:02d}")
    assert normalise_insz(valid_insz(dt.date(1990, 5, 17), 45, bis=20))
    assert normalise_insz(valid_insz(dt.date(2001, 5, 17), 45, bis=40))


def test_invalid_insz_is_a_value_error():
    assert issubclass(InvalidInsz, ValueError)


def test_citizen_key_is_keyed_and_format_independent():
    key = citizen_key("85.07.30-033.28", b"pepper-one")
    assert key == citizen_key(BORN_1985, "pepper-one")
    assert len(key) == 64 and set(key) <= set(string.hexdigits.lower())
    assert key != citizen_key(BORN_1985, b"pepper-two")
    assert BORN_1985 not in key


def test_empty_pepper_is_refused_clearly():
    with pytest.raises(PepperMissing, match="VERWIJZING_INSZ_PEPPER") as caught:
        citizen_key(BORN_1985, b"")
    assert isinstance(caught.value, ConfigError)


def test_citizen_key_validates_first():
    with pytest.raises(InvalidInsz):
        citizen_key("12345678901", b"pepper")


# The register uses the 2000s rule only for years that have begun (stdnum checks the same).
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today())
counters = st.integers(min_value=1, max_value=998)


@given(birth=births, counter=counters)
def test_every_constructed_number_is_valid(birth, counter):
    number = valid_insz(birth, counter)
    assert normalise_insz(number) == number
    assert nn.get_birth_year(number) == birth.year
    dotted = f"{number[:2]}.{number[2:4]}.{number[4:6]}-{number[6:9]}.{number[9:]}"
    assert normalise_insz(dotted) == number


@given(birth=births, counter=counters, position=st.integers(0, 10), delta=st.integers(1, 9))
def test_a_single_wrong_digit_never_passes_as_the_same_person(birth, counter, position, delta):
    """Mod 97 catches every single-digit error under one century rule; the changed number may
    at most happen to satisfy the *other* rule (another birth century), and then it is never the
    same key."""
    number = valid_insz(birth, counter)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    typo = "".join(digits)
    try:
        normalise_insz(typo)
    except InvalidInsz:
        return
    year = nn.get_birth_year(typo)
    assert year is None or year // 100 != birth.year // 100
    assert citizen_key(typo, b"p") != citizen_key(number, b"p")


@given(st.text(max_size=20))
def test_garbage_raises_only_invalid_insz(raw):
    try:
        assert len(normalise_insz(raw)) == 11
    except InvalidInsz as error:
        assert error.reason
