"""Parse messages with a trained Rasa model and print the parses as JSON (one object per line).

usage: .venv-rasa/bin/python scripts/nlu_parse.py MODEL.tar.gz TEXTS.json PARSES.json

TEXTS.json is a JSON list of strings; PARSES.json gets a list of {text, intent, confidence,
ranking}. (A file, not stdout: Rasa's structured debug log writes to stdout.)

Runs in the Rasa environment (.venv-rasa) and only parses: the scoring lives in the project's
environment (scripts/nlu_first_messages.py), which has our interpreters. The model is loaded
once, so 200 messages cost seconds, not a server start per message. Run from the project root:
the model's spaCy pipeline path (build/spacy-nl) is relative to it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
logging.disable(logging.WARNING)


async def main(model: str, texts: list[str]) -> list[dict]:
    from rasa.core.agent import load_agent

    agent = await load_agent(model_path=model)
    parses = []
    for text in texts:
        parse = await agent.parse_message(text)
        ranking = [{"name": r["name"], "confidence": round(float(r["confidence"]), 4)}
                   for r in (parse.get("intent_ranking") or [])[:3]]
        intent = parse.get("intent") or {}
        parses.append({"text": text, "intent": intent.get("name"),
                       "confidence": round(float(intent.get("confidence") or 0), 4), "ranking": ranking})
    return parses


if __name__ == "__main__":
    model_path, texts_path, out_path = sys.argv[1:4]
    with open(texts_path, encoding="utf-8") as handle:
        result = asyncio.run(main(model_path, json.load(handle)))
    with open(out_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)
