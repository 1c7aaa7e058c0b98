"""Booking a first block, and cancelling or moving it: thin adapters over verwijzing.booking."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.repair import GAVE_UP, count_miss, facts_read_this_turn, gave_up, hand_over, is_miss, wants_person
from actions.safety import never_silent
from actions.services import booking_service, channel_of
from actions.tracker import (
    latest_intent,
    latest_text,
    misses_this_turn,
    previous_action,
    set_this_turn,
    text_slot,
    this_turn,
)
from verwijzing.booking import BookingError, figures, texts
from verwijzing.booking.book import ReferralLink, book_held
from verwijzing.booking.texts import when
from verwijzing.config import peildatum, settings
from verwijzing.decision.answers import answer
from verwijzing.decision.explain import booking_offer, next_step
from verwijzing.dialogue.booking import (
    MORE,
    NO_PHONE,
    OFFERS,
    SEARCH_AGAIN,
    confirmation_messages,
    distinct_moments,
    first_of_each,
    invite_url,
    moment_buttons,
    numbered_moments,
    offer_data,
    offers_message,
    pick_offer,
    read_insz,
    read_reference,
    read_telefoon,
    says_more,
    says_no_phone,
)
from verwijzing.dialogue.needs import Needs, mentions_needs, read_needs
from verwijzing.dialogue.repair import offers_reask
from verwijzing.enums import Modality
from verwijzing.interpret import read_modaliteit, read_postcode
from verwijzing.privacy import codes
from verwijzing.privacy.sealed import seal, unseal

BOOKING_FORM, CANCEL_FORM, MOVE_FORM = "boeking_form", "annulering_form", "verplaatsing_form"
CHANGE_FORMS = (CANCEL_FORM, MOVE_FORM)
# Slots that belong to one booking attempt, cleared once it is done.
ATTEMPT_SLOTS = ("gekozen_slot", "aangeboden_sloten", "vastgehouden_referentie", "referentie_wijziging")
# Who the person is, for one booking or change only: after it the conversation forgets them, so
# the next person at a shared PC (or a spoofed SMS sender) cannot spend the credit (issue 18).
IDENTITY_SLOTS = ("rijksregisternummer", "telefoon", "sms_code", "sms_code_wacht")
CODE = "sms_code"
CODE_WAITING = "sms_code_wacht"


def read_booking_facts(text: str, tracker: Tracker, form: str | None) -> dict[str, Any]:
    """Booking facts in a message. Phone and national number only inside a booking form, where
    they were asked for; the number itself is turned into its keyed hash right here."""
    found: dict[str, Any] = {}
    # "mijn gsm is 0470…" names a phone, not a way of meeting: a way of meeting is read where it
    # can be the answer (the offer, its own question, the postcode question's way out) or is unknown.
    asked = tracker.get_slot("requested_slot")
    if (asked in (None, "modaliteit", "postcode", "gekozen_slot") or not tracker.get_slot("modaliteit")) and (
            modality := read_modaliteit(text)):
        found["modaliteit"] = modality
    # The answer to "where do you live?" ("Genk") is the postcode a booking on location needs:
    # never asked twice.
    if postcode := read_postcode(text, asked=asked in ("postcode", "woonregio")):
        found["postcode"] = postcode
    if form in (BOOKING_FORM, *CHANGE_FORMS):
        insz = read_insz(text, settings().insz_pepper)
        if insz.key:
            found["rijksregisternummer"] = insz.key
        if form == BOOKING_FORM and (phone := read_telefoon(text)):
            found["telefoon"] = seal(phone, settings().insz_pepper)  # never in the stored events
        elif form == BOOKING_FORM and asked == "telefoon" and says_no_phone(text):
            found["telefoon"] = NO_PHONE
        offers = tracker.get_slot("aangeboden_sloten")
        if offers and (chosen := pick_offer(text, offers)):
            found["gekozen_slot"] = str(chosen["slot_id"])
        elif offers and asked == "gekozen_slot" and says_more(text):
            # An answer, not a miss: the form asks again, and its question shows the next moments.
            found["gekozen_slot"] = MORE
        elif offers and asked == "gekozen_slot" and mentions_needs(text):
            found["gekozen_slot"] = SEARCH_AGAIN  # the way back the list names: searched again
    elif form is None and previous_action(tracker) in OFFER_ACTIONS:
        # A moment picked from the offer itself: its way of meeting comes with it.
        if chosen := pick_offer(text, tracker.get_slot("aangeboden_sloten") or []):
            found["gekozen_slot"] = str(chosen["slot_id"])
            found["modaliteit"] = chosen.get("modality") or found.get("modaliteit")
    return found


# The actions that offer a first block with its free moments.
OFFER_ACTIONS = ("action_aanbod_boeking", "action_na_aanbod")


def phone_of(tracker: Tracker) -> str | None:
    return unseal(tracker.get_slot("telefoon"), settings().insz_pepper)


def forget_identity() -> list[EventType]:
    return [SlotSet(name, None) for name in IDENTITY_SLOTS]


def send_code(dispatcher: CollectingDispatcher, subject: str, phone: str | None,
              reference: str | None) -> list[EventType]:
    """A one-time code to `phone` for `subject` (a booking reference, or a credit's key): the
    form then asks for it. Without a phone there is no proof to ask for: a person helps."""
    if not phone:
        dispatcher.utter_message(text=texts.NO_PHONE_FOR_CODE)
        return [SlotSet(GAVE_UP, True)]
    code, pending = codes.new_code(subject, settings().insz_pepper, dt.datetime.now(dt.UTC))
    booking_service().send_code(phone, texts.code_sms(code, int(codes.VALID_FOR.total_seconds() // 60)), reference)
    dispatcher.utter_message(text=texts.code_sent(codes.DIGITS))
    return [SlotSet(CODE_WAITING, pending.as_slot()), SlotSet(CODE, None)]


def code_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The answer to the code question: proof for its subject, a try less, or the end of it.
    [] when the message holds no code at all (the form asks again)."""
    typed = codes.typed_code(latest_text(tracker))
    pending = codes.Pending.from_slot(tracker.get_slot(CODE_WAITING))
    if typed is None:
        return []
    if pending is None:
        dispatcher.utter_message(text=texts.CODE_ENDED)
        return [SlotSet(GAVE_UP, True)]
    result = codes.check(pending, typed, settings().insz_pepper, dt.datetime.now(dt.UTC))
    if result.ok:
        return [SlotSet(CODE, pending.subject), SlotSet(CODE_WAITING, None)]
    if result.pending is None:  # too many tries, or too late: a person, not another guess
        dispatcher.utter_message(text=texts.CODE_ENDED)
        return [SlotSet(CODE_WAITING, None), SlotSet(GAVE_UP, True)]
    dispatcher.utter_message(text=texts.code_wrong(codes.TRIES - result.pending.tries))
    return [SlotSet(CODE_WAITING, result.pending.as_slot())]


def unfinished(dispatcher: CollectingDispatcher) -> list[EventType]:
    """A booking form that gave up (or lacks what it needs): nothing is done, a person is named,
    and the attempt is cleared."""
    dispatcher.utter_message(response="utter_opgegeven")
    return [SlotSet(name, None) for name in ATTEMPT_SLOTS] + [SlotSet("opgegeven", False)] + forget_identity()


def read_reference_fact(text: str) -> dict[str, Any]:
    reference = read_reference(text)
    return {"referentie_wijziging": reference} if reference else {}


class ActionAanbodBoeking(Action):
    """After a positive decision for the credit: the next step and the offer of a first block in
    one message, with the ways of meeting as buttons (the decision's third message)."""

    def name(self) -> str:
        return "action_aanbod_boeking"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        route = tracker.get_slot("route")
        step = next_step(route, tracker.get_slot("woonregio"), peildatum()) if route else None
        offers = first_moments(tracker)
        if not offers:
            offer = booking_offer(peildatum())
            dispatcher.utter_message(text=f"{step} {offer}" if step else offer, buttons=OFFER_BUTTONS)
            return [SlotSet("aangeboden_sloten", None)]
        offer = booking_offer(peildatum(), moments=numbered_moments(offers))
        # A language or a wheelchair read from the conversation narrowed these: said, not hidden.
        said = needs_of(tracker).said(Modality.OP_LOCATIE if tracker.get_slot("postcode") else None)
        text = " ".join(part for part in (step, said, offer) if part)
        buttons = [{"title": f"{i}. {o['label']}", "payload": str(i)} for i, o in enumerate(offers, 1)]
        dispatcher.utter_message(text=text, buttons=[*buttons, NOT_NOW])
        return [SlotSet("aangeboden_sloten", offers)]


def first_moments(tracker: Tracker) -> list[dict[str, Any]]:
    """The earliest free moment of each way of meeting (on location only near a known postcode),
    to choose from with the offer itself; [] when the agenda cannot be read."""
    postcode, needs = tracker.get_slot("postcode"), needs_of(tracker)
    modalities = [m for m in Modality if m is not Modality.OP_LOCATIE or postcode]
    try:
        found = [booking_service().free_slots(postcode, m, peildatum(), limit=1, language=needs.language,
                                              wheelchair=needs.wheelchair) for m in modalities]
    except BookingError:
        return []
    return offer_data(first_of_each(found))


def needs_of(tracker: Tracker) -> Needs:
    """What the person asked of the counsellor anywhere in the conversation (a language, a
    wheelchair): read again each time, so a later "toch in het Nederlands" counts."""
    return read_needs([str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"])


NOT_NOW = {"title": "Nee, nu niet", "payload": "nee"}
OFFER_BUTTONS = [{"title": "Op locatie", "payload": "op locatie"},
                 {"title": "Online, met video", "payload": "online"},
                 {"title": "Aan de telefoon", "payload": "telefonisch"},
                 NOT_NOW]


class ActionNaAanbod(Action):
    """A message after the offer that the rules do not take as yes or no. A way of meeting in it
    ("in Gent zelf, liefst bij de begeleider", "face à face") starts the booking, whatever the
    classifier thought; a fact that differs ("nee, ik ben 26") decides again; a request for a
    person, to cancel or to move goes there; a question is answered, and the offer asked once
    more, briefly (the rules go on from there as anywhere)."""

    def name(self) -> str:
        return "action_na_aanbod"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = latest_intent(tracker) or ""
        if set_this_turn(tracker, "gekozen_slot")[1]:
            return [SlotSet("menu_keuze", "boeken")]  # a moment picked from the offer
        if modality := read_modaliteit(latest_text(tracker)):
            return [SlotSet("modaliteit", modality), SlotSet("menu_keuze", "boeken")]
        if facts_read_this_turn(tracker):
            return [SlotSet("menu_keuze", "intake"), SlotSet("route", None), SlotSet("in_aanmerking", None)]
        if intent == "mens_spreken":
            dispatcher.utter_message(response="utter_mens")
            return [SlotSet("menu_keuze", None)]
        if intent in CHANGE_INTENTS:
            return [SlotSet("menu_keuze", CHANGE_INTENTS[intent])]
        text = answer(intent, peildatum())
        if text:
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(text=booking_offer(peildatum(), again=True), buttons=OFFER_BUTTONS)
        return [SlotSet("menu_keuze", None)]


CHANGE_INTENTS = {"afspraak_annuleren": "annuleren", "afspraak_verplaatsen": "verplaatsen"}


class ActionAskGekozenSlot(Action):
    """Shows up to three free moments as a numbered list and remembers them."""

    def name(self) -> str:
        return "action_ask_gekozen_slot"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        shown: list[dict[str, Any]] = tracker.get_slot("aangeboden_sloten") or []
        misses = misses_this_turn(tracker)
        # "meer" typed, or the "Andere momenten" button (on SMS and the phone: its number); or
        # another language or wheelchair need, searched again from the start.
        said = {e.get("value") for e in this_turn(tracker)
                if e.get("event") == "slot" and e.get("name") == "gekozen_slot"}
        more = bool(shown) and MORE in said
        if shown and misses and not (more or SEARCH_AGAIN in said):
            # The same moments again, as a menu with a way out: a new search would renumber them.
            reply = offers_reask([o["label"] for o in shown], misses)
            dispatcher.utter_message(text=reply.text, buttons=list(reply.buttons))
            return []
        # Asked before the moment (bot/boeking.yml), or set from the booking that is moved; a
        # modality "" is refused by the service as an unset one (None) was.
        modality = text_slot(tracker, "modaliteit")
        postcode = tracker.get_slot("postcode") if modality == "op_locatie" else None
        needs = needs_of(tracker)
        # "meer": the moments after the ones shown so far (`rang` counts them from the first list).
        before = int(shown[-1].get("rang", len(shown))) if more else 0
        # Many counsellors share an hour: look further ahead to offer three different moments.
        found = booking_service().free_slots(postcode, modality, peildatum(), limit=(before + OFFERS) * 20,
                                             language=needs.language, wheelchair=needs.wheelchair)
        offers = offer_data(distinct_moments(found, before + OFFERS)[before:], before)
        if more and not offers:  # nothing after these: the same list, said so, without "meer"
            dispatcher.utter_message(text=offers_message(shown, no_more=True),
                                     buttons=moment_buttons(shown, more=False))
            return []
        if not offers:
            if needs.said(modality):  # what was asked may be why there is nothing: the person sees it
                dispatcher.utter_message(text=needs.said(modality))
            dispatcher.utter_message(response="utter_geen_vrije_momenten")
            return [SlotSet("aangeboden_sloten", None), SlotSet("requested_slot", None), ActiveLoop(None)]
        # What was asked is said with the first list; the next ones follow it.
        dispatcher.utter_message(text=offers_message(offers, None if more else needs.said(modality), more=more),
                                 buttons=moment_buttons(offers, more=True))
        return [SlotSet("aangeboden_sloten", offers)]


# For the type checker the mixin below is the FormValidationAction it is always mixed into (its
# `run` overrides that one's and calls its `domain_slots`); at run time it is a plain class.
if TYPE_CHECKING:
    _FormValidation = FormValidationAction
else:
    _FormValidation = object


class _BookingValidation(_FormValidation):
    """Shared by the three booking forms (a mixin: rasa_sdk registers every Action subclass, so
    the shared part is not one): ask the next missing slot, re-ask kindly."""

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        return list(domain_slots)

    async def check(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    answered: dict[str, Any]) -> list[EventType]:
        """Form-specific checks of what was just answered; returns extra events."""
        return []

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        asked = tracker.get_slot("requested_slot")
        answered: dict[str, Any]
        new_list = False  # "meer", or another need: the moment question shows a new list
        if asked == CODE:
            events = code_answer(dispatcher, tracker)
            answered = {CODE: True} if any(e.get("name") == CODE and e.get("value") for e in events) else {}
        else:
            answered = tracker.slots_to_validate()
            if answered.get("gekozen_slot") in (MORE, SEARCH_AGAIN):  # no moment chosen
                answered, events, new_list = {}, [SlotSet("gekozen_slot", None)], True
            else:
                events = await self.check(dispatcher, tracker, answered)
        # A national number that is not valid gets its reason, even next to a valid phone number.
        insz = read_insz(latest_text(tracker), settings().insz_pepper, asked=asked == "rijksregisternummer")
        if wants_person(tracker):
            events += hand_over(dispatcher)
        elif insz.problem and "rijksregisternummer" not in answered:
            dispatcher.utter_message(text=insz.problem)
            events += count_miss(tracker)
        elif asked == CODE and not answered and not events:
            events += count_miss(tracker)  # no six digits: asked again, then a person
        elif new_list:
            pass  # no miss: ActionAskGekozenSlot shows the next moments, or searches again
        elif asked and asked != CODE and not answered and is_miss(tracker):
            events += count_miss(tracker)
        elif answered and tracker.get_slot("herhaal_teller"):
            events.append(SlotSet("herhaal_teller", 0))
        if gave_up(events):
            return events + [SlotSet("requested_slot", None)]  # ends the form; the action after it says why
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
        required = [name for name in await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
                    if name != CODE or slots.get(CODE_WAITING) or slots.get(CODE)]
        missing = next((name for name in required if slots.get(name) in (None, "")), None)
        return events + [SlotSet("requested_slot", missing)]


class ValidateBoekingForm(_BookingValidation, FormValidationAction):
    def name(self) -> str:
        return "validate_boeking_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        # A place only matters when they go to the counsellor.
        return [s for s in domain_slots if s != "postcode" or tracker.get_slot("modaliteit") == "op_locatie"]

    async def check(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    answered: dict[str, Any]) -> list[EventType]:
        if "modaliteit" in answered and "gekozen_slot" not in answered and tracker.get_slot("aangeboden_sloten"):
            # Another way of meeting: the options shown before no longer fit.
            return [SlotSet("aangeboden_sloten", None), SlotSet("gekozen_slot", None)]
        events: list[EventType] = []
        if answered.get("rijksregisternummer"):
            earlier, phone = booking_service().earlier_booking(answered["rijksregisternummer"])
            if earlier:  # a next block on this credit: the phone of its booking must answer
                events = send_code(dispatcher, answered["rijksregisternummer"], phone, None)
                if gave_up(events):
                    return events
        chosen = answered.get("gekozen_slot")
        if not chosen:
            return events
        # The moment chosen in the same message is held too: the code then proves who confirms it.
        try:
            held = booking_service().hold(
                int(chosen), channel_of(tracker), f"{tracker.sender_id}:{len(tracker.events)}",
                modality=text_slot(tracker, "modaliteit"))
        except BookingError as exc:
            dispatcher.utter_message(text=str(exc))
            return [*events, SlotSet("gekozen_slot", None), SlotSet("aangeboden_sloten", None)]
        return [*events, SlotSet("vastgehouden_referentie", held.reference)]


class ActionBevestigBoeking(Action):
    """Confirms the held block: one transaction that also debits the credit."""

    def name(self) -> str:
        return "action_bevestig_boeking"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reference = tracker.get_slot("vastgehouden_referentie")
        service, key = booking_service(), tracker.get_slot("rijksregisternummer")
        # Whatever happens now, the attempt and who made it are forgotten (identity is per attempt).
        reset = [SlotSet(name, None) for name in ATTEMPT_SLOTS] + [SlotSet("opgegeven", False)] + forget_identity()
        proven = not service.earlier_booking(key)[0] if key else False
        if tracker.get_slot("opgegeven") or not (reference and key) or not (proven or tracker.get_slot(CODE) == key):
            if reference:
                service.give_back(reference, actor="chat", why="opgegeven")  # the moment is free again at once
            return unfinished(dispatcher)
        try:
            booking = book_held(service, reference, citizen_key=key, phone=phone_of(tracker), actor="chat",
                                link=ReferralLink(conversation_id=tracker.sender_id))
        except BookingError as exc:
            dispatcher.utter_message(text=str(exc))  # e.g. how many hours are left
            return reset
        hours = figures.block_hours(booking.starts_at.date())
        config = settings()
        url = invite_url(config.public_base_url, booking.reference, config.insz_pepper)
        for message in confirmation_messages(booking, tracker.get_slot("bijdrage_per_uur"), hours, url, peildatum()):
            dispatcher.utter_message(text=message)
        return [SlotSet("boeking_referentie", booking.reference), *reset]


class _ChangeValidation(_BookingValidation):
    async def check(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                    answered: dict[str, Any]) -> list[EventType]:
        reference = answered.get("referentie_wijziging")
        if not reference:
            return []
        booking = booking_service().show(reference)
        if booking is None or not booking.changeable:
            dispatcher.utter_message(text=f"Ik vind geen lopende afspraak met referentie {reference}. "
                                          "Kijk de referentie na in je sms.")
            return [SlotSet("referentie_wijziging", None)]
        phone = booking_service().phone_of(reference)
        return [SlotSet("modaliteit", booking.modality.value), *send_code(dispatcher, reference, phone, reference)]


class ValidateAnnuleringForm(_ChangeValidation, FormValidationAction):
    def name(self) -> str:
        return "validate_annulering_form"


class ValidateVerplaatsingForm(_ChangeValidation, FormValidationAction):
    def name(self) -> str:
        return "validate_verplaatsing_form"


class ActionAnnuleerBoeking(Action):
    def name(self) -> str:
        return "action_annuleer_boeking"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reference, key = tracker.get_slot("referentie_wijziging"), tracker.get_slot("rijksregisternummer")
        if tracker.get_slot("opgegeven") or not (reference and key) or tracker.get_slot(CODE) != reference:
            # Only the owner may cancel: their national number, and the code sent to the booking's phone.
            return unfinished(dispatcher)
        try:
            result = booking_service().cancel(reference, actor="chat", owner_key=key)
        except BookingError as exc:
            dispatcher.utter_message(text=str(exc))
        else:
            dispatcher.utter_message(text=result.message)
        return [SlotSet(name, None) for name in ATTEMPT_SLOTS] + forget_identity()


class ActionVerplaatsBoeking(Action):
    def name(self) -> str:
        return "action_verplaats_boeking"

    @never_silent
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        reference, key = tracker.get_slot("referentie_wijziging"), tracker.get_slot("rijksregisternummer")
        chosen = tracker.get_slot("gekozen_slot")
        if tracker.get_slot("opgegeven") or not (reference and key and chosen) or tracker.get_slot(CODE) != reference:
            return unfinished(dispatcher)  # only the owner may move (as for cancelling)
        try:
            moved = booking_service().reschedule(reference, int(chosen), actor="chat", owner_key=key)
        except BookingError as exc:
            dispatcher.utter_message(text=str(exc))
        else:
            dispatcher.utter_message(text=f"Je afspraak {reference} is verplaatst naar {when(moved.starts_at)}, "
                                          f"met {moved.counsellor}.")
        return [SlotSet(name, None) for name in ATTEMPT_SLOTS] + forget_identity()
