"""What the person reads when a person takes over: plain Dutch, per channel (an SMS is short)."""
from __future__ import annotations

import datetime as dt

from verwijzing.enums import Channel


def handed_over(channel: Channel, place: int, code: str, typical: dt.timedelta | None) -> str:
    minutes = max(1, round(typical.total_seconds() / 60)) if typical else None
    wait = f" Meestal duurt dat ongeveer {minutes} minuten." if minutes else ""
    if channel is Channel.SMS:
        return (f"Een consulent van VDAB neemt je gesprek over. Je bent nummer {place}.{wait} "
                f"Stuur gerust nog een sms. Je code is {code}.")
    return (f"Ik geef je gesprek door aan een consulent van VDAB. Je bent nummer {place} in de rij.{wait} "
            f"Je kan hier verder typen: de consulent leest je berichten. Je dossiercode is {code}. "
            "Die code kan je ook aan de balie of aan de telefoon geven.")


TAKEN = "Een consulent van VDAB leest nu mee en antwoordt zo."
BACK = "De consulent geeft je terug aan de assistent. Typ gerust verder."
CLOSED = "De consulent heeft het gesprek afgesloten. Heb je nog een vraag? Typ ze gewoon."
RECEIVED_SMS = "Je bericht is doorgegeven aan de consulent."
