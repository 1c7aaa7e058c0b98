"""`verwijzing counsellors import FILE.csv [--controleer]`: the register into the database, as
docs/counsellors.md describes, with what it did (or every problem in the file) in plain Dutch;
`verwijzing counsellors invite MANDAATNUMMER`: a counsellor's account and its e-mailed link."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy import select

from verwijzing.counsellors.importer import ImportResult, import_register
from verwijzing.counsellors.invitations import InvitationError, invite
from verwijzing.counsellors.register import read_register
from verwijzing.privacy.audit import record_audit
from verwijzing.store.engine import make_engine, make_sessionmaker
from verwijzing.store.migrate import upgrade
from verwijzing.store.models import Counsellor

EXIT_BAD_FILE = 2


def import_command(database_url: str | None, path: str, *, trial: bool, now: dt.datetime, seal_key: bytes) -> int:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        print(f"verwijzing: {path} kan ik niet lezen ({error.strerror or error}).", file=sys.stderr)
        return EXIT_BAD_FILE
    register = read_register(raw)
    if register.problems:
        for problem in register.problems:
            print(problem, file=sys.stderr)
        count = len(register.problems)
        print(f"{count} {'fout' if count == 1 else 'fouten'}: er is niets ingelezen. Verbeter het bestand en "
              "probeer opnieuw.", file=sys.stderr)
        return EXIT_BAD_FILE
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            result = import_register(session, register.entries, now, seal_key)
            if trial:
                session.rollback()
            else:
                session.commit()
    finally:
        engine.dispose()
    print(summary(result, trial=trial))
    for reference in result.without_phone:
        print(f"  {reference}: geen gsm-nummer bij de afspraak; laat een consulent de persoon bellen.")
    return 0


def summary(result: ImportResult, *, trial: bool) -> str:
    cancelled = len(result.bookings_cancelled)
    text = (f"register {'gecontroleerd (er is niets veranderd)' if trial else 'ingelezen'}: "
            f"{result.added} nieuw, {result.changed} gewijzigd, {result.unchanged} ongewijzigd, "
            f"{result.left_register} uit het register; {result.moments_withdrawn} vrije momenten ingetrokken; "
            f"{cancelled} {'afspraak' if cancelled == 1 else 'afspraken'} geannuleerd")
    if cancelled:
        text += " (de personen krijgen een sms)" if not trial else " (de personen zouden een sms krijgen)"
    return text


def invite_command(database_url: str | None, mandate_number: str, *, now: dt.datetime, base_url: str) -> int:
    """`verwijzing counsellors invite MANDAATNUMMER`: the counsellor's account and an e-mailed link
    to set its password (the same as the console's button on /staff/begeleiders)."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with make_sessionmaker(engine).begin() as session:
            counsellor_id = session.scalar(
                select(Counsellor.id).where(Counsellor.mandate_number == mandate_number.strip()))
            if counsellor_id is None:
                print(f"verwijzing: mandaatnummer {mandate_number} staat niet in het register.", file=sys.stderr)
                return EXIT_BAD_FILE
            try:
                invited = invite(session, counsellor_id, now, base_url)
            except InvitationError as refused:
                print(f"verwijzing: {refused}", file=sys.stderr)
                return EXIT_BAD_FILE
            record_audit(session, actor="cli", action="begeleider_uitgenodigd", subject=str(counsellor_id),
                         detail={"nieuw_account": invited.new_account}, at=now)
    finally:
        engine.dispose()
    print(f"uitnodiging voor {invited.name} klaar: de worker stuurt ze naar {invited.login} "
          f"(de link werkt 72 uur). Login: {invited.login}")
    return 0
