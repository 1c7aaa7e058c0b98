"""`rasa data validate` on the domain and data: no errors, no warning except Rasa 3.6's known
false alarm for responses that only forms (utter_ask_*) or our actions use."""
import re
import subprocess

import pytest
import yaml

from tests.conversation.stack import RASA, ROOT

# Responses that actions send (the validator only looks at stories and rules).
SENT_BY_ACTIONS = {"utter_opnieuw", "utter_default", "utter_technisch_probleem", "utter_geen_vrije_momenten",
                   "utter_mens", "utter_aanbod_intake", "utter_niet_begrepen", "utter_ambtenaar_check",
                   "utter_ambtenaar_voorbehoud", "utter_opgegeven"}


@pytest.mark.rasa
def test_rasa_data_validate_is_clean():
    result = subprocess.run([str(RASA), "data", "validate", "--domain", "bot", "--data", "data"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    unused = set(re.findall(r"The utterance '(\w+)' is not used in any story or rule", output))
    forms = {f"utter_ask_{slot}" for slot in _form_slots()}
    assert unused <= forms | SENT_BY_ACTIONS, unused - forms - SENT_BY_ACTIONS
    for line in output.splitlines():
        if "UserWarning" in line and "is not used in any story or rule" not in line:
            raise AssertionError(line)
    assert "conflict" not in output.lower() or "No story structure conflicts found" in output


def test_every_response_sent_by_an_action_exists():
    responses = set()
    for path in (ROOT / "bot").glob("*.yml"):
        responses |= set((yaml.safe_load(path.read_text()) or {}).get("responses") or {})
    assert SENT_BY_ACTIONS <= responses
    for path in (ROOT / "actions").glob("*.py"):
        for name in re.findall(r'response="(\w+)"', path.read_text()):
            assert name in responses, f"{path.name} sends {name}, which the domain does not define"


def _form_slots():
    slots = set()
    for path in (ROOT / "bot").glob("*.yml"):
        for form in ((yaml.safe_load(path.read_text()) or {}).get("forms") or {}).values():
            slots |= set(form["required_slots"])
    return slots


def test_the_interruption_rules_are_generated_from_their_table():
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_rules", ROOT / "scripts" / "build_interruption_rules.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.OUT.read_text(encoding="utf-8") == module.render(), \
        "data/rules/onderbreken.yml is out of date: run scripts/build_interruption_rules.py"
