"""What the person wants help with: a career question, competences, orientation, care, …"""
from __future__ import annotations

import re
from functools import cache

from verwijzing.decision.facts import Hulpvraag
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.phrases import PhraseSet, negated, said_of_someone_else


@cache
def _phrases(asked: bool) -> PhraseSet:
    section = data()["hulpvraag"]
    entries = []
    for label, lists in section["labels"].items():
        entries += [(p, label) for p in lists["phrases"]]
        if asked:
            entries += [(p, label) for p in lists.get("asked", [])]
    return PhraseSet(entries)


@cache
def _words(key: str) -> list[str]:
    return [fold(w) for w in data()["hulpvraag"][key]]


def _asks_business_advice(a: Analysis) -> bool:
    """A help word and "mijn/ons" + a business word in one sentence: "hulp voor ons bedrijf"."""
    for sentence in {t.sentence for t in a.tokens}:
        span = [i for i, t in enumerate(a.tokens) if t.sentence == sentence]
        text = " ".join(a.tokens[i].norm for i in span)
        owned = r"\b(?:mijn|ons|onze)(?: eigen)? (?:{})\b".format("|".join(map(re.escape, _words("business_words"))))
        if a.has(_words("business_help"), range(span[0], span[-1] + 1)) and re.search(owned, text):
            return True
    return False


def read_hulpvraag(text: str, asked: bool = False) -> Hulpvraag | None:
    """A Hulpvraag value, or None.

    Care comes first (the credit is not for treatment), but a burn-out that is over ("na mijn
    burn-out wil ik iets anders") only explains a career question, so the career question wins.
    Work stress alone is not a burn-out: "stress op het werk en ik wil iets anders" is loopbaan.
    Looking for a job "die beter bij me past" is a career question too, not looking for work.
    """
    a = analyse(text)
    section = data()["hulpvraag"]
    priority = section["priority"]
    current: set[str] = set()
    over: set[str] = set()
    for m in _phrases(asked).find(a):
        if negated(a, m) or said_of_someone_else(a, m.start):
            continue
        clause = a.clause_of(m.start)
        if m.label in section["care"] and a.has(_words("past"), clause):
            over.add(m.label)
            continue
        if m.label == "opleiding" and a.has(_words("study_done"), clause):
            continue
        if m.label == "werk_zoeken" and a.has(_words("better_fit"), a.sentence_of(m.start)):
            current.add("loopbaan")  # "een job zoeken die beter bij me past": a career question
            continue
        current.add(m.label)
    if _asks_business_advice(a):
        current.add("bedrijfscoaching")
    for labels in (current, over):
        if labels:
            return Hulpvraag(min(labels, key=priority.index))
    return None
