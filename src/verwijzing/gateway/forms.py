"""Reading a POSTed form: a body that is not URL encoding is the caller's mistake, never a 500."""
from __future__ import annotations

from aiohttp import web
from multidict import MultiDictProxy

BAD_FORM = "Dit bericht kunnen we niet lezen."


def small_number(raw: str, digits: int = 9) -> int | None:
    """A whole number typed in a form or query, or None. ASCII digits only and at most `digits`:
    str.isdigit() also passes "²" (int() then raises) and 20 digits overflow a database integer."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= digits else None


async def posted_form(request: web.Request) -> MultiDictProxy[str | bytes | bytearray | web.FileField]:
    """The POSTed form, or 400 with a plain sentence when the body is not URL encoding or UTF-8
    ("%%%", a stray byte)."""
    try:
        return await request.post()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text=BAD_FORM) from None
