"""The facts a screening needs, with the exact values of the contract (contract.md).

Parsing lives here so that the CLI, the actions and the staff console reject the same bad
input with the same plain message naming the field.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any


class Werkstatus(StrEnum):
    WERKNEMER = "werknemer"
    ZELFSTANDIGE = "zelfstandige"
    WERKZOEKENDE = "werkzoekende"
    STUDENT = "student"
    LANGDURIG_ZIEK = "langdurig_ziek"
    GEPENSIONEERD = "gepensioneerd"
    ANDERS = "anders"


class Opleidingsniveau(StrEnum):
    KORT = "kort"
    MIDDEN = "midden"
    HOOG = "hoog"


class Regio(StrEnum):
    VLAANDEREN = "vlaanderen"
    BRUSSEL = "brussel"
    WALLONIE = "wallonie"
    EER_BUITENLAND = "eer_buitenland"
    BUITEN_EER = "buiten_eer"


class Hulpvraag(StrEnum):
    LOOPBAAN = "loopbaan"
    COMPETENTIES = "competenties"
    ORIENTATIE = "orientatie"
    BURNOUT = "burnout"
    THERAPIE = "therapie"
    BEDRIJFSCOACHING = "bedrijfscoaching"
    OPLEIDING = "opleiding"
    WERK_ZOEKEN = "werk_zoeken"


class Route(StrEnum):
    LOOPBAANKREDIET = "loopbaankrediet"
    LOOPBAANCHEQUE = "loopbaancheque"
    COMPETENTIECHECK = "competentiecheck"
    JONGERENORIENTATIE = "jongerenorientatie"
    VDAB_BEMIDDELING = "vdab_bemiddeling"
    ZORG = "zorg"
    TERUG_NAAR_WERK = "terug_naar_werk"
    VLAIO = "vlaio"
    OPLEIDING = "opleiding"
    GEEN = "geen"


class InvalidFact(ValueError):
    """A fact that cannot be used; `field` names it, the message is plain English for operators."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class MissingFact(LookupError):
    """The decision needs a fact nobody gave yet. The conversation asks for exactly this one."""

    def __init__(self, field: str):
        super().__init__(f"{field}: missing, the decision needs it")
        self.field = field


@dataclass(frozen=True)
class Facts:
    """What a person told us. None means: not known (yet)."""

    werkstatus: Werkstatus | None = None
    werkervaring_jaren: float | None = None
    opleidingsniveau: Opleidingsniveau | None = None
    woonregio: Regio | None = None
    werkregio: Regio | None = None
    leeftijd: int | None = None
    hulpvraag: Hulpvraag | None = None
    eerder_gebruikt_uren: float | None = None
    eerder_loopbaancheque: bool | None = None
    eerder_gebruikt_trajecten: int | None = None

    def need(self, name: str) -> Any:
        """The value of a fact the decision depends on; raises MissingFact when it is unknown."""
        value = getattr(self, name)
        if value is None:
            raise MissingFact(name)
        return value

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


_ENUMS: dict[str, type[StrEnum]] = {
    "werkstatus": Werkstatus,
    "opleidingsniveau": Opleidingsniveau,
    "woonregio": Regio,
    "werkregio": Regio,
    "hulpvraag": Hulpvraag,
}


def _number(field: str, value: Any, *, integer: bool = False) -> float | int:
    # bool is an int in Python; "true" years of experience is not a number a person meant.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidFact(field, f"must be a number, got {value!r}")
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidFact(field, "must be a finite number")
    if value < 0:
        raise InvalidFact(field, f"must not be negative, got {value!r}")
    if integer:
        if int(value) != value:
            raise InvalidFact(field, f"must be a whole number, got {value!r}")
        return int(value)
    return value


def parse_facts(data: Mapping[str, Any]) -> Facts:
    """Facts from a mapping with the contract's field names; unknown keys are left to the caller."""
    values: dict[str, Any] = {}
    for name in Facts.names():
        raw = data.get(name)
        if raw is None:
            continue
        if name in _ENUMS:
            enum = _ENUMS[name]
            try:
                values[name] = enum(raw)
            except ValueError:
                allowed = "|".join(e.value for e in enum)
                raise InvalidFact(name, f"unknown value {raw!r}, expected one of {allowed}") from None
        elif name in ("werkervaring_jaren", "eerder_gebruikt_uren"):
            values[name] = _number(name, raw)
        elif name in ("leeftijd", "eerder_gebruikt_trajecten"):
            values[name] = _number(name, raw, integer=True)
        elif name == "eerder_loopbaancheque":
            if not isinstance(raw, bool):
                raise InvalidFact(name, f"must be true or false, got {raw!r}")
            values[name] = raw
    return Facts(**values)


def parse_date(field: str, raw: Any) -> dt.date:
    if not isinstance(raw, str):
        raise InvalidFact(field, f"must be a date as YYYY-MM-DD, got {raw!r}")
    try:
        return dt.date.fromisoformat(raw) if len(raw) == 10 else _bad_date(field, raw)
    except ValueError:
        return _bad_date(field, raw)


def _bad_date(field: str, raw: str) -> dt.date:
    raise InvalidFact(field, f"must be a date as YYYY-MM-DD, got {raw!r}")
