"""A decision in plain Dutch: the outcome, why, what it costs, and which regime applies.

Used by the chat action, and later by the SMS/voice gateway and the staff console, so the
same decision always reads the same way. Texts come from content/ and the policy's rule texts.
"""
from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from .policy import load_policy
from .screening import Decision


@cache
def _content() -> dict:
    text = (resources.files(__package__) / "content" / "uitkomst.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def explain_decision(decision: Decision) -> list[str]:
    """Short messages, in the order a person should read them."""
    content = _content()
    regime = load_policy().regimes[decision.regime]
    messages = [_headline(decision, content, regime.route)]

    failed = [r for r in decision.redenen if r.voldaan is False]
    info = [r for r in decision.redenen if r.voldaan is None]
    if failed:
        # One or two sentences: the conditions that decided, then why this route.
        why = failed[:2]
    else:
        met = [r for r in decision.redenen if r.voldaan]
        why = [r for r in met if r.code.startswith("werkervaring")] or met[:1]
    messages.append(" ".join(r.uitleg for r in why))
    if info:
        messages.append(" ".join(r.uitleg for r in info))
    sources = dict.fromkeys(r.bron for r in [*why, *info])
    messages.append(content["bron"].format(bron="; ".join(sources)))
    if not regime.scenario and decision.route not in ("zorg", "vlaio", "vdab_bemiddeling"):
        messages.append(regime.uitleg)
    return messages


def _headline(decision: Decision, content: dict, regime_route: str) -> str:
    if decision.in_aanmerking:
        return content["in_aanmerking"][decision.route.value]
    per_route = content["niet_in_aanmerking"]
    template = per_route.get(decision.route.value, per_route["default"])
    return template.format(regeling=content["regeling"][regime_route])
