"""Typed phone numbers on libphonenumber's numbering plans (beyond the cases in tests/booking)."""
from __future__ import annotations

import pytest

from verwijzing.notify import InvalidPhone, can_receive_sms, normalise_phone
from verwijzing.notify.phone import mask


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("0460 12 34 56", "+32460123456"), ("02 808 00 00", "+3228080000"), ("(0)470-12-34-56", "+32470123456"),
     ("+44 7911 123456", "+447911123456"), ("0033 6 12 34 56 78", "+33612345678")],
)
def test_numbers_people_type(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize(
    ("typed", "says"),
    [("0800-FLOWERS", "Typ het zo"), ("bel me op 0470123456", "Typ het zo"), ("+999 123456789", "Typ het zo"),
     ("0470 12 34 56 7", "9 of 10 cijfers"), ("+44 7911", "Typ het zo")],
)
def test_what_is_refused_says_how_to_type_it_without_repeating_it(typed, says):
    with pytest.raises(InvalidPhone) as refused:
        normalise_phone(typed)
    assert says in str(refused.value)
    assert str(refused.value) in {  # one of two fixed sentences: nothing of what was typed comes back
        "Dat lijkt geen telefoonnummer. Typ het zo: 0470 12 34 56.",
        "Een Belgisch nummer heeft 9 of 10 cijfers, bijvoorbeeld 0470 12 34 56.",
    }


def test_sms_goes_to_belgian_mobiles_and_foreign_numbers_only():
    assert can_receive_sms("+32460123456") and can_receive_sms("+32499123456")
    assert not can_receive_sms("+3228080000") and not can_receive_sms("+3280030700")
    assert can_receive_sms("+447911123456")


def test_mask_keeps_two_digits():
    assert mask("+32470123456") == "…56" and mask(None) == "-"
