"""The counsellor is told at once: an e-mail with a calendar invitation on every booking, move
and cancellation, queued in the mail outbox in the booking's own transaction (so it goes out if
and only if the change was committed).

The invitation has one UID per booking (`ics.uid_of`), so the counsellor's calendar app keeps one
event and replaces it: METHOD REQUEST for a new or moved booking, CANCEL for a cancellation, and
a SEQUENCE that rises with each change (the number of moves; a cancellation one more). What it
says: when, how, where, the reference. Never who: no name, phone or national number of the
citizen (the issue allows the phone only with the citizen's consent, which is not asked yet).
"""
from __future__ import annotations

import datetime as dt
from email.utils import parseaddr

from icalendar import Event
from sqlalchemy.orm import Session

import verwijzing.booking.queries as queries
from verwijzing.booking.texts import COUNSELLOR_MODALITY_WORDS
from verwijzing.booking.views import place_of
from verwijzing.config import settings
from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS, weekday_date_words
from verwijzing.notify import ics
from verwijzing.notify.mail import queue_mail
from verwijzing.store.models import Booking, Counsellor, Slot

BOOKED, MOVED, CANCELLED = "geboekt", "verplaatst", "geannuleerd"
_SUBJECT = {BOOKED: "Nieuwe afspraak", MOVED: "Afspraak verplaatst", CANCELLED: "Afspraak geannuleerd"}
_WHAT = {
    # Not "of the loopbaankrediet": until 2027 a booking is on the transitional cheque.
    BOOKED: "Iemand boekte een eerste gesprek bij jou.",
    MOVED: "Een afspraak bij jou is verplaatst. Dit is het nieuwe moment.",
    CANCELLED: "Deze afspraak gaat niet door. Het moment is weer vrij.",
}


def _when(slot: Slot) -> str:
    starts, ends = slot.starts_at.astimezone(BRUSSELS), slot.ends_at.astimezone(BRUSSELS)
    return f"{weekday_date_words(starts.date())}, van {starts:%H:%M} tot {ends:%H:%M}"


def _how_where(booking: Booking, slot: Slot) -> tuple[str, str | None]:
    """How the session goes, and where (only on the booking's own slot: the old slot of a move to
    another counsellor names no place)."""
    return COUNSELLOR_MODALITY_WORDS[Modality(booking.modality)], place_of(booking) if slot is booking.slot else None


def notice_text(kind: str, counsellor: Counsellor, booking: Booking, slot: Slot, agenda_link: str) -> tuple[str, str]:
    """(subject, body) of the e-mail."""
    reference = booking.reference
    how, place = _how_where(booking, slot)
    starts = slot.starts_at.astimezone(BRUSSELS)
    subject = f"{_SUBJECT[kind]} {reference} op {weekday_date_words(starts.date(), year=False)} om {starts:%H:%M}"
    body = (f"Dag {counsellor.name},\n\n{_WHAT[kind]}\n\n"
            f"Wanneer: {_when(slot)}\n"
            f"Hoe: {how}{f' ({place})' if place else ''}\n"
            f"Referentie: {reference}\n\n"
            f"Je agenda: {agenda_link}\n"
            "In de bijlage zit de afspraak voor je eigen agenda.\n")
    return subject, body


def counsellor_event(booking: Booking, *, slot: Slot | None = None, stamp: dt.datetime, sequence: int) -> Event:
    """The booking as an event in the counsellor's calendar (the e-mailed invitation and the feed
    alike): when, the reference, how, where; never who."""
    slot = slot or booking.slot
    how, place = _how_where(booking, slot)
    return ics.booking_event(
        reference=booking.reference, starts_at=slot.starts_at, ends_at=slot.ends_at, stamp=stamp, sequence=sequence,
        summary=f"Loopbaanbegeleiding {booking.reference} ({how})", location=place or how,
        description=f"Een eerste gesprek over de loopbaan. De code van de afspraak is {booking.reference}.")


def notify_counsellor(session: Session, booking: Booking, kind: str, now: dt.datetime, *,
                      slot: Slot | None = None) -> bool:
    """Queue the notice of `kind` about `booking` (on `slot`, default its own: a move to another
    counsellor also cancels the old slot's event with that one). False when the counsellor has
    no e-mail address (a counsellor from before the register)."""
    slot = slot or booking.slot
    counsellor = slot.counsellor
    if not counsellor.email:
        return False
    found = settings()
    moves = queries.times_moved(session, booking.reference)
    event = counsellor_event(booking, slot=slot, stamp=now, sequence=moves + (1 if kind == CANCELLED else 0))
    method = "CANCEL" if kind == CANCELLED else "REQUEST"
    organizer = parseaddr(found.mail_from)[1] or "noreply@localhost"
    subject, body = notice_text(kind, counsellor, booking, slot, f"{found.public_base_url.rstrip('/')}/staff/agenda")
    queue_mail(session, to=counsellor.email, subject=subject, text=body, at=now,
               calendar=ics.invitation(event, method=method, organizer=organizer, attendee=counsellor.email),
               calendar_method=method)
    return True
