"""A counsellor's hours into bookable moments (slots), from today to a number of weeks ahead:
run by the worker for every counsellor with hours, and at once when a counsellor saves them.

What changes, and what never does:
- a moment the hours give that is not there yet is added (unless it would overlap a booked one);
- a free moment the hours no longer give is withdrawn: deleted when nobody ever booked it, else
  marked withdrawn (an old, cancelled booking keeps its history);
- a free moment whose window changed (its ways of working, place, or the counsellor's notice) is
  updated in place;
- a **booked** moment is never changed or removed. When the hours no longer give it, it is a
  *conflict*: shown to the counsellor (their agenda page) to resolve, never solved by us.

A moment that overlaps a busy time of the counsellor's own calendar (counsellors/busy.py, passed
in as `busy`) is not offered, or withdrawn like one the hours no longer give; a booked one stays,
and is no conflict for that. Only days the counsellor's mandate and qualification cover get
moments; moments already started are left alone. Idempotent: a second run with the same hours
changes nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, select, update
from sqlalchemy.orm import Session, lazyload

from verwijzing.booking.checks import valid_on
from verwijzing.counsellors.availability import (
    Hours,
    Interval,
    Moment,
    Window,
    modalities_of,
    modalities_text,
    moments,
    overlaps,
)
from verwijzing.enums import ACTIVE_STATUSES
from verwijzing.nl_be import BRUSSELS
from verwijzing.store.engine import insert_for
from verwijzing.store.models import AvailabilityWindow, Booking, Counsellor, Slot

BlockOf = Callable[[dt.date], dt.timedelta]


@dataclass
class SyncResult:
    added: int = 0
    updated: int = 0
    withdrawn: int = 0
    # (slot id, booking reference) of booked moments the hours no longer give
    conflicts: list[tuple[int, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"moments_added": self.added, "moments_updated": self.updated, "moments_withdrawn": self.withdrawn,
                "conflicts": len(self.conflicts)}

    def __iadd__(self, other: SyncResult) -> SyncResult:
        self.added += other.added
        self.updated += other.updated
        self.withdrawn += other.withdrawn
        self.conflicts += other.conflicts
        return self


def hours_of(rows: Iterable[AvailabilityWindow]) -> Hours:
    weekly: dict[int, list[Window]] = defaultdict(list)
    overrides: dict[dt.date, list[Window]] = defaultdict(list)
    for row in rows:
        if row.day is not None:
            days = overrides[row.day]  # a day off is the override without windows
            if row.starts is not None and row.ends is not None:
                days.append(Window(row.starts, row.ends, modalities_of(row.modalities), row.location))
        elif row.weekday is not None and row.starts is not None and row.ends is not None:
            weekly[row.weekday].append(Window(row.starts, row.ends, modalities_of(row.modalities), row.location))
    return Hours(dict(weekly), dict(overrides))


def counsellors_with_hours(session: Session) -> list[int]:
    statement = select(AvailabilityWindow.counsellor_id).distinct().order_by(AvailabilityWindow.counsellor_id)
    return list(session.scalars(statement))


def sync_moments(session: Session, counsellor_ids: Sequence[int], now: dt.datetime, weeks: int, block_of: BlockOf,
                 *, busy: Mapping[int, Sequence[Interval]] | None = None) -> SyncResult:
    """Bring the moments of these counsellors in line with their hours, from `now` to `weeks`
    weeks ahead. Reads everything in a few queries for the whole batch (the worker passes
    hundreds of counsellors at a time). The caller commits."""
    result = SyncResult()
    if not counsellor_ids:
        return result
    today = now.astimezone(BRUSSELS).date()
    last_day = today + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    ids = list(counsellor_ids)
    # Locked, in id order, before their hours are read: a counsellor saving new hours meanwhile
    # (hours.py locks the same row) waits, so old hours can never undo new ones.
    counsellors = {c.id: c for c in session.scalars(
        select(Counsellor).where(Counsellor.id.in_(ids)).order_by(Counsellor.id).with_for_update())}
    windows: dict[int, list[AvailabilityWindow]] = defaultdict(list)
    for row in session.scalars(select(AvailabilityWindow).where(AvailabilityWindow.counsellor_id.in_(ids))):
        windows[row.counsellor_id].append(row)
    ahead = (Slot.counsellor_id.in_(ids), Slot.starts_at > now, Slot.day <= last_day)
    slots: dict[int, list[Slot]] = defaultdict(list)
    # Without the slot's eager join to its counsellor: the counsellors are loaded above.
    for slot in session.scalars(select(Slot).where(*ahead).order_by(Slot.starts_at).options(lazyload(Slot.counsellor))):
        slots[slot.counsellor_id].append(slot)
    # Every booking on these moments (by the counsellors, not a list of thousands of slot ids):
    # the active ones are the moments never to touch; any one keeps a moment's history.
    booked: dict[int, str] = {}
    ever_booked: set[int] = set()
    active = {s.value for s in ACTIVE_STATUSES}
    for slot_id, reference, status in session.execute(
            select(Booking.slot_id, Booking.reference, Booking.status).join(Slot, Slot.id == Booking.slot_id)
            .where(*ahead)):
        ever_booked.add(slot_id)
        if status in active:
            booked[slot_id] = reference

    inserts: list[dict[str, object]] = []
    for counsellor_id in ids:
        counsellor = counsellors.get(counsellor_id)
        if counsellor is None:
            continue
        own_hours, own_busy = hours_of(windows[counsellor_id]), (busy or {}).get(counsellor_id, ())
        wanted = [m for m in moments(own_hours, today, last_day, block_of, busy=own_busy)
                  if m.starts_at > now and valid_on(counsellor, m.day)]
        # Only the hours make a booked moment a conflict, not a busy time: the counsellor's own
        # calendar may well hold that very booking (from its invitation).
        given = wanted if not own_busy else [m for m in moments(own_hours, today, last_day, block_of)
                                             if m.starts_at > now and valid_on(counsellor, m.day)]
        notice = dt.timedelta(hours=counsellor.min_notice_hours)
        result += _apply(session, counsellor_id, wanted, given, slots[counsellor_id], booked, ever_booked, notice,
                         inserts)
    if inserts:
        insert = insert_for(session)
        session.execute(insert(Slot).on_conflict_do_nothing(index_elements=["counsellor_id", "starts_at"]), inserts)
    return result


def _apply(session: Session, counsellor_id: int, wanted: list[Moment], given: list[Moment], existing: list[Slot],
           booked: dict[int, str], ever_booked: set[int], notice: dt.timedelta,
           inserts: list[dict[str, object]]) -> SyncResult:
    """`wanted`: the moments to offer; `given`: those the hours give, busy or not."""
    result = SyncResult()
    by_start = {slot.starts_at: slot for slot in existing}
    wanted_at = {m.starts_at: m for m in wanted}
    given_at = {m.starts_at: m for m in given}
    kept_booked: list[Interval] = []
    gone_ids: list[int] = []
    withdraw_ids: list[int] = []
    for slot in existing:
        moment = wanted_at.get(slot.starts_at)
        if slot.id in booked:
            kept_booked.append((slot.starts_at, slot.ends_at))
            in_hours = given_at.get(slot.starts_at)
            if in_hours is None or in_hours.ends_at != slot.ends_at:
                result.conflicts.append((slot.id, booked[slot.id]))
            continue
        if moment is None:
            if slot.id in ever_booked:
                if not slot.withdrawn:
                    withdraw_ids.append(slot.id)
            else:
                gone_ids.append(slot.id)
            continue
        values = {"ends_at": moment.ends_at, "modalities": modalities_text(moment.modalities),
                  "location": moment.location, "bookable_until": moment.starts_at - notice, "withdrawn": False}
        if any(getattr(slot, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(slot, name, value)
            result.updated += 1
    if gone_ids:
        session.execute(delete(Slot).where(Slot.id.in_(gone_ids), ~exists().where(Booking.slot_id == Slot.id)))
    if withdraw_ids:
        session.execute(update(Slot).where(Slot.id.in_(withdraw_ids)).values(withdrawn=True))
    result.withdrawn += len(gone_ids) + len(withdraw_ids)
    for moment in wanted:
        if moment.starts_at in by_start or overlaps(moment, kept_booked):
            continue
        inserts.append({"counsellor_id": counsellor_id, "day": moment.day, "starts_at": moment.starts_at,
                        "ends_at": moment.ends_at, "modalities": modalities_text(moment.modalities),
                        "location": moment.location, "bookable_until": moment.starts_at - notice,
                        "withdrawn": False})
        result.added += 1
    return result
