"""Policy as dated data, in the style of OpenFisca parameters.

Each figure lives in one YAML file under `parameters/` with a description, a unit, its sources
and values keyed by start date; a `null` value means "no source gives it" (and ends an earlier
value). A scenario (e.g. `serv-advies`) overrides some figures of its base regime and is used
only when named. Rule texts (the reasons a decision gives) live under `rules/`, one file per
rule, with their sources. Code reads figures by name and date and never repeats a number.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Iterable

import yaml


class PolicyError(LookupError):
    pass


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    reference: tuple[str, ...]
    # (start date, value) sorted by date; value None means "not given by any source".
    values: tuple[tuple[dt.date, Any], ...]

    def at(self, day: dt.date) -> Any:
        current = None
        for start, value in self.values:
            if start > day:
                break
            current = value
        return current

    @property
    def source(self) -> str:
        return "; ".join(self.reference)


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    reference: tuple[str, ...]
    outcomes: dict[str, str]

    @property
    def source(self) -> str:
        return "; ".join(self.reference)


@dataclass(frozen=True)
class Regime:
    name: str
    label: str
    reference: tuple[str, ...]
    route: str
    uitleg: str
    start: dt.date | None = None
    end: dt.date | None = None
    scenario: bool = False
    base: str | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class RegimeView:
    """The figures of one regime as they stand on one date."""

    regime: Regime
    day: dt.date
    parameters: dict[str, Parameter] = field(repr=False)

    @property
    def name(self) -> str:
        return self.regime.name

    def value(self, name: str) -> Any:
        try:
            return self.parameters[name].at(self.day)
        except KeyError:
            raise PolicyError(f"unknown policy parameter {name!r}") from None

    def source(self, name: str) -> str:
        return self.parameters[name].source


@dataclass(frozen=True)
class Policy:
    parameters: dict[str, Parameter]
    scenarios: dict[str, dict[str, Parameter]]
    regimes: dict[str, Regime]
    rules: dict[str, Rule]

    def dated_regime(self, day: dt.date) -> Regime:
        for regime in self.regimes.values():
            if not regime.scenario and regime.covers(day):
                return regime
        first = min(r.start for r in self.regimes.values() if r.start)
        raise PolicyError(f"no regime is known before {first.isoformat()}")

    def view(self, day: dt.date, regime_name: str | None = None) -> RegimeView:
        """The regime in force on `day`, or the named one.

        A named dated regime is read at the nearest day of its own period, so that staff can
        ask "what would the credit say" before it starts. A scenario reads its base regime the
        same way, with its own figures on top.
        """
        if regime_name is None:
            return RegimeView(self.dated_regime(day), day, self.parameters)
        regime = self.regimes.get(regime_name)
        if regime is None:
            raise PolicyError(f"unknown regime {regime_name!r}, expected one of {'|'.join(self.regimes)}")
        base = self.regimes[regime.base] if regime.base else regime
        effective = _clamp(day, base.start, base.end)
        parameters = dict(self.parameters)
        parameters.update(self.scenarios.get(regime.name, {}))
        return RegimeView(regime, effective, parameters)

    def outcome(self, code: str) -> tuple[str, str]:
        """(plain-Dutch template, source) of a reason code."""
        for rule in self.rules.values():
            if code in rule.outcomes:
                return rule.outcomes[code], rule.source
        raise PolicyError(f"no rule has outcome {code!r}")


def _clamp(day: dt.date, start: dt.date | None, end: dt.date | None) -> dt.date:
    if start and day < start:
        return start
    if end and day > end:
        return end
    return day


def _yaml_files(folder) -> Iterable[tuple[str, dict]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            yield entry.name.removesuffix(".yaml"), yaml.safe_load(entry.read_text(encoding="utf-8"))


def _parameter(name: str, data: dict) -> Parameter:
    values = tuple(sorted((start, (entry or {}).get("value")) for start, entry in data["values"].items()))
    for start, _ in values:
        if not isinstance(start, dt.date):
            raise PolicyError(f"{name}: value keys must be dates, got {start!r}")
    return Parameter(
        name=name,
        description=data["description"],
        unit=data["unit"],
        reference=tuple(data["reference"]),
        values=values,
    )


@cache
def load_policy() -> Policy:
    root = resources.files(__package__)
    parameters = {name: _parameter(name, data) for name, data in _yaml_files(root / "parameters")}
    scenarios = {
        folder.name: {name: _parameter(name, data) for name, data in _yaml_files(folder)}
        for folder in (root / "scenarios").iterdir()
        if folder.is_dir()
    }
    regimes_data = yaml.safe_load((root / "regimes.yaml").read_text(encoding="utf-8"))
    regimes = {
        name: Regime(
            name=name,
            label=data["label"],
            reference=tuple(data["reference"]),
            route=data["route"],
            uitleg=data["uitleg"],
            start=data.get("start"),
            end=data.get("end"),
            scenario=bool(data.get("scenario", False)),
            base=data.get("base"),
        )
        for name, data in regimes_data.items()
    }
    rules = {
        name: Rule(name, data["description"], tuple(data["reference"]), dict(data["outcomes"]))
        for name, data in _yaml_files(root / "rules")
    }
    return Policy(parameters, scenarios, regimes, rules)


def regime_at(day: dt.date, regime_name: str | None = None) -> RegimeView:
    return load_policy().view(day, regime_name)
