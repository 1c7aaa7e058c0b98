"""The held-out first messages (tests/nlu/heldout_eerste_berichten.yml), without a model.

The model part of first-message understanding is measured by `make nlu-report`
(scripts/nlu_report.sh). Here, fast: the set is well formed and stays out of training, and our
interpreters read the facts each item expects from it — what action_lees_feiten would fill in.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from test_data_files import (  # tests/nlu is on sys.path (rootdir mode)
    INTENTS,
    TRAINING,
    normalise,
)

from verwijzing.decision.facts import Hulpvraag, Opleidingsniveau, Regio, Werkstatus
from verwijzing.interpret import FIELDS

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("nlu_first_messages", ROOT / "scripts" / "nlu_first_messages.py")
score = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(score)

PEILDATUM, ITEMS = score.load()
FACT_ITEMS = [item for item in ITEMS if item.get("facts")]
VALUES = {"werkstatus": Werkstatus, "opleidingsniveau": Opleidingsniveau, "woonregio": Regio,
          "hulpvraag": Hulpvraag}
# Misses that are not ours to fix, each with who owns the fix. strict: the test fails once fixed,
# so the entry is removed and the item counts again.
KNOWN: dict[str, str] = {}


def _id(item: dict) -> str:
    return item["text"][:50]


def test_enough_items_of_every_kind() -> None:
    assert len(ITEMS) >= 150
    openers = [i for i in ITEMS if "asked" not in i and not i.get("choice")]
    assert len(openers) >= 100
    assert {i["asked"] for i in ITEMS if "asked" in i} == set(FIELDS)


@pytest.mark.parametrize("item", ITEMS, ids=_id)
def test_item_is_well_formed(item: dict) -> None:
    assert set(item) <= {"text", "intent", "facts", "asked", "choice"}
    assert item.get("intent") or item.get("facts") or item.get("choice"), "says nothing about understood"
    assert set(score.expected_intents(item)) <= INTENTS
    assert item.get("asked") in (None, *FIELDS)
    for field, value in (item.get("facts") or {}).items():
        assert field in FIELDS
        if value is not None and field in VALUES:
            VALUES[field](value)  # a contract value, spelled as the interpreters return it


def test_texts_are_unique() -> None:
    texts = [normalise(i["text"]) for i in ITEMS]
    assert len(texts) == len(set(texts))


def test_no_heldout_text_in_training_data() -> None:
    trained = {normalise(e) for examples in TRAINING.values() for e in examples}
    leaked = [i["text"] for i in ITEMS if normalise(i["text"]) in trained]
    assert not leaked, f"held-out first messages that are also training data: {leaked}"


@pytest.mark.parametrize(
    "item",
    [pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=KNOWN[i["text"]])) if i["text"] in KNOWN else i
     for i in FACT_ITEMS],
    ids=_id,
)
def test_interpreters_read_the_expected_facts(item: dict) -> None:
    assert score.fact_misses(item, PEILDATUM) == {}, score.facts_read(item, PEILDATUM)


# --- the scoring rule itself ------------------------------------------------------------------

SICK = {"text": "ik zit al een jaar thuis met ziekte maar ben nog in dienst bij mijn werkgever",
        "facts": {"werkstatus": "langdurig_ziek"}}
TRAINING_ANSWER = {"text": "een opleiding", "asked": "hulpvraag", "facts": {"hulpvraag": "opleiding"}}


@pytest.mark.parametrize(
    ("item", "intent", "expected"),
    [
        (SICK, "informeren", True),
        (SICK, "start_intake", True),
        # A goodbye or a cancel ends the conversation whatever was read.
        (SICK, "afscheid", False),
        (SICK, "afspraak_annuleren", False),
        # Outside the form the fallback says "begreep ik niet": not understood.
        (SICK, "nlu_fallback", False),
        # Inside the form the fallback still lets the answer be read ...
        (TRAINING_ANSWER, "nlu_fallback", True),
        # ... but a short answer read as a goodbye is the dead end of issue 7.
        (TRAINING_ANSWER, "afscheid", False),
        ({"text": "wat kost dat nu", "intent": "vraag_kostprijs"}, "vraag_kostprijs", True),
        ({"text": "wat kost dat nu", "intent": "vraag_kostprijs"}, "vraag_aantal_uren", False),
        ({"text": "3", "choice": True}, "informeren", True),
        ({"text": "3", "choice": True}, "stoppen", False),
        ({"text": "0", "choice": True}, "mens_spreken", False),
    ],
)
def test_understood(item: dict, intent: str, expected: bool) -> None:
    assert score.understood(item, intent, PEILDATUM) is expected


def test_wrong_facts_are_not_understood() -> None:
    # The failure of issue 7: the same story read as an ordinary employee.
    assert not score.understood({**SICK, "facts": {"werkstatus": "werknemer"}}, "informeren", PEILDATUM)
