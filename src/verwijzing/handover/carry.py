"""Carrying an SMS conversation to the web: the case code, and a one-time code sent to the case's phone.

A case code is no proof of who someone is: it is said at counters, written on paper, read over a
shoulder. So the web asks for a one-time code (privacy/codes.py: 6 digits, VALID_FOR, TRIES) sent
by SMS to the phone the conversation comes from; only who holds that phone can type it back.
Whatever code is typed, the page says the same thing ("if it belongs to an SMS conversation, its
phone got an SMS"), so the page tells no one which codes exist. A new one-time code is sent only
when none is still valid, and at most SENDS_PER_DAY a day per case: the page cannot be used to
text someone over and over. Plain functions over a session the caller opened (the caller commits).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from verwijzing.enums import Channel
from verwijzing.handover.codes import normalise_code
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy import codes
from verwijzing.privacy.sealed import unseal
from verwijzing.store.case_models import Case

SENDS_PER_DAY = 3


def _subject(case: Case) -> str:
    return f"verder:{case.code}"


def _locked(session: Session, typed_code: str) -> Case | None:
    code = normalise_code(typed_code)
    return session.scalar(select(Case).where(Case.code == code).with_for_update()) if code else None


def request_code(session: Session, typed_code: str, secret: bytes, at: dt.datetime) -> tuple[str, str] | None:
    """The phone of the SMS conversation with that case code and a new one-time code to send it;
    None when nothing is sent (no such SMS case, a code still valid, the day's codes used)."""
    case = _locked(session, typed_code)
    if case is None or case.channel != Channel.SMS.value or not case.phone_sealed:
        return None
    phone = unseal(case.phone_sealed, secret)
    if not phone:
        return None
    today = at.astimezone(BRUSSELS).date()
    if case.carry_day != today:
        case.carry_day, case.carry_sends = today, 0
    if case.carry_hash and case.carry_expires_at and case.carry_expires_at > at:
        return None  # one at a time: the code sent before still holds
    if case.carry_sends >= SENDS_PER_DAY:
        return None
    code, pending = codes.new_code(_subject(case), secret, at)
    case.carry_hash, case.carry_expires_at, case.carry_tries = pending.code_hash, pending.expires, 0
    case.carry_sends += 1
    return phone, code


class Refusal(StrEnum):
    WRONG = "wrong"  # tries left
    ENDED = "ended"  # expired, used up, or never sent: ask a new one


@dataclass(frozen=True)
class Confirmation:
    conversation_id: str | None  # the SMS conversation, to go on with on the web
    refusal: Refusal | None = None
    tries_left: int = 0


def confirm(session: Session, typed_code: str, typed_digits: str, secret: bytes, at: dt.datetime) -> Confirmation:
    """Whether the one-time code typed is the one sent for that case; a wrong one uses a try."""
    case = _locked(session, typed_code)
    digits = codes.typed_code(typed_digits)
    if case is None or not case.carry_hash or case.carry_expires_at is None:
        return Confirmation(None, Refusal.ENDED)
    if digits is None:  # not six digits: no try used, asked again
        return Confirmation(None, Refusal.WRONG, codes.TRIES - case.carry_tries)
    pending = codes.Pending(_subject(case), case.carry_hash, case.carry_expires_at, case.carry_tries)
    checked = codes.check(pending, digits, secret, at)
    if checked.ok:
        case.carry_hash, case.carry_expires_at, case.carry_tries = None, None, 0
        return Confirmation(case.conversation_id)
    if checked.pending is None:  # expired or the last try: this code is done
        case.carry_hash, case.carry_expires_at = None, None
        return Confirmation(None, Refusal.ENDED)
    case.carry_tries = checked.pending.tries
    return Confirmation(None, Refusal.WRONG, codes.TRIES - checked.pending.tries)
