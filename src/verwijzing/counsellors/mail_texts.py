"""The e-mails a counsellor gets, in plain Dutch: one place for each text."""
from __future__ import annotations

import datetime as dt

from verwijzing.nl_be import BRUSSELS, weekday_date_words

INVITATION_SUBJECT = "Je account voor de agenda van het loopbaankrediet"


def invitation(name: str, login: str, link: str, expires_at: dt.datetime) -> str:
    until = expires_at.astimezone(BRUSSELS)
    return (
        f"Dag {name},\n\n"
        "Je staat in het register van de loopbaanbegeleiders met een mandaat. "
        "Met een account zet je je uren in de agenda. Zo kunnen mensen een gesprek bij jou boeken. "
        "Je ziet er ook je afspraken.\n\n"
        "Kies eerst een wachtwoord via deze link:\n"
        f"{link}\n\n"
        f"De link werkt één keer, tot {weekday_date_words(until.date())} om {until:%H:%M}.\n"
        f"Daarna meld je aan met je e-mailadres: {login}\n"
        "Bij de eerste keer stel je ook een tweede stap in met een app op je gsm.\n\n"
        "Heb je deze e-mail niet verwacht? Dan hoef je niets te doen.\n"
    )
