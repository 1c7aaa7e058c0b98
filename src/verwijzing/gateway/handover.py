"""The hand-over to a person, where the channels meet it (web chat, SMS).

After a turn whose reply names a person (the responses `utter_mens` and `utter_opgegeven`, the
same that mark a hand-off in the referral list) and while a consulent is on duty, the conversation
is paused with Rasa's own pause (ConversationPaused) and joins the staff queue; the reply that
gave VDAB's phone number is replaced by where the person stands in the queue. While the case is
open, the person's messages go to the case instead of to Rasa. Outside office hours, or with no
consulent available, nothing changes: the person gets the phone number, as before.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from verwijzing.config import ConfigError
from verwijzing.dialogue.booking import read_telefoon
from verwijzing.enums import OPEN_CASE_STATUSES, CaseAuthor, CaseStatus, Channel
from verwijzing.gateway.assistant import BotMessage, Button
from verwijzing.gateway.keys import ASSISTANT, OFFICE_HOURS, SESSIONS, SETTINGS
from verwijzing.handover import queue, texts
from verwijzing.handover.callback import DAYPART_WORDS, Ask, CallbackStep, read_daypart, stops, wants_callback
from verwijzing.handover.duty import BadOfficeHours, OfficeHours, on_duty, parse_office_hours
from verwijzing.notify.sms import queue_sms
from verwijzing.privacy.sealed import seal, unseal
from verwijzing.referrals.search import HANDOFF_RESPONSES
from verwijzing.store.case_models import Case, CaseMessage

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class CaseView:
    """What the person's channel shows of their case."""

    code: str
    status: CaseStatus
    place: int  # in the queue; 0 once taken

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "status": self.status.value, "plaats": self.place}


def office_hours_of(raw: str) -> OfficeHours:
    try:
        return parse_office_hours(raw)
    except BadOfficeHours as error:
        raise ConfigError(f"VERWIJZING_KANTOORUREN: {error}") from None


async def _in_thread(work: Callable[[], T], otherwise: T) -> T:
    """`work` on a thread; when the database fails, `otherwise`: the person's message then goes to
    the assistant as before (which says so when it cannot answer either), never a server error."""
    try:
        return await asyncio.to_thread(work)
    except SQLAlchemyError:
        logger.exception("hand-over: the database did not answer; the message goes to the assistant")
        return otherwise


def wall_now() -> dt.datetime:
    # People's presence follows the real clock, not the reference date of the rules.
    return dt.datetime.now(dt.UTC)


def wants_a_person(replies: list[BotMessage]) -> bool:
    return any(reply.response in HANDOFF_RESPONSES for reply in replies)


# How a transcript names who wrote a case message (the person's page and the consulent's alike).
_FROM = {CaseAuthor.CITIZEN.value: "user", CaseAuthor.STAFF.value: "consulent", CaseAuthor.NOTICE.value: "melding"}


Lines = list[tuple[float, dict[str, Any]]]


def transcript_lines(messages: list[CaseMessage]) -> Lines:
    """A case's messages as `transcript` lines, each at its time."""
    return [(m.at.timestamp(), {"from": _FROM[m.author], "text": m.text, "buttons": []}) for m in messages]


async def case_lines(request: web.Request, sender: str) -> tuple[Lines, CaseView | None, str | None]:
    """The case's messages as transcript lines at their times, the case while it is open, and its code."""
    def load() -> tuple[Lines, CaseView | None, str | None]:
        with request.config_dict[SESSIONS]() as session:
            case = queue.case_of(session, sender)
            if case is None:
                return [], None, None
            lines = transcript_lines(queue.messages(session, case))
            status = CaseStatus(case.status)
            view = CaseView(case.code, status, queue.place_in_queue(session, case)) \
                if status in OPEN_CASE_STATUSES else None
            return lines, view, case.code
    return await _in_thread(load, ([], None, None))


@dataclass(frozen=True)
class ForAPerson:
    """A message that is not for the assistant: kept for the consulent (`case`), or answered with
    the call back's next question (`said`)."""

    case: CaseView | None = None
    said: tuple[BotMessage, ...] = ()


@dataclass(frozen=True)
class Routed:
    """Where a message goes: `person` when not to the assistant; `code`, the conversation's case
    code (None only when the database did not answer)."""

    code: str | None
    person: ForAPerson | None = None


async def for_a_person(request: web.Request, sender: str, channel: Channel, text: str,
                       phone_sealed: str | None = None) -> Routed:
    """Whether the message goes to a person rather than to the assistant. One read on every message
    (the conversation's case); a write only for a conversation's first message (its case, with its
    code), when there is a case to add to, or a call back."""
    State = tuple[str | None, str | None, bool]  # status, code, whether a number is kept

    def state_of() -> State:
        with request.config_dict[SESSIONS]() as session:
            case = queue.case_of(session, sender)
            return (case.status, case.code, bool(case.phone_sealed)) if case else (None, None, False)

    nothing: State = (None, None, False)
    state, code, has_phone = await _in_thread(state_of, nothing)
    if code is None or (phone_sealed and not has_phone):
        code = await ensure_case(request, sender, channel, phone_sealed)
    if state in {status.value for status in OPEN_CASE_STATUSES}:
        case = await to_case(request, sender, text)
        return Routed(code, ForAPerson(case=case) if case else None)
    if state == CaseStatus.CALLBACK_ASKING.value or wants_callback(text):
        said = await callback_step(request, sender, channel, text, phone_sealed)
        return Routed(code, ForAPerson(said=tuple(said)) if said is not None else None)
    return Routed(code)


async def ensure_case(request: web.Request, sender: str, channel: Channel, phone_sealed: str | None = None
                      ) -> str | None:
    """The conversation's case code, made at its first message; None when the database fails."""
    def ensure() -> str | None:
        try:
            with request.config_dict[SESSIONS].begin() as session:
                return queue.ensure_case(session, sender, channel, wall_now(), phone_sealed).code
        except IntegrityError:  # two first messages at once: the other one made it
            return _code_of(request, sender)

    return await _in_thread(ensure, None)


def _code_of(request: web.Request, sender: str) -> str | None:
    with request.config_dict[SESSIONS]() as session:
        case = queue.case_of(session, sender)
        return case.code if case else None


async def to_case(request: web.Request, sender: str, text: str) -> CaseView | None:
    """When the conversation is with a person: the message is kept for them (None otherwise)."""
    def keep() -> CaseView | None:
        with request.config_dict[SESSIONS].begin() as session:
            case = queue.open_case_of(session, sender)
            if case is None:
                return None
            queue.add_message(session, case, CaseAuthor.CITIZEN, text, wall_now())
            return CaseView(case.code, CaseStatus(case.status), queue.place_in_queue(session, case))
    return await _in_thread(keep, None)


async def after_turn(request: web.Request, sender: str, channel: Channel, replies: list[BotMessage],
                     phone_sealed: str | None = None) -> tuple[list[BotMessage], CaseView | None]:
    """The replies as the person gets them, and their case when the turn handed them over."""
    if not wants_a_person(replies):
        return replies, None
    hours = request.config_dict[OFFICE_HOURS]

    def join() -> tuple[CaseView, str] | None:
        with request.config_dict[SESSIONS].begin() as session:
            at = wall_now()
            if not on_duty(session, hours, at):
                return None
            case = queue.open_case(session, sender, channel, at, phone_sealed)
            view = CaseView(case.code, CaseStatus(case.status), queue.place_in_queue(session, case))
            said = texts.handed_over(channel, view.place, view.code, queue.typical_wait(session))
            queue.add_message(session, case, CaseAuthor.NOTICE, said, at)  # in the transcript after a reload
            return view, said

    try:
        joined = await asyncio.to_thread(join)
    except SQLAlchemyError:  # no queue to join, and no call back to note: VDAB's number stands
        logger.exception("hand-over: the database did not answer; the person keeps the phone number")
        return replies, None
    if joined is None:  # nobody there: the phone number stands, and a call back is offered
        if channel is Channel.SMS:
            return [*replies, BotMessage(texts.CALLBACK_OFFER_SMS)], None
        return [*replies, BotMessage(texts.CALLBACK_OFFER, (Button(texts.CALLBACK_BUTTON, texts.CALLBACK),))], None
    view, said = joined
    await request.config_dict[ASSISTANT].pause(sender)
    kept = [reply for reply in replies if reply.response not in HANDOFF_RESPONSES]
    return [*kept, BotMessage(said)], view


# ---- a call back ----------------------------------------------------------------------------


async def callback_step(request: web.Request, sender: str, channel: Channel, text: str,
                        phone_sealed: str | None = None) -> list[BotMessage] | None:
    """The gateway's own few questions for a call back ("bel me terug" → the number on the web →
    the part of the day), or None when the message is not about one (it goes to the assistant).
    On SMS the number is the sender's."""
    step = await _in_thread(lambda: callback_turn(request, sender, channel, text, phone_sealed), None)
    return None if step is None else [BotMessage(texts.callback_said(step, channel))]


def callback_turn(request: web.Request, sender: str, channel: Channel, text: str,
                  phone_sealed: str | None = None) -> CallbackStep | None:
    """One message while asking for a call back, on every channel (blocking: run it on a thread).
    "bel me terug" (or the offer's button) starts; two answers it cannot read end it kindly, with
    VDAB's number. None: the message is not about a call back."""
    secret = request.config_dict[SETTINGS].channel_secret
    with request.config_dict[SESSIONS].begin() as session:
        at = wall_now()
        case = queue.asking_callback(session, sender)
        if case is None:
            if not wants_callback(text):
                return None
            case = queue.callback_case(session, sender, channel, at, phone_sealed)
            return CallbackStep(Ask.DAYPART if case.phone_sealed else Ask.PHONE)
        if stops(text):
            queue.end(session, case, CaseStatus.CLOSED, at)
            return CallbackStep(Ask.STOPPED)
        if not case.phone_sealed:
            phone = read_telefoon(text)
            if phone is None:
                return _missed(session, case, at, Ask.PHONE_AGAIN)
            case.phone_sealed, case.misses = seal(phone, secret), 0
            return CallbackStep(Ask.DAYPART)
        daypart = read_daypart(text)
        if daypart is None:
            return _missed(session, case, at, Ask.DAYPART_AGAIN)
        case.daypart, case.status, case.asked_at = daypart.value, CaseStatus.CALLBACK.value, at
        words = DAYPART_WORDS[daypart]
        phone = unseal(case.phone_sealed, secret)
        texted = False
        if phone and not queue.callback_sms_sent_lately(session, phone, at, texts.CALLBACK_SMS_START):
            queue_sms(session, to=phone, body=texts.callback_sms(words, case.code), at=at)
            texted = True
        noted = CallbackStep(Ask.NOTED, daypart, case.code, texted)
        queue.add_message(session, case, CaseAuthor.NOTICE, texts.callback_said(noted, channel), at)
        return noted


def _missed(session: Session, case: Case, at: dt.datetime, again: Ask) -> CallbackStep:
    case.misses += 1
    if case.misses < 2:
        return CallbackStep(again)
    queue.end(session, case, CaseStatus.CLOSED, at)
    return CallbackStep(Ask.GAVE_UP)


# ---- the phone ------------------------------------------------------------------------------


def phone_case(request: web.Request, sender: str) -> CaseView | None:
    """A caller who pressed "0": their case in the queue while a consulent is on duty (the phone
    puts them through; the consulent finds the case by the whispered code); None when nobody is
    there (a call back is offered). No number is kept: the consulent is on the line, and a call
    back when nobody answers takes it from the call. Blocking: run it on a thread; a database
    error is the caller's."""
    hours = request.config_dict[OFFICE_HOURS]
    with request.config_dict[SESSIONS].begin() as session:
        at = wall_now()
        if not on_duty(session, hours, at):
            return None
        case = queue.open_case(session, sender, Channel.VOICE, at)
        queue.add_message(session, case, CaseAuthor.NOTICE, texts.ON_THE_PHONE, at)
        return CaseView(case.code, CaseStatus(case.status), queue.place_in_queue(session, case))


def phone_call_ended(request: web.Request, sender: str) -> None:
    """The call with the consulent ended: a case nobody took in the console leaves the queue
    (the person is no longer waiting); one a consulent took stays theirs until they close it."""
    with request.config_dict[SESSIONS].begin() as session:
        case = queue.open_case_of(session, sender)
        if case is not None and case.status == CaseStatus.WAITING.value:
            queue.end(session, case, CaseStatus.CLOSED, wall_now())
