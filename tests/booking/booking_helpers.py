"""Shared values and builders for the booking tests (a uniquely named module: every test
folder has a conftest.py, and `import conftest` would pick whichever was loaded last)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session, sessionmaker

from tests.support.database import valid_insz
from verwijzing.booking import figures
from verwijzing.nl_be import BRUSSELS
from verwijzing.places.postcodes import province_of, region_of
from verwijzing.store import Counsellor, CounsellorLanguage, CounsellorModality, Slot

# A Monday under the loopbaankrediet; tests pass `now` explicitly so nothing depends on today.
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=BRUSSELS)
PEPPER = b"test-pepper-not-secret"
CITIZEN = valid_insz(dt.date(1985, 7, 30), 33)
OTHER_CITIZEN = valid_insz(dt.date(2003, 2, 14), 122)


def at(day: int, hour: int = 9, minute: int = 0, month: int = 3, year: int = 2027) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


class Make:
    """Counsellors and slots for a test, each committed at once."""

    def __init__(self, sessions: sessionmaker[Session]):
        self.sessions = sessions
        self._count = 0

    def counsellor(
        self,
        *,
        postcode: str = "9000",
        modalities: Sequence[str] = ("op_locatie", "online", "telefoon"),
        languages: Sequence[str] = ("nl",),
        mandate: tuple[dt.date, dt.date | None] = (dt.date(2020, 1, 1), None),
        qualification: tuple[dt.date | None, dt.date | None] = (dt.date(2020, 1, 1), None),
        name: str | None = None,
        wheelchair: bool = False,
    ) -> int:
        self._count += 1
        with self.sessions.begin() as session:
            counsellor = Counsellor(
                name=name or f"Begeleider {self._count:02d}",
                mandate_valid_from=mandate[0], mandate_valid_to=mandate[1],
                beroepskwalificatie_valid_from=qualification[0],
                beroepskwalificatie_valid_to=qualification[1],
                office_postcode=postcode, province=province_of(postcode), region=region_of(postcode),
                wheelchair_access=wheelchair,
                modalities=[CounsellorModality(modality=m) for m in modalities],
                languages=[CounsellorLanguage(language=lang) for lang in languages],
            )
            session.add(counsellor)
            session.flush()
            return counsellor.id

    def slot(self, counsellor_id: int, starts_at: dt.datetime) -> int:
        local = starts_at.astimezone(BRUSSELS)
        block = dt.timedelta(minutes=figures.agenda_block_minutes(local.date()))
        with self.sessions.begin() as session:
            slot = Slot(counsellor_id=counsellor_id, day=local.date(), starts_at=starts_at,
                        ends_at=starts_at + block)
            session.add(slot)
            session.flush()
            return slot.id
