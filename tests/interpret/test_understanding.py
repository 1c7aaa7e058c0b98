"""Understanding that is never confidently wrong (issue 16): the golden cases of understanding.yaml
through the readers — the facts a message states, what was inferred, a range across a boundary."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from verwijzing.interpret import read_text

GOLDEN = yaml.safe_load(Path(__file__).with_name("understanding.yaml").read_text(encoding="utf-8"))
CASES = GOLDEN["gevallen"]


def _plain(value: object) -> object:
    return value.value if hasattr(value, "value") else value


@pytest.mark.parametrize("case", CASES, ids=[c["tekst"][:40] for c in CASES])
def test_the_facts_and_what_was_inferred(case):
    reading = read_text(case["tekst"], GOLDEN["datum"], case.get("gevraagd"))
    facts = {name: _plain(value) for name, value in reading.facts.items()}
    assert facts == case["feiten"]
    if "afgeleid" in case:
        assert {name: str(why) for name, why in reading.inferred.items()} == case["afgeleid"]
    assert {name: list(bounds) for name, bounds in reading.ranges.items()} == case.get("bereik", {})
