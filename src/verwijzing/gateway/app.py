"""`init_app()` builds the gateway; state lives under web.AppKey, resources in cleanup_ctx."""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from verwijzing.booking import BookingNotFound, BookingService
from verwijzing.booking.references import normalise_reference
from verwijzing.config import Settings, peildatum_now, settings
from verwijzing.counsellors.feed import FEED_PATH
from verwijzing.dialogue.booking import invite_token
from verwijzing.gateway.agenda_feed import add_feed_routes
from verwijzing.gateway.assistant import Assistant
from verwijzing.gateway.handover import office_hours_of
from verwijzing.gateway.keys import (
    ASSISTANT,
    BOOKINGS,
    ENGINE,
    HTTP,
    LIMITS,
    OFFICE_HOURS,
    SESSIONS,
    SETTINGS,
)
from verwijzing.gateway.limits import MemoryCounter, RedisCounter, limit_middleware
from verwijzing.gateway.sms.webhook import add_sms_routes
from verwijzing.gateway.staff import mount_staff
from verwijzing.gateway.staff.context import PREFIX
from verwijzing.gateway.voice.webhook import add_voice_routes
from verwijzing.gateway.web.carry import add_carry_routes
from verwijzing.gateway.web.chat import add_chat_routes, conversation_id
from verwijzing.gateway.web.page import add_page_routes
from verwijzing.gateway.web.sources import add_sources_routes
from verwijzing.store import make_engine, make_sessionmaker

logger = logging.getLogger(__name__)

__all__ = ["ASSISTANT", "BOOKINGS", "ENGINE", "HTTP", "SETTINGS", "init_app", "main"]


async def _resources(app: web.Application) -> AsyncIterator[None]:
    config = app[SETTINGS]
    app[BOOKINGS] = BookingService.from_settings(config.database_url)
    app[ENGINE] = make_engine(config.database_url)
    app[SESSIONS] = make_sessionmaker(app[ENGINE])
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session:
            app[HTTP] = session
            app[ASSISTANT] = Assistant(session, config.rasa_servers, config.rasa_auth_token)
            yield
    finally:
        app[BOOKINGS].close()
        app[ENGINE].dispose()


async def invite(request: web.Request) -> web.Response:
    """GET /afspraak/{reference}.ics?t=TOKEN — the token, not the short reference, opens it."""
    config = request.app[SETTINGS]
    reference = normalise_reference(request.match_info["reference"])
    token = request.query.get("t", "")
    # compare_digest takes ASCII text only: any other token is simply not ours (404, not a 500).
    if not token.isascii() or not hmac.compare_digest(token, invite_token(reference, config.insz_pepper)):
        raise web.HTTPNotFound(text="Deze afspraak bestaat niet.")
    try:
        body = await asyncio.to_thread(request.app[BOOKINGS].invite, reference, peildatum_now())
    except BookingNotFound:
        raise web.HTTPNotFound(text="Deze afspraak bestaat niet.") from None
    return web.Response(body=body, content_type="text/calendar", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{reference}.ics"'})


async def health(request: web.Request) -> web.Response:
    """200 only when Rasa, the action server and the database all answer; 503 otherwise."""
    config, http = request.app[SETTINGS], request.app[HTTP]

    async def answers(url: str) -> bool:
        try:
            async with http.get(url) as response:
                return response.status == 200
        except (TimeoutError, aiohttp.ClientError):
            return False

    def database_answers() -> bool:
        try:
            request.app[BOOKINGS].ping()
            return True
        except Exception:  # any failure means "down" here
            logger.warning("health: database does not answer", exc_info=True)
            return False

    action_health = config.action_server_url.rsplit("/webhook", 1)[0] + "/health"
    state = {
        "rasa": await answers(f"{config.rasa_url}/"),
        "actions": await answers(action_health),
        "database": await asyncio.to_thread(database_answers),
    }
    return web.json_response({**state, "ok": all(state.values())}, status=200 if all(state.values()) else 503)


# A year of "https only" for browsers that once came over https (the public address is https).
HSTS = "max-age=31536000; includeSubDomains"
# What the gateway will not start without: each keeps people's numbers or conversations safe.
REQUIRED_SECRETS = {
    "VERWIJZING_INSZ_PEPPER": "insz_pepper",
    "VERWIJZING_CHANNEL_SECRET": "channel_secret",
    "RASA_AUTH_TOKEN": "rasa_auth_token",
}


@web.middleware
async def strict_transport(request: web.Request, handler: Any) -> web.StreamResponse:
    """On an https public address every answer tells the browser to come back over https only."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPException as answer:
        answer.headers["Strict-Transport-Security"] = HSTS
        raise
    response.headers["Strict-Transport-Security"] = HSTS
    return response


# Paths whose last part is a secret: a counsellor's feed token, an invitation's token.
SECRET_PATHS = (FEED_PATH, f"{PREFIX}/welkom/")


def loggable_path(path: str) -> str:
    """The path as the access log may keep it: a secret token in it is left out."""
    for prefix in SECRET_PATHS:
        if path.startswith(prefix):
            return f"{prefix}…"
    return path


class QuietAccessLogger(AbstractAccessLogger):
    """The access log without query strings or secret tokens: the invite link's token (?t=…), a
    feed's or an invitation's token in the path, and anything else a query carries stay out of
    the log files."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %s %.3f s", request.remote, request.method, loggable_path(request.path),
                         response.status, time)


def missing_secrets(config: Settings) -> list[str]:
    return [name for name, field in REQUIRED_SECRETS.items() if not getattr(config, field)]


def init_app(config: Settings | None = None) -> web.Application:
    app = web.Application()
    app[SETTINGS] = config or settings()
    if app[SETTINGS].public_is_https:
        app.middlewares.append(strict_transport)
    found = app[SETTINGS]
    counter = (RedisCounter(found.limits_redis_url, prefix=found.limits_key_prefix) if found.limits_redis_url
               else MemoryCounter())
    app[LIMITS] = counter
    app[OFFICE_HOURS] = office_hours_of(found.office_hours)
    if app[SETTINGS].rate_limits:
        app.middlewares.append(limit_middleware(counter, app[SETTINGS].proxy_hops, conversation_id))
    if isinstance(counter, RedisCounter):
        app.on_cleanup.append(lambda _: counter.close())
    app.cleanup_ctx.append(_resources)
    app.router.add_get("/health", health)
    app.router.add_get("/afspraak/{reference}.ics", invite)
    add_feed_routes(app)
    add_page_routes(app)
    add_sources_routes(app)
    add_chat_routes(app)
    add_carry_routes(app)
    add_voice_routes(app)
    add_sms_routes(app)
    mount_staff(app)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    config = settings()
    if missing := missing_secrets(config):
        # One plain line, and no start: without these, numbers and conversations are not safe.
        raise SystemExit(f"De gateway start niet: {', '.join(missing)} ontbreekt "
                         "(zie .env.example; `make setup` vult ze in).")
    web.run_app(init_app(config), host=config.gateway_host, port=config.gateway_port,
                access_log_class=QuietAccessLogger)


if __name__ == "__main__":
    main()
