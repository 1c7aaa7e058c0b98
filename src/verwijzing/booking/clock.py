"""The booking's time zone and clock: every appointment is in Brussels time."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from verwijzing.config import settings

BRUSSELS = ZoneInfo("Europe/Brussels")


def reference_now() -> dt.datetime:
    """Now, as the whole stack sees it: VERWIJZING_PEILDATUM moves the day, keeps the hour."""
    real = dt.datetime.now(BRUSSELS)
    override = settings().peildatum_override
    if override is None:
        return real
    return dt.datetime.combine(override, real.timetz())
