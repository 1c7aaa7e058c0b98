"""Every row and boundary of the decision table, as golden cases in YAML."""
import json

import pytest

from tests.rules.golden import golden_cases
from verwijzing.cli import screen_json

CASES = golden_cases()


def test_there_are_enough_golden_cases():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES), "golden case names must be unique"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case):
    decision = screen_json(json.dumps({**case.input, "datum": case.date.isoformat()}), default_day=None)
    expected = dict(case.output)
    codes = expected.pop("redenen", [])
    for field, value in expected.items():
        assert decision[field] == value, f"{field}: {decision[field]!r} != {value!r}"
    got_codes = [r["code"] for r in decision["redenen"]]
    for code in codes:
        assert code in got_codes
    if not decision["in_aanmerking"]:
        assert decision["redenen"], "every 'not eligible' says why"
    for reason in decision["redenen"]:
        assert reason["uitleg"].endswith("."), reason
        assert reason["bron"], reason
        assert "{" not in reason["uitleg"], "template left unfilled"
