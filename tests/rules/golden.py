"""Loads the golden cases; shared by the rules tests and the conversation tests."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


@dataclass(frozen=True)
class GoldenCase:
    name: str
    file: str
    date: dt.date
    input: dict[str, Any]
    output: dict[str, Any]
    chat: dict[str, str] | None = None


def golden_cases() -> list[GoldenCase]:
    cases = []
    for path in sorted(HERE.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            cases.append(GoldenCase(case["name"], path.name, case["date"], dict(case["input"]),
                                    case["output"], case.get("chat")))
    return cases
