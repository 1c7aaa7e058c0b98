"""A guessed change of a booking becomes a question (an NLU component after DIET).

When the classifier's best intent is to cancel or move an appointment, with less confidence
than `threshold`, and the message names no change, no reference and no appointment
(`change_words.speaks_of_a_change`), the prediction becomes Rasa's own `nlu_fallback`: the
conversation then reads the facts in the message or asks, as for any message it is unsure of,
instead of asking for a booking reference the person never had. Confident predictions, and any
message that does name a change, are left as they are.

Registered as an intent classifier with Rasa's default recipe; placed in config.yml after
DIETClassifier and before FallbackClassifier. Not trainable: it has no state.
"""
from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from verwijzing_rasa.change_words import CHANGE_INTENTS, speaks_of_a_change


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ChangeIntentGuard(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.7}

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config["threshold"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ChangeIntentGuard:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.data.get(INTENT) or {}
            confidence = float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0)
            if intent.get(INTENT_NAME_KEY) not in CHANGE_INTENTS or confidence >= self.threshold:
                continue
            if speaks_of_a_change(message.get(TEXT) or ""):
                continue
            fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: confidence}
            message.data[INTENT] = fallback
            # The guess is replaced, not kept beside the fallback (where it would look ambiguous).
            ranking = [r for r in message.data.get(INTENT_RANKING_KEY) or []
                       if r.get(INTENT_NAME_KEY) != intent.get(INTENT_NAME_KEY)]
            message.data[INTENT_RANKING_KEY] = [fallback, *ranking]
        return messages
