"""Is a message phrased as a question?"""
from __future__ import annotations

from verwijzing.interpret.lexicon import data
from verwijzing.interpret.nlp import pipeline


def looks_like_question(text: str) -> bool:
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    words = [t.lower_ for t in pipeline().tokenizer(stripped) if not t.is_punct and not t.is_space]
    return bool(words) and words[0] in set(data()["question_openers"])
