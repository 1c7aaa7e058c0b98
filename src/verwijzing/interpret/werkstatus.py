"""Work status: "bediende" → werknemer, "ik stempel" → werkzoekende, "op de ziekenkas" → …"""
from __future__ import annotations

from functools import cache

from verwijzing.decision.facts import Werkstatus
from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import Analysis, analyse
from verwijzing.interpret.numbers import fold
from verwijzing.interpret.phrases import Match, PhraseSet, about_someone_else, negated


@cache
def _phrases(asked: bool) -> PhraseSet:
    section = data()["werkstatus"]
    entries = [(p, "_ignore") for p in section["ignore"]]
    for label, lists in section["labels"].items():
        entries += [(p, label) for p in lists["phrases"]]
        if asked:
            entries += [(p, label + WEAK) for p in lists.get("asked", [])]
    # Naming a job ("ik ben leerkracht") means working as an employee.
    entries += [(p, "werknemer") for p in data()["job_nouns"]]
    return PhraseSet(entries)


@cache
def _words(key: str) -> list[str]:
    return [fold(w) for w in data()["werkstatus"][key]]


# The mark of a word that only counts as the answer to "werk je?" ("school", "thuis"): it never
# beats a status the message states ("ik werk nog, bij de school" works).
WEAK = "~"

# Labels that mean the person works now: a pensioner with a flexi-job still works.
WORKING = ("werknemer", "zelfstandige")


@cache
def _marker_set(key: str) -> PhraseSet:
    entries = [(p, key) for p in data()["werkstatus"][key]]
    if key == "sick":  # "ziek van mijn job" (fed up) swallows its "ziek"
        entries += [(p, "_ignore") for p in data()["werkstatus"]["not_sick"]]
    return PhraseSet(entries)


def _stated_now(a: Analysis, m: Match) -> bool:
    """A mention about the person now: not negated ("niet ziek"), not about someone else ("mijn
    man is ziek"), not a wish or the past ("ik was ziek")."""
    if negated(a, m) or about_someone_else(a, m.start):
        return False
    return not a.has(_words("cancel_before"), range(a.clause_of(m.start).start, m.start))


def _present_mentions(a: Analysis, key: str) -> list[Match]:
    """Mentions of a word list that are about the person now (see _stated_now)."""
    return [m for m in _marker_set(key).find(a) if _stated_now(a, m)]


def _statuses(a: Analysis, asked: bool) -> list[tuple[bool, Match]]:
    """Every status the text states for the present, with whether its clause says "nu"."""
    found = []
    for m in _phrases(asked).find(a):
        if not _stated_now(a, m):
            continue
        clause = a.clause_of(m.start)
        if a.has(_words("cancel_after"), range(m.end, min(clause.stop, m.end + 2))):
            continue
        if m.label.removesuffix(WEAK) == "werkzoekende" and "zoek" in m.phrase and _better_fit(a, m.start):
            continue  # "ik zoek een job die beter bij me past": a career question, not job seeking
        found.append((a.has(_words("present"), clause), m))
    return found


def _better_fit(a: Analysis, i: int) -> bool:
    return a.has([fold(w) for w in data()["hulpvraag"]["better_fit"]], a.sentence_of(i))


def read_ambtenaar(text: str) -> str | None:
    """ "statutair" | "contractueel" for a civil servant, None when the text names none.

    A civil servant who does not say "contractueel" (or a contract) is taken as statutory: for
    them the credit's rules are unclear (domain.md: "check with staff"), so the conversation
    should ask a check question instead of guessing. read_werkstatus leaves werkstatus unset
    for them, and reads werknemer for a contractual one.
    """
    a = analyse(text)
    if not _present_mentions(a, "civil_servant") and not _is_contractual_civil_servant(a):
        return None
    return "contractueel" if _is_contractual_civil_servant(a) else "statutair"


def _is_contractual_civil_servant(a: Analysis) -> bool:
    # "contractueel" alone is how Flemish civil servants say it ("ik ben contractueel bij de stad").
    contractual = [m for m in _present_mentions(a, "civil_contract") if m.phrase.startswith("contractue")]
    if contractual:
        return True
    return bool(_present_mentions(a, "civil_servant")) and bool(_present_mentions(a, "civil_contract"))


def read_werkstatus(text: str, asked: bool = False) -> Werkstatus | None:
    """A Werkstatus value, or None when the text says nothing about the present situation.

    A negated word ("geen zelfstandige"), a wish ("ik wil zelfstandige worden") or the past
    ("ik was bediende") does not count. Of several statuses, one stated for the present ("nu",
    "momenteel") wins, otherwise the most specific one (priority in lexicon.yaml): a person on
    sick leave with a contract is langdurig_ziek, a student with a student job is a student.
    Then the stories people tell:
    - sick in everyday words together with a contract or being at home ("al een jaar thuis met
      ziekte maar nog in dienst") is langdurig_ziek, whatever job they name;
    - a pensioner who still works ("met pensioen maar een flexi-job") is working;
    - a statutory civil servant gives no werkstatus (unclear rules: the form asks), a
      contractual one is werknemer; "tijdelijk werkloos" counts as work (lexicon).
    """
    a = analyse(text)
    priority = data()["werkstatus"]["priority"]
    statuses = _statuses(a, asked)
    if any(not m.label.endswith(WEAK) for _, m in statuses):
        statuses = [(now, m) for now, m in statuses if not m.label.endswith(WEAK)]
    statuses = [(now, Match(m.label.removesuffix(WEAK), m.start, m.end, m.phrase)) for now, m in statuses]
    if any(m.phrase.startswith(("artikel 60", "art 60", "art. 60")) for _, m in statuses):
        # An artikel 60 job is an employment contract with the OCMW as employer, not its benefit.
        statuses = [(now, m) for now, m in statuses if not (m.label == "anders" and "ocmw" in m.phrase)]
    statutory = bool(_present_mentions(a, "civil_servant")) and not _is_contractual_civil_servant(a)
    if statutory:
        statuses = [(now, m) for now, m in statuses if m.label != "werknemer"]
    labels = {m.label for _, m in statuses}
    best: tuple[bool, int, str] | None = None
    for now, m in statuses:
        rank = (now, -priority.index(m.label), m.label)
        if best is None or rank[:2] > best[:2]:
            best = rank
    result = None if best is None else best[2]
    if result in (None, "anders") and _is_contractual_civil_servant(a):
        result = "werknemer"  # "contractueel bij het OCMW": the OCMW is the employer here
    if result == "gepensioneerd" and labels & set(WORKING):
        result = min(labels & set(WORKING), key=priority.index)
    if result in (None, "werknemer", "anders") and not statutory and _sick_with_contract(a):
        result = "langdurig_ziek"
    return None if result is None else Werkstatus(result)


def _sick_with_contract(a: Analysis) -> bool:
    """Sick now ("ziek", "met ziekte", "sinds mijn operatie") and under contract or at home."""
    if not _present_mentions(a, "sick"):
        return False
    return bool(_present_mentions(a, "employed") or _present_mentions(a, "at_home"))
