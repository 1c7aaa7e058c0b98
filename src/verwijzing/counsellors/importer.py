"""Applying the mandate register to the database: `verwijzing counsellors import FILE.csv`.

The file is the whole register. In one transaction (all of it, or nothing):
- a mandate number that is new adds a counsellor; a known one updates them when something
  changed (so importing the same file twice changes nothing);
- a counsellor whose mandate number is no longer in the file has left the register: their mandate
  ends the day before the import;
- for every counsellor whose mandate or qualification no longer covers a day: the free moments
  of those days are withdrawn, and each booking on them is cancelled with its hours given back and
  an SMS that says why and how to choose a new moment (booking.transitions.cancel_for_counsellor).
  Never a silent cancellation: a booking without a phone is listed in the result, for a consulent
  to call.

Counsellors without a mandate number (made before the register existed) are left alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from verwijzing.booking.checks import valid_on
from verwijzing.booking.transitions import cancel_for_counsellor
from verwijzing.config import ConfigError
from verwijzing.counsellors.register import Entry
from verwijzing.enums import ACTIVE_STATUSES, BookingStatus
from verwijzing.places.postcodes import province_of, region_of
from verwijzing.privacy.sealed import seal, unseal
from verwijzing.store.models import Booking, Counsellor, CounsellorLanguage, CounsellorModality, Slot

LEFT_REGISTER = "niet meer in het register"
MANDATE_CHANGED = "mandaat of beroepskwalificatie gewijzigd"


@dataclass
class ImportResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    left_register: int = 0
    moments_withdrawn: int = 0
    bookings_cancelled: list[str] = field(default_factory=list)
    # Cancelled bookings that had no phone to send the SMS to: a consulent calls them.
    without_phone: list[str] = field(default_factory=list)



def import_register(session: Session, entries: list[Entry], now: dt.datetime, seal_key: bytes) -> ImportResult:
    """Apply the register's entries (already checked, `register.read_register`). The caller
    commits, or rolls back for a trial run."""
    if not seal_key and any(entry.phone for entry in entries):
        raise ConfigError("VERWIJZING_CHANNEL_SECRET is leeg: de telefoonnummers van begeleiders bewaren we "
                          "verzegeld. Voer `make setup` uit, of zet de variabele.")
    today = now.date()
    result = ImportResult()
    known = {c.mandate_number.upper(): c for c in session.scalars(
        select(Counsellor).where(Counsellor.mandate_number.is_not(None))) if c.mandate_number}
    to_check: list[tuple[Counsellor, str]] = []
    for entry in entries:
        counsellor = known.pop(entry.mandate_number.upper(), None)
        if counsellor is None:
            session.add(_new(entry, seal_key))
            result.added += 1
        elif _update(counsellor, entry, seal_key):
            result.changed += 1
            to_check.append((counsellor, MANDATE_CHANGED))
        else:
            result.unchanged += 1
    ended = today - dt.timedelta(days=1)
    for counsellor in known.values():  # in the database, not in the file: left the register
        if counsellor.mandate_valid_to is None or counsellor.mandate_valid_to > ended:
            counsellor.mandate_valid_to = max(ended, counsellor.mandate_valid_from - dt.timedelta(days=1))
            result.left_register += 1
            to_check.append((counsellor, LEFT_REGISTER))
    session.flush()
    for counsellor, why in to_check:
        _withdraw(session, counsellor, why, now, result)
    return result


def _withdraw(session: Session, counsellor: Counsellor, why: str, now: dt.datetime, result: ImportResult) -> None:
    """The counsellor's moments from today on that their mandate no longer covers: free ones go,
    booked ones are cancelled (with an SMS)."""
    slots = session.scalars(select(Slot).where(Slot.counsellor_id == counsellor.id, Slot.starts_at > now)).all()
    gone = [slot for slot in slots if not valid_on(counsellor, slot.day)]
    if not gone:
        return
    ids = [slot.id for slot in gone]
    for booking in session.scalars(select(Booking).where(
            Booking.slot_id.in_(ids), Booking.status.in_([s.value for s in ACTIVE_STATUSES]))
            .order_by(Booking.id).with_for_update()):
        # A hold is someone still choosing: their confirmation will say the moment is gone.
        unreachable = booking.status == BookingStatus.CONFIRMED and not booking.phone
        cancel_for_counsellor(session, booking, now, why=why)
        result.bookings_cancelled.append(booking.reference)
        if unreachable:
            result.without_phone.append(booking.reference)
    # A moment that was never booked leaves no trace; one with an old (cancelled) booking stays
    # for that booking's history, and the validity check keeps it from being offered.
    withdrawn = session.execute(delete(Slot).where(
        Slot.id.in_(ids), ~exists().where(Booking.slot_id == Slot.id)))
    result.moments_withdrawn += getattr(withdrawn, "rowcount", 0) or 0


def _values(entry: Entry) -> dict[str, Any]:
    return {
        "mandate_number": entry.mandate_number, "name": entry.name, "email": entry.email,
        "office_address": entry.office_address, "office_postcode": entry.office_postcode,
        "province": province_of(entry.office_postcode), "region": region_of(entry.office_postcode),
        "mandate_valid_from": entry.mandate_valid_from, "mandate_valid_to": entry.mandate_valid_to,
        "beroepskwalificatie_valid_from": entry.qualification_valid_from,
        "beroepskwalificatie_valid_to": entry.qualification_valid_to,
        "wheelchair_access": entry.wheelchair_access,
    }


def _new(entry: Entry, seal_key: bytes) -> Counsellor:
    return Counsellor(
        **_values(entry), phone_sealed=seal(entry.phone, seal_key) if entry.phone else None,
        modalities=[CounsellorModality(modality=m.value) for m in sorted(entry.modalities)],
        languages=[CounsellorLanguage(language=code) for code in sorted(entry.languages)])


def _update(counsellor: Counsellor, entry: Entry, seal_key: bytes) -> bool:
    """Bring the counsellor in line with the entry; whether anything changed."""
    changed = False
    for name, value in _values(entry).items():
        if getattr(counsellor, name) != value:
            setattr(counsellor, name, value)
            changed = True
    if unseal(counsellor.phone_sealed, seal_key) != entry.phone:
        counsellor.phone_sealed = seal(entry.phone, seal_key) if entry.phone else None
        changed = True
    # Rows added and removed, never replaced: a row of the same key removed and added again in
    # one flush is a needless write.
    wanted_modalities = {m.value for m in entry.modalities}
    for row in [r for r in counsellor.modalities if r.modality not in wanted_modalities]:
        counsellor.modalities.remove(row)
        changed = True
    for value in sorted(wanted_modalities - {r.modality for r in counsellor.modalities}):
        counsellor.modalities.append(CounsellorModality(modality=value))
        changed = True
    for lang in [r for r in counsellor.languages if r.language not in entry.languages]:
        counsellor.languages.remove(lang)
        changed = True
    for code in sorted(entry.languages - {r.language for r in counsellor.languages}):
        counsellor.languages.append(CounsellorLanguage(language=code))
        changed = True
    return changed
