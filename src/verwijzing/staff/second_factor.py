"""The staff's second factor (OWASP ASVS level 2 for access to personal data): a time-based
one-time code (RFC 6238 TOTP, pyotp) from an authenticator app, and recovery codes for a lost
phone.

Every account sets it up at its first login: the console shows a new secret as a QR code
(segno) and as text, and the first code from the app proves it was saved; then eight recovery
codes are shown once. The secret is kept sealed with VERWIJZING_CHANNEL_SECRET (a copy of the table
opens nothing), the recovery codes as SHA-256 hashes, each usable once.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

import pyotp
import segno

from verwijzing.privacy.sealed import seal, unseal

ISSUER = "Loopbaanbegeleiding VDAB-console"
RECOVERY_CODES = 8


def new_secret() -> str:
    return pyotp.random_base32()


def sealed(secret: str, key: bytes) -> str:
    return seal(secret, key)


def opened(value: str | None, key: bytes) -> str | None:
    return unseal(value, key)


def code_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step (RFC 6238's counter) whose code of the app was typed: the one of `now`, or
    the 30 seconds before or after (clocks differ a bit); None when it is none of them. The caller
    takes a step only once (ASVS 2.8.4: a code seen over a shoulder does not work again)."""
    typed = "".join(c for c in code if c.isdigit())
    if len(typed) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    return next((s for s in (step - 1, step, step + 1) if hmac.compare_digest(totp.generate_otp(s), typed)), None)


def take_step(last: int | None, step: int | None) -> bool:
    """Whether `step` is a code not used before: later than the last one taken."""
    return step is not None and (last is None or step > last)


def qr_svg(secret: str, login: str) -> str:
    """The secret as the QR code authenticator apps scan (an inline SVG: no script, no style)."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff", omitsize=False))


def spaced(secret: str) -> str:
    """The secret as people type it: groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def new_recovery_codes() -> tuple[list[str], list[str]]:
    """Codes to show once, and what is kept of them."""
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}" for _ in range(RECOVERY_CODES)]
    return codes, [_digest(code) for code in codes]


def use_recovery_code(kept: list[str] | None, code: str) -> list[str] | None:
    """The hashes left when `code` is one of them (it is used up), or None when it is not."""
    digest = _digest(code)
    for index, candidate in enumerate(kept or []):
        if hmac.compare_digest(candidate, digest):
            return [*kept[:index], *kept[index + 1:]] if kept else []
    return None
