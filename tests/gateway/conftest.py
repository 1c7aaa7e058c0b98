"""The gateway tests' stand-in for Rasa (the phone line's tests: test_voice*.py)."""
from __future__ import annotations

import pytest
from aiohttp import web

HULPVRAAG = {"text": "Waarmee wil je hulp? Zeg het in je eigen woorden, of kies met de toetsen.",
             "buttons": [{"title": "als je iets anders wil doen in je werk", "payload": "ik wil iets anders doen"},
                         {"title": "als je werk zoekt", "payload": "ik zoek werk"}]}
LEEFTIJD = {"text": "Hoe oud ben je? Toets je leeftijd, en dan een hekje."}
WERKSTATUS = {"text": "Werk je nu?", "buttons": [{"title": "Ja", "payload": "ja"}, {"title": "Nee", "payload": "nee"}]}


class FakeRasa:
    """Answers like the gateway's Rasa channel: a greeting asks for help (with buttons), any
    answer to that asks the age (a free number), an age asks whether they work (buttons)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.events: dict[str, list[dict]] = {}
        self.down = False

    def _reply(self, sender: str, message: str) -> tuple[list[dict], str | None]:
        asked = next((e["value"] for e in reversed(self.events.get(sender, []))
                      if e["event"] == "slot" and e["name"] == "requested_slot"), None)
        if message == "/begroeting":
            return [{"text": "Hallo! Ik ben de digitale assistent."}, HULPVRAAG], "hulpvraag"
        if asked == "hulpvraag":
            return [LEEFTIJD], "leeftijd"
        if asked == "leeftijd":
            return [WERKSTATUS], "werkstatus"
        return [{"text": "Dat is alles."}], None

    async def webhook(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503)
        body = await request.json()
        self.received.append(body)
        sender, message = body["sender"], body["message"]
        replies, slot = self._reply(sender, message)
        events = self.events.setdefault(sender, [])
        events.append({"event": "user", "text": message})
        events.extend({"event": "bot", "text": r["text"], "data": {"buttons": r.get("buttons")}} for r in replies)
        events.append({"event": "active_loop", "name": "intake_form" if slot else None})
        events.append({"event": "slot", "name": "requested_slot", "value": slot})
        return web.json_response(replies)

    async def replace_events(self, request: web.Request) -> web.Response:
        """PUT …/tracker/events: the conversation's events become the body (a conversation moved here)."""
        assert request.query.get("token") == "rasa-token"
        self.events[request.match_info["sender"]] = list(await request.json())
        return web.json_response({"sender_id": request.match_info["sender"]})

    async def tracker(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503)
        assert request.query.get("token") == "rasa-token"
        return web.json_response({"events": self.events.get(request.match_info["sender"], [])})


@pytest.fixture
async def rasa(aiohttp_server):
    fake = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/gateway/webhook", fake.webhook)
    app.router.add_get("/conversations/{sender}/tracker", fake.tracker)
    app.router.add_put("/conversations/{sender}/tracker/events", fake.replace_events)
    server = await aiohttp_server(app)
    fake.url = str(server.make_url("")).rstrip("/")
    return fake
