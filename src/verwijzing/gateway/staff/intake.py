"""The guided intake: a consulent screens a citizen, refers and books a first block for them.

    GET/POST /staff/intake                   the facts the rules use, and how the person consented
    POST     /staff/intake/verwijzing        the referral (optionally another route, with a reason)
    GET/POST /staff/intake/{id}/boeken       a free block through the same booking service as the chat
    GET      /staff/intake/{id}/bevestiging  the printable confirmation

The decision is always the rules engine's (`screening.screen`) on the facts the consulent typed;
the decision page carries those facts in hidden fields and the referral step screens them again,
so what is recorded is never a decision the browser sent. Reading the forms is pure (see
intake_form.py): the handlers only move values between the request, the database, the booking
service and the templates.

The national number is typed on the booking page, checked with python-stdnum
(`verwijzing.privacy.insz`), handed to the booking service (which keeps only its keyed hash) and dropped:
it is never put back in a page, a log line or an audit entry.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web
from markupsafe import Markup
from sqlalchemy import select

from verwijzing.booking import (
    BookingError,
    BookingView,
    IdempotencyConflict,
    InvalidInput,
    SlotOffer,
)
from verwijzing.booking.book import ReferralLink, hold_and_book
from verwijzing.booking.errors import ReferralBooked
from verwijzing.booking.matching import DEFAULT_LANGUAGE
from verwijzing.booking.texts import MODALITY_WORDS, distance_words, when
from verwijzing.config import now_on
from verwijzing.decision.explain import CREDIT_ROUTES, explain_decision, next_step
from verwijzing.decision.facts import Route
from verwijzing.decision.screening import Decision
from verwijzing.dialogue.booking import AMOUNT_ITEMS, distinct_moments
from verwijzing.enums import Channel, Modality, OutboxStatus
from verwijzing.gateway.keys import BOOKINGS, SESSIONS, SETTINGS, peildatum
from verwijzing.gateway.staff.auth import (
    STAFF,
    actor,
    checked_form,
    login_required,
    now,
)
from verwijzing.gateway.staff.intake_form import (
    CONSENT,
    FORM_FIELDS,
    HULPVRAAG,
    JA_NEE,
    LANGUAGES,
    MODALITIES,
    OPLEIDING,
    REGIO,
    ROUTES,
    WERKSTATUS,
    IntakeForm,
    decide,
    read_booking,
    read_intake,
    read_override,
    read_search,
)
from verwijzing.gateway.staff.render import render
from verwijzing.nl_be import format_number
from verwijzing.notify.phone import mask
from verwijzing.policy import load_policy
from verwijzing.privacy.audit import record_audit
from verwijzing.privacy.insz import PepperMissing
from verwijzing.referrals.record import ReferralError, record_decision
from verwijzing.store.models import OutboxMessage, Referral

logger = logging.getLogger(__name__)

# How many free moments the booking page offers (the chat offers 3; a consulent can read more).
OFFERS = 8

# ---- pages -------------------------------------------------------------------------------------


def _options() -> dict[str, Any]:
    return {"werkstatus_opties": WERKSTATUS, "opleiding_opties": OPLEIDING, "regio_opties": REGIO,
            "hulpvraag_opties": HULPVRAAG, "ja_nee": JA_NEE, "toestemming_opties": CONSENT}


class FieldAttributes(Protocol):
    def __call__(self, name: str, hint: bool = False) -> Markup: ...


def described(errors: Mapping[str, str]) -> FieldAttributes:
    """For the templates: the ARIA attributes of a field, pointing at its hint and its error."""
    def attributes(name: str, hint: bool = False) -> Markup:
        ids = ([f"hint-{name}"] if hint else []) + ([f"fout-{name}"] if name in errors else [])
        described_by = Markup(' aria-describedby="{}"').format(" ".join(ids)) if ids else Markup()
        return described_by + (Markup(' aria-invalid="true"') if name in errors else Markup())
    return attributes


def _intake_page(request: web.Request, intake: IntakeForm, status: int = 200) -> web.Response:
    return render(request, "intake.html", status=status, values=intake.values, errors=intake.errors,
                  aria=described(intake.errors), **_options())


def _decision_page(request: web.Request, intake: IntakeForm, decision: Decision, *, status: int = 200,
                   error: str | None = None, chosen: str = "", reason: str = "") -> web.Response:
    woonregio = intake.facts.woonregio.value if intake.facts and intake.facts.woonregio else None
    return render(
        request, "beslissing.html", status=status, decision=decision, route_label=ROUTES[decision.route],
        explanation=explain_decision(decision, woonregio), values=intake.values,
        consent_label=dict(CONSENT)[intake.consent or ""], amounts=_amounts(decision),
        routes=[(r.value, label) for r, label in ROUTES.items()],
        hidden=[(name, intake.values[name]) for name in FORM_FIELDS if intake.values[name]],
        error=error, chosen=chosen, reason=reason)


def _amounts(decision: Decision) -> list[tuple[str, str]]:
    rows = []
    if decision.bijdrage_per_uur is not None:
        rows.append(("Bijdrage per uur", f"{format_number(decision.bijdrage_per_uur)} euro"))
    if decision.bijdrage_per_blok is not None and decision.blok_uren is not None:
        rows.append((f"Bijdrage per blok van {format_number(decision.blok_uren)} uur",
                     f"{format_number(decision.bijdrage_per_blok)} euro"))
    if decision.resterende_uren is not None:
        rows.append(("Uren krediet over", format_number(decision.resterende_uren)))
    return rows


@login_required()
async def intake_form(request: web.Request) -> web.Response:
    """The empty form, or filled in from the query (a hand-over's facts, staff/handover_pages.py):
    only the form's own fields, shown as typed, checked when the consulent sends it."""
    given = {name: request.query[name].strip()[:100] for name in FORM_FIELDS if name in request.query}
    return _intake_page(request, IntakeForm({name: "" for name in FORM_FIELDS} | {"eerder_gebruikt_uren": "0"} | given))


@login_required()
async def intake_submit(request: web.Request) -> web.Response:
    form = await checked_form(request)
    intake = read_intake(form)
    if form.get("stap") == "aanpassen":
        return _intake_page(request, IntakeForm(intake.values))
    intake, decision = decide(intake, peildatum(request))
    if decision is None:
        return _intake_page(request, intake, status=400)
    return _decision_page(request, intake, decision)


@login_required()
async def make_referral(request: web.Request) -> web.StreamResponse:
    form = await checked_form(request)
    intake, decision = decide(read_intake(form), peildatum(request))
    facts = intake.facts  # never None with a decision (decide)
    if decision is None or facts is None:
        # Only a changed or stale page gets here: the decision page sends back complete facts.
        return _intake_page(request, intake, status=400)
    override, problem = read_override(form, decision.route)
    if problem:
        return _decision_page(request, intake, decision, status=400, error=problem,
                              chosen=str(form.get("andere_route") or ""), reason=str(form.get("reden") or ""))
    who, at, login = actor(request), now(), request[STAFF].login
    # The referral is dated as the whole stack sees the day (as the chat's are): the reference day
    # at Brussels' time of day (a UTC time on that day was the next day in Brussels between
    # midnight and one or two o'clock). The audit line keeps the real moment the consulent acted.
    decided_at = now_on(request.config_dict[SETTINGS].peildatum_override)

    def record() -> int:
        with request.config_dict[SESSIONS].begin() as session:
            referral = record_decision(
                session, decision=decision, facts=facts, channel=Channel.STAFF.value, at=decided_at,
                staff_member=login, consent=intake.consent,
                override={"route": override.route.value, "reden": override.reason} if override else None)
            session.flush()
            if override:
                record_audit(session, actor=who, action="override", subject=_subject(referral.id),
                             detail={"van": decision.route.value, "naar": override.route.value}, at=at)
            return referral.id

    try:
        referral_id = await asyncio.to_thread(record)
    except ReferralError as refused:
        return _decision_page(request, intake, decision, status=400, error=str(refused),
                              chosen=str(form.get("andere_route") or ""), reason=str(form.get("reden") or ""))
    route = override.route if override else decision.route
    step = "boeken" if route in CREDIT_ROUTES else "bevestiging"
    raise web.HTTPSeeOther(f"/staff/intake/{referral_id}/{step}")


def _subject(referral_id: int) -> str:
    return f"verwijzing:{referral_id}"


@dataclass(frozen=True)
class _Referral:
    id: int
    route: Route
    decided_route: Route
    in_aanmerking: bool
    booking_reference: str | None
    woonregio: str | None
    bijdrage_per_uur: float | None
    overridden: bool
    staff_member: str | None = None


async def _load_referral(request: web.Request) -> _Referral:
    referral_id = int(request.match_info["id"])

    def load() -> _Referral | None:
        with request.config_dict[SESSIONS]() as session:
            referral = session.get(Referral, referral_id)
            if referral is None or referral.channel != Channel.STAFF.value:
                return None
            snapshot = referral.decision or {}
            route = Route(referral.route)
            decided = Route((referral.override or {}).get("oorspronkelijke_route") or snapshot.get("route") or route)
            return _Referral(referral.id, route, decided, referral.in_aanmerking, referral.booking_reference,
                             (referral.facts or {}).get("woonregio"), snapshot.get("bijdrage_per_uur"),
                             overridden=route != decided, staff_member=referral.staff_member)

    found = await asyncio.to_thread(load)
    if found is None:
        raise web.HTTPNotFound(text="Deze verwijzing bestaat niet.")
    return found


def _free_offers(request: web.Request, search: dict[str, str]) -> list[SlotOffer]:
    found = request.config_dict[BOOKINGS].free_slots(
        search["postcode"] or None, search["modaliteit"], peildatum(request), limit=OFFERS * 10,
        language=search["taal"], wheelchair=search["rolstoel"] == "ja")
    return distinct_moments(found, OFFERS)


async def _booking_page(request: web.Request, referral: _Referral, values: dict[str, str],
                        errors: dict[str, str], status: int = 200, problem: str | None = None) -> web.Response:
    offers: list[SlotOffer] = []
    values = {"modaliteit": "", "postcode": "", "telefoon": "", "taal": DEFAULT_LANGUAGE, "rolstoel": "", **values}
    searched = bool(values.get("modaliteit")) and not ({"modaliteit", "postcode", "taal"} & errors.keys())
    if searched:
        try:
            offers = await asyncio.to_thread(_free_offers, request, values)
        except InvalidInput as bad:
            errors = {**errors, "postcode": str(bad)}
            searched, status = False, 400
    return render(request, "boeken.html", status=status, referral=referral, route_label=ROUTES[referral.route],
                  values=values, errors=errors, aria=described(errors), problem=problem, searched=searched,
                  offers=[(o.slot_id, _offer_label(o)) for o in offers], modaliteiten=MODALITIES, talen=LANGUAGES,
                  poging=secrets.token_urlsafe(12))


def _offer_label(offer: SlotOffer) -> str:
    if offer.modality is not Modality.OP_LOCATIE:
        where = MODALITY_WORDS[offer.modality]
    else:  # the office's place and postcode for the consulent, and how far it is for the person
        where = f"{MODALITY_WORDS[offer.modality]} in {offer.office_place} ({offer.office_postcode})"
        where += distance_words(offer.distance_km, for_staff=True)
    return f"{when(offer.starts_at)} tot {offer.ends_at:%H.%M} uur, met {offer.counsellor}, {where}"


def _own_referral(request: web.Request, referral: _Referral) -> None:
    """Only the consulent who made the referral books on it, or a beheerder: 403 for anyone else."""
    member = request[STAFF]
    if not member.is_beheerder and referral.staff_member != member.login:
        raise web.HTTPForbidden(text="Alleen de consulent van deze verwijzing, of een beheerder, kan hiervoor boeken.")


@login_required()
async def booking_form(request: web.Request) -> web.StreamResponse:
    referral = await _load_referral(request)
    _own_referral(request, referral)
    if referral.booking_reference or referral.route not in CREDIT_ROUTES:
        raise web.HTTPSeeOther(f"/staff/intake/{referral.id}/bevestiging")
    values, errors = read_search(request.query)
    return await _booking_page(request, referral, values, errors, status=400 if errors else 200)


@login_required()
async def book(request: web.Request) -> web.StreamResponse:
    referral = await _load_referral(request)
    _own_referral(request, referral)
    if referral.booking_reference or referral.route not in CREDIT_ROUTES:
        raise web.HTTPSeeOther(f"/staff/intake/{referral.id}/bevestiging")
    form = await checked_form(request)
    booking = read_booking(form)
    if booking.errors or booking.slot_id is None or booking.insz is None:
        return await _booking_page(request, referral, booking.values, booking.errors, status=400)
    service, who = request.config_dict[BOOKINGS], actor(request)
    # One key per filled-in page: a double click replays the same hold instead of taking a second slot.
    attempt = str(form.get("poging") or "")[:40] or secrets.token_urlsafe(12)
    try:
        await asyncio.to_thread(
            hold_and_book, service, booking.slot_id, Channel.STAFF, f"staff:{referral.id}:{attempt}",
            modality=booking.values["modaliteit"], link=ReferralLink(referral_id=referral.id), actor=who,
            insz=booking.insz, phone=booking.phone)
    except IdempotencyConflict:
        # The same page sent again with another moment (the browser's back button).
        return await _booking_page(request, referral, booking.values, {}, status=409,
                                   problem="Deze pagina was al gebruikt. Kies het moment opnieuw.")
    except ReferralBooked:
        # The form was sent twice at once and the other one booked: one referral, one booking.
        raise web.HTTPSeeOther(f"/staff/intake/{referral.id}/bevestiging") from None
    except BookingError as refused:
        return await _booking_page(request, referral, booking.values, {}, status=409, problem=str(refused))
    except PepperMissing:
        logger.error("staff booking refused: VERWIJZING_INSZ_PEPPER is not set")
        return await _booking_page(request, referral, booking.values, {}, status=503, problem=(
            "Boeken kan nu niet: de server mist een instelling (VERWIJZING_INSZ_PEPPER). Meld dit aan een beheerder."))
    raise web.HTTPSeeOther(f"/staff/intake/{referral.id}/bevestiging")


SMS_STATE = {
    OutboxStatus.QUEUED.value: "staat klaar en wordt zo verstuurd",
    OutboxStatus.SENDING.value: "wordt nu verstuurd",
    OutboxStatus.SENT.value: "is verstuurd",
    OutboxStatus.FAILED.value: "kon niet verstuurd worden",
}


@dataclass(frozen=True)
class SmsState:
    state: str
    to: str  # masked: the last two digits


@login_required()
async def confirmation(request: web.Request) -> web.Response:
    referral = await _load_referral(request)
    booking: BookingView | None = None
    sms: SmsState | None = None
    if referral.booking_reference:
        reference = referral.booking_reference

        def load() -> tuple[BookingView | None, SmsState | None]:
            view = request.config_dict[BOOKINGS].show(reference)
            with request.config_dict[SESSIONS]() as session:
                message = session.scalars(select(OutboxMessage).where(OutboxMessage.booking_reference == reference)
                                          .order_by(OutboxMessage.id)).first()
                state = SmsState(SMS_STATE.get(message.status, message.status), mask(message.to_number)) \
                    if message else None
            return view, state

        booking, sms = await asyncio.to_thread(load)
    cost = None
    if booking and referral.bijdrage_per_uur is not None:
        hours = (booking.ends_at - booking.starts_at).total_seconds() / 3600
        cost = referral.bijdrage_per_uur * hours
    return render(request, "bevestiging.html", referral=referral, route_label=ROUTES[referral.route],
                  decided_label=ROUTES[referral.decided_route], booking=booking, sms=sms, cost=cost,
                  cost_text=f"{format_number(cost)} euro" if cost is not None else None,
                  cost_reserve=load_policy().reserve(AMOUNT_ITEMS, peildatum(request)),
                  when=when(booking.starts_at) if booking else None,
                  modality=MODALITY_WORDS[booking.modality] if booking else None,
                  next_step=next_step(referral.route, referral.woonregio, peildatum(request)),
                  bookable=referral.route in CREDIT_ROUTES)


def add_intake_routes(app: web.Application) -> None:
    app.router.add_get("/intake", intake_form)
    app.router.add_post("/intake", intake_submit)
    app.router.add_post("/intake/verwijzing", make_referral)
    app.router.add_get(r"/intake/{id:\d{1,9}}/boeken", booking_form)
    app.router.add_post(r"/intake/{id:\d{1,9}}/boeken", book)
    app.router.add_get(r"/intake/{id:\d{1,9}}/bevestiging", confirmation)


__all__ = ["add_intake_routes"]
