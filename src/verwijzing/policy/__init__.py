"""Policy as dated data, in the style of OpenFisca parameters.

Each figure lives in one YAML file under `parameters/` with a description, a unit, its sources
and values keyed by start date; a `null` value means "no source gives it" (and ends an earlier
value). A scenario (e.g. `serv-advies`) overrides some figures of its base regime and is used
only when named. Rule texts (the reasons a decision gives) live under `rules/`, one file per
rule, with their sources. Code reads figures by name and date and never repeats a number.

Every item a citizen text depends on — each parameter value, each regime, and the items without a
figure in `items.yaml` — has a status by date (`statuses.yaml`: certain, proposal, unknown,
withdrawn) and each status but `certain` has the wording a text about it must carry.

A proposal that waits for a decree names it (`tot_publicatie`, a key of `publications.yaml`): on
the day that publication is filled in, it turns certain. That is the one switch that makes the
loopbaankrediet's figures law in every text (domain.md, regime B), without a code change.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml


class PolicyError(LookupError):
    pass


STATUSES = ("certain", "proposal", "unknown", "withdrawn")
# The regime of regimes.yaml with the credit: texts read its figures even before it starts.
CREDIT_REGIME = "loopbaankrediet"
# (start date, status) sorted by date.
Statuses = tuple[tuple[dt.date, str], ...]


@dataclass(frozen=True)
class Publication:
    """The official text that turns a proposal into law (publications.yaml); not out yet while
    `published` is None."""

    name: str
    description: str
    published: dt.date | None
    reference: str | None


def _status_at(statuses: Statuses, day: dt.date) -> str:
    current = statuses[0][1] if statuses else "unknown"
    for start, status in statuses:
        if start > day:
            break
        current = status
    return current


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    unit: str
    reference: tuple[str, ...]
    # (start date, value) sorted by date; value None means "not given by any source".
    values: tuple[tuple[dt.date, Any], ...]
    statuses: Statuses = ()

    def status(self, day: dt.date) -> str:
        """How sure the value in force on `day` is (before the first value: its status)."""
        return _status_at(self.statuses, day)

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
    statuses: Statuses = ()
    # Other items the `uitleg` sentence speaks about.
    over: tuple[str, ...] = ()

    def status(self, day: dt.date) -> str:
        return _status_at(self.statuses, day)

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def first_day(self) -> dt.date:
        """The start, for a text that names it; a regime without one cannot be named by date (a
        date formatted from None would silently be today's)."""
        if self.start is None:
            raise PolicyError(f"regime {self.name!r} has no start date")
        return self.start

    def last_day(self) -> dt.date:
        """The end, for a text that names it (see first_day)."""
        if self.end is None:
            raise PolicyError(f"regime {self.name!r} has no end date")
        return self.end


@dataclass(frozen=True)
class Item:
    """A policy item without a figure that citizen texts speak about (items.yaml)."""

    name: str
    description: str
    reference: tuple[str, ...]
    statuses: Statuses
    # A regular expression that finds a text speaking about the item.
    herkenning: str
    # The item's own plain sentence for its reserve (None: its status's sentence).
    voorbehoud: str | None = None

    def status(self, day: dt.date) -> str:
        return _status_at(self.statuses, day)


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
    items: dict[str, Item] = field(default_factory=dict)
    # status -> the words a citizen text about an item with that status must contain (None: none).
    wordings: dict[str, str | None] = field(default_factory=dict)
    # status -> the plain sentence said after a text about an item with that status (None: none).
    sentences: dict[str, str | None] = field(default_factory=dict)
    publications: dict[str, Publication] = field(default_factory=dict)

    def status(self, name: str, day: dt.date) -> str:
        """The status on `day` of a parameter, a regime or an item."""
        for table in (self.parameters, self.regimes, self.items):
            if name in table:
                return table[name].status(day)
        raise PolicyError(f"no policy item {name!r}")

    def reserve(self, names: Iterable[str], day: dt.date) -> str | None:
        """The plain sentences a text about `names` must end with on `day` when some of them are
        proposals (the shared one, then the items' own); None when none is. Unknown and
        withdrawn items are said in the text itself ("weten we nog niet", "er nu niet")."""
        return " ".join(self.reserve_sentences(names, day)) or None

    def reserve_sentences(self, names: Iterable[str], day: dt.date) -> list[str]:
        """The sentences of `reserve`, one by one (a text that says several keeps each once)."""
        sentences: list[str] = []
        for name in names:
            if self.status(name, day) != "proposal":
                continue
            item = self.items.get(name)
            sentence = item.voorbehoud if item and item.voorbehoud else self.sentences["proposal"]
            if sentence and sentence not in sentences:
                sentences.append(sentence)
        # The shared sentence first: an item's own one adds to it ("Ook dat …").
        sentences.sort(key=lambda s: s != self.sentences["proposal"])
        return sentences

    def with_reserve(self, text: str, names: Iterable[str], day: dt.date) -> str:
        """`text`, followed by the reserve its items need on `day` (see reserve), unless the text
        says it in its own words already."""
        sentence = self.reserve(names, day)
        if not sentence or self.says_reserve(text):
            return text
        return f"{text} {sentence}"

    def says_reserve(self, text: str) -> bool:
        """Whether `text` already says that what it tells is a plan (the proposal's wording)."""
        wording = self.wordings["proposal"]
        return wording is not None and wording.lower() in text.lower()

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


def _yaml_files(folder: Traversable) -> Iterable[tuple[str, dict[str, Any]]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            yield entry.name.removesuffix(".yaml"), yaml.safe_load(entry.read_text(encoding="utf-8"))


def _check_status(name: str, status: Any) -> str:
    if not isinstance(status, str) or status not in STATUSES:
        raise PolicyError(f"{name}: status must be one of {'|'.join(STATUSES)}, got {status!r}")
    return status


def _dated_statuses(name: str, data: Any, awaits: str | None = None,
                    publications: dict[str, Publication] | None = None) -> Statuses:
    """A status, or start date -> status; a proposal that `awaits` a publication turns certain
    on the day it is published."""
    if isinstance(data, dict):
        pairs = sorted(data.items())
        for start, _ in pairs:
            if not isinstance(start, dt.date):
                raise PolicyError(f"{name}: status keys must be dates, got {start!r}")
        statuses = tuple((start, _check_status(name, status)) for start, status in pairs)
    else:
        statuses = ((dt.date.min, _check_status(name, data)),)
    return _published(name, statuses, (awaits,) * len(statuses), publications or {})


def _published(name: str, statuses: Statuses, awaits: tuple[str | None, ...],
               publications: dict[str, Publication]) -> Statuses:
    """Each proposal period that awaits a publication becomes certain from its publication day
    (from the period's start if it was published before), until the next period starts."""
    out: list[tuple[dt.date, str]] = []
    for i, ((start, status), waits_for) in enumerate(zip(statuses, awaits, strict=True)):
        out.append((start, status))
        if waits_for is None:
            continue
        if waits_for not in publications:
            raise PolicyError(f"{name}: tot_publicatie {waits_for!r} is not in publications.yaml")
        if status != "proposal":
            raise PolicyError(f"{name}: only a proposal can wait for a publication, not {status!r}")
        published = publications[waits_for].published
        ends = statuses[i + 1][0] if i + 1 < len(statuses) else None
        if published is None or (ends is not None and published >= ends):
            continue
        if published <= start:
            out[-1] = (start, "certain")
        else:
            out.append((published, "certain"))
    return tuple(out)


def _parameter(name: str, data: dict[str, Any], publications: dict[str, Publication]) -> Parameter:
    entries = sorted((start, entry or {}) for start, entry in data["values"].items())
    for start, _ in entries:
        if not isinstance(start, dt.date):
            raise PolicyError(f"{name}: value keys must be dates, got {start!r}")
    # Every value says how sure it is; a value no source gives cannot be more than unknown.
    statuses = tuple(
        (start, _check_status(f"{name} {start}",
                              entry.get("status", "unknown" if entry.get("value") is None else None)))
        for start, entry in entries
    )
    statuses = _published(name, statuses, tuple(entry.get("tot_publicatie") for _, entry in entries), publications)
    return Parameter(
        name=name,
        description=data["description"],
        unit=data["unit"],
        reference=tuple(data["reference"]),
        values=tuple((start, entry.get("value")) for start, entry in entries),
        statuses=statuses,
    )


def _publications(data: dict[str, Any]) -> dict[str, Publication]:
    found = {}
    for name, entry in data.items():
        published = entry.get("gepubliceerd")
        if published is not None and not isinstance(published, dt.date):
            raise PolicyError(f"publications.yaml {name}: gepubliceerd must be a date, got {published!r}")
        if published is not None and not entry.get("referentie"):
            raise PolicyError(f"publications.yaml {name}: a publication needs its referentie")
        found[name] = Publication(name, entry["description"], published, entry.get("referentie"))
    return found


@cache
def status_legend() -> dict[str, tuple[str, str]]:
    """Each status as a reader names it, and what it means (statuses.yaml's `woord`, `betekenis`)."""
    data = yaml.safe_load((resources.files(__package__) / "statuses.yaml").read_text(encoding="utf-8"))
    return {status: (str(entry["woord"]), str(entry["betekenis"])) for status, entry in data.items()}


@cache
def load_policy() -> Policy:
    return build_policy()


def build_policy(published: dict[str, tuple[dt.date, str]] | None = None) -> Policy:
    """The policy data as shipped; `published` (name -> (date, reference)) fills in publications
    as if they had appeared, to show what the switch does (tests, `verwijzing` what-ifs)."""
    root = resources.files(__package__)
    publications = _publications(yaml.safe_load((root / "publications.yaml").read_text(encoding="utf-8")))
    for name, (day, reference) in (published or {}).items():
        publications[name] = Publication(name, publications[name].description, day, reference)
    parameters = {name: _parameter(name, data, publications) for name, data in _yaml_files(root / "parameters")}
    scenarios = {
        folder.name: {name: _parameter(name, data, publications) for name, data in _yaml_files(folder)}
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
            statuses=_dated_statuses(name, data.get("status"), data.get("tot_publicatie"), publications),
            over=tuple(data.get("over") or ()),
        )
        for name, data in regimes_data.items()
    }
    rules = {
        name: Rule(name, data["description"], tuple(data["reference"]), dict(data["outcomes"]))
        for name, data in _yaml_files(root / "rules")
    }
    items_data = yaml.safe_load((root / "items.yaml").read_text(encoding="utf-8"))
    items = {
        name: Item(name, data["description"], tuple(data["reference"]),
                   _dated_statuses(name, data.get("status"), data.get("tot_publicatie"), publications),
                   data["herkenning"], data.get("voorbehoud"))
        for name, data in items_data.items()
    }
    statuses_data = yaml.safe_load((root / "statuses.yaml").read_text(encoding="utf-8"))
    if tuple(statuses_data) != STATUSES:
        raise PolicyError(f"statuses.yaml must define {STATUSES}, got {tuple(statuses_data)}")
    wordings = {status: data.get("wording") for status, data in statuses_data.items()}
    sentences = {status: data.get("zin") for status, data in statuses_data.items()}
    return Policy(parameters, scenarios, regimes, rules, items, wordings, sentences, publications)


def regime_at(day: dt.date, regime_name: str | None = None) -> RegimeView:
    return load_policy().view(day, regime_name)
