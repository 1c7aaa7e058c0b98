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
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{reference}@verwijzing")
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", starts_at.astimezone(BRUSSELS))
    event.add("dtend", ends_at.astimezone(BRUSSELS))
    event.add("summary", f"Loopbaanbegeleiding met {counsellor} ({reference})")
    event.add("location", location)
    event.add(
        "description",
        f"Je afspraak voor loopbaanbegeleiding. Referentie: {reference}. "
        "Annuleren of verplaatsen kan met deze referentie.",
    )
    calendar.add_component(event)
    # Adds the VTIMEZONE for Europe/Brussels, so clients without that zone still get the hour right.
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical's return unannotated
    return ical
