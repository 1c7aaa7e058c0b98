"""How someone wants to meet a counsellor: op locatie, online or telefoon."""
from __future__ import annotations

import re

from verwijzing.enums import Modality
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.numbers import fold


def read_modaliteit(text: str) -> Modality | None:
    """The modality named in the text; None when none or more than one is named. A way that is
    refused ("ik heb geen computer", "telefoon is niet goed") does not count."""
    folded = fold(text)
    negations = "|".join(re.escape(fold(w)) for w in [*data()["negation"], "gene", "gin", "nie"])
    found = set()
    for modality, words in data()["modalities"].items():
        for word in words:
            for m in re.finditer(rf"(?<!\w){re.escape(fold(word))}(?!\w)", folded):
                before = folded[max(0, m.start() - 12):m.start()]
                after = folded[m.end():m.end() + 16]
                if re.search(rf"(?<!\w)(?:{negations})\s+(?:\w+\s+)?$", before) or \
                        re.search(r"^\s+(?:is|lukt)\s+(?:\w+\s+)?(?:niet|moeilijk|lastig)", after):
                    continue
                found.add(modality)
    return Modality(found.pop()) if len(found) == 1 else None
