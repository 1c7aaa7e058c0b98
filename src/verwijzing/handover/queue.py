"""The cases in the database: the staff queue, taking a case, its messages, handing it back.

The queue is a table, never one process's memory: two gateways see the same queue, and taking a
case is one conditional UPDATE ("still waiting?"), so two consulents who click at once cannot both
take it. Plain functions over a session the caller opened (the caller commits)."""
from __future__ import annotations

import datetime as dt
import statistics
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from verwijzing.enums import OPEN_CASE_STATUSES, CaseAuthor, CaseStatus, Channel
from verwijzing.handover.codes import new_code, normalise_code
from verwijzing.store.case_models import Case, CaseMessage
from verwijzing.store.models import OutboxMessage
from verwijzing_rasa import pii

MAX_TEXT = 2000
# How many recent hand-overs the typical waiting time is the median of.
RECENT = 20
_OPEN = [status.value for status in OPEN_CASE_STATUSES]


def ensure_case(session: Session, conversation_id: str, channel: Channel, at: dt.datetime,
                phone_sealed: str | None = None) -> Case:
    """The conversation's case, made with its code at the first message (with the assistant). A
    number to answer (SMS) is kept sealed when the case has none (it went when a hand-over ended)."""
    case = session.scalar(select(Case).where(Case.conversation_id == conversation_id))
    if case is None:
        case = _new_case(session, conversation_id, channel)
        case.status, case.asked_at = CaseStatus.ASSISTANT.value, at
    if phone_sealed and not case.phone_sealed:
        case.phone_sealed = phone_sealed
    session.flush()
    return case


def open_case(session: Session, conversation_id: str, channel: Channel, at: dt.datetime,
              phone_sealed: str | None = None) -> Case:
    """The conversation's case, in the queue: a new one with a fresh code, or the earlier one
    (same code) back in the queue. A case already open stays as it is."""
    case = session.scalar(select(Case).where(Case.conversation_id == conversation_id).with_for_update())
    if case is not None and case.status in _OPEN:
        return case
    if case is None:
        case = _new_case(session, conversation_id, channel)
    case.status, case.asked_at, case.taken_by, case.taken_at, case.ended_at = (
        CaseStatus.WAITING.value, at, None, None, None)
    case.phone_sealed = phone_sealed or case.phone_sealed
    session.flush()
    return case


def _new_case(session: Session, conversation_id: str, channel: Channel) -> Case:
    code = new_code()
    while session.scalar(select(Case.id).where(Case.code == code)) is not None:
        code = new_code()
    case = Case(code=code, conversation_id=conversation_id, channel=channel.value)
    session.add(case)
    return case


def open_case_of(session: Session, conversation_id: str) -> Case | None:
    """The conversation's case while its messages go to a person (waiting or taken)."""
    return session.scalar(select(Case).where(Case.conversation_id == conversation_id, Case.status.in_(_OPEN)))


def case_of(session: Session, conversation_id: str) -> Case | None:
    """The conversation's case, in whatever state (its messages stay part of the conversation)."""
    return session.scalar(select(Case).where(Case.conversation_id == conversation_id))


def find(session: Session, typed_code: str) -> Case | None:
    code = normalise_code(typed_code)
    return session.scalar(select(Case).where(Case.code == code)) if code else None


def place_in_queue(session: Session, case: Case) -> int:
    """1 for the first in line; 0 when the case no longer waits."""
    if case.status != CaseStatus.WAITING.value:
        return 0
    return session.scalar(select(func.count()).select_from(Case).where(
        Case.status == CaseStatus.WAITING.value, Case.asked_at <= case.asked_at)) or 0


def waiting(session: Session, status: CaseStatus = CaseStatus.WAITING) -> list[Case]:
    """The queue (or the call backs asked for), who asked first first."""
    return list(session.scalars(select(Case).where(Case.status == status.value).order_by(Case.asked_at, Case.id)))


def callback_case(session: Session, conversation_id: str, channel: Channel, at: dt.datetime,
                  phone_sealed: str | None) -> Case:
    """The conversation's case, now asking for a call back's details (the number, the part of the day)."""
    case = session.scalar(select(Case).where(Case.conversation_id == conversation_id).with_for_update())
    if case is None:
        case = _new_case(session, conversation_id, channel)
    case.status, case.asked_at, case.taken_by, case.taken_at, case.ended_at = (
        CaseStatus.CALLBACK_ASKING.value, at, None, None, None)
    case.phone_sealed, case.daypart, case.outcome, case.misses = phone_sealed, None, None, 0
    session.flush()
    return case


def asking_callback(session: Session, conversation_id: str) -> Case | None:
    return session.scalar(select(Case).where(Case.conversation_id == conversation_id,
                                             Case.status == CaseStatus.CALLBACK_ASKING.value).with_for_update())


def taken_by(session: Session, login: str) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.status == CaseStatus.WITH_STAFF.value,
                                                   Case.taken_by == login).order_by(Case.taken_at)))


def typical_wait(session: Session) -> dt.timedelta | None:
    """The median wait of the last hand-overs taken; None before there are any (nothing is promised)."""
    rows = session.execute(select(Case.asked_at, Case.taken_at).where(Case.taken_at.is_not(None))
                           .order_by(Case.taken_at.desc()).limit(RECENT)).all()
    waits = [(taken - asked).total_seconds() for asked, taken in rows if taken is not None and taken >= asked]
    return dt.timedelta(seconds=statistics.median(waits)) if waits else None


def take(session: Session, code: str, login: str, at: dt.datetime,
         waiting_as: CaseStatus = CaseStatus.WAITING) -> bool:
    """Take a waiting case (or a call back, `waiting_as`): True for the one consulent whose click
    found it still waiting."""
    result = cast(CursorResult[Any], session.execute(
        update(Case).where(Case.code == code, Case.status == waiting_as.value)
        .values(status=CaseStatus.WITH_STAFF.value, taken_by=login, taken_at=at),
        execution_options={"synchronize_session": False}))
    return (result.rowcount or 0) == 1


def add_message(session: Session, case: Case, author: CaseAuthor, text: str, at: dt.datetime) -> CaseMessage:
    """A message of the case, kept redacted: a national or phone number typed to the consulent is
    masked like everywhere else (the consulent asks for it by phone or at the counter)."""
    message = CaseMessage(case_id=case.id, at=at, author=author.value, text=pii.redact(text.strip())[:MAX_TEXT])
    session.add(message)
    session.flush()
    return message


def messages(session: Session, case: Case) -> list[CaseMessage]:
    return list(session.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)
                                .order_by(CaseMessage.at, CaseMessage.id)))


def end(session: Session, case: Case, status: CaseStatus, at: dt.datetime) -> None:
    """Back to the assistant (BACK) or closed (CLOSED): its messages go to the assistant again,
    and the number kept to answer or call is dropped (a new SMS or call back brings it again)."""
    case.status, case.ended_at, case.phone_sealed = status.value, at, None


def forget_cases(session: Session, wall_now: dt.datetime, abandoned_days: int) -> int:
    """Cases ended, or call backs never finished, more than `abandoned_days` ago go with their
    messages (the worker's retention, as for an abandoned conversation); an open case stays."""
    before = wall_now - dt.timedelta(days=abandoned_days)
    done = session.execute(delete(Case).where(or_(
        and_(Case.status.in_([CaseStatus.BACK.value, CaseStatus.CLOSED.value]), Case.ended_at < before),
        and_(Case.status == CaseStatus.CALLBACK_ASKING.value, Case.asked_at < before))))
    return cast(CursorResult[Any], done).rowcount or 0


def queue_version(session: Session, login: str) -> str:
    """Changes whenever the queue page would show something else to `login`: who waits, who wants
    a call back, and the conversations they have (SSE on /staff/wachtrij)."""
    rows = session.execute(select(Case.code, Case.status, Case.taken_by).where(
        Case.status.in_([CaseStatus.WAITING.value, CaseStatus.CALLBACK.value, CaseStatus.WITH_STAFF.value]))
        .order_by(Case.id)).all()
    return "|".join(f"{code}:{status}" for code, status, taken in rows
                    if status != CaseStatus.WITH_STAFF.value or taken == login)


def case_version(session: Session, case: Case) -> str:
    """Changes with each new message of the case and with its status."""
    last = session.scalar(select(func.max(CaseMessage.id)).where(CaseMessage.case_id == case.id))
    return f"{case.status}:{last or 0}"


# A number typed on the web is no proof it is the person's: one call back SMS a day per number, so
# the page cannot be used to send texts to someone else over and over.
CALLBACK_SMS_EVERY = dt.timedelta(hours=24)


def callback_sms_sent_lately(session: Session, phone: str, at: dt.datetime, start: str) -> bool:
    """Whether `phone` got a call back confirmation (a text starting with `start`) in the last day."""
    return texts_in_a_day(session, phone, at, start) > 0


def texts_in_a_day(session: Session, phone: str, at: dt.datetime, start: str) -> int:
    """How many texts starting with `start` went to `phone` in the last day (typed numbers are no
    proof they are the person's: what a page can make us send to a number is counted)."""
    return session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_number == phone, OutboxMessage.created_at > at - CALLBACK_SMS_EVERY,
        OutboxMessage.body.startswith(start))) or 0
