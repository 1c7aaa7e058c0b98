"""Rasa's SQL tracker store, on the project's database, with national numbers redacted.

Why redact in the tracker store: the action server must read the national number (INSZ) from
the message once, to validate it and turn it into a keyed hash. Everything that is kept after
that turn must not hold it. Rasa keeps two copies of what a person types — the user event's
text and its parse data — and both are written by the tracker store. Redacting here, just before
each save, covers every channel (web, SMS, voice, staff) in one place, keeps Rasa stock, and
leaves the in-memory turn untouched until its actions have run. Redaction is by shape (11
digits, grouped as people write them), not by checksum, so a mistyped number is never kept
either. Rasa logs message texts only at DEBUG level, which `make run` does not use.
"""
from __future__ import annotations

import re
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered
from sqlalchemy.engine import make_url

INSZ_SHAPE = re.compile(r"(?<!\d)\d{2}[.\s/]?\d{2}[.\s/]?\d{2}[-.\s/]?\d{3}[.\s/]?\d{2}(?!\d)")
REDACTED = "[rijksregisternummer]"


def redact(text: str) -> str:
    return INSZ_SHAPE.sub(REDACTED, text)


def _settings_from_url(url: str) -> dict[str, Any]:
    """Rasa's SQLTrackerStore takes parts; the project configures one SQLAlchemy URL."""
    parsed = make_url(url)
    dialect = parsed.get_backend_name()  # "postgresql+psycopg" -> "postgresql" (psycopg2 here)
    return {
        "dialect": dialect,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
        "password": parsed.password,
    }


class RedactingSQLTrackerStore(SQLTrackerStore):
    """endpoints.yml: `tracker_store: {type: verwijzing_rasa.tracker_store.RedactingSQLTrackerStore,
    url: ${DATABASE_URL}}`."""

    def __init__(self, domain=None, host: str | None = None, event_broker=None, **kwargs: Any) -> None:
        if host and "://" in host:
            kwargs = {**kwargs, **_settings_from_url(host)}
            host = kwargs.pop("host")
        super().__init__(domain, host=host, event_broker=event_broker, **kwargs)

    async def save(self, tracker) -> None:
        for event in tracker.events:
            if isinstance(event, UserUttered) and event.text and INSZ_SHAPE.search(event.text):
                event.text = redact(event.text)
                if isinstance(event.parse_data, dict) and event.parse_data.get("text"):
                    event.parse_data["text"] = redact(event.parse_data["text"])
        await super().save(tracker)
