"""Whether a message speaks about changing an appointment at all (standard library only).

Why: cancelling or moving a booking is a step a person must not be led into by a guess. The
intent classifier sometimes gives `afspraak_annuleren` to a message that has nothing of it, with
little confidence ("bonjour, sorry mijn nederlands is niet zo goed. ik wil ander werk." — the
"sorry" of "sorry, ik kan niet komen"), and the conversation then asks for a booking reference
the person never had. A message that is about a change names it: a reference, a word for
cancelling or moving, or the appointment itself. Used by `intent_guard` inside Rasa; importable in
the project's environment for its tests.
"""
from __future__ import annotations

import re

# The intents that start a change of a booking.
CHANGE_INTENTS = frozenset({"afspraak_annuleren", "afspraak_verplaatsen"})

_SIGNS = re.compile(
    r"\blk\b|\blk-?[2-9a-z]{4}\b"                     # a booking reference
    r"|annul|afzeg|af\s+te\s+zeggen|afbel|af\s+te\s+bellen|cancel|annuler"
    r"|verplaats|verzet|verschuiv|uitstel|uit\s+te\s+stellen|later\s+zetten|deplacer|reschedul"
    r"|afspra+k|rendez|appointment|\bboeking|reservatie|reservering"
    r"|niet\s+(kan|kunnen|geraak\w*)\s+komen|kan\s+niet\s+komen|geraak\s+er\s+niet|ander\w*\s+(moment|dag|datum|uur)",
    re.IGNORECASE,
)


def speaks_of_a_change(text: str) -> bool:
    """Whether `text` names a booking change, a reference or an appointment."""
    return bool(_SIGNS.search(text or ""))
