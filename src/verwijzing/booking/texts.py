"""Everything about a booking that a citizen reads, in plain Dutch (B1, "je"). Dates are written
out by hand so the text does not depend on the machine's locale."""
from __future__ import annotations

import datetime as dt

from verwijzing.booking.figures import hours
from verwijzing.enums import BookingStatus, Modality
from verwijzing.nl_be import BRUSSELS, weekday_date_words
from verwijzing.policy import load_policy

MODALITY_WORDS = {
    Modality.OP_LOCATIE: "op kantoor",
    Modality.ONLINE: "online (videogesprek)",
    Modality.TELEFOON: "aan de telefoon",
}
# The same ways of working in the register's own words, for the counsellors (their console, their
# e-mails and calendar): the words of their register file (docs/counsellors.md).
# (A StrEnum key also finds the plain value: COUNSELLOR_MODALITY_WORDS["online"].)
COUNSELLOR_MODALITY_WORDS = {
    Modality.OP_LOCATIE: "op locatie",
    Modality.ONLINE: "online",
    Modality.TELEFOON: "telefoon",
}


def clock(moment: dt.datetime) -> str:
    local = moment.astimezone(BRUSSELS)
    return f"{local.hour} uur" if local.minute == 0 else f"{local.hour}.{local.minute:02d} uur"


def when(moment: dt.datetime) -> str:
    """"dinsdag 8 december om 9 uur"."""
    local = moment.astimezone(BRUSSELS)
    return f"{weekday_date_words(local, year=False)} om {clock(local)}"


def offer_label(starts_at: dt.datetime, counsellor: str, modality: Modality, place: str | None,
                distance_km: int | None = None) -> str:
    """"dinsdag 8 december om 9 uur, met Els V., op kantoor in Gent, ongeveer 12 km van je"."""
    where = f"{MODALITY_WORDS[modality]} in {place}" if place else MODALITY_WORDS[modality]
    return f"{when(starts_at)}, met {counsellor}, {where}{distance_words(distance_km)}"


def distance_words(distance_km: int | None, *, for_staff: bool = False) -> str:
    """How far the office is, from centre to centre of the municipalities (places/distance.py):
    to the person, or (`for_staff`) about the person to a consulent."""
    if distance_km is None or distance_km < 0:
        return ""
    if distance_km == 0:
        return ", in de eigen gemeente van de persoon" if for_staff else ", in je eigen gemeente"
    return f", ongeveer {distance_km} km {'van de persoon' if for_staff else 'van je'}"


def location(counsellor: str, place: str | None, modality: str) -> str:
    """Where the appointment is, as the confirmation says it ("kantoor Els V., 9000")."""
    return f"kantoor {counsellor}, {place}" if place else modality


def window_words(window: dt.timedelta) -> str:
    whole_hours = window.total_seconds() / 3600
    return f"{whole_hours:g} uur"


def confirmation_sms(reference: str, starts_at: dt.datetime, counsellor: str,
                     modality: Modality, place: str | None) -> str:
    # No source sets a time limit for cancelling (kosteloos_annuleren_uren is `unknown`): the SMS
    # asks for what helps everyone and promises nothing.
    where = f"{MODALITY_WORDS[modality]} ({place})" if place else MODALITY_WORDS[modality]
    return (
        f"Je afspraak voor loopbaanbegeleiding staat vast: {when(starts_at)}, met {counsellor}, "
        f"{where}. Referentie: {reference}. Kan je niet? Annuleer dan zo vroeg mogelijk."
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


def _given_back(refunded_minutes: int) -> str:
    """What a cancellation that was not the person's doing gives back."""
    return (f" De {hours(refunded_minutes)} uur staan terug op je krediet." if refunded_minutes
            else " Er gaat niets af van je krediet of je loopbaancheque.")


def counsellor_gone_sms(reference: str, starts_at: dt.datetime, refunded_minutes: int) -> str:
    """A booking the register cancelled: the counsellor may no longer work with the credit then."""
    back = _given_back(refunded_minutes)
    return (
        f"Je afspraak {reference} van {when(starts_at)} gaat niet door. Je begeleider mag dan niet meer "
        f"met het loopbaankrediet werken.{back} Kies een nieuw moment: stuur 'afspraak maken' naar dit "
        "nummer. Of bel VDAB gratis: 0800 30 700."
    )


def counsellor_cancelled_sms(reference: str, starts_at: dt.datetime, refunded_minutes: int) -> str:
    """A booking the counsellor called off ("afgezegd door de begeleider")."""
    back = _given_back(refunded_minutes)
    return (
        f"Je afspraak {reference} van {when(starts_at)} gaat niet door: je begeleider kan dan niet.{back} "
        "Kies een nieuw moment: stuur 'afspraak maken' naar dit nummer. Of bel VDAB gratis: 0800 30 700."
    )


# Said to the counsellor who records a session (their agenda, gateway/staff/agenda.py).
NOT_YOUR_SESSION = "Deze afspraak staat niet in jouw agenda."
NOT_STARTED = "Dit gesprek is nog niet begonnen. Registreer het als het bezig of voorbij is."
ALREADY_STARTED = "Dit gesprek is al begonnen. Afzeggen kan alleen vooraf."
IDENTITY_MISMATCH = ("Dit rijksregisternummer hoort niet bij deze afspraak. Kijk het nummer op de identiteitskaart "
                     "nog eens na. Er is niets afgeboekt.")
IDENTITY_TRIES_USED = ("Het nummer klopte al 3 keer niet. Registreer het gesprek niet zelf: "
                       "neem contact op met VDAB.")
IDENTITY_UNKNOWN = "Bij deze afspraak is geen persoon bekend. Neem contact op met VDAB om ze te registreren."


def cancel_message(reference: str, refunded_minutes: int, window: dt.timedelta, was_confirmed: bool) -> str:
    if not was_confirmed:
        return f"Je reservering {reference} is geannuleerd. Er gingen geen uren van je krediet af."
    if refunded_minutes:
        return f"Je afspraak {reference} is geannuleerd. De {hours(refunded_minutes)} uur staan terug op je krediet."
    # No source has a rule on late cancelling (policy: kosteloos_annuleren_uren is `unknown`):
    # say what this service does, and that it is not a rule of the government.
    return (
        f"Je afspraak {reference} is geannuleerd. Je annuleerde minder dan {window_words(window)} vooraf. "
        "Daarom krijg je de uren van dit blok voorlopig niet terug. Dat is een afspraak van deze "
        "dienst, geen regel van de overheid. Welke regel de overheid kiest, weten we nog niet."
    )


# One-time codes (privacy/codes.py): proof that the person holds the phone of the booking.
def code_sms(code: str, minutes: int) -> str:
    return f"Je code voor loopbaanbegeleiding is {code}. Geef hem aan niemand. Hij geldt {minutes} minuten."


def code_sent(digits: int) -> str:
    # No part of the number: whoever typed the national number must not learn someone's phone.
    return (f"Ik stuur een sms met een code van {digits} cijfers naar het gsm-nummer van je afspraak. "
            "Zo weten we dat jij het bent.")


def code_wrong(tries_left: int) -> str:
    return f"Die code klopt niet. Je kan het nog {tries_left} keer proberen."


CODE_ENDED = "Die code geldt niet meer. Voor je veiligheid stop ik hier."
# True in both cases: no phone was given, or it was wiped once the block was over (retention).
NO_PHONE_FOR_CODE = ("Ik heb geen gsm-nummer van je om een code naar te sturen. Dan kan ik niet nagaan dat jij "
                     "het bent. "
                     "Een consulent van VDAB helpt je verder: bel gratis 0800 30 700.")


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


def cheque_confirmation_sms(reference: str, starts_at: dt.datetime, counsellor: str,
                            modality: Modality, place: str | None) -> str:
    # A cheque has no hours, and no source says what cancelling does to it: nothing promised.
    where = MODALITY_WORDS[modality] + (f" ({place})" if place else "")
    return (
        f"Je afspraak voor loopbaanbegeleiding staat vast: {when(starts_at)}, met "
        f"{counsellor}, {where}. Referentie: {reference}. Kan je niet? Annuleer de "
        "afspraak dan zo vroeg mogelijk."
    )


def cheque_released(reference: str) -> str:
    return f"Je afspraak {reference} is geannuleerd. Je kan een nieuw moment kiezen."


def cheque_refused() -> str:
    # The rule's own plain-Dutch reason, so the booking says exactly what the decision says.
    reason, _ = load_policy().outcome("al_loopbaancheque")
    return f"{reason} Daarom kan ik deze afspraak niet vastleggen. Het moment is weer vrij."


# --- why a request is refused (the message of a BookingError) ---------------------------------

ASK_POSTCODE = "Geef je postcode, dan zoek ik een begeleider in je buurt."
NO_SUCH_SLOT = "Dat moment bestaat niet (meer). Kies een ander moment."
SLOT_TAKEN = "Dat moment is net door iemand anders genomen. Kies een ander moment."
SLOT_PASSED = "Dat moment is al voorbij. Kies een ander moment."
# Said when a hold is confirmed too late: the held moment is gone, so a *new* one.
HELD_SLOT_PASSED = "Dat moment is al voorbij. Kies een nieuw moment."
HOLD_EXPIRED = "Je reservering is verlopen en het moment is intussen weg. Kies een nieuw moment."
COUNSELLOR_NOT_VALID = "Deze begeleider kan die dag niet. Kies een ander moment."
# The counsellor took the moment out of their hours, or it starts sooner than they accept.
SLOT_NOT_OFFERED = "Dat moment kan je niet meer boeken. Kies een ander moment."
NO_SUCH_BOOKING = "Ik vind geen afspraak met die referentie. Kijk de code in je sms nog eens na."
CONFIRMED_BY_SOMEONE_ELSE = "Deze afspraak is al door iemand anders bevestigd."
SOMEONE_ELSES_BOOKING = "Deze afspraak is van iemand anders."
TOO_LATE_TO_CANCEL = "Deze afspraak is al begonnen of voorbij; annuleren kan niet meer."


def modality_not_offered(modality: Modality) -> str:
    return f"Deze begeleider werkt niet {MODALITY_WORDS[modality]}. Kies een ander moment."


def too_late_to_move(window: dt.timedelta) -> str:
    # The window is this service's own choice (kosteloos_annuleren_uren is `unknown`): said as one.
    return (f"Hier verplaatsen kan tot {window_words(window)} voor je afspraak. Die tijd is voorbij. "
            "Dat is een afspraak van deze dienst. Welke regel de overheid kiest, weten we nog niet.")


def other_regime(new: str, old: str) -> str:
    """A confirmed booking cannot move to a day under another regime (labels of both regimes)."""
    return (
        f"Dat moment valt onder een andere regeling ({new}) dan je afspraak ({old}). "
        "Kies een ander moment, of annuleer je afspraak en maak een nieuwe."
    )


STATUS_WORDS = {
    BookingStatus.HELD: "Deze afspraak is nog niet bevestigd.",
    BookingStatus.CONFIRMED: "Deze afspraak is al bevestigd.",
    BookingStatus.CANCELLED: "Deze afspraak is geannuleerd.",
    BookingStatus.ATTENDED: "Deze afspraak heeft al plaatsgevonden.",
    BookingStatus.EXPIRED: "Je reservering is te oud. Kies een nieuw moment.",
    BookingStatus.NO_SHOW: "Bij deze afspraak is de persoon niet gekomen.",
}
