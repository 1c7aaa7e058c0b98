"""A counsellor's hours become moments a citizen can book, on SQLite and PostgreSQL: the worker's
sync is idempotent, changed hours never touch a booked moment (a conflict is shown instead), the
shortest notice and a window's ways of working are honoured by the free-moment query and by the
booking itself."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.support.database import valid_insz
from verwijzing.booking import BookingService
from verwijzing.booking.errors import ModalityNotOffered, SlotUnavailable
from verwijzing.counsellors import hours as hours_store
from verwijzing.counsellors.agenda import agenda
from verwijzing.counsellors.availability import Window
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.store import Counsellor, Slot, make_sessionmaker
from verwijzing.worker.moments import keep_moments

PEPPER = b"moments-test-pepper"
# Monday 1 March 2027, 8:00 in Brussels.
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=BRUSSELS)
LOTTE = ('LK-1,Lotte Peeters,lotte@example.be,,"Kouter 1",9000,op_locatie;online,nl,'
         "2026-01-01,,2026-01-01,,ja")
ON_SITE = frozenset({Modality.OP_LOCATIE})
BOTH = frozenset({Modality.OP_LOCATIE, Modality.ONLINE})


@pytest.fixture
def sessions(db) -> sessionmaker[Session]:
    return make_sessionmaker(db)


@pytest.fixture
def lotte(sessions) -> int:
    register = read_register("\n".join((",".join(COLUMNS), LOTTE)).encode())
    with sessions.begin() as session:
        import_register(session, register.entries, NOW, b"seal")
        return session.scalar(select(Counsellor.id).where(Counsellor.mandate_number == "LK-1"))


def w(start: str, end: str, modalities=ON_SITE, location: str | None = None) -> Window:
    return Window(dt.time.fromisoformat(start), dt.time.fromisoformat(end), modalities, location)


def save(sessions, counsellor_id: int, weekly, notice: int = 24, weeks: int = 2):
    with sessions.begin() as session:
        return hours_store.save_weekly(session, counsellor_id, weekly, notice, NOW, weeks)


def slots(sessions, counsellor_id: int) -> list[tuple[str, str | None, bool]]:
    with sessions() as session:
        return [(f"{s.starts_at.astimezone(BRUSSELS):%a %d %H:%M}", s.modalities, s.withdrawn)
                for s in session.scalars(select(Slot).where(Slot.counsellor_id == counsellor_id)
                                         .order_by(Slot.starts_at))]


def test_weekly_hours_become_moments_for_the_weeks_ahead_and_a_second_run_changes_nothing(sessions, lotte):
    result = save(sessions, lotte, {0: [w("09:00", "13:00")], 2: [w("14:00", "16:00", BOTH, "Zaal 2")]})
    # Two weeks: Mondays 1 and 8 March (two blocks each, 9:00 and 11:00), Wednesdays 3 and 10 March.
    assert result.added == 6 and result.conflicts == []
    assert slots(sessions, lotte)[:3] == [("Mon 01 09:00", ",op_locatie,", False),
                                          ("Mon 01 11:00", ",op_locatie,", False),
                                          ("Wed 03 14:00", ",online,op_locatie,", False)]
    again = keep_moments(sessions, NOW, weeks=2)
    assert again == {"moments_added": 0, "moments_updated": 0, "moments_withdrawn": 0, "conflicts": 0}
    # A week later the worker adds the week that came into view, and only that.
    later = keep_moments(sessions, NOW + dt.timedelta(days=7), weeks=2)
    assert later["moments_added"] == 3


def test_the_free_moment_query_honours_the_window_ways_of_working_and_the_shortest_notice(sessions, lotte):
    save(sessions, lotte, {0: [w("09:00", "13:00")], 2: [w("14:00", "16:00", BOTH)]}, notice=48)
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    online = service.free_slots(None, "online", NOW.date(), limit=10, now=NOW)
    # Only the Wednesday window offers online; Wednesday 3 March 14:00 is 54 hours away (≥ 48).
    assert [f"{o.starts_at.astimezone(BRUSSELS):%d %H:%M}" for o in online] == ["03 14:00", "10 14:00"]
    on_site = service.free_slots("9000", "op_locatie", NOW.date(), limit=10, now=NOW)
    # Monday 1 March 9:00 and 11:00 start within 48 hours: not offered.
    assert [f"{o.starts_at.astimezone(BRUSSELS):%d %H:%M}" for o in on_site][:2] == ["03 14:00", "08 09:00"]
    with sessions() as session:
        monday = session.scalar(select(Slot.id).where(Slot.counsellor_id == lotte).order_by(Slot.starts_at))
        next_monday = session.scalars(select(Slot.id).where(Slot.counsellor_id == lotte)
                                      .order_by(Slot.starts_at)).all()[3]
    # The booking itself refuses what the list does not offer.
    with pytest.raises(SlotUnavailable):
        service.hold(monday, "web", "too-soon", modality="op_locatie", now=NOW)
    with pytest.raises(ModalityNotOffered):
        service.hold(next_monday, "web", "not-online", modality="online", now=NOW)


def test_changed_hours_withdraw_free_moments_but_never_a_booked_one(sessions, lotte):
    save(sessions, lotte, {0: [w("09:00", "13:00")]})
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    with sessions() as session:
        eight_march_nine = session.scalar(select(Slot.id).where(
            Slot.counsellor_id == lotte, Slot.starts_at == dt.datetime(2027, 3, 8, 9, 0, tzinfo=BRUSSELS)))
    held = service.hold(eight_march_nine, "web", "booked", modality="op_locatie", now=NOW)
    reference = service.confirm(held.reference, insz=valid_insz(dt.date(1985, 7, 30), 33), now=NOW).reference
    # Lotte now works Monday afternoons instead.
    result = save(sessions, lotte, {0: [w("13:00", "17:00")]})
    assert result.conflicts == [(eight_march_nine, reference)]
    assert ("Mon 08 09:00", ",op_locatie,", False) in slots(sessions, lotte)  # the booked one stays
    assert not any(t.endswith("11:00") for t, _, _ in slots(sessions, lotte))  # the free one went
    assert service.show(reference).as_dict()["status"] == "confirmed"
    with sessions() as session:
        lines = agenda(session, lotte, NOW, 2)
    marked = [line for line in lines if line.booked == reference]
    assert len(marked) == 1 and marked[0].outside_hours
    # A day off on 8 March: the afternoon there goes too, the booked morning still stays.
    with sessions.begin() as session:
        off = hours_store.save_override(session, lotte, dt.date(2027, 3, 8), None, NOW, 2)
    assert off.withdrawn == 2 and off.conflicts == [(eight_march_nine, reference)]


def test_a_moment_with_an_old_cancelled_booking_is_marked_withdrawn_and_comes_back_with_the_hours(sessions, lotte):
    save(sessions, lotte, {0: [w("09:00", "11:00")]})
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    with sessions() as session:
        later = session.scalars(select(Slot.id).where(Slot.counsellor_id == lotte).order_by(Slot.starts_at)).all()[1]
    held = service.hold(later, "web", "then-cancelled", modality="op_locatie", now=NOW)
    service.give_back(held.reference, actor="test", why="test", now=NOW)
    save(sessions, lotte, {})
    assert [s for s in slots(sessions, lotte)] == [("Mon 08 09:00", ",op_locatie,", True)]
    assert service.free_slots("9000", "op_locatie", NOW.date(), limit=5, now=NOW) == []
    save(sessions, lotte, {0: [w("09:00", "11:00")]})
    assert ("Mon 08 09:00", ",op_locatie,", False) in slots(sessions, lotte)


def test_no_moments_outside_the_mandate(sessions, lotte):
    with sessions.begin() as session:
        session.get(Counsellor, lotte).mandate_valid_to = dt.date(2027, 3, 5)
    save(sessions, lotte, {0: [w("09:00", "11:00")], 4: [w("09:00", "11:00")]})
    assert [t for t, _, _ in slots(sessions, lotte)] == ["Mon 01 09:00", "Fri 05 09:00"]
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Slot)) == 2
