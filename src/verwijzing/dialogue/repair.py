"""Getting a conversation back on track: re-asks and numbered menus, so there is no dead end.

A question that is not understood is asked once more in other words; from the second miss on,
the person gets a numbered menu of the usual answers, "0" for a person, and the words "stop" and
"opnieuw". Outside a question, the menu lists what the assistant can do. Every menu line can be
chosen by typing its number (SMS, phone keypad) or by its button (web).

Pure functions over texts and plain data; the texts live in content/repair.yaml, the figures in
the policy. The Rasa actions only move values between the tracker and these functions.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from verwijzing.content import load
from verwijzing.dialogue.choices import read_choice
from verwijzing.nl_be import format_number
from verwijzing.policy import regime_at

# Choosing "0" always means: let me talk to a person (as in phone menus).
PERSON_DIGIT = "0"
PERSON_PAYLOAD = "/mens_spreken"
# Misses before the menu replaces the question in other words.
MENU_FROM_MISS = 2


@dataclass(frozen=True)
class Option:
    """One numbered line of a menu: what it says, and what choosing it sends."""

    title: str
    payload: str
    # For the main menu: what the assistant does next (intake, kosten, annuleren, …).
    keuze: str | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[dict[str, str], ...] = ()

def _content() -> dict[str, Any]:
    return load("repair")


# Each menu after a miss has its own first line; after the last, a question gives up (the form
# ends and hands over to a person) rather than say one of them again.
MENU_INTROS: tuple[str, ...] = tuple(_content()["niet_begrepen"]["menu_intro"])


def rule_figures(day: dt.date) -> dict[str, str]:
    """The rule boundaries the range answers use, from the policy of the day ({jaren}, {grens}, …)."""
    regime = regime_at(day)
    years = regime.value("minimum_werkervaring_jaren")
    age = regime.value("jongeren_leeftijdsgrens")
    block, credit = regime.value("blok_uren"), regime.value("krediet_uren")
    values: dict[str, str] = {}
    if block is not None and credit is not None:
        values |= {"blok": format_number(block), "krediet": format_number(credit)}
    if years is not None:
        values |= {"jaren": format_number(years), "jaren_min": format_number(max(years - 1, 0))}
    if age is not None:
        values |= {"grens": format_number(age), "grens_min": format_number(age - 1)}
    return values


def slot_options(slot: str, day: dt.date) -> list[Option]:
    """The usual answers to the question for `slot`, as numbered options."""
    entry = _content()["vragen"].get(slot) or {}
    figures = rule_figures(day)
    options = []
    for raw in entry.get("opties") or []:
        try:
            options.append(Option(raw["titel"].format(**figures), str(raw["antwoord"]).format(**figures)))
        except KeyError:
            continue  # a boundary the policy does not give on this day: no range to offer
    return options


def main_options() -> list[Option]:
    return [Option(o["titel"], o["payload"], o["keuze"]) for o in _content()["hoofdmenu"]["opties"]]


def _menu(intro: str, options: list[Option], closing: str | None) -> Reply:
    texts = _content()["niet_begrepen"]
    lines = [intro, *(f"{i}. {o.title}" for i, o in enumerate(options, start=1)),
             f"{PERSON_DIGIT}. {texts['mens_optie']}"]
    if closing:
        lines.append(closing)
    buttons = [{"title": f"{i}. {o.title}", "payload": o.payload} for i, o in enumerate(options, start=1)]
    buttons.append(person_button())
    return Reply("\n".join(lines), tuple(buttons))


def person_button() -> dict[str, str]:
    """ "0. Met een mens praten": offered with every menu, so "0" always reaches a person."""
    return {"title": f"{PERSON_DIGIT}. {_content()['niet_begrepen']['mens_optie']}", "payload": PERSON_PAYLOAD}


def _intro(misses: int) -> str:
    intros = MENU_INTROS
    return intros[min(misses - MENU_FROM_MISS, len(intros) - 1)]


def slot_reask(slot: str, misses: int, day: dt.date) -> Reply | None:
    """What to say instead of the question after `misses` misses in a row (None: the question
    itself). The first miss asks in other words; then a menu whose first line changes."""
    if misses <= 0:
        return None
    entry = _content()["vragen"].get(slot) or {}
    options = slot_options(slot, day)
    if misses < MENU_FROM_MISS:
        texts = _content()["niet_begrepen"]
        again = entry.get("opnieuw")
        text = f"{texts['eerste']} {again}" if again else texts["eerste"]
        buttons = tuple({"title": o.title, "payload": o.payload} for o in options)
        return Reply(text, buttons)
    return _menu(_intro(misses), options, _content()["niet_begrepen"]["slot"])


def main_reask(misses: int) -> Reply:
    """Outside a question: ask to say it in other words, then the menu of what the assistant does."""
    content = _content()
    if misses < MENU_FROM_MISS:
        return Reply(content["hoofdmenu"]["eerste"])
    return _menu(_intro(misses), main_options(), content["niet_begrepen"]["slot"])


_PERSON = re.compile(r"^\W*(0|nul|optie 0|nummer 0|keuze 0)\W*$", re.IGNORECASE)


def chosen_button(text: str, buttons: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The button a typed message picks: "2", "de tweede", "0" (a person, when offered), or the
    button's own title or payload typed out."""
    if not buttons:
        return None
    stripped = text.strip()
    for button in buttons:
        if stripped.lower() in (str(button.get("payload", "")).lower(), str(button.get("title", "")).lower()):
            return button
    if _PERSON.match(stripped):
        return next((b for b in buttons if b.get("payload") == PERSON_PAYLOAD), None)
    numbered = [b for b in buttons if b.get("payload") != PERSON_PAYLOAD]
    number = read_choice(text, len(numbered))
    return numbered[number - 1] if number else None


def intent_of_payload(payload: str) -> str | None:
    """"/mens_spreken" → "mens_spreken"; a payload that is an answer in words → None."""
    match = re.fullmatch(r"/(\w+)", payload.strip())
    return match.group(1) if match else None


def keuze_of_payload(payload: str) -> str | None:
    """The main menu's next step for a chosen payload ("/start_intake" → "intake")."""
    return next((o.keuze for o in main_options() if o.payload == payload), None)


def offers_reask(labels: list[str], misses: int) -> Reply:
    """The free moments once more after a miss, as a menu: the moments keep their numbers."""
    options = [Option(label, str(i)) for i, label in enumerate(labels, start=1)]
    intro = _content()["vragen"]["gekozen_slot"]["opnieuw"] if misses < MENU_FROM_MISS else _intro(misses)
    if misses < MENU_FROM_MISS:
        intro = f"{_content()['niet_begrepen']['eerste']} {intro}"
    return _menu(intro, options, _content()["niet_begrepen"]["slot"])
