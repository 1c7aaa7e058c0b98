"""Plays held-out people (heldout_personen.yml) through the real Rasa and action servers.

Used by tests/conversation/test_heldout_personen.py and scripts/conversation_report.py, so the
test and the report measure the same thing (issue 7: every person reaches a decision).

A person behaves as a real one would, with nothing but their own answers: they send their
opening; then, while the assistant has not decided (no `route` slot), they answer the question
it asks (`requested_slot`) from `antwoorden`. Asked again — a re-ask or a numbered menu — they
have no other words, so they give the same answer once more (counted). When no question is open,
they say "ja" to the offer to check their rights, and otherwise say what they want help with.
They give up after MAX_ANSWERS messages, the opening included. The booking offer after the
decision is not part of this: the run stops at the decision.
"""
from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PERSONS_FILE = Path(__file__).with_name("heldout_personen.yml")
# Every fact the intake form may ask (bot/intake.yml, required_slots).
ASKABLE_SLOTS = ("hulpvraag", "werkstatus", "woonregio", "werkregio", "werkervaring_jaren",
                 "eerder_loopbaancheque", "leeftijd", "opleidingsniveau")
MAX_ANSWERS = 12
# The numbered menu of verwijzing.dialogue.repair (content/repair.yaml): "0" for a person, stop, opnieuw.
PERSON_LINE = "0. Met een mens praten"
# The offer to check one's rights after a question (utter_aanbod_intake): "Typ dan 'ja'."
OFFER = re.compile(r"Typ dan 'ja'")
_ids = itertools.count()


@dataclass(frozen=True)
class Persona:
    naam: str
    datum: dt.date
    opening: str
    antwoorden: dict[str, str]
    feiten: dict[str, Any]
    route: str
    in_aanmerking: bool
    ja: str = "ja"


def load_personas(path: Path = PERSONS_FILE) -> list[Persona]:
    people = yaml.safe_load(path.read_text(encoding="utf-8"))["personen"]
    return [Persona(p["naam"], p["datum"], p["opening"], dict(p["antwoorden"]), dict(p["feiten"]),
                    p["verwacht"]["route"], p["verwacht"]["in_aanmerking"], p.get("ja", "ja"))
            for p in people]


@dataclass
class Result:
    persona: Persona
    route: str | None = None
    in_aanmerking: bool | None = None
    answers: int = 0  # messages the person sent, the opening included
    repeated_answers: int = 0  # the same answer given again because the question came back
    menus: int = 0  # replies that showed the numbered menu
    menu_choices: int = 0  # numbers typed from that menu
    turns: list[tuple[str, list[str]]] = field(default_factory=list)  # (person said, bot said)
    stopped: str = ""  # why the person stopped without a decision

    @property
    def decided(self) -> bool:
        return self.route is not None

    @property
    def route_ok(self) -> bool:
        return (self.route, self.in_aanmerking) == (self.persona.route, self.persona.in_aanmerking)

    @property
    def bot_texts(self) -> list[str]:
        return [text for _, said in self.turns for text in said]

    @property
    def said_three_times(self) -> list[str]:
        """Bot messages said three times or more in this conversation (must be none)."""
        return [text for text, times in Counter(self.bot_texts).items() if times >= 3]

    def last_said(self, n: int = 3, width: int = 300) -> list[str]:
        """The assistant's last n messages, each on one line (menus joined with ' | ')."""
        return [t.replace("\n", " | ")[:width] for t in self.bot_texts[-n:]]

    def summary(self) -> str:
        p = self.persona
        if not self.decided:
            outcome = f"NO DECISION ({self.stopped})"
        elif self.route_ok:
            outcome = f"{self.route}"
        else:
            outcome = f"WRONG ROUTE {self.route}/{self.in_aanmerking}, expected {p.route}/{p.in_aanmerking}"
        extra = []
        if self.repeated_answers:
            extra.append(f"{self.repeated_answers} repeated")
        if self.menus:
            extra.append(f"{self.menus} menu")
        if self.said_three_times:
            extra.append(f"{len(self.said_three_times)} said 3x")
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{p.naam} [{p.datum}]: {outcome} in {self.answers} answers{tail}"

    def transcript(self) -> str:
        lines = []
        for said, replies in self.turns:
            lines.append(f"  > {said}")
            lines += [f"    < {r}" for r in replies]
        return "\n".join(lines)


def has_menu(texts: Iterable[str]) -> bool:
    return any(PERSON_LINE in t and "'stop'" in t and "'opnieuw'" in t for t in texts)


def menu_number(slot: str, persona: Persona) -> int | None:
    """The menu line whose answer is this person's fact (verwijzing.dialogue.repair), if one is. Number
    lines are ranges ("minder dan 7 jaar", "7 jaar of meer"): the highest bound not above the fact."""
    from tests.support.repair_options import slot_answers
    fact = persona.feiten.get(slot)
    values = [value for _, value in slot_answers(slot, persona.datum)]
    if isinstance(fact, (int, float)) and not isinstance(fact, bool) and values and \
            all(isinstance(v, float) for v in values):
        below = [v for v in values if v <= fact]
        return values.index(max(below) if below else min(values)) + 1
    return values.index(fact) + 1 if fact in values else None


def play(rasa, persona: Persona, sender: str | None = None) -> Result:
    """One person through a running stack (tests/conversation/stack.py RasaServer)."""
    sender = sender or f"persona-{re.sub(r'[^a-z]', '', persona.naam.lower())}-{next(_ids)}-{os.getpid()}"
    result = Result(persona)
    last_asked: str | None = None

    def say(text: str) -> None:
        replies = [m.get("text", "") for m in rasa.send(sender, text) if m.get("text")]
        result.turns.append((text, replies))
        result.answers += 1
        if has_menu(replies):
            result.menus += 1

    say(persona.opening)
    while True:
        slots = rasa.tracker(sender)["slots"]
        if slots.get("route"):
            result.route, result.in_aanmerking = slots["route"], slots.get("in_aanmerking")
            return result
        if result.answers >= MAX_ANSWERS:
            result.stopped = f"gave up after {MAX_ANSWERS} answers"
            return result
        asked = slots.get("requested_slot")
        last_replies = result.turns[-1][1]
        if asked in persona.antwoorden:
            number = menu_number(asked, persona) if asked == last_asked and has_menu(last_replies) else None
            if number:
                # Shown the numbered menu after a miss, a real person types the number that fits.
                result.menu_choices += 1
                say(str(number))
            else:
                if asked == last_asked:
                    result.repeated_answers += 1
                say(persona.antwoorden[asked])
        elif asked:
            result.stopped = f"asked {asked!r}, which is no intake question"
            return result
        elif any(OFFER.search(t) for t in last_replies):
            say(persona.ja)
        else:
            # No question open: a real person says what they came for (again, if need be).
            if last_asked == "":
                result.repeated_answers += 1
            say(persona.antwoorden["hulpvraag"])
            asked = ""
        last_asked = asked


def play_all(personas: list[Persona], on_result: Callable[[Result], None] | None = None,
             stack: tuple[Any, Any] | None = None) -> list[Result]:
    """Every person through one real stack (`stack`, or one started here): the action server is
    restarted for each reference date (Rasa keeps running), as tests/conversation/test_intake_e2e.py
    does."""
    from tests.conversation.stack import running_stack

    by_date: dict[dt.date, list[Persona]] = {}
    for persona in personas:
        by_date.setdefault(persona.datum, []).append(persona)
    dates = sorted(by_date, reverse=True)
    results: list[Result] = []
    with ExitStack() as cleanup:
        if stack is None:
            where = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="personas-")))
            stack = cleanup.enter_context(running_stack(where, VERWIJZING_PEILDATUM=dates[0].isoformat()))
        rasa, actions = stack
        for day in dates:
            actions.on_day(day.isoformat())
            for persona in by_date[day]:
                result = play(rasa, persona)
                results.append(result)
                if on_result:
                    on_result(result)
    return results


def figures(results: list[Result]) -> dict[str, Any]:
    n = len(results)
    decided = sum(r.decided for r in results)
    counts = sorted(r.answers for r in results)
    median = (counts[(n - 1) // 2] + counts[n // 2]) / 2 if n else 0
    return {"persons": n, "decided": decided, "route_ok": sum(r.route_ok for r in results),
            "median_answers": median, "max_answers": counts[-1] if counts else 0,
            "said_three_times": sum(len(r.said_three_times) for r in results),
            "menu_choices": sum(r.menu_choices for r in results)}


def success_line(results: list[Result]) -> str:
    f = figures(results)
    n = f["persons"] or 1
    median = f["median_answers"]
    median_text = f"{median:g}"
    return (f"conversation success: {f['decided']}/{f['persons']} reached a decision "
            f"({100 * f['decided'] / n:.0f}%), {f['route_ok']}/{f['persons']} the expected route, "
            f"median answers {median_text}, max {f['max_answers']}; "
            f"{f['menu_choices']} numbers typed from a menu")
