"""Answers to the questions people ask, filled with the policy's figures on the reference date.

The credit's figures are read from the loopbaankrediet regime even before it starts, because
people ask now what it will be; while the transitional cheque is in force the answer says so
(`nu_overgang`). An answer about a proposal ends with the policy's plain reserve sentence
(Policy.with_reserve). Figures that describe today — the work experience asked, how long records
are kept — are read from the regime in force on the day.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from verwijzing.content import load
from verwijzing.nl_be import date_words, format_number
from verwijzing.policy import CREDIT_REGIME, load_policy, regime_at


def _questions() -> dict[str, Any]:
    return load("answers")


def figures(day: dt.date) -> dict[str, str]:
    policy = load_policy()
    credit = regime_at(day, CREDIT_REGIME)
    now = regime_at(day)
    transition = next(r for r in policy.regimes.values() if not r.scenario and r.route != CREDIT_REGIME)
    kort, standaard = credit.value("bijdrage_per_uur_kortgeschoold"), credit.value("bijdrage_per_uur_standaard")
    blok = credit.value("blok_uren")
    values = {
        "krediet_uren": credit.value("krediet_uren"),
        "blok_uren": blok,
        "kort": kort,
        "standaard": standaard,
        "kort_blok": kort * blok,
        "standaard_blok": standaard * blok,
        "minimum_jaren": now.value("minimum_werkervaring_jaren"),
        "begeleider_ervaring": credit.value("begeleider_min_ervaring_jaren"),
        # This service's own retention, one period for all it keeps (policy/parameters).
        "bewaartermijn": now.value("bewaartermijn_jaren"),
    }
    texts = {k: format_number(v) for k, v in values.items()}
    texts["krediet_start"] = date_words(policy.regimes[CREDIT_REGIME].first_day())
    texts["overgang_einde"] = date_words(transition.last_day())
    texts["overgang_einde_jaar"] = str(transition.last_day().year)
    return texts


def answer(question: str, day: dt.date) -> str | None:
    """The answer to a question intent on `day`, or None for a question we have no answer to."""
    entry = _questions().get(question)
    if entry is None:
        return None
    in_transition = regime_at(day).name != CREDIT_REGIME and "nu_overgang" in entry
    template: str = entry["nu_overgang"] if in_transition else entry["tekst"]  # answers.yaml's texts are str
    items = entry.get("over_overgang", entry.get("over")) if in_transition else entry.get("over")
    return load_policy().with_reserve(template.format(**figures(day)), items or (), day)
