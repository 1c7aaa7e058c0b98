"""One-time SMS codes (issue 18, point 3): six digits, valid ten minutes, five tries, kept only as
a keyed hash bound to what they prove."""
from __future__ import annotations

import datetime as dt

import pytest

from verwijzing.privacy.codes import TRIES, VALID_FOR, Pending, check, new_code, typed_code

SECRET = b"code-test-secret"
NOW = dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC)


def test_a_code_is_six_digits_and_only_its_hash_is_kept():
    code, pending = new_code("LK-7K3P", SECRET, NOW)
    assert len(code) == 6 and code.isdigit()
    assert code not in repr(pending.as_slot()) and Pending.from_slot(pending.as_slot()) == pending


def test_the_right_code_proves_its_subject_and_nothing_else():
    code, pending = new_code("LK-7K3P", SECRET, NOW)
    assert check(pending, code, SECRET, NOW + dt.timedelta(minutes=9)).ok
    other = Pending("LK-9ZZZ", pending.code_hash, pending.expires)
    assert not check(other, code, SECRET, NOW).ok  # a code for one booking opens no other


def test_a_code_ends_after_ten_minutes():
    code, pending = new_code("k", SECRET, NOW)
    result = check(pending, code, SECRET, NOW + VALID_FOR + dt.timedelta(seconds=1))
    assert not result.ok and result.reason == "expired" and result.pending is None


def test_five_wrong_tries_and_it_is_over():
    code, pending = new_code("k", SECRET, NOW)
    wrong = "000000" if code != "000000" else "111111"
    current: Pending | None = pending
    reasons = []
    for _ in range(TRIES):
        assert current is not None
        result = check(current, wrong, SECRET, NOW)
        reasons.append(result.reason)
        current = result.pending
    assert reasons == ["wrong"] * (TRIES - 1) + ["used_up"] and current is None


@pytest.mark.parametrize("text, code", [("123456", "123456"), ("123 456", "123456"), (" 123-456 ", "123456"),
                                        ("12345", None), ("1234567", None), ("mijn code 123456 en 99", None),
                                        # a phone's full-width or Arabic-Indic digits are the same code
                                        ("１２３ ４５６", "123456"),
                                        ("\u0661\u0662\u0663\u0664\u0665\u0666", "123456")])
def test_a_code_is_read_only_when_the_message_is_the_code(text, code):
    assert typed_code(text) == code
