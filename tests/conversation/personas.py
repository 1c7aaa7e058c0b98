"""Plays held-out people through the real Rasa and action servers.

The sets: heldout_personen.yml (issue 7), heldout_gesprekken.yml and the control set
heldout_gesprekken_verzegeld.yml (issue 16: corrections, stories, dialects, written fresh by
someone who had not read data/ or tests/). Used by the tests in tests/conversation and by
scripts/conversation_report.py, so the tests and the report measure the same thing.

A person behaves as a real one would, with nothing but their own answers: they send their
opening; then, while the assistant has not decided (no `route` slot), they answer the question
it asks (`requested_slot`) from `antwoorden`. Asked again — a re-ask or a numbered menu — they
give the same answer once more (counted), or the number of the menu line that fits. When no
question is open, they say "ja" to the offer to check their rights, and otherwise say what they
want help with.

What they do when the assistant says back what it understood (issue 16):
- the check question before a decision: "ja" when the facts it names are theirs, else "nee";
- a decision whose said-back facts are not theirs: "klopt niet", then the number of the first
  wrong fact (at most CORRECTIONS times). A fact asked again after "nee" or "klopt niet" is
  answered plainly (PLAIN: the form's own button texts), as a person does the second time.
A person with `boeken: true` and a credit decision then books: their `modaliteit` in their own
words, the postcode of their answer where one is asked, the first free moment, and a phone and
national number (made up, valid). They give up after MAX_ANSWERS messages.
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
CONVERSATIONS_FILE = Path(__file__).with_name("heldout_gesprekken.yml")
CONTROL_FILE = Path(__file__).with_name("heldout_gesprekken_verzegeld.yml")
SETS = {"gesprekken": CONVERSATIONS_FILE, "verzegeld": CONTROL_FILE, "personen": PERSONS_FILE}
# Every fact the intake form may ask (bot/intake.yml, required_slots).
ASKABLE_SLOTS = ("hulpvraag", "werkstatus", "woonregio", "werkregio", "werkervaring_jaren",
                 "eerder_loopbaancheque", "eerder_gebruikt_uren", "leeftijd", "opleidingsniveau")
# The first set was written before the credit used was asked: its people used none.
DEFAULT_ANSWERS = {"eerder_gebruikt_uren": ("nee", 0)}
MAX_ANSWERS = 12
# A whole conversation to a booked block, corrections included.
MAX_WITH_BOOKING = 24
CORRECTIONS = 2
CREDIT_ROUTES = ("loopbaankrediet", "loopbaancheque")
CHECK_SLOT = "feiten_bevestigd"
# How a person says a fact the second time: the form's own buttons (bot/intake.yml) where it
# has them, else the plain value.
PLAIN = {
    "hulpvraag": {"loopbaan": "ik wil iets anders doen in mijn werk",
                  "competenties": "ik wil weten waar ik goed in ben",
                  "orientatie": "ik weet niet welke richting ik uit wil", "burnout": "ik heb een burn-out",
                  "therapie": "ik wil met een psycholoog praten", "bedrijfscoaching": "ik wil advies voor mijn zaak",
                  "opleiding": "ik wil een opleiding volgen", "werk_zoeken": "ik zoek werk"},
    "werkstatus": {"werknemer": "ik ben werknemer", "zelfstandige": "ik ben zelfstandige",
                   "werkzoekende": "ik zoek werk", "student": "ik ben student",
                   "langdurig_ziek": "ik ben langdurig ziek maar heb nog een contract",
                   "gepensioneerd": "ik ben gepensioneerd", "anders": "ik ben huisvrouw"},
    "woonregio": {"vlaanderen": "9000", "brussel": "1000", "wallonie": "5000", "eer_buitenland": "Nederland",
                  "buiten_eer": "Marokko"},
    "werkregio": {"vlaanderen": "Gent", "brussel": "Brussel", "wallonie": "Namen", "eer_buitenland": "Maastricht",
                  "buiten_eer": "Marokko"},
    "opleidingsniveau": {"kort": "lager onderwijs", "midden": "diploma middelbaar", "hoog": "diploma hoger onderwijs"},
}
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
    soort: str = ""
    boeken: bool = False
    modaliteit: str = ""

    def plain(self, slot: str) -> str:
        """The fact said plainly (see PLAIN)."""
        value = self.feiten[slot]
        if slot in PLAIN:
            return PLAIN[slot][value]
        if isinstance(value, bool):
            return "ja" if value else "nee"
        if slot == "eerder_gebruikt_uren":
            return f"{value:g} uur" if value else "nee"
        return f"{value:g} jaar" if slot == "werkervaring_jaren" else f"{value:g}"


def load_personas(path: Path = PERSONS_FILE) -> list[Persona]:
    people = yaml.safe_load(path.read_text(encoding="utf-8"))["personen"]
    personas = []
    for p in people:
        antwoorden, feiten = dict(p["antwoorden"]), dict(p["feiten"])
        for slot, (answer, value) in DEFAULT_ANSWERS.items():
            antwoorden.setdefault(slot, answer)
            feiten.setdefault(slot, value)
        personas.append(Persona(p["naam"], p["datum"], p["opening"], antwoorden, feiten, p["verwacht"]["route"],
                                p["verwacht"]["in_aanmerking"], p.get("ja", "ja"), p.get("soort", ""),
                                bool(p.get("boeken")), p.get("modaliteit", "")))
    return personas


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
    first: tuple[str, bool] | None = None  # the first decision (route, in_aanmerking)
    checks_before_first: int = 0  # check questions asked before the first decision
    checks: int = 0
    corrections: int = 0  # "klopt niet" after a decision
    answers_to_decision: int = 0  # messages up to the first decision
    booked: str | None = None  # the booking reference
    answers_to_booking: int | None = None

    @property
    def decided(self) -> bool:
        return self.route is not None

    @property
    def route_ok(self) -> bool:
        return (self.route, self.in_aanmerking) == (self.persona.route, self.persona.in_aanmerking)

    @property
    def first_ok(self) -> bool:
        return self.first == (self.persona.route, self.persona.in_aanmerking)

    @property
    def confidently_wrong(self) -> bool:
        """A wrong first decision that no check question came before (issue 16: must be none)."""
        return self.first is not None and not self.first_ok and self.checks_before_first == 0

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
        if self.checks:
            extra.append(f"{self.checks} check")
        if self.corrections:
            extra.append(f"{self.corrections} klopt niet")
        if self.first is not None and not self.first_ok:
            wrong = " CONFIDENTLY WRONG" if self.confidently_wrong else ""
            extra.append(f"first {self.first[0]}/{self.first[1]}{wrong}")
        if self.booked:
            extra.append(f"booked in {self.answers_to_booking}")
        elif self.persona.boeken and self.route_ok and self.route in CREDIT_ROUTES:
            extra.append("NOT BOOKED")
        tail = f" ({', '.join(extra)})" if extra else ""
        soort = f" {p.soort}" if p.soort else ""
        return f"{p.naam}{soort} [{p.datum}]: {outcome} in {self.answers} answers{tail}"

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


def _same(slot: str, said: Any, fact: Any, minimum_years: float | None = None) -> bool:
    """Whether the assistant's value is the person's fact (years within a year, as people count,
    but never on the other side of the rule's boundary)."""
    if said is None or fact is None:
        return said is None and fact is None
    if isinstance(fact, bool) or isinstance(said, bool):
        return bool(said) == bool(fact)
    if isinstance(fact, (int, float)):
        if slot == "werkervaring_jaren" and minimum_years is not None and \
                (float(said) >= minimum_years) != (float(fact) >= minimum_years):
            return False  # on the other side of the rule's boundary: a person who needs it sees it
        tolerance = 1.0 if slot == "werkervaring_jaren" else 0.0
        return abs(float(said) - float(fact)) <= tolerance
    return str(said) == str(fact)


def wrong_facts(slots: dict[str, Any], persona: Persona, names: Iterable[str] | None = None) -> list[str]:
    """The facts the assistant holds (or names) that are not this person's."""
    from verwijzing.policy import regime_at
    minimum = regime_at(persona.datum).value("minimum_werkervaring_jaren")
    names = [n for n in (names or ASKABLE_SLOTS) if slots.get(n) is not None]
    return [n for n in names if not _same(n, slots[n], persona.feiten.get(n), minimum)]


def _insz(persona: Persona) -> str:
    """A national number of this person's own: two people never share one (a shared one is a next
    booking on the same credit, which needs the code sent to the first person's phone)."""
    import zlib

    from tests.support.database import valid_insz
    seed = zlib.crc32(f"{persona.naam}|{persona.datum}|{persona.opening}".encode())
    return valid_insz(dt.date(1940 + seed % 60, 1 + seed // 60 % 12, 1 + seed // 720 % 28), 1 + seed // 20160 % 997)


def play(rasa, persona: Persona, sender: str | None = None) -> Result:
    """One person through a running stack (tests/conversation/stack.py RasaServer)."""
    sender = sender or f"persona-{re.sub(r'[^a-z]', '', persona.naam.lower())}-{next(_ids)}-{os.getpid()}"
    result = Result(persona)
    last_asked: str | None = None
    plain: set[str] = set()  # facts this person now says plainly (asked again after a correction)

    def say(text: str) -> None:
        replies = [m.get("text", "") for m in rasa.send(sender, text) if m.get("text")]
        result.turns.append((text, replies))
        result.answers += 1
        if has_menu(replies):
            result.menus += 1

    say(persona.opening)
    while True:
        slots = rasa.tracker(sender)["slots"]
        limit = MAX_WITH_BOOKING if result.route else MAX_ANSWERS
        if slots.get("route") and slots.get("requested_slot") is None and not result.route:
            result.route, result.in_aanmerking = slots["route"], slots.get("in_aanmerking")
            if result.first is None:
                result.first, result.answers_to_decision = (result.route, result.in_aanmerking), result.answers
                result.checks_before_first = result.checks
            wrong = wrong_facts(slots, persona)
            if wrong and result.corrections < CORRECTIONS and result.answers < limit:
                # The decision says what it rests on; this person sees a fact that is not theirs.
                result.corrections += 1
                result.route = None
                say("klopt niet")
                names = rasa.tracker(sender)["slots"].get("feiten_lijst") or []
                number = names.index(wrong[0]) + 1 if wrong[0] in names else None
                plain.add(wrong[0])
                say(str(number) if number else persona.plain(wrong[0]))
                continue
            if not (persona.boeken and result.route_ok and result.route in CREDIT_ROUTES):
                return result
            # The offer lists the first free moment of each way of meeting: a person picks the
            # one that is their way, or says how they want to meet.
            offered = slots.get("aangeboden_sloten") or []
            mine = [i for i, o in enumerate(offered, 1) if o.get("modality") == MODALITY_OF[modality_number(persona)]]
            say(str(mine[0]) if mine else persona.modaliteit or "online")
            continue
        if slots.get("boeking_referentie"):
            result.booked, result.answers_to_booking = slots["boeking_referentie"], result.answers
            result.stopped = ""
            return result
        if result.answers >= limit:
            result.stopped = f"gave up after {limit} answers"
            return result
        asked = slots.get("requested_slot")
        last_replies = result.turns[-1][1]
        if result.route and not asked:
            # The booking offer was not taken up by what they said: once more, then they stop.
            if result.stopped:
                return result
            result.stopped = "the booking did not start"
            say(persona.modaliteit or "online")
            continue
        if asked == CHECK_SLOT and slots.get("feiten_lijst"):
            # "nee" to several facts: they come back numbered; the person picks the wrong one.
            listed = slots["feiten_lijst"]
            wrong = wrong_facts(slots, persona, listed)
            say(str(listed.index(wrong[0]) + 1) if wrong else "nee")
        elif asked == CHECK_SLOT:
            result.checks += 1
            wrong = wrong_facts(slots, persona, slots.get("afgeleid") or {})
            plain.update(wrong)
            say("nee" if wrong else "ja")
        elif result.route and asked in BOOKING_ANSWERS:
            if asked == "modaliteit" and asked == last_asked:
                # Asked again how to meet: the person picks the line of the menu that fits them.
                result.menu_choices += 1
                say(modality_number(persona))
            elif asked == "postcode" and asked == last_asked:
                say(PLAIN["woonregio"].get(str(persona.feiten["woonregio"]), "9000"))  # the digits, now
            else:
                say(BOOKING_ANSWERS[asked](persona))
        elif asked in persona.antwoorden:
            number = menu_number(asked, persona) if asked == last_asked and has_menu(last_replies) else None
            if number:
                # Shown the numbered menu after a miss, a real person types the number that fits.
                result.menu_choices += 1
                say(str(number))
            else:
                if asked == last_asked:
                    result.repeated_answers += 1
                say(persona.plain(asked) if asked in plain else persona.antwoorden[asked])
        elif asked:
            result.stopped = f"asked {asked!r}, which is no question this person can answer"
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


MODALITY_OF = {"1": "op_locatie", "2": "online", "3": "telefoon"}


def modality_number(persona: Persona) -> str:
    """The line of the modality menu (1 on location, 2 online, 3 phone) a person with these words picks."""
    words = persona.modaliteit.lower()
    if re.search(r"telefo|bellen|phone", words) and not re.search(r"telefo\w* is moeilijk|niet bellen", words):
        return "3"
    if re.search(r"online|video|distance|computer|thuis", words):
        return "2"
    return "1"


# The booking form's questions (bot/boeking.yml), answered as a person would.
BOOKING_ANSWERS: dict[str, Callable[[Persona], str]] = {
    "modaliteit": lambda p: p.modaliteit or "online",
    "postcode": lambda p: p.antwoorden["woonregio"],
    "gekozen_slot": lambda p: "1",
    # The question asks for the national number too ("Typ ook meteen je rijksregisternummer").
    "telefoon": lambda p: f"0470 12 34 56, mijn rijksregisternummer is {_insz(p)}",
    "rijksregisternummer": _insz,
}


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


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2 if n else 0


def figures(results: list[Result]) -> dict[str, Any]:
    n = len(results)
    counts = [r.answers_to_decision or r.answers for r in results]
    booked = [r.answers_to_booking for r in results if r.answers_to_booking is not None]
    wanted = [r for r in results if r.persona.boeken and r.persona.route in CREDIT_ROUTES and r.persona.in_aanmerking]
    return {"persons": n, "decided": sum(r.decided for r in results), "route_ok": sum(r.route_ok for r in results),
            "first_ok": sum(r.first_ok for r in results),
            "confidently_wrong": sum(r.confidently_wrong for r in results),
            "checked": sum(bool(r.checks) for r in results),
            "corrected": sum(bool(r.corrections) for r in results),
            "median_answers": median(counts), "max_answers": max(counts, default=0),
            "bookings": len(booked), "wanted_bookings": len(wanted), "median_to_booking": median(booked),
            "said_three_times": sum(len(r.said_three_times) for r in results),
            "menu_choices": sum(r.menu_choices for r in results)}


def success_line(results: list[Result]) -> str:
    f = figures(results)
    n = f["persons"] or 1
    median = f["median_answers"]
    median_text = f"{median:g}"
    return (f"conversation success: {f['decided']}/{f['persons']} reached a decision "
            f"({100 * f['decided'] / n:.0f}%), {f['route_ok']}/{f['persons']} the expected route "
            f"({100 * f['route_ok'] / n:.0f}%; first decision {f['first_ok']}/{f['persons']}), "
            f"confidently wrong {f['confidently_wrong']}, check question in {f['checked']}, "
            f"'klopt niet' in {f['corrected']}; median answers to a decision {median_text}, "
            f"max {f['max_answers']}; booked {f['bookings']}/{f['wanted_bookings']}, median answers to a "
            f"booked block {f['median_to_booking']:g}; {f['menu_choices']} numbers typed from a menu")
