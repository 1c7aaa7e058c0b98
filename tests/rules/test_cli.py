"""`verwijzing screen` as a user runs it: the installed command, stdin, stdout, exit codes."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [str(Path(sys.executable).with_name("verwijzing")), "screen"]
PERSON = {"werkstatus": "werknemer", "werkervaring_jaren": 7, "opleidingsniveau": "kort",
          "woonregio": "vlaanderen", "leeftijd": 40, "hulpvraag": "loopbaan"}


def run(stdin: str, **env):
    return subprocess.run(COMMAND, input=stdin, capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def test_screen_answers_the_contract():
    result = run(json.dumps({**PERSON, "datum": "2027-02-01"}))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"in_aanmerking", "route", "bijdrage_per_uur", "bijdrage_per_blok", "resterende_uren",
            "regime", "redenen"} <= set(out)
    assert (out["in_aanmerking"], out["route"], out["bijdrage_per_uur"], out["bijdrage_per_blok"]) == (
        True, "loopbaankrediet", 15, 30)
    assert all({"code", "uitleg", "bron"} <= set(r) for r in out["redenen"])


def test_peildatum_from_the_environment_sets_the_default_date():
    result = run(json.dumps(PERSON), VERWIJZING_PEILDATUM="2027-01-01")
    assert json.loads(result.stdout)["regime"] == "loopbaankrediet"
    result = run(json.dumps(PERSON), VERWIJZING_PEILDATUM="2026-12-31")
    assert json.loads(result.stdout)["regime"] == "loopbaancheque-overgang"


@pytest.mark.parametrize("stdin, field", [
    ("dit is geen json", "input"),
    ("[1, 2]", "input"),
    (json.dumps({**PERSON, "werkstatus": "astronaut"}), "werkstatus"),
    (json.dumps({**PERSON, "opleidingsniveau": "universiteit"}), "opleidingsniveau"),
    (json.dumps({k: v for k, v in PERSON.items() if k != "woonregio"}), "woonregio"),
    (json.dumps({k: v for k, v in PERSON.items() if k != "hulpvraag"}), "hulpvraag"),
    (json.dumps({**PERSON, "werkervaring_jaren": -1}), "werkervaring_jaren"),
    (json.dumps({**PERSON, "werkervaring_jaren": "zeven"}), "werkervaring_jaren"),
    (json.dumps({**PERSON, "leeftijd": 40.5}), "leeftijd"),
    (json.dumps({**PERSON, "eerder_gebruikt_uren": -2}), "eerder_gebruikt_uren"),
    (json.dumps({**PERSON, "datum": "2027-02-30"}), "datum"),
    (json.dumps({**PERSON, "datum": "1 maart 2027"}), "datum"),
    (json.dumps({**PERSON, "datum": "2024-05-01"}), "datum"),
    (json.dumps({**PERSON, "regime": "vlaams-paradijs"}), "regime"),
    (json.dumps({**PERSON, "leeftijdd": 40}), "leeftijdd"),
])
def test_bad_input_exits_2_with_one_line_naming_the_field(stdin, field):
    result = run(stdin)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert field in lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
