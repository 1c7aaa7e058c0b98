"""Reading the dashboard's rows from the database: referrals, bookings with their slots, and the
conversations in Rasa's store. The figures themselves are computed by verwijzing.monitoring.figures."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from verwijzing.decision.facts import Facts, InvalidFact, parse_facts
from verwijzing.monitoring.figures import Dashboard, build_dashboard, summary
from verwijzing.monitoring.handovers import CaseRow
from verwijzing.monitoring.intakes import BookingRow, DecisionRow, Period
from verwijzing.store.case_models import Case
from verwijzing.store.conversations import EVENTS, RASA_EVENTS
from verwijzing.store.models import Booking, Referral

logger = logging.getLogger(__name__)

# The Rasa events that show a conversation was begun: a session start, or a message from the person.
STARTED_EVENTS = ("session_started", "user")


def decision_rows(session: Session, period: Period) -> list[DecisionRow]:
    since, until = period.utc_bounds()
    referrals = session.scalars(
        select(Referral).where(Referral.created_at >= since, Referral.created_at < until).order_by(Referral.id))
    return [decision_row(r) for r in referrals]


def decision_row(referral: Referral) -> DecisionRow:
    return DecisionRow(
        id=referral.id,
        created_at=referral.created_at,
        channel=referral.channel,
        route=referral.route,
        regime=referral.regime,
        in_aanmerking=bool(referral.in_aanmerking),
        facts=_facts(referral),
        conversation_id=referral.conversation_id,
        booking_reference=referral.booking_reference,
    )


def _facts(referral: Referral) -> Facts:
    try:
        return parse_facts(referral.facts or {})
    except InvalidFact as error:
        # Written by an older version with other values: counted with unknown facts, not dropped.
        logger.warning("referral %s: stored facts not readable (%s)", referral.id, error.field)
        return Facts()


def booking_rows(session: Session, period: Period, references: set[str]) -> list[BookingRow]:
    """The bookings the period's decisions refer to, and every booking confirmed in the period."""
    since, until = period.utc_bounds()
    bookings = session.scalars(select(Booking).where(or_(
        Booking.reference.in_(sorted(references)),
        Booking.confirmed_at.is_not(None) & (Booking.confirmed_at >= since) & (Booking.confirmed_at < until),
    )).order_by(Booking.id)).all()
    levels = education_of(session, {b.reference for b in bookings})
    return [
        BookingRow(
            reference=b.reference,
            status=b.status,
            day=b.slot.day,
            minutes=round((b.slot.ends_at - b.slot.starts_at).total_seconds() / 60),
            confirmed_at=b.confirmed_at,
            opleidingsniveau=levels.get(b.reference),
        )
        for b in bookings
    ]


def education_of(session: Session, references: set[str]) -> dict[str, str]:
    """The education level recorded with the latest decision that led to each booking."""
    if not references:
        return {}
    rows = session.execute(
        select(Referral.booking_reference, Referral.facts)
        .where(Referral.booking_reference.in_(sorted(references)))
        .order_by(Referral.created_at, Referral.id))
    levels: dict[str, str] = {}
    for reference, facts in rows:
        level = (facts or {}).get("opleidingsniveau")
        if level:
            levels[reference] = level
    return levels


def started_conversations(session: Session, period: Period) -> set[str]:
    """Sender ids with a session start or a message in the period, from Rasa's tracker store.
    Rasa stamps events with the machine's clock, not the reference date (VERWIJZING_PEILDATUM)."""
    if not inspect(session.connection()).has_table(RASA_EVENTS):
        return set()  # Rasa has stored nothing on this database yet
    since, until = period.utc_bounds()
    rows = session.scalars(
        select(EVENTS.c.sender_id).distinct().where(
            EVENTS.c.type_name.in_(STARTED_EVENTS),
            EVENTS.c.timestamp >= since.timestamp(), EVENTS.c.timestamp < until.timestamp())
    )
    return set(rows)


def load_dashboard(session: Session, day: dt.date, period: Period | None = None) -> Dashboard:
    period = period or Period.weeks_up_to(day)
    decisions = decision_rows(session, period)
    references = {d.booking_reference for d in decisions if d.booking_reference}
    bookings = booking_rows(session, period, references)
    return build_dashboard(day, period, decisions, bookings, started_conversations(session, period),
                           case_rows(session, period))


def case_rows(session: Session, period: Period) -> list[CaseRow]:
    """The cases asked for in the period (a case asked again counts at its last time)."""
    since, until = period.utc_bounds()
    cases = session.scalars(select(Case).where(Case.asked_at >= since, Case.asked_at < until))
    return [CaseRow(c.conversation_id, c.channel, c.status, c.asked_at, c.taken_at, c.daypart) for c in cases]



def main(argv: list[str] | None = None) -> int:
    """`python -m verwijzing.monitoring.queries [YYYY-MM-DD]`: the dashboard's figures on the
    configured database (DATABASE_URL), as JSON, for the reference date or the one given."""
    import json
    import sys

    from verwijzing.config import settings
    from verwijzing.store import make_engine, make_sessionmaker

    args = sys.argv[1:] if argv is None else argv
    config = settings()
    day = dt.date.fromisoformat(args[0]) if args else config.peildatum
    engine = make_engine(config.database_url)
    try:
        with make_sessionmaker(engine)() as session:
            print(json.dumps(summary(load_dashboard(session, day)), ensure_ascii=False, indent=1))
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
