"""Work status: "bediende" → werknemer, "ik stempel" → werkzoekende, "op de ziekenkas" → …"""
from __future__ import annotations

from functools import cache

from .lexicon import data
from .nlp import PhraseSet, about_someone_else, analyse, negated
from .numbers import fold


@cache
def _phrases(asked: bool) -> PhraseSet:
    section = data()["werkstatus"]
    entries = [(p, "_ignore") for p in section["ignore"]]
    for label, lists in section["labels"].items():
        entries += [(p, label) for p in lists["phrases"]]
        if asked:
            entries += [(p, label) for p in lists.get("asked", [])]
    # Naming a job ("ik ben leerkracht") means working as an employee.
    entries += [(p, "werknemer") for p in data()["job_nouns"]]
    return PhraseSet(entries)


@cache
def _words(key: str) -> list[str]:
    return [fold(w) for w in data()["werkstatus"][key]]


def read_werkstatus(text: str, asked: bool = False) -> str | None:
    """A Werkstatus value, or None when the text says nothing about the present situation.

    A negated word ("geen zelfstandige"), a wish ("ik wil zelfstandige worden") or the past
    ("ik was bediende") does not count. Of several statuses, one stated for the present ("nu",
    "momenteel") wins, otherwise the most specific one (priority in lexicon.yaml): a person on
    sick leave with a contract is langdurig_ziek, a student with a student job is a student.
    """
    a = analyse(text)
    priority = data()["werkstatus"]["priority"]
    best: tuple[bool, int, str] | None = None
    for m in _phrases(asked).find(a):
        if negated(a, m) or about_someone_else(a, m.start):
            continue
        clause = a.clause_of(m.start)
        if a.has(_words("cancel_before"), range(clause.start, m.start)):
            continue
        if a.has(_words("cancel_after"), range(m.end, min(clause.stop, m.end + 2))):
            continue
        rank = (a.has(_words("present"), clause), -priority.index(m.label), m.label)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return None if best is None else best[2]
