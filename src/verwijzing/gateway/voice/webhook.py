"""The phone line: Twilio Voice's webhook, `POST /webhooks/voice`, answered with TwiML.

Every reply is spoken in Flemish Dutch inside one `<Gather input="dtmf speech">`, so the caller
answers with the keypad or by speaking, and may press a key while the voice is still talking:

- a menu is "Druk 1 voor …"; one key answers at once (numDigits=1) when the question has no
  free answer; a free number (years, postcode, age, phone, the national number) is typed and
  ended with "#" (finishOnKey), or Twilio sends it after a few seconds without a key;
- "*" repeats the last reply (read back from the conversation, nothing is sent to Rasa);
- "0" hands over to a person (docs/handover.md): while a consulent is on duty, the call gets a
  case in the staff queue and is put through with `<Dial>` to VERWIJZING_HANDOFF_NUMBER, the
  consulent hearing the case code first (a whisper: `<Number url=…/fluister>`); when nobody is
  there, or nobody answers, the keypad asks for a call back (`stap=terugbellen`);
- silence: the question once more, then a way out (the VDAB number, and 0), then goodbye —
  never an endless loop. The `stap` query parameter of the URLs we give Twilio says why it
  calls back: `antwoord` (the Gather heard something), `stilte&keer=N` (it heard nothing N
  times), `wissen` (the answer to "wil je dit gesprek wissen?"); no `stap` is a new call;
- "8" when nothing is asked says the call's case code, spelled (docs/handover.md: the code to give
  at a counter or on the phone; every call gets its case when it starts);
- "9" when nothing is asked (the end of an answer), or saying "wis mijn gesprek" at any time,
  asks whether to erase the conversation; "1" then erases it as "Wis mijn gesprek" does on the
  web (store/conversations.erase_conversation). A booking stays, and the caller hears so first.

Replays: Twilio signs the URL and the form, not the moment, so a captured request stays valid.
Each reply's URLs carry their own step id (`beurt`, random) and a call starts once per CallSid;
`seen_before` takes each of them once, in the database, so a replayed request (pressing "1" on an
erase or a booking question again) is answered with an empty reply that does nothing.

The voice and its language are one constant each, in `gateway/twiml.py`.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
from typing import Any, Protocol

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.voice_response import VoiceResponse

from verwijzing.config import ConfigError
from verwijzing.dialogue.booking import read_telefoon
from verwijzing.dialogue.repair import PERSON_PAYLOAD
from verwijzing.enums import Channel
from verwijzing.gateway.assistant import AssistantUnavailable, BotMessage, last_reply
from verwijzing.gateway.handover import callback_turn, ensure_case, phone_call_ended, phone_case
from verwijzing.gateway.identity import caller_id
from verwijzing.gateway.keys import ASSISTANT, ENGINE, SETTINGS
from verwijzing.gateway.options import choose, reply_choices
from verwijzing.gateway.twilio_auth import seen_before, signed_form
from verwijzing.gateway.twiml import LANGUAGE, VOICE
from verwijzing.gateway.voice.speech import spoken_reply
from verwijzing.handover import texts
from verwijzing.handover.callback import Ask
from verwijzing.handover.codes import normalise_code
from verwijzing.privacy.sealed import seal
from verwijzing.store.conversations import erase_conversation

logger = logging.getLogger(__name__)

PATH = "/webhooks/voice"
WHISPER_PATH = f"{PATH}/fluister"
CHANNEL = "voice"
# Seconds Twilio waits for the first key or word, and between keys.
TIMEOUT = 6
PERSON_KEY, REPEAT_KEY, ERASE_KEY, CODE_KEY = "0", "*", "9", "8"
# The step id in every URL a reply gives Twilio (see "Replays" above): 16 random bytes.
STEP_ID = "beurt"
_STEP_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{22}")
# A new call sends this: the greeting intent, never read by the NLU (no guessing what "" means).
GREETING = "/begroeting"

# The questions whose answer is a number typed on the keypad (or a place, or a code): their
# Gather waits for "#" instead of taking one key.
FREE_NUMBER_SLOTS = frozenset({"woonregio", "werkregio", "werkervaring_jaren", "leeftijd", "postcode", "telefoon",
                               "rijksregisternummer", "referentie_wijziging", "sms_code"})

WELCOME_BACK = "Welkom terug. We gaan verder waar we waren."
NOTHING_HEARD = "Ik hoorde niets."
WAY_OUT = ("Ik hoor je nog altijd niet. Wil je met een mens praten? Druk dan 0. "
           "Of bel later gratis naar VDAB: 0800 30 700.")
GOODBYE = "Ik hoor niets meer. Bel gerust later terug. Dag!"
BYE = "Dag!"  # after the talk with a consulent
HANDOFF = "Ik verbind je door met een medewerker. Even geduld."
NO_ANSWER = "Er neemt nu niemand op. Bel later gratis naar VDAB: 0800 30 700. Dag!"
UNAVAILABLE = "Sorry, de assistent antwoordt nu even niet."
ANYTHING_ELSE = ("Heb je nog een vraag? Zeg ze maar. Of druk 0 om met een mens te praten. "
                 "Je dossiercode horen? Druk 8. Wil je dit gesprek wissen? Druk dan 9.")
ERASE_QUESTION = ("Wil je dit gesprek wissen? Je antwoorden zijn dan weg. Dat kan je niet ongedaan maken. "
                  "Een afspraak blijft wel staan. Die annuleer je apart. "
                  "Druk 1 om alles te wissen. Druk 2 om verder te gaan.")
ERASED = "Je gesprek is gewist. Een afspraak blijft wel staan. Dag!"
NOT_ERASED = "Goed, we wissen niets."
# Said words that ask to erase (as a speech recogniser writes them), and words that turn it around.
_ERASE_WORDS = frozenset({"wis", "wissen", "wist", "verwijder", "verwijderen"})
_ERASE_WHAT = frozenset({"gesprek", "alles", "gegevens", "antwoorden"})
_NOT = frozenset({"niet", "geen", "nee"})
NOT_UNDERSTOOD = "Sorry, dat heb ik niet goed gehoord."

# What Twilio sends as From when the caller hides their number (its own docs list these).
ANONYMOUS = frozenset({"", "anonymous", "+266696687", "+7378742833", "+2562533", "+8656696"})


def call_key(call_sid: str, secret: bytes) -> str:
    """The conversation id of a call without a caller number: a keyed hash of the CallSid, so
    two anonymous callers never share a conversation (and one call keeps its own)."""
    if not secret:
        raise ConfigError("VERWIJZING_CHANNEL_SECRET is empty: run `make setup` to fill it in .env")
    return f"{CHANNEL}-call-{hmac.new(secret, f'call:{call_sid}'.encode(), hashlib.sha256).hexdigest()[:40]}"


def voice_sender(caller: str | None, call_sid: str, secret: bytes) -> str:
    caller = (caller or "").strip()
    if caller.lower() in ANONYMOUS:
        return call_key(call_sid, secret)
    try:
        return caller_id(CHANNEL, caller, secret)
    except ValueError:  # not E.164 (phone_key's one check): a client, a SIP address, …
        return call_key(call_sid, secret)


def requested_slot(events: list[dict[str, Any]]) -> str | None:
    """The question open now: the last `requested_slot` a form set (None once it ended)."""
    slot = None
    for event in events:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            slot = event.get("value")
        elif event.get("event") == "active_loop" and not event.get("name"):
            slot = None
    return slot


def question_of(reply: list[BotMessage]) -> list[BotMessage]:
    """The last message of a reply: the question (with its choices) that waits for an answer.
    Asked again after a silence or a dropped line, without the greeting or answer before it."""
    return reply[-1:]


def in_a_form(events: list[dict[str, Any]]) -> bool:
    active = None
    for event in events:
        if event.get("event") == "active_loop":
            active = event.get("name")
        elif event.get("event") in ("restart", "session_started"):
            active = None
    return bool(active)


# --- TwiML ---------------------------------------------------------------------------------------

def _url(request: web.Request, step_id: str, **query: str) -> str:
    base = request.app[SETTINGS].public_base_url.rstrip("/") + PATH
    return base + "?" + "&".join(f"{k}={v}" for k, v in {**query, STEP_ID: step_id}.items())


def asks_to_erase(speech: str) -> bool:
    """"wis mijn gesprek", "Alles wissen." — and not "ik wil mijn gesprek niet wissen"."""
    words = set(re.findall(r"\w+", speech.lower()))
    return bool(words & _ERASE_WORDS) and bool(words & _ERASE_WHAT) and not words & _NOT


class _Verb(Protocol):
    """A TwiML element that can hold a <Say>: the response itself or a <Gather>."""

    def say(self, message: str, *, language: str, voice: str) -> object: ...


def _say(verb: _Verb, text: str) -> None:
    verb.say(text, language=LANGUAGE, voice=VOICE)


def one_key(reply: list[BotMessage], slot: str | None) -> bool:
    """One key answers at once: a menu whose choices are single keys (1-9, and 0 for a person)
    and a question without a free number to type."""
    listed = reply_choices(reply)
    return bool(listed) and len(listed) <= 10 and all(len(c.number) == 1 for c in listed) \
        and slot not in FREE_NUMBER_SLOTS


def ask(request: web.Request, text: str, *, single_key: bool, silences: int = 0, step: str = "antwoord",
        silence_step: str = "stilte") -> web.Response:
    """Say `text` inside a Gather; when nothing is heard, Twilio calls back with the silence count
    (or to `silence_step`, where a silence counts as an answer it cannot read).
    Both URLs carry one new step id: Twilio follows only one of them."""
    step_id = secrets.token_urlsafe(16)
    response = VoiceResponse()
    gather = response.gather(input="dtmf speech", language=LANGUAGE, action=_url(request, step_id, stap=step),
                             method="POST", timeout=TIMEOUT, speech_timeout="auto", finish_on_key="#",
                             **({"num_digits": 1} if single_key else {}))
    _say(gather, text)
    silence = {"keer": str(silences + 1)} if silence_step == "stilte" else {}
    response.redirect(_url(request, step_id, stap=silence_step, **silence), method="POST")
    return _twiml(response)


def waits_for_nothing(reply: list[BotMessage], slot: str | None) -> bool:
    """A reply that asks nothing (a decision's next step, a confirmation): on the phone the
    caller would not know it is their turn."""
    last = reply[-1].text.strip() if reply else ""
    return slot is None and not reply_choices(reply) and not last.endswith("?")


def ask_reply(request: web.Request, reply: list[BotMessage], slot: str | None, *, before: str = "",
              silences: int = 0) -> web.Response:
    single = one_key(reply, slot)
    text = spoken_reply(reply, digits_then_hash=not single and slot in FREE_NUMBER_SLOTS)
    if waits_for_nothing(reply, slot):
        # Nothing to type here: one key (0 or 9) answers at once; speech still works.
        text, single = f"{text} {ANYTHING_ELSE}", True
    return ask(request, f"{before} {text}".strip() or NOT_UNDERSTOOD, single_key=single, silences=silences)


def hand_over(request: web.Request, first: str = HANDOFF) -> web.Response:
    response = VoiceResponse()
    _say(response, first)
    response.dial(request.app[SETTINGS].handoff_number)
    _say(response, NO_ANSWER)  # Twilio goes on here when the Dial ends without an answer
    response.hangup()
    return _twiml(response)


def put_through(request: web.Request, code: str) -> web.Response:
    """To the consulents' line, who first hear the case code (the whisper); when the dialled call
    ends, Twilio calls `stap=doorverbonden` with how it went (DialCallStatus)."""
    base = request.app[SETTINGS].public_base_url.rstrip("/")
    response = VoiceResponse()
    _say(response, texts.put_through(code))
    dial = response.dial(action=_url(request, secrets.token_urlsafe(16), stap="doorverbonden"), method="POST")
    dial.number(request.app[SETTINGS].handoff_number, url=f"{base}{WHISPER_PATH}?code={code}", method="POST")
    return _twiml(response)


def say_and_hang_up(text: str) -> web.Response:
    response = VoiceResponse()
    _say(response, text)
    response.hangup()
    return _twiml(response)


def goodbye() -> web.Response:
    response = VoiceResponse()
    _say(response, GOODBYE)
    response.hangup()
    return _twiml(response)


def _twiml(response: VoiceResponse) -> web.Response:
    return web.Response(text=str(response), content_type="text/xml", charset="utf-8")


# --- the webhook ---------------------------------------------------------------------------------

Conversation = tuple[list[BotMessage], str | None, bool]  # the last reply, the open question, in a form


async def _conversation(request: web.Request, sender: str) -> Conversation:
    events = await request.app[ASSISTANT].events(sender)
    return last_reply(events), requested_slot(events), in_a_form(events)


async def _turn(request: web.Request, sender: str, text: str) -> web.Response:
    reply = await request.app[ASSISTANT].turn(sender, text, CHANNEL)
    # Which question is open now decides how the keypad answers it (one key, or digits and #).
    _, slot, _ = await _conversation(request, sender)
    return ask_reply(request, reply, slot)


async def _start(request: web.Request, sender: str, known: Conversation | None = None) -> web.Response:
    # A caller who was cut off in the middle of a question goes on where they were: their
    # answers are kept (same number, same conversation), and hearing the whole greeting and the
    # first questions again would be a penalty for a dropped line. Otherwise the call starts the
    # intake with the greeting intent, as "hallo" does in the chat. `known`: already read.
    reply, slot, asking = known or await _conversation(request, sender)
    if asking and reply:
        return ask_reply(request, question_of(reply), slot, before=WELCOME_BACK)
    return await _turn(request, sender, GREETING)


async def _silence(request: web.Request, sender: str, silences: int) -> web.Response:
    if silences <= 1:  # once: the question again
        reply, slot, _ = await _conversation(request, sender)
        return ask_reply(request, question_of(reply), slot, before=NOTHING_HEARD, silences=silences)
    if silences == 2:  # then a way out, one key
        return ask(request, WAY_OUT, single_key=True, silences=silences)
    return goodbye()


async def _erase_answer(request: web.Request, sender: str, digits: str, speech: str) -> web.Response:
    """The answer to ERASE_QUESTION: "1" (or "ja") erases, anything else goes on where they were."""
    if digits == "1" or (not digits and re.fullmatch(r"\W*ja\b.*", speech.lower())):
        await asyncio.to_thread(erase_conversation, request.app[ENGINE], sender)
        response = VoiceResponse()
        _say(response, ERASED)
        response.hangup()
        return _twiml(response)
    known = await _conversation(request, sender)
    reply, slot, _ = known
    if not reply:
        return await _start(request, sender, known)
    return ask_reply(request, question_of(reply), slot, before=NOT_ERASED)


def _replay_id(request: web.Request, form: Any) -> str:
    """What makes this request one of a kind: a new call's CallSid, or the step id of a reply."""
    if not request.query.get("stap"):
        call_sid = str(form.get("CallSid") or "")
        return f"voice-call:{call_sid}" if call_sid else ""
    step_id = request.query.get(STEP_ID, "")
    return f"voice-step:{step_id}" if _STEP_ID_SHAPE.fullmatch(step_id) else ""


# --- a person, or a call back -------------------------------------------------------------------

def _sealed_caller(request: web.Request, caller: str) -> str | None:
    """The caller's number, sealed, to call back (None for a hidden number: then it is asked)."""
    phone = None if caller.strip().lower() in ANONYMOUS else read_telefoon(caller)
    return seal(phone, request.app[SETTINGS].channel_secret) if phone else None


async def _person(request: web.Request, sender: str, caller: str) -> web.Response:
    try:
        case = await asyncio.to_thread(phone_case, request, sender)
    except SQLAlchemyError:  # no queue to join: straight to the line, as before
        logger.exception("voice: the database did not answer; the caller is put through without a case")
        return hand_over(request)
    if case is not None:
        return put_through(request, case.code)
    return await _callback(request, sender, texts.CALLBACK, _sealed_caller(request, caller), before=texts.VOICE_NOBODY)


async def _say_code(request: web.Request, sender: str) -> web.Response:
    code = await ensure_case(request, sender, Channel.VOICE)
    if code is None:  # the database did not answer
        return ask(request, f"{NOT_UNDERSTOOD} {ANYTHING_ELSE}", single_key=True)
    return ask(request, f"{texts.code_spoken(code)} {ANYTHING_ELSE}", single_key=True)


def _callback_answer(digits: str, speech: str) -> str:
    """What a key or a word means while asking for a call back, as the typed channels read it."""
    if digits == texts.STOP_KEY or (not digits and re.fullmatch(r"\W*nee\b.*", speech.lower())):
        return "stop"
    return digits or speech  # nothing (a silence): an answer it cannot read, asked once more


async def _callback(request: web.Request, sender: str, text: str, sealed: str | None = None,
                    before: str = "") -> web.Response:
    try:
        step = await asyncio.to_thread(callback_turn, request, sender, Channel.VOICE, text, sealed)
    except SQLAlchemyError:
        logger.exception("voice: the database did not answer; no call back can be noted")
        return say_and_hang_up(texts.VOICE_GAVE_UP)
    if step is None:  # not asking any more (a replay after the end): where the caller was
        return await _start(request, sender)
    said = f"{before} {texts.callback_said(step, Channel.VOICE)}".strip()
    if step.ask in (Ask.NOTED, Ask.GAVE_UP):
        return say_and_hang_up(said)
    if step.ask is Ask.STOPPED:
        known = await _conversation(request, sender)
        reply, slot, _ = known
        if not reply:
            return await _start(request, sender, known)
        return ask_reply(request, question_of(reply), slot, before=said)
    daypart = step.ask in (Ask.DAYPART, Ask.DAYPART_AGAIN)
    return ask(request, said, single_key=daypart, step="terugbellen", silence_step="terugbellen")


async def _dial_ended(request: web.Request, sender: str, status: str, caller: str) -> web.Response:
    """After `<Dial>`: a talk that happened ends the call; no answer (busy, failed, no-answer)
    turns to a call back, with the number the caller called from."""
    if status == "completed":
        await asyncio.to_thread(phone_call_ended, request, sender)
        return say_and_hang_up(BYE)
    return await _callback(request, sender, texts.CALLBACK, _sealed_caller(request, caller), before=texts.VOICE_NOBODY)


async def whisper(request: web.Request) -> web.Response:
    """What the consulent hears when they pick up, before the caller is connected (Twilio's
    `<Number url>`): the case code, so they open the conversation in the console."""
    await signed_form(request)
    return _twiml_say(texts.whisper(normalise_code(request.query.get("code", ""))))


def _twiml_say(text: str) -> web.Response:
    response = VoiceResponse()
    _say(response, text)
    return _twiml(response)


# A call that is over: Twilio reports it only when a status callback points here; nothing to say.
ENDED = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})


async def voice(request: web.Request) -> web.Response:
    form = await signed_form(request)
    if str(form.get("CallStatus") or "") in ENDED:
        return _twiml(VoiceResponse())
    if await seen_before(request, _replay_id(request, form)):
        logger.warning("voice: a request answered before (a replay), or without its step id; nothing done")
        return _twiml(VoiceResponse())
    step = request.query.get("stap", "")
    digits = str(form.get("Digits") or "").strip()
    speech = str(form.get("SpeechResult") or "").strip()
    secret = request.app[SETTINGS].channel_secret
    if not secret:  # no conversation id can be made without it: a person, never a 500
        logger.error("voice: VERWIJZING_CHANNEL_SECRET is not set; the call goes to a person")
        return hand_over(request, f"{UNAVAILABLE} {HANDOFF}")
    sender = voice_sender(str(form.get("From") or ""), str(form.get("CallSid") or ""), secret)
    try:
        if step == "terugbellen":
            return await _callback(request, sender, _callback_answer(digits, speech))
        if step == "doorverbonden":
            caller = str(form.get("From") or "")
            return await _dial_ended(request, sender, str(form.get("DialCallStatus") or ""), caller)
        if digits == PERSON_KEY:
            # The conversation records that this caller asked for a person (the staff console
            # lists such conversations); what Rasa answers is not said: the caller is put through.
            await request.app[ASSISTANT].turn(sender, PERSON_PAYLOAD, CHANNEL)
            return await _person(request, sender, str(form.get("From") or ""))
        if step == "wissen":
            return await _erase_answer(request, sender, digits, speech)
        if speech and not digits and asks_to_erase(speech):
            return ask(request, ERASE_QUESTION, single_key=True, step="wissen")
        if digits:
            known = await _conversation(request, sender)
            reply, slot, _ = known
            if digits == ERASE_KEY and reply and waits_for_nothing(reply, slot):
                return ask(request, ERASE_QUESTION, single_key=True, step="wissen")
            if digits == CODE_KEY and reply and waits_for_nothing(reply, slot):
                return await _say_code(request, sender)
            if REPEAT_KEY in digits:
                return ask_reply(request, reply, slot) if reply else await _start(request, sender, known)
            # A key of the menu just heard sends exactly what its button sends on the web.
            return await _turn(request, sender, choose(digits, reply) or digits)
        if speech:
            return await _turn(request, sender, speech)
        if step == "stilte":
            keer = request.query.get("keer", "1")
            return await _silence(request, sender, int(keer) if keer.isdigit() else 1)
        if step == "antwoord":  # the Gather called back with nothing in it: as silence
            return await _silence(request, sender, 1)
        # A new call: its case, with the code the caller can give at a counter (8 says it). No
        # number is kept with it: only a call back needs one, and asks for it then.
        await ensure_case(request, sender, Channel.VOICE)
        return await _start(request, sender)
    except AssistantUnavailable:
        logger.warning("voice: Rasa does not answer; the call goes to a person")
        return hand_over(request, f"{UNAVAILABLE} {HANDOFF}")


def add_voice_routes(app: web.Application) -> None:
    app.router.add_post(PATH, voice)
    app.router.add_post(WHISPER_PATH, whisper)
