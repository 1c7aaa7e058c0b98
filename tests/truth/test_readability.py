"""Plain Dutch, measured (issue 17, point 4): every citizen text scores at least 60 on
Flesch-Douma (verwijzing.content.readability), as written and as a person gets it — the
decisions and answers with their reserve sentences, and the bot's replies rendered for SMS and
for the phone. A label of a few words (a button, a keyword, a fact in a list) is no sentence: the
formula's words-per-sentence has no meaning there, so texts under MIN_WORDS words are not scored.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from tests.truth.citizen_texts import ROOT, all_texts
from verwijzing.content.readability import PLAIN_LANGUAGE, flesch_douma
from verwijzing.decision.answers import answer
from verwijzing.decision.explain import explain_decision
from verwijzing.decision.facts import parse_facts
from verwijzing.decision.screening import screen
from verwijzing.gateway.assistant import BotMessage, Button
from verwijzing.gateway.sms.text import reply_text
from verwijzing.gateway.voice.speech import spoken_reply

MIN_WORDS = 6
DAYS = (dt.date(2026, 11, 27), dt.date(2027, 3, 1))
BASE = {"hulpvraag": "loopbaan", "werkstatus": "werknemer", "woonregio": "vlaanderen", "werkervaring_jaren": 12,
        "opleidingsniveau": "kort", "leeftijd": 45, "eerder_gebruikt_uren": 0, "eerder_gebruikt_trajecten": 0,
        "eerder_loopbaancheque": False}
PEOPLE = [{}, {"opleidingsniveau": "hoog"}, {"werkervaring_jaren": 3}, {"werkervaring_jaren": 2, "leeftijd": 23},
          {"werkstatus": "langdurig_ziek"}, {"hulpvraag": "competenties"}, {"hulpvraag": "opleiding"},
          {"hulpvraag": "burnout"}, {"hulpvraag": "bedrijfscoaching"}, {"werkstatus": "werkzoekende"},
          {"woonregio": "wallonie"}, {"eerder_loopbaancheque": True}, {"eerder_gebruikt_uren": 6}]


def _said() -> list[tuple[str, str]]:
    texts = [(t.where, t.text) for t in all_texts()]
    for day in DAYS:
        for facts in PEOPLE:
            data = {**BASE, **facts}
            messages = explain_decision(screen(parse_facts(data), day), data["woonregio"]).messages
            texts += [(f"decision {day} {facts}[{n}]", m) for n, m in enumerate(messages)]
        questions = yaml.safe_load((ROOT / "src/verwijzing/content/answers.yaml").read_text(encoding="utf-8"))
        texts += [(f"answer {q} {day}", answer(q, day) or "") for q in questions]
    for path in sorted((ROOT / "bot").glob("*.yml")):
        for name, variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variation in variations:
                if not variation.get("text"):
                    continue
                buttons = tuple(Button(b["title"], b["payload"]) for b in variation.get("buttons") or ())
                message = [BotMessage(variation["text"], buttons)]
                if variation.get("channel") == "voice":
                    texts.append((f"{path.name}:{name} spoken", spoken_reply(message)))
                elif not variation.get("channel"):
                    texts.append((f"{path.name}:{name} sms", reply_text(message)))
    return texts


SAID = [(where, text) for where, text in _said() if len(text.split()) >= MIN_WORDS]


@pytest.mark.parametrize("where, text", SAID, ids=[w for w, _ in SAID])
def test_every_citizen_text_is_plain_dutch(where, text):
    score = flesch_douma(text)
    assert score >= PLAIN_LANGUAGE, f"{where} scores {score:.0f} on Flesch-Douma: {text!r}"


def test_the_set_is_the_whole_assistant():
    # A broken collector would pass everything: this many texts are what a person can get.
    assert len(SAID) > 300
    assert any("sms" in w for w, _ in SAID) and any("spoken" in w for w, _ in SAID)
    assert Path(ROOT / "src/verwijzing/content/readability.py").exists()
