"""Finding referrals for the staff console: filters, one page of the list, the export, one
referral with its booking, and the stored conversation behind it.

"Asked for a person" is read from Rasa's own stored events (the SQL tracker store's `events`
table, on the same database), not kept on the referral: the hand-over happens in Rasa's rules
(intent mens_spreken → utter_mens) as well as in our actions (the menu's "0", a form or the
fallback giving up → utter_mens / utter_opgegeven), before or after the decision, and the events
are the one place that sees all of them. A conversation the person erased ("Wis mijn gesprek")
then shows no hand-over and no transcript, which is what erasing means.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    and_,
    column,
    exists,
    false,
    func,
    inspect,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session

from verwijzing.decision.facts import Route
from verwijzing.enums import BookingStatus, Channel
from verwijzing.nl_be import BRUSSELS
from verwijzing.referrals.record import BOOKING_STATUSES, STATUSES, status_of
from verwijzing.store.conversations import RASA_EVENTS
from verwijzing.store.models import Booking, Referral

PAGE_SIZE = 50
# What a person asking for a person leaves in Rasa's events: the intent, and the two responses
# that hand over (said by a rule as an action, or by our actions as a bot message).
HANDOFF_INTENT = "mens_spreken"
HANDOFF_RESPONSES = ("utter_mens", "utter_opgegeven")

_events = table(RASA_EVENTS, column("id"), column("sender_id"), column("type_name"), column("timestamp"),
                column("intent_name"), column("action_name"), column("data"))


class FilterError(ValueError):
    """A filter value that cannot be used; the message is plain Dutch for staff."""


@dataclass(frozen=True)
class ReferralFilter:
    reference: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    route: str = ""
    status: str = ""
    channel: str = ""
    asked_for_person: bool = False

    def as_query(self) -> dict[str, str]:
        """The GET parameters that give this filter back (for paging and the export link)."""
        values = {"referentie": self.reference, "van": self.since.isoformat() if self.since else "",
                  "tot": self.until.isoformat() if self.until else "", "route": self.route,
                  "status": self.status, "kanaal": self.channel, "mens": "1" if self.asked_for_person else ""}
        return {k: v for k, v in values.items() if v}


def _date(raw: str, label: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise FilterError(f"{label}: geef een datum als JJJJ-MM-DD, bijvoorbeeld 2027-02-01.") from None


def _choice(raw: str, allowed: Mapping[str, str] | tuple[str, ...], label: str) -> str:
    raw = raw.strip()
    if raw and raw not in allowed:
        raise FilterError(f"{label}: onbekende keuze.")
    return raw


def parse_filter(query: Mapping[str, str]) -> ReferralFilter:
    """The list's GET form, checked. Raises FilterError naming the field."""
    since, until = _date(query.get("van", ""), "Van"), _date(query.get("tot", ""), "Tot")
    if since and until and since > until:
        raise FilterError("Tot: die datum ligt vóór de van-datum.")
    return ReferralFilter(
        reference="".join(query.get("referentie", "").split()).upper()[:7],
        since=since, until=until,
        route=_choice(query.get("route", ""), tuple(r.value for r in Route), "Route"),
        status=_choice(query.get("status", ""), STATUSES, "Status"),
        channel=_choice(query.get("kanaal", ""), tuple(c.value for c in Channel), "Kanaal"),
        asked_for_person=query.get("mens", "") in ("1", "on", "ja"),
    )


def has_conversations(engine: Engine) -> bool:
    """Rasa creates its table on first use: a database it never saw has none."""
    return inspect(engine).has_table(RASA_EVENTS)


def handoff_condition(sender_id: Any) -> ColumnElement[bool]:
    """Rasa's events of `sender_id` hold a hand-over to a person. The response name is matched
    quoted, as the JSON holds it (`"utter_action": "utter_mens"`), so a longer name does not count."""
    return exists().where(
        _events.c.sender_id == sender_id,
        or_(
            _events.c.intent_name == HANDOFF_INTENT,
            _events.c.action_name.in_(HANDOFF_RESPONSES),
            and_(_events.c.type_name == "bot",
                 or_(*(_events.c.data.like(f'%"{name}"%') for name in HANDOFF_RESPONSES))),
        ),
    )


def _asked(conversations: bool) -> ColumnElement[bool]:
    if not conversations:
        return false().label("vroeg_mens")
    return and_(Referral.conversation_id.is_not(None), handoff_condition(Referral.conversation_id)).label("vroeg_mens")


def _status_condition(status: str) -> ColumnElement[bool]:
    booked = {label: value for value, label in BOOKING_STATUSES.items()}
    if status in booked:
        return Booking.status == booked[status]
    no_booking = or_(Booking.status.is_(None), Booking.status.not_in(tuple(BOOKING_STATUSES)))
    return and_(no_booking, Referral.in_aanmerking.is_(status == "in_aanmerking"))


def _brussels_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), BRUSSELS)


# (referral, its booking's status, asked for a person); the status is None without a booking (outer join).
def _query(filters: ReferralFilter, conversations: bool) -> Select[Referral, str | None, bool]:
    asked = _asked(conversations)
    query = (select(Referral, Booking.status.label("booking_status"), asked)
             .outerjoin(Booking, Booking.reference == Referral.booking_reference))
    if filters.reference:
        query = query.where(Referral.booking_reference.contains(filters.reference, autoescape=True))
    if filters.since:
        query = query.where(Referral.created_at >= _brussels_midnight(filters.since))
    if filters.until:
        query = query.where(Referral.created_at < _brussels_midnight(filters.until + dt.timedelta(days=1)))
    if filters.route:
        query = query.where(Referral.route == filters.route)
    if filters.channel:
        query = query.where(Referral.channel == filters.channel)
    if filters.status:
        query = query.where(_status_condition(filters.status))
    if filters.asked_for_person:
        query = query.where(asked if conversations else false())
    return query


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    booking_status: str | None
    asked_for_person: bool

    @property
    def status(self) -> str:
        return status_of(self.referral.in_aanmerking, self.booking_status)

    @property
    def local_time(self) -> dt.datetime:
        return self.referral.created_at.astimezone(BRUSSELS)


def _rows(session: Session, query: Select[Referral, str | None, bool]) -> list[ReferralRow]:
    return [ReferralRow(referral, status, bool(asked)) for referral, status, asked in session.execute(query)]


def search(session: Session, filters: ReferralFilter, *, page: int, conversations: bool,
           page_size: int = PAGE_SIZE) -> tuple[int, list[ReferralRow]]:
    """How many referrals match, and the `page`-th page of them (from 1), newest first."""
    query = _query(filters, conversations)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    ordered = query.order_by(Referral.created_at.desc(), Referral.id.desc())
    return total, _rows(session, ordered.offset((max(page, 1) - 1) * page_size).limit(page_size))


def export_rows(session: Session, filters: ReferralFilter, *, conversations: bool,
                batch: int = 500) -> Iterator[ReferralRow]:
    """Every matching referral, newest first, read in batches."""
    ordered = _query(filters, conversations).order_by(Referral.created_at.desc(), Referral.id.desc())
    offset = 0
    while True:
        rows = _rows(session, ordered.offset(offset).limit(batch))
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


@dataclass(frozen=True)
class BookingSummary:
    reference: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    counsellor: str
    modality: str

    @property
    def cancelled(self) -> bool:
        return self.status == BookingStatus.CANCELLED.value


def one(session: Session, referral_id: int, *, conversations: bool) -> tuple[ReferralRow, BookingSummary | None] | None:
    """One referral with its booking (None when there is no such referral)."""
    found = _rows(session, _query(ReferralFilter(), conversations).where(Referral.id == referral_id))
    if not found:
        return None
    row = found[0]
    booking = None
    if row.referral.booking_reference:
        stored = session.scalars(select(Booking).where(Booking.reference == row.referral.booking_reference)).first()
        if stored is not None:
            booking = BookingSummary(stored.reference, stored.status, stored.slot.starts_at.astimezone(BRUSSELS),
                                     stored.slot.ends_at.astimezone(BRUSSELS), stored.slot.counsellor.name,
                                     stored.modality)
    return row, booking


def conversation_events(engine: Engine, sender_id: str) -> list[dict[str, Any]]:
    """Rasa's stored events of one conversation, oldest first, as Rasa wrote them (already
    redacted by the tracker store; the console redacts again when it shows them)."""
    if not has_conversations(engine):
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            select(_events.c.data).where(_events.c.sender_id == sender_id).order_by(_events.c.id)).scalars()
        events = []
        for raw in rows:
            try:
                event = json.loads(raw or "{}")
            except ValueError:
                continue  # a row Rasa did not write as JSON: nothing a reader could use
            if isinstance(event, dict):
                events.append(event)
        return events


def asked_for_person(events: list[dict[str, Any]]) -> bool:
    """The same test as handoff_condition, on events read into Python."""
    for event in events:
        kind = event.get("event")
        if kind == "user" and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == HANDOFF_INTENT:
            return True
        if kind == "action" and event.get("name") in HANDOFF_RESPONSES:
            return True
        if kind == "bot" and (event.get("metadata") or {}).get("utter_action") in HANDOFF_RESPONSES:
            return True
    return False

