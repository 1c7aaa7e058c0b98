"""SMS opt-out: a number that sent STOP gets no SMS until it sends START.

The list is kept by keyed hash (`phone_key`), never by number: it outlives every booking (a STOP
holds until START), so storing numbers would turn it into a lasting list of phone numbers. The
same key names SMS and phone conversations in the gateway, with the same secret
(VERWIJZING_CHANNEL_SECRET, not the INSZ pepper).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from sqlalchemy.orm import Session

from verwijzing.config import ConfigError
from verwijzing.store.engine import insert_for
from verwijzing.store.models import SmsOptOut

_E164 = re.compile(r"\+[1-9]\d{7,14}")


class ChannelSecretMissing(ConfigError):
    """Phone numbers are few enough to hash them all: without a secret the key gives the number away."""


def phone_key(e164: str, secret: bytes) -> str:
    """HMAC-SHA256 of the E.164 number, in hex (64 characters).

    Only E.164 is accepted ("+32470123456"): "0470 12 34 56" would get another key and a STOP
    sent from the phone would not match the number typed in a booking."""
    if not secret:
        raise ChannelSecretMissing(
            "VERWIJZING_CHANNEL_SECRET is empty: set it to a long random secret (make setup does) "
            "before phone numbers can be keyed"
        )
    if not isinstance(e164, str) or not _E164.fullmatch(e164):
        raise ValueError("phone_key needs an E.164 number such as +32470123456")
    return hmac.new(secret, e164.encode("ascii"), hashlib.sha256).hexdigest()


def opt_out(session: Session, key: str, at: dt.datetime) -> None:
    """Record a STOP. A second STOP changes nothing (`since` stays the first one); two at the same
    moment do not fail on the primary key."""
    values = {"phone_key": key, "since": at}
    session.execute(insert_for(session)(SmsOptOut).values(values).on_conflict_do_nothing())


def opt_in(session: Session, key: str) -> None:
    """Record a START: the number gets SMS again. Nothing happens when it had not opted out."""
    optout = session.get(SmsOptOut, key)
    if optout is not None:
        session.delete(optout)


def is_opted_out(session: Session, key: str) -> bool:
    return session.get(SmsOptOut, key) is not None
