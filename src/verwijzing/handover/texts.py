"""What the person reads when a person takes over: plain Dutch, per channel (an SMS is short)."""
from __future__ import annotations

import datetime as dt

from verwijzing.enums import Channel
from verwijzing.handover.callback import DAYPART_WORDS, Ask, CallbackStep
from verwijzing.handover.codes import spoken_code


def handed_over(channel: Channel, place: int, code: str, typical: dt.timedelta | None) -> str:
    minutes = max(1, round(typical.total_seconds() / 60)) if typical else None
    wait = f" Meestal duurt dat ongeveer {minutes} {'minuut' if minutes == 1 else 'minuten'}." if minutes else ""
    if channel is Channel.SMS:
        return (f"Een consulent van VDAB neemt je gesprek over. Je bent nummer {place}.{wait} "
                f"Stuur gerust nog een sms. Je dossiercode is {code}.")
    return (f"Ik geef je gesprek door aan een consulent van VDAB. Je bent nummer {place} in de rij.{wait} "
            f"Je kan hier verder typen: de consulent leest je berichten. Je dossiercode is {code}. "
            "Die code kan je ook aan de balie of aan de telefoon geven.")


TAKEN = "Een consulent van VDAB leest nu mee en antwoordt zo."
BACK = "De consulent geeft je terug aan de assistent. Typ gerust verder."
CLOSED = "De consulent heeft het gesprek afgesloten. Heb je nog een vraag? Typ ze gewoon."
RECEIVED_SMS = "Je bericht is doorgegeven aan de consulent."

# ---- a call back, when nobody is there ------------------------------------------------------

CALLBACK = "terugbellen"  # what the offer's button sends (and what a person can type)
CALLBACK_OFFER = "Er is nu geen consulent vrij. Wil je dat we je terugbellen?"
CALLBACK_BUTTON = "Bel me terug"
CALLBACK_OFFER_SMS = "Er is nu geen consulent vrij. Wil je dat we je terugbellen? Stuur dan: TERUGBELLEN"
ASK_PHONE = "Op welk nummer kunnen we je bellen? Typ je gsm- of telefoonnummer, bijvoorbeeld 0470 12 34 56."
ASK_PHONE_AGAIN = "Dat nummer kan ik niet lezen. Typ het zo: 0470 12 34 56. Of typ 'stop'."
ASK_DAYPART = "Wanneer bellen we je het best? Typ 1 voor de voormiddag, 2 voor de namiddag, 3 als het niet uitmaakt."
ASK_DAYPART_AGAIN = "Typ 1, 2 of 3. 1 is de voormiddag, 2 de namiddag, 3 maakt niet uit."
GAVE_UP = "Dat lukt zo niet. Bel dan zelf gratis naar VDAB: 0800 30 700."
STOPPED = "Goed. We bellen je niet terug."


def callback_noted(daypart_words: str, code: str, texted: bool = True) -> str:
    return (f"Genoteerd. Een consulent van VDAB belt je terug op een werkdag, {daypart_words}. "
            f"Je dossiercode is {code}." + (" Je krijgt ook een sms." if texted else ""))


CALLBACK_SMS_START = "VDAB belt je terug"


def callback_sms(daypart_words: str, code: str) -> str:
    return f"{CALLBACK_SMS_START} op een werkdag, {daypart_words}. Je dossiercode is {code}."


# ---- the same on the phone: keys, and the code spelled -------------------------------------

# The keypad's "no, thanks" while asking for a call back (a phone number is never one digit).
STOP_KEY = "4"
_NO_THANKS = f"Wil je niet teruggebeld worden? Druk dan {STOP_KEY}."
VOICE_NOBODY = "Er is nu geen consulent vrij. We kunnen je terugbellen op een werkdag."
VOICE_ASK_PHONE = f"Op welk nummer kunnen we je bellen? Toets het nummer, en dan een hekje. {_NO_THANKS}"
VOICE_ASK_PHONE_AGAIN = ("Dat nummer ken ik niet. Toets het zo: nul vier zeven nul, en dan de rest van je nummer. "
                         "Druk daarna op hekje.")
VOICE_ASK_DAYPART = ("Wanneer bellen we je het best? Druk 1 voor de voormiddag. Druk 2 voor de namiddag. "
                     f"Druk 3 als het niet uitmaakt. {_NO_THANKS}")
VOICE_ASK_DAYPART_AGAIN = "Druk 1 voor de voormiddag, 2 voor de namiddag, 3 als het niet uitmaakt."
VOICE_GAVE_UP = "Dat lukt zo niet. Bel later zelf gratis naar VDAB: 0800 30 700. Dag!"


def voice_callback_noted(daypart_words: str, code: str, texted: bool = True) -> str:
    return (f"Genoteerd. Een consulent van VDAB belt je terug op een werkdag, {daypart_words}. "
            f"Je dossiercode is {spoken_code(code)}." + (" Je krijgt ook een sms met die code." if texted else "")
            + " Dag!")


def callback_said(step: CallbackStep, channel: Channel) -> str:
    """What the person is told after a message while asking for a call back, on their channel."""
    if step.ask is Ask.NOTED:
        words = DAYPART_WORDS[step.daypart] if step.daypart else ""
        return (voice_callback_noted if channel is Channel.VOICE else callback_noted)(words, step.code, step.texted)
    wording = _VOICE if channel is Channel.VOICE else _TYPED
    return wording[step.ask]


_TYPED = {Ask.PHONE: ASK_PHONE, Ask.PHONE_AGAIN: ASK_PHONE_AGAIN, Ask.DAYPART: ASK_DAYPART,
          Ask.DAYPART_AGAIN: ASK_DAYPART_AGAIN, Ask.GAVE_UP: GAVE_UP, Ask.STOPPED: STOPPED}
_VOICE = {Ask.PHONE: VOICE_ASK_PHONE, Ask.PHONE_AGAIN: VOICE_ASK_PHONE_AGAIN, Ask.DAYPART: VOICE_ASK_DAYPART,
          Ask.DAYPART_AGAIN: VOICE_ASK_DAYPART_AGAIN, Ask.GAVE_UP: VOICE_GAVE_UP, Ask.STOPPED: STOPPED}


# ---- a hand-over on the phone -----------------------------------------------------------------

def code_spoken(code: str) -> str:
    return f"Je dossiercode is {spoken_code(code)}. Geef die code aan de balie of aan de telefoon."


def put_through(code: str) -> str:
    return (f"Ik verbind je door met een consulent van VDAB. Even geduld. "
            f"Je dossiercode is {spoken_code(code)}.")


def whisper(code: str | None) -> str:
    """What the consulent hears before the caller is put through (the caller does not hear it)."""
    if code is None:
        return "Een oproep via de digitale assistent."
    return (f"Een oproep via de digitale assistent. Dossiercode {spoken_code(code)}. "
            "Je vindt het gesprek in de wachtrij van de console.")


ON_THE_PHONE = "Doorverbonden met een consulent aan de telefoon."
