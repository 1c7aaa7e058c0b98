"""Yes or no: "ja", "jawel", "ok", "zeker" / "nee", "neen", "nie", "nog nooit"."""
from __future__ import annotations

from functools import cache

from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import analyse
from verwijzing.interpret.phrases import PhraseSet


@cache
def _phrases() -> PhraseSet:
    section = data()["yesno"]
    return PhraseSet(
        [(p, "unsure") for p in section["unsure"]]
        + [(p, "yes") for p in section["yes"]]
        + [(p, "no") for p in section["no"]]
    )


def read_ja_nee(text: str) -> bool | None:
    """True for yes, False for no, None when unclear ("weet niet", "ja nee", "misschien").

    The first clause with a yes or a no decides, so "ja, maar niet lang" is yes and "nee, nooit"
    is no. Flemish "ja nee" (one clause) is a hedge, so it is unclear, and so is any answer that
    says "I don't know" somewhere, even next to a yes.
    """
    a = analyse(text)
    matches = _phrases().find(a)
    if not matches or any(m.label == "unsure" for m in matches):
        return None
    first_clause = a.tokens[matches[0].start].clause
    labels = {m.label for m in matches if a.tokens[m.start].clause == first_clause}
    if labels == {"yes", "no"}:
        return None
    return "yes" in labels
