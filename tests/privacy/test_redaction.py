"""The national number and the phone number, found in any spelling and removed from what is kept.

The property that matters: whatever spelling the booking reader accepts as a national number,
the redaction (what the tracker store saves) removes every digit of it. And the reader gives
one person one key, however they type their number.
"""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.database import valid_insz
from verwijzing.dialogue.booking import read_insz, read_telefoon
from verwijzing.privacy.insz import InvalidInsz, citizen_key, normalise_insz
from verwijzing_rasa.pii import NUMMER, RIJKSREGISTERNUMMER, TELEFOON, digits, redact

PEPPER = "privacy-test-pepper"
# Many spellings per number; the pattern is cheap, so many examples cost little.
EXAMPLES = 1500

numbers = st.builds(
    valid_insz,
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()),
    st.integers(min_value=1, max_value=997),
    bis=st.sampled_from([0, 20, 40]),
)
# What people put between two digit groups: nothing, spaces, a dot, dash or slash (an en dash
# from a phone keyboard too), with stray spaces around it.
separators = st.builds(
    lambda before, mark, after: before + mark + after,
    st.sampled_from(["", "", " ", "  "]),
    st.sampled_from(["", ".", "-", "/", "\u2013"]),
    st.sampled_from(["", "", " ", "  "]),
)
# Dutch around the number, some with a phone number in it too (also to be removed).
before = st.sampled_from(["", "mijn rijksregisternummer is ", "Hier: ", "nummer:", "ok ",
                          "gsm 0470 12 34 56 en ", "0470/12.34.56, ", "Mijn nummer is\n"])
after = st.sampled_from(["", ".", " ok?", ", dank je", " en mijn gsm is +32 470 12 34 56", "!\n"])


@st.composite
def spelled(draw, number_strategy=numbers):
    """(number, its spelling): the 11 digits cut anywhere, each cut with its own separator."""
    number = draw(number_strategy)
    cuts = draw(st.sets(st.integers(min_value=1, max_value=10)))
    parts = []
    for i, digit in enumerate(number):
        if i in cuts:
            parts.append(draw(separators))
        parts.append(digit)
    return number, "".join(parts)


@settings(max_examples=EXAMPLES, deadline=None)
@given(spelled(), before, after)
def test_every_spelling_the_reader_accepts_is_removed_and_gives_one_key(number_and_spelling, prefix, suffix):
    number, spelling = number_and_spelling
    text = f"{prefix}{spelling}{suffix}"
    reading = read_insz(text, PEPPER)
    if reading.key is not None:
        assert reading.key == citizen_key(number, PEPPER)
    # The reader accepts every spelling: a number typed alone or between words is never re-asked.
    if not any(c.isdigit() for c in prefix + suffix):
        assert reading.key == citizen_key(number, PEPPER), text
    kept = redact(text)
    # No digit of the number (nor of the phone next to it) survives, in any grouping.
    assert not any(c.isdigit() for c in kept), (text, kept)
    assert number not in digits(kept)
    if reading.key is not None and not any(c.isdigit() for c in prefix + suffix):
        assert RIJKSREGISTERNUMMER in kept


@settings(max_examples=500, deadline=None)
@given(spelled(st.text(alphabet="0123456789", min_size=11, max_size=11)), before, after)
def test_a_mistyped_number_is_removed_too(number_and_spelling, prefix, suffix):
    """Redaction is by shape: eleven digits go, whether or not their check digits are right."""
    number, spelling = number_and_spelling
    kept = redact(f"{prefix}{spelling}{suffix}")
    assert not any(c.isdigit() for c in kept), kept


@pytest.mark.parametrize("typed", ["8507300332", "850730033281", "85 07 30 033 2", "85.07.30-033.281"])
def test_a_number_with_a_digit_too_few_or_too_many_is_removed(typed):
    kept = redact(f"mijn nummer is {typed} denk ik")
    assert kept.startswith("mijn nummer is [") and kept.endswith("] denk ik")
    assert not any(c.isdigit() for c in kept)


BELGIAN_MOBILE = "+32470123456"


@pytest.mark.parametrize(("typed", "e164"), [
    ("0470 12 34 56", BELGIAN_MOBILE),
    ("0470123456", BELGIAN_MOBILE),
    ("0470/12.34.56", BELGIAN_MOBILE),
    ("0470-12-34-56", BELGIAN_MOBILE),
    ("0470 / 12 34 56", BELGIAN_MOBILE),
    ("+32 470 12 34 56", BELGIAN_MOBILE),
    ("+32470123456", BELGIAN_MOBILE),
    ("0032 470 12 34 56", BELGIAN_MOBILE),
    ("+32 (0)470 12 34 56", BELGIAN_MOBILE),
    ("09 123 45 67", "+3291234567"),
    ("09/123.45.67", "+3291234567"),
    ("02 123 45 67", "+3221234567"),
    ("+31 6 12345678", "+31612345678"),
    ("+44 20 7946 0958", "+442079460958"),
    ("0033 6 12 34 56 78", "+33612345678"),
])
def test_phone_numbers_in_every_spelling_are_read_and_removed(typed, e164):
    text = f"Je kan me bellen op {typed}, liefst na 17 uur."
    assert read_telefoon(text) == e164
    kept = redact(text)
    assert kept == f"Je kan me bellen op {TELEFOON}, liefst na 17 uur."


def test_a_phone_and_a_national_number_typed_together_are_both_read_and_removed():
    insz = valid_insz(dt.date(1985, 7, 30), 33)
    for text in (f"0470 12 34 56 en {insz}", f"0470123456 {insz}", f"{insz}, 0470/12.34.56",
                 f"0470 12 34 56 {insz[:2]} {insz[2:4]} {insz[4:6]} {insz[6:9]} {insz[9:]}"):
        assert read_insz(text, PEPPER).key == citizen_key(insz, PEPPER), text
        assert read_telefoon(text) == BELGIAN_MOBILE, text
        kept = redact(text)
        assert not any(c.isdigit() for c in kept), kept
        assert TELEFOON in kept or NUMMER in kept


def test_a_national_number_that_looks_like_a_foreign_phone_is_not_read_as_a_phone():
    born_2000 = valid_insz(dt.date(2000, 12, 14), 122)  # 00121412..: "00" and 1 like +1
    assert born_2000.startswith("0012")
    assert read_telefoon(f"mijn nummer is {born_2000}") is None
    assert read_insz(f"mijn nummer is {born_2000}", PEPPER).key == citizen_key(born_2000, PEPPER)
    assert redact(born_2000) == RIJKSREGISTERNUMMER


@pytest.mark.parametrize("text", [
    "Ik ben 24 en werk sinds 2005 als bediende.",
    "9000 Gent",
    "12 jaar",
    "ik verdien 2500 euro per maand",
    "gestopt na het 4de middelbaar",
    "kan het op 12/03/2027 om 14.30?",
    "verplaats LK-7K3P naar de 2de",
    "1",
])
def test_ordinary_answers_are_kept_as_typed(text):
    """The transcript stays readable: ages, years, postcodes, dates and choices are no personal numbers."""
    assert redact(text) == text


def test_two_valid_national_numbers_in_one_message_are_not_guessed():
    one, other = valid_insz(dt.date(1985, 7, 30), 33), valid_insz(dt.date(1990, 1, 2), 45)
    reading = read_insz(f"{one} of {other}", PEPPER)
    assert reading.key is None and reading.problem
    assert one not in reading.problem and other not in reading.problem


def test_the_reasons_never_repeat_the_number():
    body = "850730033"
    wrong = body + "99"
    with pytest.raises(InvalidInsz):
        normalise_insz(wrong)
    for typed in (wrong, "85.07.30-033.99", "8507300332", "85 07 30 03"):
        problem = read_insz(typed, PEPPER, asked=True).problem
        assert problem and body[:6] not in digits(problem)


@st.composite
def spelled_mobile(draw):
    """(E.164, spelling) of a Belgian mobile number: 0 / +32 / 0032, then groups cut anywhere."""
    subscriber = "4" + draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    prefix = draw(st.sampled_from(["0", "+32 ", "+32", "0032 ", "0032", "+32 (0)"]))
    cuts = draw(st.sets(st.integers(min_value=1, max_value=8)))
    body = "".join((draw(separators) if i in cuts else "") + d for i, d in enumerate(subscriber))
    return "+32" + subscriber, prefix + body


@settings(max_examples=500, deadline=None)
@given(spelled_mobile(), st.sampled_from(["", "bel me op ", "gsm: ", "Mijn nummer is "]),
       st.sampled_from(["", ".", " aub", ", dank je"]))
def test_every_spelling_of_a_mobile_number_is_read_and_removed(mobile, prefix, suffix):
    e164, spelling = mobile
    text = f"{prefix}{spelling}{suffix}"
    assert read_telefoon(text) == e164, text
    kept = redact(text)
    assert not any(c.isdigit() for c in kept), (text, kept)
    assert TELEFOON in kept


@pytest.mark.parametrize("text", ["Bel de VDAB gratis op 0800 30 700.", "VLAIO: 0800 20 555", "bel 0800.30.700"])
def test_a_freephone_number_in_an_answer_is_kept(text):
    """A service's free line is nobody's personal number; the phone's repeat key reads it back."""
    assert redact(text) == text


@pytest.mark.parametrize("text", ["0800 30 700 0470 12 34 56", "bel 0800 30 7001", "0800 30 700 85.07.30-033.28"])
def test_a_freephone_number_is_kept_only_alone(text):
    """Kept only when the whole run of digits is that one freephone number: a mobile or a national
    number typed next to it is removed with it, and so is a number with a digit too many."""
    assert not any(c.isdigit() for c in redact(text))


def test_a_freephone_number_next_to_a_mobile_in_words_keeps_only_the_freephone():
    assert redact("Bel 0800 30 700 of 0470 12 34 56") == f"Bel 0800 30 700 of {TELEFOON}"


# --- issue 18, point 1: redact by digits, not by separators -------------------------------

# Any character of the Unicode categories people's keyboards, phones and speech recognisers put
# between digits: dashes (Pd), other punctuation (Po), spaces (Zs) and control characters (Cc:
# line breaks, tabs), plus the brackets and signs of a phone number and a Unicode minus.
any_separator = st.text(
    alphabet=st.one_of(st.characters(categories=["Pd", "Po", "Zs", "Cc"]), st.sampled_from("()+−*#")),
    min_size=1, max_size=3)
# A digit as typed: ASCII, full-width or another script's decimal digit.
digit_forms = {d: [d, chr(ord(d) + 0xFEE0), chr(ord(d) + 0x0660)] for d in "0123456789"}


@st.composite
def spelled_anyhow(draw, number_strategy):
    number = draw(number_strategy)
    cuts = draw(st.sets(st.integers(min_value=1, max_value=len(number) - 1)))
    parts = []
    for i, digit in enumerate(number):
        if i in cuts:
            parts.append(draw(any_separator))
        parts.append(draw(st.sampled_from(digit_forms[digit])))
    return number, "".join(parts)


mobiles = st.builds(lambda rest: "047" + rest, st.text(alphabet="0123456789", min_size=7, max_size=7))


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.one_of(spelled_anyhow(numbers), spelled_anyhow(mobiles)), before, after)
def test_no_spelling_of_a_number_survives_redaction_in_its_digits(number_and_spelling, prefix, suffix):
    number, spelling = number_and_spelling
    kept = redact(prefix + spelling + suffix)
    assert number not in digits(kept), (spelling, kept)


@settings(max_examples=500, deadline=None)
@given(spelled_anyhow(numbers))
def test_the_reader_takes_the_number_in_the_spellings_redaction_masks(number_and_spelling):
    # The first answer fills the slot: no second copy is typed and stored.
    number, spelling = number_and_spelling
    if any(c.isalpha() for c in spelling):
        return  # some Po/Pd characters are letters to nobody, but the test keeps to non-letters
    assert read_insz(spelling, PEPPER, asked=True).key == citizen_key(normalise_insz(number), PEPPER)


@pytest.mark.parametrize("typed, e164", [
    ("(0470) 12 34 56", "+32470123456"), ("+32(470)123456", "+32470123456"),
    ("0470,12,34,56", "+32470123456"), ("0470\n123456", "+32470123456"), ("０４７０ １２ ３４ ５６", "+32470123456"),
])
def test_phone_numbers_in_the_spellings_of_issue_18_are_read_and_removed(typed, e164):
    assert read_telefoon(typed) == e164
    assert "470" not in digits(redact(typed))


def test_our_own_times_and_short_answers_survive():
    for text in ("2027-02-01T11:00:00+01:00", "ik ben 45, postcode 9000", "van 2004 tot 2020, 12 jaar",
                 "bel gratis 0800 30 700"):
        assert redact(text) == text
