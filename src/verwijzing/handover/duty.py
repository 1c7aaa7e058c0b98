"""Whether a person can be handed over now: within office hours, and at least one consulent who
marked themselves available ("beschikbaar") until a time still to come.

Office hours come from VERWIJZING_KANTOORUREN ("ma-vr 08:00-16:30", Europe/Brussels): the hours
VDAB's phone line gives in the assistant's own answer (utter_mens)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from verwijzing.enums import StaffRole
from verwijzing.nl_be import BRUSSELS
from verwijzing.store.staff_models import StaffUser

DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
_DAY = "(ma|di|wo|do|vr|za|zo)"
_HOURS = re.compile(rf"^\s*{_DAY}(?:\s*-\s*{_DAY})?\s+(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)\s*$")
# Who answers hand-overs: the VDAB roles, not the counsellors.
ANSWERING_ROLES = (StaffRole.CONSULENT.value, StaffRole.BEHEERDER.value)


class BadOfficeHours(ValueError):
    pass


@dataclass(frozen=True)
class OfficeHours:
    weekdays: frozenset[int]  # Monday 0
    opens: dt.time
    closes: dt.time

    def open_at(self, at: dt.datetime) -> bool:
        local = at.astimezone(BRUSSELS)
        return local.weekday() in self.weekdays and self.opens <= local.time() < self.closes

    def closing_on(self, at: dt.datetime) -> dt.datetime:
        """Today's closing time (an availability ends with the day)."""
        local = at.astimezone(BRUSSELS)
        return dt.datetime.combine(local.date(), self.closes, BRUSSELS)


def parse_office_hours(raw: str) -> OfficeHours:
    """"ma-vr 08:00-16:30" → Monday to Friday, 8:00 to 16:30."""
    match = _HOURS.match(raw or "")
    if not match:
        raise BadOfficeHours(f"office hours look like 'ma-vr 08:00-16:30', got {raw!r}")
    first, last = DAYS.index(match.group(1)), DAYS.index(match.group(2) or match.group(1))
    try:
        opens = dt.time(int(match.group(3)), int(match.group(4)))
        # "24:00": until the end of the day.
        closes = dt.time.max if match.group(5, 6) == ("24", "00") else dt.time(int(match.group(5)), int(match.group(6)))
    except ValueError as error:
        raise BadOfficeHours(f"office hours: {error}") from None
    if first > last or opens >= closes:
        raise BadOfficeHours(f"office hours run from the first day and hour to the last, got {raw!r}")
    return OfficeHours(frozenset(range(first, last + 1)), opens, closes)


def available_staff(session: Session, at: dt.datetime) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser).where(
        StaffUser.role.in_(ANSWERING_ROLES), StaffUser.available_until > at)) or 0


def on_duty(session: Session, hours: OfficeHours, at: dt.datetime) -> bool:
    return hours.open_at(at) and available_staff(session, at) > 0


def set_available(session: Session, login: str, hours: OfficeHours, at: dt.datetime, available: bool) -> None:
    """"Beschikbaar" until the end of today's office hours (a forgotten click ends with the day)."""
    user = session.scalar(select(StaffUser).where(StaffUser.login == login))
    if user is not None:
        user.available_until = hours.closing_on(at) if available and hours.open_at(at) else None
