"""Saying back what was understood, so a misread fact never becomes a confident decision.

Three uses, one set of phrases (content/understood.yaml):
- `said_back`: the first line of a decision, the facts it rests on and how to correct them;
- `check_question`: asked once before deciding when a fact was inferred (added up, a range, a
  correction, read from a story) rather than said plainly;
- `fact_list` and `chosen_fact`: after "klopt niet", the facts numbered, and the one picked.

Pure functions over plain slot values (contract values and numbers); no tracker, no I/O.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from verwijzing.content import load
from verwijzing.dialogue.choices import read_choice
from verwijzing.dialogue.repair import Reply, person_button, rule_figures, slot_options
from verwijzing.nl_be import format_number

# The order facts are said in: as the form asks them.
FACT_ORDER = ("hulpvraag", "werkstatus", "woonregio", "werkregio", "werkervaring_jaren", "eerder_loopbaancheque",
              "eerder_gebruikt_uren", "leeftijd", "opleidingsniveau")
# What the check question's answer fills; "ja" confirms, "nee" asks the checked facts again.
CHECK_SLOT = "feiten_bevestigd"


def _content() -> dict[str, Any]:
    return load("understood")


def phrase(name: str, value: Any, short: bool = False) -> str | None:
    """One fact as said to the person ("je bent 26 jaar"; short: "26 jaar oud"); None for a
    value with no phrase."""
    texts = _content()["kort" if short else "feiten"]
    if value is None:
        return None
    entry = texts.get(name)
    if isinstance(entry, str):
        return entry.format(n=format_number(value))
    if name == "eerder_gebruikt_uren":
        return str(entry["wel" if value else "geen"]).format(n=format_number(value))
    if name == "eerder_loopbaancheque":
        return str(entry["ja" if value else "nee"])
    if isinstance(entry, dict) and str(value) in entry:
        return str(entry[str(value)])
    return None


def range_question(slot: str, bounds: Sequence[float], day: dt.date) -> Reply | None:
    """A range that straddles the rule's boundary: which side is it? (the question's own options)."""
    options = slot_options(slot, day)
    figures = rule_figures(day)
    if not options or "jaren" not in figures:
        return None
    text = _content()["bereik"].format(laag=format_number(bounds[0]), hoog=format_number(bounds[1]),
                                       jaren=figures["jaren"])
    lines = [text, *(f"{i}. {o.title}" for i, o in enumerate(options, start=1))]
    buttons = tuple({"title": f"{i}. {o.title}", "payload": o.payload} for i, o in enumerate(options, start=1))
    return Reply("\n".join(lines), buttons)


def _joined(phrases: list[str], last: str = " en ") -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + last + phrases[-1]


def known_facts(slots: Mapping[str, Any]) -> list[str]:
    """The facts that are known, in the order they are said."""
    return [name for name in FACT_ORDER if slots.get(name) is not None]


def said_back(slots: Mapping[str, Any]) -> str:
    """ "Ik heb begrepen: …. Klopt er iets niet? Typ dan 'klopt niet'." — or "" with no facts."""
    phrases = [p for name in known_facts(slots) if (p := phrase(name, slots[name], short=True))]
    if not phrases:
        return ""
    content = _content()
    return f"{content['begrepen'].format(feiten=_joined(phrases, ', '))} {content['corrigeren']}"


def check_intro(slots: Mapping[str, Any], inferred: Mapping[str, str]) -> str:
    """ "Even checken voor ik beslis. Ik heb begrepen: …." for the inferred facts that are known."""
    names = [name for name in FACT_ORDER if name in inferred and slots.get(name) is not None]
    phrases = [p for name in names if (p := phrase(name, slots[name]))]
    return str(_content()["check"]["intro"]).format(feiten=_joined(phrases))


def check_question(slots: Mapping[str, Any], inferred: Mapping[str, str],
                   parts: Sequence[float] = (), leave: bool = False, misses: int = 0) -> Reply:
    """The one check question for the inferred facts, with what was added up and why; after a
    miss, with a short "not understood" first."""
    content = _content()["check"]
    names = [name for name in FACT_ORDER if name in inferred and slots.get(name) is not None]
    lines = [load("repair")["niet_begrepen"]["eerste"]] if misses else []
    lines.append(check_intro(slots, inferred))
    if "werkervaring_jaren" in names and len(parts) > 1:
        lines.append(content["opgeteld"].format(delen=" + ".join(format_number(p) for p in parts)))
    if "werkervaring_jaren" in names and leave:
        lines.append(content["verlof"])
    lines.append(content["vraag"])
    buttons = ({"title": content["ja"], "payload": "ja"}, {"title": content["nee"], "payload": "nee"})
    return Reply(" ".join(lines), buttons)


def needs_check(slots: Mapping[str, Any], inferred: Mapping[str, str] | None) -> bool:
    """Whether a check question must come before the decision: an inferred fact that is known,
    and no answer to the check question yet."""
    if slots.get(CHECK_SLOT) is not None:
        return False
    return any(slots.get(name) is not None for name in (inferred or {}))


def fact_list(slots: Mapping[str, Any], no_right: bool = False,
              only: Sequence[str] | None = None) -> tuple[Reply, list[str]]:
    """After "klopt niet": the known facts numbered (or `only` these), and their names in that
    order. `no_right`: the person asked for an appointment the decision gives no right to, so
    say why first."""
    content = _content()["lijst"]
    names = [name for name in known_facts(slots) if phrase(name, slots[name]) and (only is None or name in only)]
    if not names:
        return Reply(content["leeg"]), []
    lines = [content["geen_recht"], content["intro"]] if no_right else [content["intro"]]
    buttons = []
    for i, name in enumerate(names, start=1):
        text = str(phrase(name, slots[name]))
        title = f"{i}. {text[0].upper()}{text[1:]}"
        lines.append(title)
        buttons.append({"title": title, "payload": str(i)})
    person = person_button()
    lines.append(person["title"])
    buttons.append(person)
    return Reply("\n".join(lines), tuple(buttons)), names


def list_text(key: str) -> str:
    """A fixed sentence of the "klopt niet" list (content/understood.yaml, `lijst`)."""
    return str(_content()["lijst"][key])


def chosen_fact(text: str, names: Sequence[str]) -> str | None:
    """The fact a typed number (or "de tweede") picks from the list, if any."""
    number = read_choice(text, len(names))
    return names[number - 1] if number else None
