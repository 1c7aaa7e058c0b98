"""Booking in a conversation: reading answers and wording offers and confirmations.

Pure functions over text and plain data, so the chat, SMS and voice channels and their tests
share them; the Rasa actions only move values between the tracker and these functions.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from verwijzing.booking.references import TYPED_REFERENCE
from verwijzing.booking.texts import when
from verwijzing.booking.views import BookingView, SlotOffer
from verwijzing.dialogue.choices import read_choice
from verwijzing.enums import Modality
from verwijzing.interpret.numbers import fold
from verwijzing.nl_be import format_number, weekday_names
from verwijzing.notify.phone import InvalidPhone, normalise_phone
from verwijzing.policy import load_policy
from verwijzing.privacy.insz import InvalidInsz, citizen_key, normalise_insz
from verwijzing_rasa import pii

# One shape for the national and the phone number, shared with the redacting tracker store and
# the NLU regex features (verwijzing_rasa.pii): a spelling this reader accepts is never stored.
INSZ_SHAPE = pii.INSZ_SHAPE
PHONE_SHAPE = pii.PHONE_SHAPE
# How many numbered options a person gets: three fit in one SMS and are easy to read aloud.
OFFERS = 3
# The policy items the amount of a block rests on (its reserve while they are a proposal).
AMOUNT_ITEMS = ("bijdrage_per_uur_kortgeschoold", "bijdrage_per_uur_standaard", "blok_uren")


@dataclass(frozen=True)
class InszReading:
    """What a message says about a national number: a citizen key, or why it is not valid."""

    key: str | None = None
    problem: str | None = None


def read_insz(text: str, pepper: bytes | str, *, asked: bool = False) -> InszReading:
    """The keyed hash of the national number in `text`; the number itself never leaves here.
    Any spelling people use is found (pii.INSZ_SHAPE, then any run of 11 digits joined by
    non-letters, as pii.redact masks it); python-stdnum decides whether it is valid. When it was
    just asked for, a number of the wrong length gets its reason too ("Ik tel er 10")."""
    candidates = [pii.digits(found) for found in pii.insz_candidates(text)] or \
        [number for _, _, number in pii.digit_runs(text) if pii.kind_of_digits(number) == pii.INSZ]
    if not candidates:
        if not (asked and 6 <= len(pii.digits(text)) <= 14):
            return InszReading()
        candidates = [pii.digits(text)]
    valid: set[str] = set()
    first_problem: str | None = None
    for candidate in candidates:
        try:
            valid.add(normalise_insz(candidate))
        except InvalidInsz as exc:
            first_problem = first_problem or exc.reason
    if len(valid) == 1:
        return InszReading(key=citizen_key(valid.pop(), pepper))
    if valid:  # two numbers typed together, both with good check digits: we cannot tell whose
        return InszReading(problem="Ik zie meer dan één rijksregisternummer. Typ alleen je eigen nummer.")
    return InszReading(problem=first_problem)


def read_telefoon(text: str) -> str | None:
    """A phone number in E.164, from the first phone-shaped part that is not a national number.

    Some national numbers have a phone's shape too (00121412245 looks like +1 21412245): a
    phone-shaped part inside a national-number-shaped one, or overlapping a valid national
    number, is not read as a phone."""
    text = pii.ascii_digits(text)
    national = []
    for start, end in pii.insz_spans(text):
        try:
            normalise_insz(text[start:end])
            national.append((start, end, True))
        except InvalidInsz:
            national.append((start, end, False))
    for start, end in pii.phone_spans(text):
        if any(start < n_end and n_start < end and (valid or n_start <= start and end <= n_end)
               for n_start, n_end, valid in national):
            continue
        # Only the digits and a leading +: separators are the shared shape's business, and the
        # 0 in "+32 (0)470 ..." is dialled only from inside Belgium.
        typed = text[start:end].replace("(0)", "")
        try:
            return normalise_phone(("+" if typed.startswith("+") else "") + pii.digits(typed))
        except InvalidPhone:
            continue
    # Spellings the shapes do not know ("(0470) 12 34 56", "+32(470)123456"): the runs pii.redact
    # masks as a phone number.
    for start, end, number in pii.digit_runs(text):
        if pii.kind_of_digits(number) == pii.PHONE and \
                not any(start < n_end and n_start < end for n_start, n_end, _ in national):
            try:
                return normalise_phone(number)
            except InvalidPhone:
                continue
    return None


# "Ik heb geen gsm" answers the phone question too: the booking goes on without an SMS.
NO_PHONE = "geen"
_NO_PHONE_SAID = re.compile(r"\bgeen\s+(gsm|telefoon|mobiel|gsm-nummer|nummer)\b", re.IGNORECASE)


def says_no_phone(text: str) -> bool:
    return _NO_PHONE_SAID.search(text) is not None


def read_reference(text: str) -> str | None:
    match = TYPED_REFERENCE.search(text)
    return f"LK-{match.group(1).upper()}" if match else None


# "meer", "andere momenten", "geen van deze", "hebde nog iets anders?": the person wants to see the
# next free moments. The list's own last button sends "meer" (on SMS and the phone: its number).
MORE = "meer"
# What the moment question holds for a message that changes what is searched ("zonder rolstoel",
# "in het Frans"): the list is searched again from the start.
SEARCH_AGAIN = "opnieuw zoeken"
_MOMENTS = r"(?:moment\w*|dag\w*|data|datums?|uren|tijdstip\w*|tijden|plaatsen|opties|keuzes?)"
_MORE_SAID = re.compile("|".join((
    # "meer", "later", "volgende", "andere aub": the whole message
    r"^\W*(?:nog\s+)?(?:meer|later|latere|volgende|andere|anders|nog)"
    r"(?:\s+(?:aub|a\.u\.b\.?|alstublieft|asjeblief|graag|svp))?\W*$",
    # "andere momenten", "nog andere data", "anger momente" (Limburgs), "volgende dagen"
    rf"\b(?:andere?|anger|meer|volgende|latere?)\s+{_MOMENTS}",
    r"\bnog\s+(?:een\s+)?(?:andere?|anders|eentje)\b",
    # "iets anders", "niks anders", "ietske later", "iet anders"
    r"\b(?:iets|iet|ietske|niks|niets|nix)\s+(?:anders|later)\b",
    r"\bgeen\s+van\s+(?:die|deze|de|allen)\b", r"^\W*geen\s+enkel\w*",
    # "die passen me niet", "da gaat ni", "dat geit neet"
    r"\b(?:past|passen|gaat|geit|lukt)\s+(?:me\s+|mij\s+|allemaal\s+)?(?:ni|nie|niet|neet)\b",
    # a question for a time not shown: "is er ook iets op een zaterdag", "kan het ook in maart"
    r"\b(?:is er|zijn er|heb je|hebt ge|hebde|hebt u|ge hebt|kan het|kan ook|mag het|ee je|hebben jullie)\b"
    r"[^?.]{0,40}?\b(?:ook|nog|later|anders|andere|iets)\b",
    r"\bvolgende\s+week\b", r"\btoon\s+(?:er\s+)?(?:nog|meer)\b",
    r"\b(?:d'?autres|autres)\s+(?:dates|moments|heures|jours)\b",
    r"\b(?:other|more|later)\s+(?:times|dates|moments|days|options)\b",
)))
# Not a request for moments: "meer uitleg", "niet meer", "geen tijd meer".
_NOT_MORE = re.compile(r"\bmeer\s+(?:uitleg|info\w*|informatie|weten)\b|\b(?:niet|nie|ni|geen\s+\w+)\s+meer\b")


def says_more(text: str) -> bool:
    """Whether an answer to the list of moments asks for other ones. It does not read which day or
    hour they want ("liefst op een zaterdag"): the next moments are shown, and their days said."""
    plain = fold(text).strip()
    return bool(_MORE_SAID.search(plain)) and not _NOT_MORE.search(plain)


def moment_buttons(offers: list[dict[str, Any]], *, more: bool) -> list[dict[str, str]]:
    """One button per moment, and (`more`) one for the next moments: on SMS and the phone the
    buttons are the numbered choices, so "4" asks for more there."""
    buttons = [{"title": f"{i}. {o['label']}", "payload": str(i)} for i, o in enumerate(offers, 1)]
    return buttons + ([{"title": f"{len(offers) + 1}. Andere momenten", "payload": MORE}] if more else [])


def distinct_moments(offers: list[SlotOffer], count: int) -> list[SlotOffer]:
    """The first `count` offers at different times: three counsellors at the same hour is no choice."""
    chosen: list[SlotOffer] = []
    for offer in offers:
        if all(offer.starts_at != other.starts_at for other in chosen):
            chosen.append(offer)
        if len(chosen) == count:
            break
    return chosen


def offer_data(offers: list[SlotOffer], shown_before: int = 0) -> list[dict[str, Any]]:
    """What the conversation keeps of the options it showed (a slot value: JSON-friendly); `rang`
    counts the moments shown since the first list, so that "meer" knows where the next ones start."""
    return [{"slot_id": o.slot_id, "label": o.label, "start": o.starts_at.isoformat(), "modality": str(o.modality),
             "rang": shown_before + i} for i, o in enumerate(offers, start=1)]


def first_of_each(offers_by_modality: list[list[SlotOffer]]) -> list[SlotOffer]:
    """The earliest free moment of each way of meeting, earliest first: with the offer of a first
    block, one choice books it (issue 16: a booked block in at most 9 answers)."""
    firsts = [offers[0] for offers in offers_by_modality if offers]
    return sorted(firsts, key=lambda o: o.starts_at)


def offers_message(offers: list[dict[str, Any]], needs: str | None = None, *, more: bool = False,
                   no_more: bool = False) -> str:
    """The numbered moments; `needs` says back what was asked; `more`: the next ones after a
    first list; `no_more`: there were no others, these are the same again."""
    lines = [f"{i}. {offer['label']}" for i, offer in enumerate(offers, start=1)]
    head = ("Er zijn geen andere vrije momenten. Deze zijn nog vrij:" if no_more
            else "Deze momenten zijn ook vrij:" if more else "Deze momenten zijn vrij:")
    return "\n".join([*([needs] if needs else []), head, *lines, "Typ het nummer van het moment dat je past."])


def numbered_moments(offers: list[dict[str, Any]]) -> str:
    return "\n".join(f"{i}. {offer['label']}" for i, offer in enumerate(offers, start=1))


def pick_offer(text: str, offers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """"2", "de tweede", or a weekday that only one option has ("dinsdag")."""
    number = read_choice(text, len(offers))
    if number:
        return offers[number - 1]
    lowered = text.lower()
    named = [d for d in weekday_names() if re.search(rf"\b{d}\b", lowered)]
    if len(named) == 1:
        matching = [o for o in offers if weekday_names()[dt.datetime.fromisoformat(o["start"]).weekday()] == named[0]]
        if len(matching) == 1:
            return matching[0]
    return None


def confirmation_messages(booking: BookingView, per_hour: float | None, block_hours: float | None,
                          invite_url: str | None, day: dt.date) -> list[str]:
    """What the person reads once the block is booked: reference, moment, cost, what to expect;
    the amount with the policy's reserve while it is a proposal on `day`."""
    # Three messages at most: what and when; what it costs and what to expect; what comes next.
    booked = (f"Je afspraak staat vast. Je referentie is {booking.reference}. "
              f"Wanneer: {when(booking.starts_at)}. Met wie: {booking.counsellor}. Waar: {booking.location}.")
    # The sources give the amount (regime B) but not whom the person pays or how: no promise.
    # No block length (figures.block_hours: a regime that settles none) leaves the cost unsaid too.
    if per_hour is not None and block_hours is not None:
        cost = load_policy().with_reserve(
            f"Dit blok van {format_number(block_hours)} uur kost je {format_number(per_hour * block_hours)} euro.",
            AMOUNT_ITEMS, day)
        cost += " Hoe je betaalt, weten we nog niet."
    else:
        cost = "Hoeveel je zelf betaalt, weten we nog niet."
    # A first block of 2 hours is a first meeting, not a whole trajectory (seed §2.3).
    expect = ("Wat mag je verwachten? Je begeleider vraagt wat je wil veranderen in je werk. "
              "Jullie kijken samen wat een goede volgende stap is.")
    if booking.modality is Modality.OP_LOCATIE:
        expect += " Neem je identiteitskaart mee."
    after = []
    if booking.sms_queued:
        after.append("Je krijgt ook een sms met deze afspraak.")
    if invite_url:
        after.append(f"Zet de afspraak in je agenda: {invite_url}")
    after.append(f"Kan je niet? Typ 'annuleer {booking.reference}' of 'verplaats {booking.reference}'.")
    messages = [booked, f"{cost} {expect}", " ".join(after)]
    return messages


def invite_token(reference: str, secret: bytes | str) -> str:
    """A token for the invite link: the short reference alone is guessable, this is not."""
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, f"ics:{reference}".encode(), hashlib.sha256).hexdigest()[:32]


def invite_url(base_url: str, reference: str, secret: bytes | str) -> str:
    return f"{base_url.rstrip('/')}/afspraak/{reference}.ics?t={invite_token(reference, secret)}"
