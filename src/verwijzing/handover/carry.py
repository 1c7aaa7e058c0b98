"""Carrying a conversation to another channel, with a one-time code sent by SMS.

SMS → web: the case code, and a one-time code sent to the case's phone.

A case code is no proof of who someone is: it is said at counters, written on paper, read over a
shoulder. So the web asks for a one-time code (privacy/codes.py: 6 digits, VALID_FOR, TRIES) sent
by SMS to the phone the conversation comes from; only who holds that phone can type it back.
Whatever code is typed, the page says the same thing ("if it belongs to an SMS conversation, its
phone got an SMS"), so the page tells no one which codes exist. A new one-time code is sent only
when none is still valid, and at most SENDS_PER_DAY a day per case: the page cannot be used to
text someone over and over.

Web → SMS: the person types their mobile number on the web; a one-time code goes there, and typed
back on the same web page it proves both ends (the web conversation, the phone); the conversation
then moves onto the SMS conversation's id (`move`), so the SMS line and the web go on with it.

Plain functions over a session the caller opened (the caller commits).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from verwijzing.enums import CaseStatus, Channel
from verwijzing.handover.codes import normalise_code
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy import codes
from verwijzing.privacy.sealed import unseal
from verwijzing.store.case_models import Case
from verwijzing.store.models import Referral

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
    if not phone or not _may_send(case, at):
        return None
    return phone, _new_pending(case, _subject(case), secret, at)


def request_code_for_phone(session: Session, conversation_id: str, phone: str, secret: bytes, at: dt.datetime
                           ) -> str | None:
    """A one-time code to send to `phone`, to move the web conversation there; None when nothing
    is sent (no web conversation, a code still valid, the day's codes used). The code holds only
    for that phone (it is part of what is hashed)."""
    case = session.scalar(select(Case).where(Case.conversation_id == conversation_id).with_for_update())
    if case is None or case.channel != Channel.WEB.value or not _may_send(case, at):
        return None
    return _new_pending(case, _phone_subject(case, phone), secret, at)


def code_holds_until(session: Session, conversation_id: str, at: dt.datetime) -> dt.datetime | None:
    """Until when the code sent before for this conversation still holds (None: none does), so
    the page says that one works rather than that a new one went out."""
    expires = session.scalar(select(Case.carry_expires_at).where(Case.conversation_id == conversation_id,
                                                                   Case.carry_hash.is_not(None)))
    return expires if expires is not None and expires > at else None


def _phone_subject(case: Case, phone: str) -> str:
    return f"naar-sms:{case.code}:{phone}"


def _may_send(case: Case, at: dt.datetime) -> bool:
    """One code at a time, SENDS_PER_DAY a day (Brussels days)."""
    today = at.astimezone(BRUSSELS).date()
    if case.carry_day != today:
        case.carry_day, case.carry_sends = today, 0
    if case.carry_hash and case.carry_expires_at and case.carry_expires_at > at:
        return False  # the code sent before still holds
    return case.carry_sends < SENDS_PER_DAY


def _new_pending(case: Case, subject: str, secret: bytes, at: dt.datetime) -> str:
    code, pending = codes.new_code(subject, secret, at)
    case.carry_hash, case.carry_expires_at, case.carry_tries = pending.code_hash, pending.expires, 0
    case.carry_sends += 1
    return code


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
    if case is None:
        return Confirmation(None, Refusal.ENDED)
    return _confirm(case, _subject(case), typed_digits, secret, at)


def confirm_for_phone(session: Session, conversation_id: str, phone: str, typed_digits: str, secret: bytes,
                      at: dt.datetime) -> Confirmation:
    """Whether the code typed on the web is the one sent to `phone` for this web conversation."""
    case = session.scalar(select(Case).where(Case.conversation_id == conversation_id).with_for_update())
    if case is None or case.channel != Channel.WEB.value:
        return Confirmation(None, Refusal.ENDED)
    return _confirm(case, _phone_subject(case, phone), typed_digits, secret, at)


def _confirm(case: Case, subject: str, typed_digits: str, secret: bytes, at: dt.datetime) -> Confirmation:
    digits = codes.typed_code(typed_digits)
    if not case.carry_hash or case.carry_expires_at is None:
        return Confirmation(None, Refusal.ENDED)
    if digits is None:  # not six digits: no try used, asked again
        return Confirmation(None, Refusal.WRONG, codes.TRIES - case.carry_tries)
    pending = codes.Pending(subject, case.carry_hash, case.carry_expires_at, case.carry_tries)
    checked = codes.check(pending, digits, secret, at)
    if checked.ok:
        case.carry_hash, case.carry_expires_at, case.carry_tries = None, None, 0
        return Confirmation(case.conversation_id)
    if checked.pending is None:  # expired or the last try: this code is done
        case.carry_hash, case.carry_expires_at = None, None
        return Confirmation(None, Refusal.ENDED)
    case.carry_tries = checked.pending.tries
    return Confirmation(None, Refusal.WRONG, codes.TRIES - checked.pending.tries)


# An SMS conversation whose case is in these hands is not replaced by a web one.
_BUSY = (CaseStatus.WAITING.value, CaseStatus.WITH_STAFF.value, CaseStatus.CALLBACK_ASKING.value,
         CaseStatus.CALLBACK.value)


def sms_conversation_busy(session: Session, sms_id: str) -> bool:
    """Whether the SMS conversation of that phone is with a person or waits for a call back."""
    return session.scalar(select(Case.id).where(Case.conversation_id == sms_id, Case.status.in_(_BUSY))) is not None


def move(session: Session, web_id: str, sms_id: str, phone_sealed: str) -> None:
    """The web conversation's case and referrals now belong to the SMS conversation's id (whose
    earlier case, with the assistant or ended, goes: that conversation is replaced)."""
    session.execute(delete(Case).where(Case.conversation_id == sms_id))
    session.flush()
    session.execute(update(Case).where(Case.conversation_id == web_id).values(
        conversation_id=sms_id, channel=Channel.SMS.value, phone_sealed=phone_sealed))
    session.execute(update(Referral).where(Referral.conversation_id == web_id).values(conversation_id=sms_id))
