"""The phone number rides in the conversation sealed: the slot value never shows it."""
from __future__ import annotations

from verwijzing.privacy.sealed import seal, unseal


def test_a_sealed_phone_number_shows_no_digit_of_it_and_opens_with_the_same_secret():
    sealed = seal("+32470123456", "pepper")
    assert "470123456" not in sealed and "0470" not in sealed
    assert unseal(sealed, "pepper") == "+32470123456"


def test_another_secret_or_a_plain_value_opens_nothing():
    assert unseal(seal("+32470123456", "pepper"), "another pepper") is None
    assert unseal("+32470123456", "pepper") is None
    assert unseal("geen", "pepper") is None
    assert unseal(None, "pepper") is None
