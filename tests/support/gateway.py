"""Gateway settings for tests that need no assistant: the app's settings (read after the test set
its environment) on a test database, with Rasa and the action server down (nothing listens on
port 9)."""
from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Engine

from verwijzing.config import Settings, settings

NOWHERE = "http://127.0.0.1:9"


def offline_settings(database: Engine | str, **changes: Any) -> Settings:
    url = database if isinstance(database, str) else database.url.render_as_string(hide_password=False)
    return dataclasses.replace(settings(), database_url=url, rasa_url=NOWHERE,
                               action_server_url=f"{NOWHERE}/webhook", **changes)
