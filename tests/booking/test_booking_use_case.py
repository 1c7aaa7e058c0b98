"""The one booking use case of the chat and the staff console (verwijzing.booking.book): the
booking and its referral's link commit together, and a hold that cannot become the booking is
given back at once."""
from __future__ import annotations

import pytest
from booking_helpers import CITIZEN, NOW, OTHER_CITIZEN, at
from sqlalchemy import select

from verwijzing.booking import InsufficientCredit, figures
from verwijzing.booking.book import ReferralLink, book_held, hold_and_book
from verwijzing.referrals.record import record_decision
from verwijzing.store import AuditEntry, Booking, LedgerEntry, OutboxMessage, Referral

DECISION = {"in_aanmerking": True, "route": "loopbaankrediet", "regime": "loopbaankrediet"}


def referral(sessions, **fields) -> int:
    with sessions.begin() as session:
        return record_decision(session, decision=DECISION, facts={}, at=NOW, **fields).id


def test_a_chat_booking_and_its_conversations_referral_commit_together(service, sessions, make):
    made = referral(sessions, channel="web", conversation_id="gesprek-1")
    held = service.hold(make.slot(make.counsellor(), at(3)), "web", "k1", modality="online", now=NOW)
    booked = book_held(service, held.reference, citizen_key=None, insz=CITIZEN, phone="0470123456",
                       link=ReferralLink(conversation_id="gesprek-1"), actor="chat")
    assert booked.status == "confirmed"
    with sessions() as session:
        assert session.get(Referral, made).booking_reference == booked.reference


def test_when_the_referral_cannot_be_linked_nothing_of_the_booking_is_kept(service, sessions, make):
    held = service.hold(make.slot(make.counsellor(), at(3)), "web", "k1", modality="online", now=NOW)

    class Broken(ReferralLink):
        def attach(self, session, view, actor):
            session.flush()
            raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        book_held(service, held.reference, insz=CITIZEN, phone="0470123456", link=Broken(conversation_id="x"),
                  actor="chat")
    assert service.show(held.reference).status == "held"
    with sessions() as session:
        assert session.scalars(select(LedgerEntry).where(LedgerEntry.minutes < 0)).all() == []
        assert session.scalars(select(OutboxMessage)).all() == []


def test_a_hold_without_credit_left_is_given_back_at_once(service, sessions, make):
    counsellor = make.counsellor()
    blocks = int(figures.credit_minutes(NOW.date()) // figures.block_minutes(NOW.date()))
    for n in range(blocks):
        held = service.hold(make.slot(counsellor, at(2 + n)), "web", f"r{n}", modality="online", now=NOW)
        book_held(service, held.reference, insz=CITIZEN, link=ReferralLink(), actor="chat")
    last_slot = make.slot(counsellor, at(20))
    held = service.hold(last_slot, "web", "last", modality="online", now=NOW)
    with pytest.raises(InsufficientCredit):
        book_held(service, held.reference, insz=CITIZEN, link=ReferralLink(), actor="chat")
    assert service.show(held.reference).status == "cancelled"
    # The moment is free for someone else right away, not after the hold time.
    other = service.hold(last_slot, "web", "other", modality="online", now=NOW)
    assert book_held(service, other.reference, insz=OTHER_CITIZEN, link=ReferralLink(), actor="chat").status == \
        "confirmed"


def test_a_staff_booking_names_its_referral_and_who_booked_and_a_second_click_books_nothing_more(
        service, sessions, make):
    made = referral(sessions, channel="staff", staff_member="an", consent="in_persoon")
    slot = make.slot(make.counsellor(), at(3))
    first = hold_and_book(service, slot, "staff", f"staff:{made}:page", modality="online",
                          link=ReferralLink(referral_id=made), actor="staff:an", insz=CITIZEN)
    again = hold_and_book(service, slot, "staff", f"staff:{made}:page", modality="online",
                          link=ReferralLink(referral_id=made), actor="staff:an", insz=CITIZEN)
    assert again.reference == first.reference
    with sessions() as session:
        assert session.get(Referral, made).booking_reference == first.reference
        assert len(session.scalars(select(Booking)).all()) == 1
        debits = session.scalars(select(LedgerEntry).where(LedgerEntry.minutes < 0)).all()
        assert len(debits) == 1
        booked = [e for e in session.scalars(select(AuditEntry)) if e.action == "geboekt"]
        assert [(e.actor, e.subject, e.detail["verwijzing"]) for e in booked] == [("staff:an", first.reference, made)]
