"""What the guard learns about a request, for the handlers and the page renderer."""
from __future__ import annotations

from aiohttp import web

from verwijzing.staff.accounts import StaffMember

STAFF = web.RequestKey("staff", StaffMember)
SESSION_TOKEN = web.RequestKey("staff_session_token", str)
