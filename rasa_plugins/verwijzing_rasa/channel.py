"""The gateway's input channel: Rasa's REST webhook, told which channel the person is on.

The public gateway (verwijzing.gateway) owns the conversation ids and talks to Rasa on localhost
through this channel, at /webhooks/gateway/webhook, with a JSON body
`{"sender": id, "message": text, "channel": "web" | "sms" | "voice" | "staff"}`.

Why not the stock REST channel: its replies are collected by an output channel called
"collector", so Rasa never picks a response variant written for a channel (`channel: sms` in the
domain). Here the collector carries the person's channel as its name, which is exactly what
Rasa's response selection matches on; and the user event records the same channel, so actions
can shape their own texts for it (`tracker.get_latest_input_channel()`).
"""
from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import (
    CollectingOutputChannel,
    InputChannel,
    UserMessage,
)
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

CHANNELS = ("web", "sms", "voice", "staff")
# A message longer than this is not a chat message: the gateway refuses it first.
MAX_MESSAGE = 2000


class ChannelCollector(CollectingOutputChannel):
    """Collects the replies of one turn, under the name of the person's channel."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self._channel = channel

    def name(self) -> str:  # type: ignore[override]  # an instance's name, not the class's
        return self._channel

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        """As the collector does, and each reply keeps the response it came from ("utter_mens"):
        the gateway hands the person over to a consulent on exactly those (issue 20)."""
        response = message.get("utter_action")
        before = len(self.messages)
        await super().send_response(recipient_id, message)
        if response:
            for sent in self.messages[before:]:
                sent["utter_action"] = response


class GatewayInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "gateway"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("verwijzing_gateway_webhook", __name__)

        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        async def receive(request: Request) -> HTTPResponse:
            body: dict[str, Any] | None = request.json if isinstance(request.json, dict) else None
            problem = _problem(body)
            if problem or body is None:
                return response.json({"error": problem or "expected a JSON object"}, status=400)
            collector = ChannelCollector(body["channel"])
            try:
                await on_new_message(UserMessage(
                    body["message"], collector, body["sender"], input_channel=body["channel"],
                    metadata=None))
            except CancelledError:
                logger.error("a turn of %s was cancelled (timeout?)", body["channel"])
                return response.json({"error": "turn cancelled"}, status=503)
            except Exception:  # as Rasa's REST channel: log it, answer the gateway
                logger.exception("a turn of %s failed", body["channel"])
                return response.json({"error": "turn failed"}, status=500)
            return response.json(collector.messages)

        # add_route is Blueprint.route(...)(handler), typed (the decorator's result is not).
        webhook.add_route(health, "/", methods=["GET"])
        webhook.add_route(receive, "/webhook", methods=["POST"])
        return webhook


def _problem(body: dict[str, Any] | None) -> str | None:
    if body is None:
        return "expected a JSON object"
    if not isinstance(body.get("sender"), str) or not body["sender"]:
        return "sender is missing"
    if not isinstance(body.get("message"), str) or len(body["message"]) > MAX_MESSAGE:
        return "message is missing or too long"
    if body.get("channel") not in CHANNELS:
        return f"channel must be one of {', '.join(CHANNELS)}"
    return None
