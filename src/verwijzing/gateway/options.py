"""Buttons as numbered choices, for SMS and the phone keypad.

A web button carries a payload; on SMS and the phone the person types or presses a number. The
number shown for a button is the one its title starts with ("0. Met een mens praten"), or else
its place in the list (1, 2, …). `choose` maps a number back to that button's payload, so "2"
sends exactly what pressing the second button would have sent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from verwijzing.dialogue.repair import PERSON_DIGIT, PERSON_PAYLOAD
from verwijzing.gateway.assistant import BotMessage, Button

_NUMBERED_TITLE = re.compile(r"^\s*(\d{1,2})\s*[.)]\s*(.+)$")
_TYPED_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)#]?\s*$")


@dataclass(frozen=True)
class Choice:
    number: str
    title: str  # without its number
    payload: str


def choices(buttons: tuple[Button, ...] | list[Button]) -> list[Choice]:
    result = []
    for place, button in enumerate(buttons, start=1):
        numbered = _NUMBERED_TITLE.match(button.title)
        if numbered:
            result.append(Choice(numbered.group(1), numbered.group(2).strip(), button.payload))
        else:
            result.append(Choice(str(place), button.title.strip(), button.payload))
    return result


def reply_choices(reply: list[BotMessage]) -> list[Choice]:
    """The choices of a reply: those of its last message with buttons."""
    for message in reversed(reply):
        if message.buttons:
            return choices(message.buttons)
    return []


def choose(text: str, reply: list[BotMessage]) -> str | None:
    """The payload of the choice a typed number picks in the last reply, or None. "0" always
    asks for a person on SMS and the phone, listed or not (the SMS help and the voice prompts
    say so); it is never an answer such as "0 years"."""
    typed = _TYPED_NUMBER.match(text or "")
    if not typed:
        return None
    number = str(int(typed.group(1)))
    listed = next((c.payload for c in reply_choices(reply) if c.number == number), None)
    if listed is None and number == PERSON_DIGIT:
        return PERSON_PAYLOAD
    return listed


def lists_choices(text: str, listed: list[Choice]) -> bool:
    """Whether the message text already shows every choice with its number (the repair menus do)."""
    lines = {line.strip() for line in text.splitlines()}
    return all(f"{c.number}. {c.title}" in lines for c in listed)
