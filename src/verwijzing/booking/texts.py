"""Everything about a booking that a citizen reads, in plain Dutch (B1, "je"). Dates are written
out by hand so the text does not depend on the machine's locale."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from verwijzing.booking.figures import hours
from verwijzing.dutch import MONTHS, WEEKDAYS
from verwijzing.store.models import Modality

BRUSSELS = ZoneInfo("Europe/Brussels")
MODALITY_WORDS = {
    Modality.OP_LOCATIE: "op kantoor",
    Modality.ONLINE: "online (videogesprek)",
    Modality.TELEFOON: "aan de telefoon",
}


def clock(moment: dt.datetime) -> str:
    local = moment.astimezone(BRUSSELS)
    return f"{local.hour} uur" if local.minute == 0 else f"{local.hour}.{local.minute:02d} uur"


def when(moment: dt.datetime) -> str:
    """"dinsdag 8 december om 9 uur"."""
    local = moment.astimezone(BRUSSELS)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} om {clock(local)}"


def offer_label(starts_at: dt.datetime, counsellor: str, modality: Modality, place: str | None) -> str:
    where = f"{MODALITY_WORDS[modality]} in {place}" if place else MODALITY_WORDS[modality]
    return f"{when(starts_at)}, met {counsellor}, {where}"


def window_words(window: dt.timedelta) -> str:
    whole_hours = window.total_seconds() / 3600
    return f"{whole_hours:g} uur"


def confirmation_sms(reference: str, starts_at: dt.datetime, counsellor: str,
                     modality: Modality, place: str | None, window: dt.timedelta) -> str:
    where = f"{MODALITY_WORDS[modality]} ({place})" if place else MODALITY_WORDS[modality]
    return (
        f"Je afspraak voor loopbaanbegeleiding staat vast: {when(starts_at)}, met {counsellor}, "
        f"{where}. Referentie: {reference}. Kan je niet? Annuleer dan ten laatste "
        f"{window_words(window)} vooraf."
    )


def moved_sms(reference: str, starts_at: dt.datetime, counsellor: str,
              modality: Modality, place: str | None) -> str:
    where = f"{MODALITY_WORDS[modality]} ({place})" if place else MODALITY_WORDS[modality]
    return (
        f"Je afspraak {reference} is verplaatst naar {when(starts_at)}, met {counsellor}, {where}."
    )


def cancelled_sms(reference: str, refunded_minutes: int) -> str:
    back = f" De {hours(refunded_minutes)} uur staan terug op je krediet." if refunded_minutes else ""
    return f"Je afspraak {reference} is geannuleerd.{back}"


def cancel_message(refunded_minutes: int, window: dt.timedelta, was_confirmed: bool) -> str:
    if not was_confirmed:
        return "Je reservering is geannuleerd. Er gingen geen uren van je krediet af."
    if refunded_minutes:
        return f"Je afspraak is geannuleerd. De {hours(refunded_minutes)} uur staan terug op je krediet."
    # No source has a rule on late cancelling (policy: kosteloos_annuleren_uren is `unknown`):
    # say what this service does, and that it is not a rule of the government.
    return (
        f"Je afspraak is geannuleerd. Je annuleerde minder dan {window_words(window)} vooraf. "
        "Daarom krijg je de uren van dit blok voorlopig niet terug. Dat is een afspraak van deze "
        "dienst, geen regel van de overheid: dit is onder voorbehoud."
    )


def not_enough_credit(remaining_minutes: int, block: int) -> str:
    if remaining_minutes <= 0:
        return (
            "Je loopbaankrediet is op: je hebt alle uren al gebruikt. "
            "Bij VDAB kan je nog gratis testen wat je goed kunt en advies krijgen over werk en opleiding."
        )
    return (
        f"Je hebt nog {hours(remaining_minutes)} uur krediet over, en een blok duurt "
        f"{hours(block)} uur. Daarom kan je geen nieuw blok boeken."
    )
