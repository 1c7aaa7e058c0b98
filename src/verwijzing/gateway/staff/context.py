"""Where the console lives, and what the guard learns about a request, for the handlers and the
page renderer."""
from __future__ import annotations

from aiohttp import web

from verwijzing.staff.accounts import StaffMember

# Where the console is mounted: every path, cookie and redirect of it is under this one.
PREFIX = "/staff"

STAFF = web.RequestKey("staff", StaffMember)
SESSION_TOKEN = web.RequestKey("staff_session_token", str)
