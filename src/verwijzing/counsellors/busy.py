"""Busy times from a counsellor's own calendar (Outlook, Google, Apple): its private iCalendar
address, read at once when the counsellor links it and by the worker every 15 minutes. A moment
that overlaps a busy time is not offered (counsellors/moments.py); a booked one is never touched.

The address is a secret: whoever has it reads the whole calendar. It is stored sealed
(privacy/sealed.py), shown back only as its host, and never put in a log, an error text or the
audit log.

A read that fails keeps the busy times of the last read that worked: a calendar that cannot be
reached for a while must not free every busy hour at once. The counsellor sees why on their hours
page (`busy_problem`).
"""
from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import socket
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from verwijzing.counsellors.availability import Interval
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy.sealed import unseal
from verwijzing.store.models import BusyTime, Counsellor

MAX_URL = 500  # sealed, 500 ASCII characters take 767 of the column's 800
MAX_BYTES = 5 * 1024 * 1024
# http only to this machine: the tests' calendar server. Everything else is https.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
# How many calendars the worker reads at the same time.
READERS = 8

Fetch = Callable[[str], bytes]


class CalendarProblem(Exception):
    """A calendar that could not be read. Its text is the Dutch sentence for the counsellor, and
    never holds the address."""


UNREACHABLE = "We konden je agenda niet bereiken. Kijk of het adres klopt, of probeer het later opnieuw."
TOO_SLOW = "Je agenda antwoordde te traag. Probeer het later opnieuw."
NOT_FOUND = "Op dat adres staat geen agenda (meer). Maak in je agenda een nieuw privé-adres en vul het hier in."
DENIED = "Je agenda geeft ons geen toegang. Gebruik het geheime of privé-adres van je agenda."
TOO_BIG = f"Je agenda is te groot om te lezen (meer dan {MAX_BYTES // (1024 * 1024)} MB)."
NOT_A_CALENDAR = "Op dat adres staat geen agenda die we kunnen lezen. Gebruik het adres in iCal-formaat (.ics)."
REDIRECTED = "Het adres stuurt ons door naar een adres dat niet veilig is (zonder https)."
NOT_PUBLIC = "Dit adres is geen agenda op internet. Kopieer het adres uit Outlook, Google of je gsm."
SEAL_LOST = "We konden het bewaarde adres van je agenda niet meer openen. Koppel je agenda opnieuw."


def server_error(code: int) -> str:
    return f"De server van je agenda gaf een fout (code {code}). Probeer het later opnieuw."


# ---- the address ------------------------------------------------------------------------------


def check_url(raw: str) -> str:
    """The address to read, or a ValueError that says in plain Dutch what is wrong with it.
    `webcal://` (what Apple and Google give) is read over https."""
    url = raw.strip()
    if not url:
        raise ValueError("Vul het adres van je agenda in.")
    if len(url) > MAX_URL:
        raise ValueError(f"Dit adres is te lang (meer dan {MAX_URL} tekens). Kopieer het opnieuw uit je agenda.")
    wrong = ValueError("Dit is geen adres van een agenda. Kopieer het opnieuw uit je agenda.")
    if not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        raise wrong
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # a port that is no number raises here
    except ValueError:
        raise wrong from None
    scheme = "https" if parts.scheme.lower() == "webcal" else parts.scheme.lower()
    if not _safe(scheme, host):
        raise ValueError("Het adres moet beginnen met https:// of webcal://.")
    if not host:
        raise wrong
    return urlunsplit((scheme, parts.netloc, parts.path or "/", parts.query, ""))


def local_calendars_allowed() -> bool:
    """Tests only (VERWIJZING_CALENDAR_LOCAL=on): a calendar on this machine, over plain http.
    Otherwise the gateway and the worker would fetch whatever a counsellor types, Rasa on :5005 or
    a service on the internal network included (server-side request forgery, OWASP ASVS 12.6)."""
    return os.environ.get("VERWIJZING_CALENDAR_LOCAL") == "on"


def _safe(scheme: str, host: str | None) -> bool:
    if local_calendars_allowed() and scheme == "http" and host in LOCAL_HOSTS:
        return True
    return scheme == "https"


def _public(host: str | None) -> bool:
    """Every address the host's name gives is on the public internet (not this machine, not a
    private, link-local or reserved network). Checked right before each request and redirect.
    The connection resolves the name again: a DNS server that answers differently the second time
    (rebinding) has that short window; closing it means connecting to the checked address itself."""
    if not host:
        return False
    if local_calendars_allowed() and host in LOCAL_HOSTS:
        return True
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return False
    try:
        return bool(found) and all(ipaddress.ip_address(str(address).split("%")[0]).is_global for address in found)
    except ValueError:
        return False


def calendar_host(sealed: str | None, seal_key: bytes) -> str | None:
    """Only the host of the linked calendar ("calendar.google.com"), to show: never the address."""
    url = unseal(sealed, seal_key)
    return urlsplit(url).hostname if url else None


# ---- reading it -------------------------------------------------------------------------------


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to https (as check_url: http only to this machine)."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> urllib.request.Request | None:
        try:
            parts = urlsplit(newurl)
            safe = _safe(parts.scheme.lower(), parts.hostname) and _public(parts.hostname)
        except ValueError:
            safe = False
        if not safe:
            fp.close()  # the redirect's own answer, which urllib would have read and closed
            raise CalendarProblem(REDIRECTED)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_calendar(url: str, timeout: float = 10) -> bytes:
    """The calendar's bytes, at most MAX_BYTES, within a few times `timeout`; else a
    CalendarProblem. Synchronous: the worker is, and the gateway runs it in a thread."""
    try:
        url = check_url(url)
    except ValueError as wrong:
        raise CalendarProblem(str(wrong)) from None
    if not _public(urlsplit(url).hostname):
        raise CalendarProblem(NOT_PUBLIC)
    opener = urllib.request.build_opener(_SafeRedirects)
    headers = {"User-Agent": "verwijzing-agenda/1", "Accept": "text/calendar"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - https only: check_url above
    deadline = time.monotonic() + 3 * timeout  # `timeout` counts per read: a server that drips stops here
    try:
        with opener.open(request, timeout=timeout) as response:
            body = bytearray()
            while chunk := response.read(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise CalendarProblem(TOO_BIG)
                if time.monotonic() > deadline:
                    raise CalendarProblem(TOO_SLOW)
            return bytes(body)
    except urllib.error.HTTPError as error:
        error.close()  # it holds the answer, and so the connection
        if error.code in (404, 410):
            raise CalendarProblem(NOT_FOUND) from None
        if error.code in (401, 403):
            raise CalendarProblem(DENIED) from None
        raise CalendarProblem(server_error(error.code)) from None
    except TimeoutError:
        raise CalendarProblem(TOO_SLOW) from None
    # No such host, refused, TLS, cut off, a broken answer (URLError is an OSError). Their texts
    # may name the host or the address: none is passed on.
    except (OSError, ValueError, http.client.HTTPException) as error:
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise CalendarProblem(TOO_SLOW) from None
        raise CalendarProblem(UNREACHABLE) from None


def _aware(value: dt.date | dt.datetime) -> dt.datetime:
    """A DATE (all day) is from midnight in Brussels; a floating time is a Brussels time."""
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(0), BRUSSELS).astimezone(dt.UTC)
    return (value if value.tzinfo is not None else value.replace(tzinfo=BRUSSELS)).astimezone(dt.UTC)


def _is_busy(event: Any) -> bool:
    if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
        return False  # "beschikbaar" / "vrij" in the calendar app
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    # Outlook's own "show as: free" (it usually says TRANSPARENT as well).
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper() != "FREE"


def busy_intervals(ics: bytes, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The busy times in the calendar `ics` that overlap [start, end), cut to it, in UTC, earliest
    first. Recurring events are expanded with their exceptions (EXDATE) and moved or changed
    instances (RECURRENCE-ID) by recurring-ical-events; a series it cannot read is left out, as
    calendar apps do. Raises CalendarProblem when `ics` is no calendar."""
    try:
        calendar = Calendar.from_ical(ics)
    except ValueError:
        raise CalendarProblem(NOT_A_CALENDAR) from None
    if not isinstance(calendar, Calendar) or calendar.name != "VCALENDAR":
        raise CalendarProblem(NOT_A_CALENDAR)
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    found: set[Interval] = set()
    for event in recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end):
        if not _is_busy(event):
            continue
        try:
            starts, ends = _aware(event.start), _aware(event.end)
        except (ValueError, TypeError):  # no DTSTART, or one that is no time
            continue
        starts, ends = max(starts, start), min(ends, end)
        if starts < ends:
            found.add((starts, ends))
    return sorted(found)


Outcome = list[Interval] | CalendarProblem


def read_calendar(url: str, now: dt.datetime, weeks: int, fetch: Fetch = fetch_calendar) -> Outcome:
    """The busy times from `now` to `weeks` weeks ahead, or what went wrong. No database: the
    callers read outside any transaction (a slow calendar must not hold a lock)."""
    try:
        return busy_intervals(fetch(url), now, now + dt.timedelta(weeks=weeks))
    except CalendarProblem as problem:
        return problem
    except Exception:  # noqa: BLE001 - a calendar is someone else's data: whatever breaks on it is its problem
        return CalendarProblem(NOT_A_CALENDAR)


def read_calendars(sealed: Mapping[int, str], now: dt.datetime, weeks: int, seal_key: bytes,
                   fetch: Fetch = fetch_calendar) -> dict[int, Outcome]:
    """Several counsellors' calendars (id → sealed address), READERS at a time."""
    def read(item: tuple[int, str]) -> tuple[int, Outcome]:
        counsellor_id, value = item
        url = unseal(value, seal_key)
        return counsellor_id, (read_calendar(url, now, weeks, fetch) if url else CalendarProblem(SEAL_LOST))

    if not sealed:
        return {}
    with ThreadPoolExecutor(max_workers=min(READERS, len(sealed)), thread_name_prefix="calendar") as pool:
        return dict(pool.map(read, sealed.items()))


# ---- the store ---------------------------------------------------------------------------------


def linked_calendars(session: Session, counsellor_ids: Iterable[int]) -> dict[int, str]:
    """id → sealed address, of the counsellors among these who linked a calendar."""
    rows = session.execute(select(Counsellor.id, Counsellor.busy_calendar_sealed).where(
        Counsellor.id.in_(list(counsellor_ids)), Counsellor.busy_calendar_sealed.is_not(None)))
    return {counsellor_id: value for counsellor_id, value in rows if value}


def record_read(session: Session, counsellor_id: int, outcome: Outcome, now: dt.datetime, *,
                sealed: str | None = None) -> bool:
    """Keep what a read gave: the busy times replace the counsellor's old ones; a problem is noted
    and the old busy times stay. With `sealed`, only while that is still the linked address (the
    counsellor may have linked another one while it was read). False when nothing was kept."""
    counsellor = session.get(Counsellor, counsellor_id)
    if counsellor is None or (sealed is not None and counsellor.busy_calendar_sealed != sealed):
        return False
    counsellor.busy_checked_at = now
    if isinstance(outcome, CalendarProblem):
        counsellor.busy_problem = str(outcome)[:200]
        return True
    counsellor.busy_problem = None
    forget_busy(session, counsellor_id)
    if outcome:
        session.execute(insert(BusyTime), [{"counsellor_id": counsellor_id, "starts_at": starts, "ends_at": ends}
                                           for starts, ends in outcome])
    return True


def forget_busy(session: Session, counsellor_id: int) -> None:
    session.execute(delete(BusyTime).where(BusyTime.counsellor_id == counsellor_id))


def refresh_busy(session: Session, counsellor_id: int, now: dt.datetime, weeks: int, seal_key: bytes,
                 fetch: Fetch = fetch_calendar) -> Outcome | None:
    """Read one counsellor's calendar and keep what it gave; None when they linked none. Reads
    inside the caller's transaction: for one counsellor at a time (the worker reads outside)."""
    sealed = linked_calendars(session, [counsellor_id]).get(counsellor_id)
    if sealed is None:
        return None
    url = unseal(sealed, seal_key)
    outcome = read_calendar(url, now, weeks, fetch) if url else CalendarProblem(SEAL_LOST)
    record_read(session, counsellor_id, outcome, now, sealed=sealed)
    return outcome


def busy_of(session: Session, counsellor_ids: Sequence[int]) -> dict[int, list[Interval]]:
    """The stored busy times of these counsellors (those without any are left out)."""
    found: dict[int, list[Interval]] = defaultdict(list)
    for row in session.execute(select(BusyTime.counsellor_id, BusyTime.starts_at, BusyTime.ends_at)
                               .where(BusyTime.counsellor_id.in_(list(counsellor_ids)))
                               .order_by(BusyTime.counsellor_id, BusyTime.starts_at)):
        found[row.counsellor_id].append((row.starts_at, row.ends_at))
    return dict(found)
