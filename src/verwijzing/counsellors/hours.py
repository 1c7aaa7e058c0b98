"""Keeping a counsellor's hours and the link to their own calendar, and their moments in line at
once (counsellors/moments.py), less the busy times of that calendar (counsellors/busy.py)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from verwijzing.booking import figures
from verwijzing.counsellors.availability import Hours, Interval, Window, modalities_text
from verwijzing.counsellors.busy import busy_of, forget_busy, record_read
from verwijzing.counsellors.moments import SyncResult, hours_of, sync_moments
from verwijzing.privacy.sealed import seal
from verwijzing.store.models import AvailabilityWindow, Counsellor


def block_of(day: dt.date) -> dt.timedelta:
    """How long a moment on `day` lasts: the policy's block (figures.agenda_block_minutes)."""
    return dt.timedelta(minutes=figures.agenda_block_minutes(day))


def hours(session: Session, counsellor_id: int) -> Hours:
    rows = session.scalars(select(AvailabilityWindow).where(AvailabilityWindow.counsellor_id == counsellor_id))
    return hours_of(rows)


def _row(counsellor_id: int, window: Window, *, weekday: int | None = None,
         day: dt.date | None = None) -> AvailabilityWindow:
    return AvailabilityWindow(counsellor_id=counsellor_id, weekday=weekday, day=day, starts=window.starts,
                              ends=window.ends, modalities=modalities_text(window.modalities),
                              location=window.location)


def save_weekly(session: Session, counsellor_id: int, weekly: Mapping[int, Sequence[Window]], notice_hours: int,
                now: dt.datetime, weeks: int) -> SyncResult:
    """Replace the weekly hours and the shortest notice; the moments follow."""
    counsellor = session.get(Counsellor, counsellor_id, with_for_update=True)
    if counsellor is None:
        raise LookupError(counsellor_id)
    counsellor.min_notice_hours = notice_hours
    session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.counsellor_id == counsellor_id,
                                                     AvailabilityWindow.weekday.is_not(None)))
    session.add_all(_row(counsellor_id, w, weekday=d) for d, windows in weekly.items() for w in windows)
    session.flush()
    return _sync(session, counsellor_id, now, weeks)


def save_override(session: Session, counsellor_id: int, day: dt.date, window: Window | None, now: dt.datetime,
                  weeks: int) -> SyncResult:
    """Other hours on one date (`window`), or a day off (None), instead of the weekly hours."""
    session.get(Counsellor, counsellor_id, with_for_update=True)
    session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.counsellor_id == counsellor_id,
                                                     AvailabilityWindow.day == day))
    session.add(_row(counsellor_id, window, day=day) if window is not None else AvailabilityWindow(
        counsellor_id=counsellor_id, day=day, modalities=""))
    session.flush()
    return _sync(session, counsellor_id, now, weeks)


def remove_override(session: Session, counsellor_id: int, day: dt.date, now: dt.datetime, weeks: int) -> SyncResult:
    session.get(Counsellor, counsellor_id, with_for_update=True)
    session.execute(delete(AvailabilityWindow).where(AvailabilityWindow.counsellor_id == counsellor_id,
                                                     AvailabilityWindow.day == day))
    session.flush()
    return _sync(session, counsellor_id, now, weeks)


def link_calendar(session: Session, counsellor_id: int, url: str, busy: list[Interval], seal_key: bytes,
                  now: dt.datetime, weeks: int) -> SyncResult:
    """Link the counsellor's own calendar (its address checked and read once by the caller, outside
    the transaction: `busy` is what that read found); the moments follow."""
    counsellor = session.get(Counsellor, counsellor_id, with_for_update=True)
    if counsellor is None:
        raise LookupError(counsellor_id)
    counsellor.busy_calendar_sealed = seal(url, seal_key)
    record_read(session, counsellor_id, busy, now)
    session.flush()
    return _sync(session, counsellor_id, now, weeks)


def unlink_calendar(session: Session, counsellor_id: int, now: dt.datetime, weeks: int) -> SyncResult:
    """Forget the calendar and its busy times: the hours alone count again."""
    counsellor = session.get(Counsellor, counsellor_id, with_for_update=True)
    if counsellor is None:
        raise LookupError(counsellor_id)
    counsellor.busy_calendar_sealed = counsellor.busy_problem = None
    counsellor.busy_checked_at = None
    forget_busy(session, counsellor_id)
    session.flush()
    return _sync(session, counsellor_id, now, weeks)


def _sync(session: Session, counsellor_id: int, now: dt.datetime, weeks: int) -> SyncResult:
    return sync_moments(session, [counsellor_id], now, weeks, block_of, busy=busy_of(session, [counsellor_id]))
