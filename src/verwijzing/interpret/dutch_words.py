"""Words of ordinary Dutch, to tell a place name or a typo from a word people simply use.

Shared by the typo correction (nlp.py) and the place index (places.py), which is why it is a
module of its own: neither depends on the other for it.
"""
from __future__ import annotations

import gzip
import json
from functools import cache
from importlib import resources

from spacy.lang.nl.stop_words import STOP_WORDS

from verwijzing.interpret.numbers import fold


@cache
def dutch_words() -> frozenset[str]:
    """Words of ordinary Dutch: the forms and lemmas spacy-lookups-data knows, and stop words."""
    words = {fold(w) for w in STOP_WORDS}
    try:
        import spacy_lookups_data

        raw = resources.files(spacy_lookups_data).joinpath("data/nl_lemma_lookup.json.gz").read_bytes()
        table = json.loads(gzip.decompress(raw))
        words.update(fold(w) for pair in table.items() for w in pair)
    except (ImportError, OSError):
        pass  # without the lookups, fewer words are treated as ambiguous place names
    return frozenset(words)
