"""A calendar invite (.ics) for a booking. It names the counsellor, the time and the reference;
never the citizen."""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from verwijzing.nl_be import BRUSSELS

PRODID = "-//verwijzing//loopbaanbegeleiding//NL"


def booking_invite(
    *,
    reference: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    counsellor: str,
    location: str,
    stamp: dt.datetime,
    sequence: int = 0,
) -> bytes:
    """`location` is the office for op_locatie, else "online" or "telefoon". `sequence` goes up
    with every move of the booking, so calendar apps replace the old event (same UID)."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(booking_event(
        reference=reference, starts_at=starts_at, ends_at=ends_at, stamp=stamp, sequence=sequence,
        summary=f"Loopbaanbegeleiding met {counsellor} ({reference})", location=location,
        description=f"Je afspraak voor loopbaanbegeleiding. Referentie: {reference}. "
                    "Annuleren of verplaatsen kan met deze referentie."))
    return _ical(calendar)


def uid_of(reference: str) -> str:
    """One event per booking, in every calendar it is in: a move or a cancellation replaces it."""
    return f"{reference}@verwijzing"


def booking_event(*, reference: str, starts_at: dt.datetime, ends_at: dt.datetime, stamp: dt.datetime,
                  sequence: int, summary: str, location: str, description: str) -> Event:
    event = Event()
    event.add("uid", uid_of(reference))
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", starts_at.astimezone(BRUSSELS))
    event.add("dtend", ends_at.astimezone(BRUSSELS))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    return event


def invitation(event: Event, *, method: str, organizer: str, attendee: str) -> str:
    """An iTIP message (RFC 5546) for one attendee: METHOD REQUEST (a new or moved booking) or
    CANCEL, with the organizer and attendee a calendar app needs to file it."""
    event.add("organizer", f"mailto:{organizer}")
    event.add("attendee", f"mailto:{attendee}", parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    calendar = _calendar(method)
    calendar.add_component(event)
    return _ical(calendar).decode()


def feed(events: list[Event], name: str) -> bytes:
    """A subscribable calendar (METHOD PUBLISH) of booked blocks."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    return _ical(calendar)


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _ical(calendar: Calendar) -> bytes:
    # Adds the VTIMEZONE for Europe/Brussels, so clients without that zone still get the hour right.
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical's return unannotated
    return ical
