"""The counsellor is told at once (issue 19, deliverable 5): an e-mail with a calendar invitation
on every booking, move and cancellation — one UID per booking, METHOD REQUEST or CANCEL, a
SEQUENCE that rises — through the mail outbox, in the booking's own transaction; and the
citizen's SMS names the counsellor and the place. On SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.counsellors.test_moments import LOTTE, NOW, PEPPER, save, w
from tests.support.database import dump_rows, valid_insz
from verwijzing.booking import BookingService
from verwijzing.counsellors.importer import import_register
from verwijzing.counsellors.register import COLUMNS, read_register
from verwijzing.enums import Modality
from verwijzing.nl_be import BRUSSELS
from verwijzing.notify.mail import LocalMailSender, MailDispatcher
from verwijzing.store import Counsellor, Slot, make_sessionmaker
from verwijzing.store.mail_models import MailMessage
from verwijzing.store.models import OutboxMessage

WOUT = 'LK-2,Wout Janssens,wout@example.be,,"Meir 2",2000,op_locatie;online,nl,2026-01-01,,2026-01-01,,nee'
CITIZEN = valid_insz(dt.date(1985, 7, 30), 33)
PHONE = "+32470123456"


@pytest.fixture
def sessions(db):
    return make_sessionmaker(db)


@pytest.fixture
def counsellors(sessions) -> dict[str, int]:
    register = read_register("\n".join((",".join(COLUMNS), LOTTE, WOUT)).encode())
    with sessions.begin() as session:
        import_register(session, register.entries, NOW, b"seal")
        ids = {c.mandate_number: c.id for c in session.scalars(select(Counsellor))}
    save(sessions, ids["LK-1"], {0: [w("09:00", "13:00", frozenset({Modality.OP_LOCATIE, Modality.ONLINE}))]})
    save(sessions, ids["LK-2"], {1: [w("09:00", "11:00", frozenset({Modality.OP_LOCATIE}), "Zaal 3, Meir 2")]})
    return ids


def slot_at(sessions, counsellor_id: int, when: dt.datetime) -> int:
    with sessions() as session:
        found = session.scalar(select(Slot.id).where(Slot.counsellor_id == counsellor_id, Slot.starts_at == when))
        assert found is not None, when
        return found


def mails(sessions) -> list[tuple[str, str, Calendar]]:
    with sessions() as session:
        return [(m.to_address, m.subject, Calendar.from_ical(m.calendar))
                for m in session.scalars(select(MailMessage).order_by(MailMessage.id))]


def event_of(calendar: Calendar):
    return next(iter(calendar.walk("VEVENT")))


def test_each_change_of_a_booking_tells_its_counsellor_with_one_event_that_moves_and_is_cancelled(
        sessions, counsellors, tmp_path):
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    monday_nine = dt.datetime(2027, 3, 8, 9, 0, tzinfo=BRUSSELS)
    held = service.hold(slot_at(sessions, counsellors["LK-1"], monday_nine), "web", "n-1", modality="op_locatie",
                        now=NOW)
    assert mails(sessions) == []  # a hold is someone still choosing: nothing to tell yet
    reference = service.confirm(held.reference, insz=CITIZEN, phone=PHONE, now=NOW).reference

    [(to, subject, calendar)] = mails(sessions)
    assert to == "lotte@example.be"
    assert subject == f"Nieuwe afspraak {reference} op maandag 8 maart om 09:00"
    event = event_of(calendar)
    assert str(calendar["method"]) == "REQUEST"
    assert (str(event["uid"]), int(event["sequence"])) == (f"{reference}@verwijzing", 0)
    assert event.decoded("dtstart") == monday_nine and str(event["location"]) == "Kouter 1, 9000"
    assert str(event["attendee"]) == "mailto:lotte@example.be"
    # The citizen's SMS names the counsellor and the place.
    with sessions() as session:
        sms = session.scalar(select(OutboxMessage.body).where(OutboxMessage.booking_reference == reference))
    assert "Lotte Peeters" in sms and "Kouter 1, 9000" in sms

    # Moved within Lotte's agenda: the same event, a higher SEQUENCE.
    service.reschedule(reference, slot_at(sessions, counsellors["LK-1"], monday_nine + dt.timedelta(hours=2)), now=NOW)
    to, subject, calendar = mails(sessions)[-1]
    assert subject.startswith(f"Afspraak verplaatst {reference}") and str(calendar["method"]) == "REQUEST"
    assert (str(event_of(calendar)["uid"]), int(event_of(calendar)["sequence"])) == (f"{reference}@verwijzing", 1)

    # Moved to Wout: Lotte's event is cancelled, Wout gets a new one, at the place of his hours.
    tuesday_nine = dt.datetime(2027, 3, 9, 9, 0, tzinfo=BRUSSELS)
    service.reschedule(reference, slot_at(sessions, counsellors["LK-2"], tuesday_nine), now=NOW)
    cancel, request = mails(sessions)[-2:]
    assert cancel[0] == "lotte@example.be" and str(cancel[2]["method"]) == "CANCEL"
    assert str(event_of(cancel[2])["status"]) == "CANCELLED" and int(event_of(cancel[2])["sequence"]) == 3
    assert request[0] == "wout@example.be" and str(request[2]["method"]) == "REQUEST"
    assert str(event_of(request[2])["location"]) == "Zaal 3, Meir 2"

    # Cancelled by the citizen: Wout's event is cancelled.
    service.cancel(reference, now=NOW)
    to, subject, calendar = mails(sessions)[-1]
    assert to == "wout@example.be" and subject.startswith(f"Afspraak geannuleerd {reference}")
    assert str(calendar["method"]) == "CANCEL" and int(event_of(calendar)["sequence"]) == 3

    # Nothing of the citizen is in any e-mail: no national number, no phone, in any table either.
    written = str(dump_rows(sessions.kw["bind"]))
    assert CITIZEN not in written and "470123456" not in str([m for m in mails(sessions)])

    # Sent in local mode, the notice is an e-mail with the invitation as text/calendar; method=REQUEST.
    report = MailDispatcher(sessions, LocalMailSender(tmp_path), "verwijzing <noreply@example.be>").run_once(NOW)
    assert report.sent == 5
    parsed = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
              for path in sorted(tmp_path.glob("*.eml"))]
    methods = sorted(part.get_param("method") for message in parsed for part in message.walk()
                     if part.get_content_type() == "text/calendar" and part.get_content_disposition() != "attachment")
    assert methods == ["CANCEL", "CANCEL", "REQUEST", "REQUEST", "REQUEST"]


def test_a_counsellor_without_an_e_mail_address_still_gets_bookings(sessions, counsellors):
    with sessions.begin() as session:
        session.get(Counsellor, counsellors["LK-1"]).email = None
    service = BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)
    held = service.hold(slot_at(sessions, counsellors["LK-1"], dt.datetime(2027, 3, 8, 9, 0, tzinfo=BRUSSELS)),
                        "web", "n-2", modality="online", now=NOW)
    assert service.confirm(held.reference, insz=CITIZEN, now=NOW).status == "confirmed"
    assert mails(sessions) == []
