"""Every text a citizen can read, gathered from where it lives: the Rasa responses (bot/*.yml),
the content files, the policy's rule and regime texts, the booking texts, and the string
literals of the actions and the booking code. Each text says which policy items it declares
it speaks about (`over`; None when its file has no such declarations) and, when it is only shown
under one regime, which one.
"""
from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from verwijzing.booking import texts as booking_texts
from verwijzing.booking.views import BookingView
from verwijzing.content import load
from verwijzing.dialogue.booking import confirmation_messages
from verwijzing.enums import BookingStatus, Channel, Modality
from verwijzing.policy import CREDIT_REGIME, load_policy
from verwijzing.worker.reminders import reminder_sms

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "src" / "verwijzing" / "content"
# Keys in content files that are not read by a citizen (declarations, values, payloads).
NOT_TEXT_KEYS = frozenset({"over", "over_overgang", "regime", "payload", "keuze", "waarde"})
# Python files whose string literals can reach a citizen.
PYTHON_SOURCES = ("actions/*.py", "src/verwijzing/booking/*.py", "src/verwijzing/dialogue/*.py")


@dataclass(frozen=True)
class CitizenText:
    where: str
    text: str
    over: tuple[str, ...] | None = None
    regime: str | None = None
    # The code says it through Policy.with_reserve (explain.yaml, answers.yaml): the reserve of a
    # proposal is added on the day it is shown, and goes when the decree is published.
    reserved_by_code: bool = False


def all_texts() -> list[CitizenText]:
    return [*bot_texts(), *content_texts(), *question_texts(), *policy_texts(), *booking_rendered(),
            *python_literals()]


def bot_texts() -> Iterator[CitizenText]:
    for path in sorted((ROOT / "bot").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            for i, variation in enumerate(variations):
                where = f"{path.relative_to(ROOT)}:{name}[{i}]"
                if variation.get("text"):
                    yield CitizenText(where, variation["text"])
                for button in variation.get("buttons") or ():
                    yield CitizenText(f"{where}:button", button["title"])


def content_texts() -> Iterator[CitizenText]:
    """Every text in content/*.yaml but the question answers (see question_texts)."""
    for path in sorted(CONTENT.glob("*.yaml")):
        if path.name == "answers.yaml":
            continue
        declares = path.name == "explain.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from _walk(data, str(path.relative_to(ROOT)), declares)


def _walk(node: Any, where: str, declares: bool) -> Iterator[CitizenText]:
    if isinstance(node, str):
        yield CitizenText(where, node, () if declares else None, None, declares)
    elif isinstance(node, dict) and isinstance(node.get("tekst"), str):
        yield CitizenText(where, node["tekst"], tuple(node.get("over") or ()), node.get("regime"), declares)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_TEXT_KEYS:
                yield from _walk(value, f"{where}:{key}", declares)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{where}[{i}]", declares)


def question_texts() -> Iterator[CitizenText]:
    """`nu_overgang` is shown in the transition; a `tekst` that has one only under the credit."""
    transition = next(r.name for r in load_policy().regimes.values() if not r.scenario and r.end)
    for question, entry in load("answers").items():
        over = tuple(entry.get("over") or ())
        variants = {"tekst": (entry["tekst"], over)}
        if "nu_overgang" in entry:
            variants["nu_overgang"] = (entry["nu_overgang"], tuple(entry.get("over_overgang", over)))
        for variant, (template, over) in variants.items():
            if variant == "nu_overgang":
                regime = transition
            else:
                regime = CREDIT_REGIME if "nu_overgang" in variants else None
            yield CitizenText(f"content/answers.yaml:{question}:{variant}", template, over, regime, True)


def policy_texts() -> Iterator[CitizenText]:
    policy = load_policy()
    for rule in policy.rules.values():
        for code, text in rule.outcomes.items():
            yield CitizenText(f"policy/rules/{rule.name}.yaml:{code}", text)
    for regime in policy.regimes.values():
        # Said inside a decision, whose reserve covers the regime (decision.explain).
        yield CitizenText(f"policy/regimes.yaml:{regime.name}:uitleg", regime.uitleg,
                          (regime.name, *regime.over), None if regime.scenario else regime.name, True)


def booking_rendered() -> Iterator[CitizenText]:
    """The booking texts as a person reads them, filled in."""
    start = dt.datetime(2027, 3, 2, 9, tzinfo=booking_texts.BRUSSELS)
    window = dt.timedelta(hours=24)
    where = "src/verwijzing/booking/texts.py"
    yield CitizenText(f"{where}:confirmation_sms",
                      booking_texts.confirmation_sms("LK-7K3P", start, "Els V.", Modality.OP_LOCATIE, "Gent"))
    yield CitizenText(f"{where}:moved_sms", booking_texts.moved_sms("LK-7K3P", start, "Els V.", Modality.ONLINE, None))
    yield CitizenText(f"{where}:cancelled_sms", booking_texts.cancelled_sms("LK-7K3P", 120))
    yield CitizenText("src/verwijzing/worker/reminders.py:reminder_sms",
                      reminder_sms("LK-7K3P", start, "Els V.", Modality.OP_LOCATIE, "9000"))
    for refunded, confirmed in ((120, True), (0, True), (0, False)):
        yield CitizenText(f"{where}:cancel_message({refunded}, {confirmed})",
                          booking_texts.cancel_message("LK-7K3P", refunded, window, confirmed))
    for remaining in (0, 60):
        yield CitizenText(f"{where}:not_enough_credit({remaining})", booking_texts.not_enough_credit(remaining, 120))
    view = BookingView("LK-7K3P", BookingStatus.CONFIRMED, "Els V.", start, start + dt.timedelta(hours=2),
                       Channel.WEB, Modality.OP_LOCATIE, start, "kantoor Els V., 9000", sms_queued=True)
    for per_hour in (15, None):
        for i, message in enumerate(confirmation_messages(view, per_hour, 2, "http://localhost:8080/x.ics",
                                                          start.date())):
            yield CitizenText(f"dialogue/booking.py:confirmation_messages({per_hour})[{i}]", message)


def python_literals() -> Iterator[CitizenText]:
    """String literals (f-strings with their holes as {}) that read like a sentence, no docstrings."""
    for pattern in PYTHON_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                          and node.body and isinstance(node.body[0], ast.Expr)}
            # The pieces of an f-string are read as part of the whole.
            pieces = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
            for node in ast.walk(tree):
                text = _literal(node)
                if text and id(node) not in docstrings | pieces and " " in text.strip() and text[:1].isupper():
                    yield CitizenText(f"{path.relative_to(ROOT)}:{node.lineno}", text)


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None
