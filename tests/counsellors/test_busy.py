"""Busy times from a counsellor's own calendar (issue 19, deliverable 3): the calendar is served by a
local aiohttp server, read by the worker and by the hours page, recurring events expanded with
their exceptions; moments that overlap a busy time are not offered, a booked moment is never
touched, an unreachable calendar keeps the old busy times, and the address is stored sealed.
On SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import datetime as dt
import re
import socket
import threading
import traceback
from collections.abc import Iterator

import pytest
from aiohttp import web
from sqlalchemy import select, update

from tests.staff.conftest import (  # noqa: F401 - the console's fixtures, for the round trip below
    CHANNEL_SECRET,
    make_user,
    quick_password_hashes,
    staff_client,
    staff_config,
)
from tests.staff.test_counsellor_accounts import counsellor_client, register  # noqa: F401 - the fixture
from tests.support.database import dump_rows, valid_insz
from verwijzing.booking import BookingService
from verwijzing.counsellors import busy
from verwijzing.counsellors import hours as hours_store
from verwijzing.counsellors.agenda import agenda
from verwijzing.counsellors.availability import Window
from verwijzing.counsellors.busy import CalendarProblem, busy_intervals, check_url, fetch_calendar, refresh_busy
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.privacy.sealed import seal, unseal
from verwijzing.store import AuditEntry, Counsellor, Slot, make_sessionmaker
from verwijzing.store.models import BusyTime
from verwijzing.worker.moments import keep_moments

KEY = b"busy-test-seal"
PEPPER = b"busy-test-pepper"
# Monday 1 March 2027, 8:00 in Brussels; three weeks ahead: to Sunday 21 March.
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=BRUSSELS)
WEEKS = 3
LOTTE = ('LK-1,Lotte Peeters,lotte@example.be,,"Kouter 1",9000,op_locatie;online,nl,'
         "2026-01-01,,2026-01-01,,ja")
ON_SITE = frozenset({Modality.OP_LOCATIE})
# Monday to Friday 9:00 to 13:00: two moments a day, 9:00 and 11:00.
WEEKDAYS = {day: [Window(dt.time(9), dt.time(13), ON_SITE)] for day in range(5)}
SECRET_PATH = "/private-4f9c2e71b8a3/basic.ics"

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Brussels
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def event(uid: str, *lines: str) -> str:
    return "\n".join(("BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20270101T000000Z", *lines, "END:VEVENT")) + "\n"


def calendar(*events: str) -> bytes:
    text = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//busy//NL\n" + VTIMEZONE + "".join(events) + "END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


# (a) Tuesdays 11:30 to 12:30, not on 9 March (EXDATE), and on 16 March moved to Wednesday 17 March
# 9:30 (RECURRENCE-ID); (b) all of Thursday 4 March; (c) a transparent ("free") morning and (d) a
# cancelled one, that block nothing; a floating time (Brussels) and one in UTC.
SERIES = event("team@test", "SUMMARY:Teamoverleg", "DTSTART;TZID=Europe/Brussels:20270302T113000",
               "DTEND;TZID=Europe/Brussels:20270302T123000", "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=10",
               "EXDATE;TZID=Europe/Brussels:20270309T113000")
MOVED = event("team@test", "SUMMARY:Teamoverleg (verplaatst)", "RECURRENCE-ID;TZID=Europe/Brussels:20270316T113000",
              "DTSTART;TZID=Europe/Brussels:20270317T093000", "DTEND;TZID=Europe/Brussels:20270317T100000")
ALL_DAY = event("training@test", "SUMMARY:Opleiding", "DTSTART;VALUE=DATE:20270304", "DTEND;VALUE=DATE:20270305")
FREE = event("free@test", "SUMMARY:Thuiswerk", "TRANSP:TRANSPARENT", "DTSTART;TZID=Europe/Brussels:20270305T090000",
             "DTEND;TZID=Europe/Brussels:20270305T130000")
CANCELLED = event("cancelled@test", "SUMMARY:Afgelast", "STATUS:CANCELLED",
                  "DTSTART;TZID=Europe/Brussels:20270312T090000", "DTEND;TZID=Europe/Brussels:20270312T130000")
FLOATING = event("floating@test", "SUMMARY:Lunch", "DTSTART:20270308T120000", "DTEND:20270308T123000")
IN_UTC = event("utc@test", "SUMMARY:Telefoon", "DTSTART:20270310T083000Z", "DTEND:20270310T090000Z")
BUSY_CALENDAR = calendar(SERIES, MOVED, ALL_DAY, FREE, CANCELLED, FLOATING, IN_UTC)
# Not offered because of it (Brussels times); everything else of Monday to Friday 9:00 and 11:00 is.
BLOCKED = {"Tue 02 11:00", "Thu 04 09:00", "Thu 04 11:00", "Mon 08 11:00", "Wed 10 09:00", "Wed 17 09:00"}


class CalendarServer:
    """A calendar host on 127.0.0.1 (a free port), in a thread with its own event loop, so that the
    synchronous worker and the gateway's thread can both read from it. `pages`: path → (status,
    body, headers); any other path is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, bytes, dict[str, str]]] = {}
        self.base = ""
        self.hits = 0

    def serve(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        self.pages[path] = (status, body, headers or {})
        return self.base + path

    async def handle(self, request: web.Request) -> web.Response:
        self.hits += 1
        status, body, headers = self.pages.get(request.path, (404, b"", {}))
        return web.Response(status=status, body=body, headers={"Content-Type": "text/calendar", **headers})


@pytest.fixture
def calendar_server() -> Iterator[CalendarServer]:
    server, started, state = CalendarServer(), threading.Event(), {}

    async def run() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", server.handle)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        server.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
        started.set()
        try:
            await state["stop"].wait()
        finally:
            await runner.cleanup()

    thread = threading.Thread(target=lambda: asyncio.run(run()), name="calendar-server", daemon=True)
    thread.start()
    assert started.wait(10), "the calendar server did not start"
    yield server
    state["loop"].call_soon_threadsafe(state["stop"].set)
    thread.join(10)


def closed_port_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{SECRET_PATH}"


@pytest.fixture
def sessions(db):
    return make_sessionmaker(db)


@pytest.fixture
def lotte(sessions) -> int:
    parsed = read_register("\n".join((",".join(COLUMNS), LOTTE)).encode())
    with sessions.begin() as session:
        import_register(session, parsed.entries, NOW, b"seal")
        counsellor_id = session.scalar(select(Counsellor.id).where(Counsellor.mandate_number == "LK-1"))
    with sessions.begin() as session:
        hours_store.save_weekly(session, counsellor_id, WEEKDAYS, 24, NOW, WEEKS)
    return counsellor_id


def link(sessions, counsellor_id: int, url: str) -> None:
    """The calendar linked as the hours page keeps it (sealed); the worker reads it."""
    with sessions.begin() as session:
        session.execute(update(Counsellor).where(Counsellor.id == counsellor_id)
                        .values(busy_calendar_sealed=seal(url, KEY)))


def offered(sessions, counsellor_id: int) -> set[str]:
    with sessions() as session:
        return {f"{s.starts_at.astimezone(BRUSSELS):%a %d %H:%M}" for s in session.scalars(
            select(Slot).where(Slot.counsellor_id == counsellor_id, Slot.withdrawn.is_(False)))}


def all_weekdays(first: dt.date, weeks: int) -> set[str]:
    days = (first + dt.timedelta(days=n) for n in range(7 * weeks))
    return {f"{day:%a %d} {hour}" for day in days if day.weekday() < 5 for hour in ("09:00", "11:00")}


def stored_busy(sessions, counsellor_id: int) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(f"{b.starts_at.astimezone(BRUSSELS):%a %d %H:%M}", f"{b.ends_at.astimezone(BRUSSELS):%a %d %H:%M}")
                for b in session.scalars(select(BusyTime).where(BusyTime.counsellor_id == counsellor_id)
                                         .order_by(BusyTime.starts_at))]


# ---- reading a calendar (pure) --------------------------------------------------------------------


def test_recurring_events_are_expanded_with_their_exceptions_and_free_or_cancelled_ones_block_nothing():
    found = busy_intervals(BUSY_CALENDAR, NOW, NOW + dt.timedelta(weeks=WEEKS))
    local = [(f"{s.astimezone(BRUSSELS):%a %d %H:%M}", f"{e.astimezone(BRUSSELS):%a %d %H:%M}") for s, e in found]
    assert local == [
        ("Tue 02 11:30", "Tue 02 12:30"),
        ("Thu 04 00:00", "Fri 05 00:00"),  # all day: the whole Brussels day
        ("Mon 08 12:00", "Mon 08 12:30"),  # a floating time is a Brussels time
        ("Wed 10 09:30", "Wed 10 10:00"),  # 8:30 UTC
        # Tuesday 9 March is an exception; 16 March moved to the Wednesday
        ("Wed 17 09:30", "Wed 17 10:00"),
    ]
    assert all(s.tzinfo == dt.UTC and e.tzinfo == dt.UTC for s, e in found)
    # Cut to the period asked for: the series goes on after it.
    assert busy_intervals(BUSY_CALENDAR, NOW + dt.timedelta(days=1, hours=4), NOW + dt.timedelta(days=1, hours=5)) == [
        (dt.datetime(2027, 3, 2, 11, 0, tzinfo=dt.UTC), dt.datetime(2027, 3, 2, 11, 30, tzinfo=dt.UTC))]
    with pytest.raises(CalendarProblem, match="geen agenda die we kunnen lezen"):
        busy_intervals(b"<html>Meld je aan</html>", NOW, NOW + dt.timedelta(weeks=1))


def test_a_recurring_nine_oclock_event_keeps_blocking_nine_oclock_after_the_switch_to_summer_time(sessions, lotte,
                                                                                                     calendar_server):
    # Mondays 9:00 to 10:00 in Brussels, from 22 March; summer time starts on Sunday 28 March 2027.
    monday = event("weekly@test", "DTSTART;TZID=Europe/Brussels:20270322T090000",
                   "DTEND;TZID=Europe/Brussels:20270322T100000", "RRULE:FREQ=WEEKLY")
    spring = dt.datetime(2027, 3, 22, 7, 0, tzinfo=BRUSSELS)
    found = busy_intervals(calendar(monday), spring, spring + dt.timedelta(weeks=2))
    assert [(s.isoformat(), e.isoformat()) for s, e in found] == [
        ("2027-03-22T08:00:00+00:00", "2027-03-22T09:00:00+00:00"),  # winter: UTC+1
        ("2027-03-29T07:00:00+00:00", "2027-03-29T08:00:00+00:00")]  # summer: UTC+2, still 9:00 in Brussels
    # And the worker offers neither Monday's 9:00, but both 11:00 moments.
    link(sessions, lotte, calendar_server.serve(SECRET_PATH, calendar(monday)))
    keep_moments(sessions, spring, 2, KEY)
    mondays = {m for m in offered(sessions, lotte) if m.startswith("Mon")}
    assert {"Mon 22 11:00", "Mon 29 11:00"} <= mondays
    assert not {"Mon 22 09:00", "Mon 29 09:00"} & mondays


@pytest.fixture(autouse=True)
def local_calendars(request, monkeypatch):
    """The tests' calendar server is on this machine: allowed here only (busy.local_calendars_allowed).
    A test that asks for `production_calendars` gets the production rule."""
    if "production_calendars" not in request.fixturenames:
        monkeypatch.setenv("VERWIJZING_CALENDAR_LOCAL", "on")


@pytest.fixture
def production_calendars(monkeypatch):
    monkeypatch.delenv("VERWIJZING_CALENDAR_LOCAL", raising=False)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5005/agenda.ics",  # Rasa, on this machine
    "https://127.0.0.1:5055/webhook",  # the action server
    "https://localhost/agenda.ics",
    "https://10.1.2.3/agenda.ics",  # the internal network
    "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
    "https://[::1]/agenda.ics",
])
def test_in_production_no_calendar_on_this_machine_or_the_internal_network_is_read(url, production_calendars):
    # Else any counsellor could make the gateway and the worker call services that only trust
    # their neighbours (server-side request forgery).
    with pytest.raises(CalendarProblem):
        fetch_calendar(url, timeout=2)


@pytest.mark.parametrize(("raw", "url"), [
    ("https://calendar.google.com/calendar/ical/x%40gmail.com/private-abc/basic.ics",
     "https://calendar.google.com/calendar/ical/x%40gmail.com/private-abc/basic.ics"),
    ("  webcal://p12-caldav.icloud.com/published/2/abc  ", "https://p12-caldav.icloud.com/published/2/abc"),
    ("WEBCAL://outlook.office365.com/owa/calendar/a/b/reachcalendar.ics",
     "https://outlook.office365.com/owa/calendar/a/b/reachcalendar.ics"),
    ("http://127.0.0.1:8123/agenda.ics", "http://127.0.0.1:8123/agenda.ics"),
])
def test_an_address_is_https_and_webcal_is_read_over_https(raw, url):
    assert check_url(raw) == url


@pytest.mark.parametrize(("raw", "problem"), [
    ("", "Vul het adres van je agenda in."),
    ("http://calendar.google.com/basic.ics", "moet beginnen met https:// of webcal://"),
    ("ftp://example.be/agenda.ics", "moet beginnen met https:// of webcal://"),
    ("file:///etc/passwd", "moet beginnen met https:// of webcal://"),
    ("mijn agenda", "Dit is geen adres van een agenda"),
    ("https://", "Dit is geen adres van een agenda"),
    ("https://example.be:poort/a.ics", "Dit is geen adres van een agenda"),
    ("https://example.be/" + "a" * 500, "te lang"),
])
def test_an_address_that_is_not_https_is_refused_in_plain_dutch(raw, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        check_url(raw)


def test_reading_problems_are_short_dutch_sentences_without_the_address(calendar_server, monkeypatch):
    def problem(url: str) -> str:
        with pytest.raises(CalendarProblem) as caught:
            fetch_calendar(url, timeout=2)
        told = "".join(traceback.format_exception(caught.value))  # as a log would show it
        assert SECRET_PATH not in told and "127.0.0.1" not in str(caught.value)
        return str(caught.value)

    assert problem(calendar_server.base + SECRET_PATH) == busy.NOT_FOUND
    calendar_server.serve(SECRET_PATH, b"", status=403)
    assert problem(calendar_server.base + SECRET_PATH) == busy.DENIED
    calendar_server.serve(SECRET_PATH, b"", status=503)
    assert problem(calendar_server.base + SECRET_PATH) == busy.server_error(503)
    assert problem(closed_port_url()) == busy.UNREACHABLE
    # A redirect is followed to https only.
    calendar_server.serve(SECRET_PATH, b"", status=302, headers={"Location": "http://example.be/agenda.ics"})
    assert problem(calendar_server.base + SECRET_PATH) == busy.REDIRECTED
    calendar_server.serve("/elders.ics", BUSY_CALENDAR)
    calendar_server.serve(SECRET_PATH, b"", status=302, headers={"Location": "/elders.ics"})
    assert fetch_calendar(calendar_server.base + SECRET_PATH) == BUSY_CALENDAR
    monkeypatch.setattr(busy, "MAX_BYTES", 1000)
    calendar_server.serve(SECRET_PATH, BUSY_CALENDAR)
    assert problem(calendar_server.base + SECRET_PATH) == busy.TOO_BIG
    assert all(len(text) <= 200 for text in (busy.UNREACHABLE, busy.TOO_SLOW, busy.NOT_FOUND, busy.DENIED,
                                             busy.TOO_BIG, busy.NOT_A_CALENDAR, busy.REDIRECTED, busy.SEAL_LOST))


# ---- the worker ---------------------------------------------------------------------------------


def test_the_worker_reads_the_calendar_and_offers_no_moment_that_overlaps_a_busy_time(sessions, lotte,
                                                                                       calendar_server):
    everything = all_weekdays(NOW.date(), WEEKS)
    assert offered(sessions, lotte) == everything
    link(sessions, lotte, calendar_server.serve(SECRET_PATH, BUSY_CALENDAR))
    counts = keep_moments(sessions, NOW, WEEKS, KEY)
    assert counts == {"moments_added": 0, "moments_updated": 0, "moments_withdrawn": len(BLOCKED), "conflicts": 0,
                      "calendars_read": 1, "calendar_problems": 0}
    assert offered(sessions, lotte) == everything - BLOCKED
    # What a citizen is offered agrees (online is Lotte's other way, never in these hours).
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    listed = {f"{o.starts_at.astimezone(BRUSSELS):%a %d %H:%M}"
              for o in service.free_slots("9000", "op_locatie", NOW.date(), limit=100, now=NOW)}
    assert listed and not listed & BLOCKED
    assert {"Tue 09 11:00", "Tue 16 11:00", "Fri 05 09:00", "Fri 12 09:00"} <= listed
    with sessions() as session:
        counsellor = session.get(Counsellor, lotte)
        assert counsellor.busy_checked_at == NOW and counsellor.busy_problem is None
    # Saving hours keeps the stored busy times: the blocked moments do not come back.
    with sessions.begin() as session:
        hours_store.save_weekly(session, lotte, WEEKDAYS, 24, NOW, WEEKS)
    assert offered(sessions, lotte) == everything - BLOCKED
    # A second run with the same calendar changes nothing.
    assert keep_moments(sessions, NOW, WEEKS, KEY)["moments_withdrawn"] == 0


def test_a_booked_moment_stays_when_it_becomes_busy_and_an_unreachable_calendar_keeps_the_old_busy_times(
        sessions, lotte, calendar_server):
    url = calendar_server.serve(SECRET_PATH, BUSY_CALENDAR)
    link(sessions, lotte, url)
    keep_moments(sessions, NOW, WEEKS, KEY)
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    friday = dt.datetime(2027, 3, 12, 9, 0, tzinfo=BRUSSELS)
    with sessions() as session:
        slot_id = session.scalar(select(Slot.id).where(Slot.counsellor_id == lotte, Slot.starts_at == friday))
    held = service.hold(slot_id, "web", "busy-booked", modality="op_locatie", now=NOW)
    reference = service.confirm(held.reference, insz=valid_insz(dt.date(1985, 7, 30), 33), now=NOW).reference

    # Friday 12 March fills up in the calendar (maybe with this very booking, from its invitation).
    busy_friday = event("friday@test", "DTSTART;TZID=Europe/Brussels:20270312T083000",
                        "DTEND;TZID=Europe/Brussels:20270312T133000")
    calendar_server.serve(SECRET_PATH, calendar(SERIES, MOVED, ALL_DAY, FREE, CANCELLED, FLOATING, IN_UTC,
                                                busy_friday))
    counts = keep_moments(sessions, NOW, WEEKS, KEY)
    assert counts["moments_withdrawn"] == 1 and counts["conflicts"] == 0  # only the free 11:00
    assert "Fri 12 09:00" in offered(sessions, lotte) and "Fri 12 11:00" not in offered(sessions, lotte)
    assert service.show(reference).as_dict()["status"] == "confirmed"
    with sessions() as session:
        [line] = [line for line in agenda(session, lotte, NOW, WEEKS) if line.booked == reference]
    assert not line.outside_hours  # busy is no conflict with the hours
    busy_then = stored_busy(sessions, lotte)
    assert ("Fri 12 08:30", "Fri 12 13:30") in busy_then

    # The calendar's server fails: the busy times of the last read stay, the problem is noted.
    calendar_server.serve(SECRET_PATH, b"", status=503)
    counts = keep_moments(sessions, NOW + dt.timedelta(minutes=15), WEEKS, KEY)
    assert counts["calendar_problems"] == 1 and counts["moments_added"] == 0
    assert stored_busy(sessions, lotte) == busy_then
    assert offered(sessions, lotte) == all_weekdays(NOW.date(), WEEKS) - BLOCKED - {"Fri 12 11:00"}
    with sessions() as session:
        counsellor = session.get(Counsellor, lotte)
        assert counsellor.busy_problem == "De server van je agenda gaf een fout (code 503). Probeer het later opnieuw."
        assert counsellor.busy_checked_at == NOW + dt.timedelta(minutes=15)
    # Nothing answers at all: the same.
    link(sessions, lotte, closed_port_url())
    keep_moments(sessions, NOW + dt.timedelta(minutes=30), WEEKS, KEY)
    assert stored_busy(sessions, lotte) == busy_then
    with sessions() as session:
        assert session.get(Counsellor, lotte).busy_problem == busy.UNREACHABLE
    # It answers again: its busy times replace the old ones as a whole.
    link(sessions, lotte, url)
    calendar_server.serve(SECRET_PATH, calendar(ALL_DAY))
    with sessions.begin() as session:
        outcome = refresh_busy(session, lotte, NOW, WEEKS, KEY)
    assert isinstance(outcome, list) and stored_busy(sessions, lotte) == [("Thu 04 00:00", "Fri 05 00:00")]
    with sessions() as session:
        assert session.get(Counsellor, lotte).busy_problem is None


def test_the_address_is_stored_sealed_and_a_wrong_key_reads_nothing(db, sessions, lotte, calendar_server):
    url = calendar_server.serve(SECRET_PATH, BUSY_CALENDAR)
    with sessions.begin() as session:
        hours_store.link_calendar(session, lotte, url, busy_intervals(BUSY_CALENDAR, NOW, NOW + dt.timedelta(weeks=3)),
                                  KEY, NOW, WEEKS)
    rows = dump_rows(db)
    assert not [(table, row) for table, found in rows.items() for row in found
                if any(SECRET_PATH in str(value) for value in row.values())]
    with sessions() as session:
        sealed = session.get(Counsellor, lotte).busy_calendar_sealed
    assert sealed.startswith("sealed:") and unseal(sealed, KEY) == url
    assert busy.calendar_host(sealed, KEY) == "127.0.0.1"
    # The worker with another key cannot open it: a problem, and the busy times stay.
    before = stored_busy(sessions, lotte)
    keep_moments(sessions, NOW, WEEKS, b"another-key")
    with sessions() as session:
        assert session.get(Counsellor, lotte).busy_problem == busy.SEAL_LOST
    assert stored_busy(sessions, lotte) == before and len(before) == 5


# ---- the console ---------------------------------------------------------------------------------


async def test_a_counsellor_links_and_unlinks_their_calendar_on_the_hours_page(
        aiohttp_client, staff_config, staff_client, db, register, calendar_server):  # noqa: F811
    beheerder = await staff_client("beheerder")
    lotte = await counsellor_client(aiohttp_client, staff_config, db, beheerder, register["LK-1"], "lotte@example.be")
    saved = await lotte.post("/staff/agenda/uren", data=[("csrf", lotte.csrf), *[
        (f"{key}-{day}", value) for day in range(5)
        for key, value in (("dag", str(day)), ("van", "09:00"), ("tot", "13:00"), ("manier", "op_locatie"))],
        ("opvoorhand", "24")], allow_redirects=False)
    assert saved.status == 302
    page = await (await lotte.get("/staff/agenda/uren")).text()
    assert "Je eigen agenda" in page and 'name="adres" type="url"' in page and "Loskoppelen" not in page
    sessions = make_sessionmaker(db)

    today = dt.datetime.now(BRUSSELS).date()

    def slot_hours() -> set[str]:  # from tomorrow: a moment already started is left alone
        with sessions() as session:
            return {f"{s.starts_at.astimezone(BRUSSELS):%H:%M}" for s in session.scalars(select(Slot).where(
                Slot.counsellor_id == register["LK-1"], Slot.withdrawn.is_(False), Slot.day > today))}

    assert slot_hours() == {"09:00", "11:00"}

    # Every day 11:30 to 12:30, for weeks before and after today.
    start = today - dt.timedelta(days=7)
    daily = event("daily@test", f"DTSTART;TZID=Europe/Brussels:{start:%Y%m%d}T113000",
                  f"DTEND;TZID=Europe/Brussels:{start:%Y%m%d}T123000", "RRULE:FREQ=DAILY;COUNT=120")
    url = calendar_server.serve(SECRET_PATH, calendar(daily))

    async def post(address: str, path: str = "/staff/agenda/agenda-koppeling"):
        return await lotte.post(path, data={"csrf": lotte.csrf, "adres": address}, allow_redirects=False)

    # Refused, with the reason, and nothing kept.
    for address, reason in (("http://calendar.example.be/basic.ics", "moet beginnen met https:// of webcal://"),
                            ("", "Vul het adres van je agenda in."),
                            (closed_port_url(), "We konden je agenda niet bereiken."),
                            (calendar_server.base + "/geen.ics", "Op dat adres staat geen agenda (meer).")):
        refused = await post(address)
        text = await refused.text()
        assert refused.status == 400 and "Je agenda is niet gekoppeld." in text and reason in text, address
    with sessions() as session:
        assert session.get(Counsellor, register["LK-1"]).busy_calendar_sealed is None
    # Only the counsellor's own session, with the form's token.
    assert (await lotte.post("/staff/agenda/agenda-koppeling", data={"adres": url})).status == 403
    assert (await beheerder.post("/staff/agenda/agenda-koppeling", data={"csrf": beheerder.csrf,
                                                                          "adres": url})).status == 403

    linked = await post(url.replace("http://", "HTTP://"))
    assert linked.status == 302, await linked.text()
    assert linked.headers["Location"].startswith("/staff/agenda/uren?agenda=gekoppeld&bezet=")
    page = await (await lotte.get(linked.headers["Location"])).text()
    found = re.search(r"Je agenda is gekoppeld\. We vonden (\d+) afspraken in de komende 8 weken\.", page)
    assert found, page
    with sessions() as session:
        rows = session.scalars(select(BusyTime).where(BusyTime.counsellor_id == register["LK-1"])).all()
        assert len(rows) == int(found.group(1)) > 50
        assert {f"{r.starts_at.astimezone(BRUSSELS):%H:%M}" for r in rows if r.starts_at.date() > today} == {"11:30"}
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "agenda_gekoppeld"))
        assert audit.subject == str(register["LK-1"]) and audit.detail["bezet"] == len(rows)
    # Never the address on the page, in the audit log or anywhere in the database: only its host.
    assert "Je agenda is gekoppeld met 127.0.0.1." in page and SECRET_PATH not in page and "Loskoppelen" in page
    assert not [(table, row) for table, listed in dump_rows(db).items() for row in listed
                if any(SECRET_PATH in str(value) for value in row.values())]
    with sessions() as session:
        assert unseal(session.get(Counsellor, register["LK-1"]).busy_calendar_sealed, CHANNEL_SECRET) == url
    # No 11:00 moment overlaps 11:30 to 12:30: none is offered; the 9:00 ones stay.
    assert slot_hours() == {"09:00"}
    # A later read by the worker failed: the page says so, and that the old busy times still count.
    with sessions.begin() as session:
        session.get(Counsellor, register["LK-1"]).busy_problem = busy.UNREACHABLE
    page = await (await lotte.get("/staff/agenda/uren")).text()
    assert f"De laatste keer lukte het niet: {busy.UNREACHABLE}" in page and "Laatst gelezen: " in page
    # Another address that does not work keeps the linked one.
    refused = await post("webcal://")
    assert refused.status == 400 and "Het nieuwe adres is niet bewaard. Dit is geen adres" in await refused.text()
    with sessions() as session:
        assert unseal(session.get(Counsellor, register["LK-1"]).busy_calendar_sealed, CHANNEL_SECRET) == url

    unlinked = await post("", "/staff/agenda/agenda-koppeling/loskoppelen")
    assert unlinked.status == 302 and unlinked.headers["Location"].startswith("/staff/agenda/uren?agenda=los")
    page = await (await lotte.get(unlinked.headers["Location"])).text()
    assert "Je agenda is losgekoppeld." in page and "Loskoppelen" not in page
    assert slot_hours() == {"09:00", "11:00"}
    with sessions() as session:
        counsellor = session.get(Counsellor, register["LK-1"])
        assert counsellor.busy_calendar_sealed is None and counsellor.busy_checked_at is None
        assert session.scalar(select(BusyTime)) is None
        assert session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "agenda_losgekoppeld"))
