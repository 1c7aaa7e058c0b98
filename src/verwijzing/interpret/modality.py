"""How someone wants to meet a counsellor: op locatie, online or telefoon."""
from __future__ import annotations

import re

from verwijzing.enums import Modality
from verwijzing.interpret.lexicon import data


def read_modaliteit(text: str) -> Modality | None:
    """The modality named in the text; None when none or more than one is named."""
    lowered = text.lower()
    found = {
        modality
        for modality, words in data()["modalities"].items()
        if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) for word in words)
    }
    return Modality(found.pop()) if len(found) == 1 else None
