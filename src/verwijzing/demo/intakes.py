"""Fictional intakes for the demo: about 60 referrals over the last weeks, some booked and attended,
so the staff dashboard has something to show. Everything here is made up and marked as such:

- conversation ids start with "demo-", staff referrals are by "demo-consulent";
- booking references are LK-0001 … : they contain a 0 (or a 1), which the real reference
  alphabet leaves out (booking.references), so no real booking can ever have one;
- the bookings are with one fictional counsellor, "Demo Begeleider (fictief)", hold no person
  (no citizen key, no phone), and debit no credit.

The decisions are the real rules' (screening.screen on the intake's own day), and a chat, SMS or
phone intake keeps only the facts the conversation would have asked (screening.next_missing_fact),
so the dashboard's "onbekend" groups look as they would in real use. A fixed seed makes the same
demo every time, relative to the reference date.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from verwijzing.booking.figures import agenda_block_minutes
from verwijzing.decision.facts import (
    Facts,
    Hulpvraag,
    Opleidingsniveau,
    Regio,
    Route,
    Werkstatus,
)
from verwijzing.decision.screening import next_missing_fact, screen
from verwijzing.enums import BookingStatus, Channel, Modality
from verwijzing.monitoring.intakes import DEFAULT_WEEKS, Period
from verwijzing.nl_be import BRUSSELS
from verwijzing.referrals.record import attach_booking, record_decision
from verwijzing.store.models import (
    Booking,
    Counsellor,
    CounsellorLanguage,
    CounsellorModality,
    Referral,
    Slot,
)

INTAKES = 60
WEEKS = DEFAULT_WEEKS  # the dashboard's default period
SEED = 2027
CONVERSATION_PREFIX = "demo-"
STAFF_MEMBER = "demo-consulent"
COUNSELLOR = "Demo Begeleider (fictief)"
# (value, weight): a plausible mix, skewed towards the highly educated as the SERV describes (§2.3).
_CHANNELS = ((Channel.WEB, 45), (Channel.SMS, 20), (Channel.VOICE, 10), (Channel.STAFF, 25))
_NEEDS = ((Hulpvraag.LOOPBAAN, 70), (Hulpvraag.COMPETENTIES, 8), (Hulpvraag.ORIENTATIE, 5), (Hulpvraag.OPLEIDING, 6),
          (Hulpvraag.BURNOUT, 5), (Hulpvraag.BEDRIJFSCOACHING, 3), (Hulpvraag.WERK_ZOEKEN, 3))
_STATUSES = ((Werkstatus.WERKNEMER, 72), (Werkstatus.ZELFSTANDIGE, 10), (Werkstatus.WERKZOEKENDE, 7),
             (Werkstatus.STUDENT, 4), (Werkstatus.LANGDURIG_ZIEK, 4), (Werkstatus.GEPENSIONEERD, 1),
             (Werkstatus.ANDERS, 2))
_LEVELS = ((Opleidingsniveau.KORT, 20), (Opleidingsniveau.MIDDEN, 38), (Opleidingsniveau.HOOG, 42))
_REGIONS = ((Regio.VLAANDEREN, 84), (Regio.BRUSSEL, 10), (Regio.WALLONIE, 4), (Regio.EER_BUITENLAND, 2))
_BOOKING_SHARE = 0.65  # of the eligible intakes routed to the credit or the cheque
_ATTENDED_SHARE = 0.8  # of the past appointments; the rest was cancelled
# Counsellors mark an appointment attended some days later: the last week's are still "confirmed".
_MARKING_LAG = dt.timedelta(days=7)


def seed_demo_intakes(session: Session, day: dt.date) -> int:
    """Add the fictional intakes of the `WEEKS` weeks up to `day` when the database has no referral
    at all (never mixed with real ones); returns how many were added. The caller commits."""
    if session.scalar(select(func.count()).select_from(Referral)):
        return 0
    rng = random.Random(SEED)  # noqa: S311 - fictional data, the same on every run
    counsellor = _counsellor(session, day)
    taken: set[dt.datetime] = set()
    for number in range(1, INTAKES + 1):
        created = _moment(rng, day)
        channel = _pick(rng, _CHANNELS)
        full = _facts(rng)
        facts = full if channel is Channel.STAFF else asked_facts(full, created.date())
        decision = screen(facts, created.date())
        staff = channel is Channel.STAFF
        referral = record_decision(
            session, decision=decision, facts=facts, channel=channel, at=created.astimezone(dt.UTC),
            staff_member=STAFF_MEMBER if staff else None,
            consent=rng.choice(("in_persoon", "telefonisch")) if staff else None,
            conversation_id=None if staff else f"{CONVERSATION_PREFIX}{number:03d}")
        books = decision.in_aanmerking and decision.route in (Route.LOOPBAANKREDIET, Route.LOOPBAANCHEQUE)
        if books and rng.random() < _BOOKING_SHARE:
            reference = f"LK-{number:04d}"
            _book(session, rng, counsellor, reference, channel, created, day, taken)
            attach_booking(session, referral.id, reference)
    session.flush()
    return INTAKES


def asked_facts(full: Facts, day: dt.date) -> Facts:
    """The facts a conversation gathers: only those the decision asks for, in its order."""
    known = Facts()
    while (name := next_missing_fact(known, day)) is not None:
        value = getattr(full, name)
        if value is None:
            raise LookupError(f"the demo person has no {name}")
        known = replace(known, **{name: value})
    return known


_T = TypeVar("_T")


def _pick(rng: random.Random, weighted: Sequence[tuple[_T, int]]) -> _T:
    values = [value for value, _ in weighted]
    weights = [weight for _, weight in weighted]
    return rng.choices(values, weights)[0]


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment in the dashboard's default period up to `day`."""
    on = day - dt.timedelta(days=rng.randrange((day - Period.weeks_up_to(day, WEEKS).start).days + 1))
    return dt.datetime.combine(on, dt.time(rng.randint(8, 20), rng.choice((0, 15, 30, 45))), BRUSSELS)


def _facts(rng: random.Random) -> Facts:
    """A whole fictional person, as a consulent would fill in the form."""
    experience = rng.choice((0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 12, 14, 15, 18, 20, 22, 25, 30))
    age = min(64, 18 + experience + rng.randint(0, 12))
    region = _pick(rng, _REGIONS)
    return Facts(
        hulpvraag=_pick(rng, _NEEDS),
        werkstatus=_pick(rng, _STATUSES),
        werkervaring_jaren=experience,
        opleidingsniveau=_pick(rng, _LEVELS),
        woonregio=region,
        werkregio=Regio.VLAANDEREN if region is Regio.EER_BUITENLAND else None,
        leeftijd=age,
        eerder_loopbaancheque=rng.random() < 0.12,
        eerder_gebruikt_uren=rng.choice((0, 0, 0, 0, 0, 0, 0, 2, 2, 6)),
    )


def _counsellor(session: Session, day: dt.date) -> Counsellor:
    found = session.scalars(select(Counsellor).where(Counsellor.name == COUNSELLOR)).first()
    if found:
        return found
    counsellor = Counsellor(
        name=COUNSELLOR, mandate_valid_from=day - dt.timedelta(days=3 * 365), mandate_valid_to=None,
        beroepskwalificatie_valid_from=day - dt.timedelta(days=365), beroepskwalificatie_valid_to=None,
        office_postcode="9000", province="oost-vlaanderen", region="VLG",
        modalities=[CounsellorModality(modality=Modality.ONLINE.value)],
        languages=[CounsellorLanguage(language="nl")])
    session.add(counsellor)
    session.flush()
    return counsellor


def _book(session: Session, rng: random.Random, counsellor: Counsellor, reference: str, channel: Channel,
          created: dt.datetime, day: dt.date, taken: set[dt.datetime]) -> None:
    """A booking a few working days after the intake: attended or cancelled when the appointment
    is more than a week before `day`, confirmed when it is later."""
    on = created.date() + dt.timedelta(days=rng.randint(2, 12))
    while on.weekday() >= 5:
        on += dt.timedelta(days=1)
    starts = dt.datetime.combine(on, dt.time(9), BRUSSELS)
    while starts in taken:
        starts += dt.timedelta(hours=3)
    taken.add(starts)
    slot = Slot(counsellor_id=counsellor.id, day=on, starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=agenda_block_minutes(on)))
    session.add(slot)
    session.flush()
    confirmed = created + dt.timedelta(minutes=6)
    if on >= day - _MARKING_LAG:
        status, cancelled = BookingStatus.CONFIRMED, None
    elif rng.random() < _ATTENDED_SHARE:
        status, cancelled = BookingStatus.ATTENDED, None
    else:
        status, cancelled = BookingStatus.CANCELLED, confirmed + dt.timedelta(days=1)
    session.add(Booking(
        reference=reference, slot_id=slot.id, status=status.value, channel=channel.value,
        modality=Modality.ONLINE.value, citizen_key=None, phone=None, idempotency_key=f"demo-intake-{reference}",
        created_at=created.astimezone(dt.UTC), held_until=(created + dt.timedelta(minutes=10)).astimezone(dt.UTC),
        confirmed_at=confirmed.astimezone(dt.UTC), cancelled_at=cancelled.astimezone(dt.UTC) if cancelled else None))


def seed_demo_intakes_command(database_url: str | None, day: dt.date) -> int:
    """For `verwijzing seed-demo`: the fictional intakes on an already migrated database, committed."""
    from verwijzing.store import make_engine, make_sessionmaker

    engine = make_engine(database_url)
    try:
        with make_sessionmaker(engine).begin() as session:
            return seed_demo_intakes(session, day)
    finally:
        engine.dispose()
