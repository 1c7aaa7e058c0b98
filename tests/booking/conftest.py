from __future__ import annotations

import pytest
from booking_helpers import NOW, PEPPER, Make
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.booking import BookingService
from verwijzing.store import make_sessionmaker


@pytest.fixture
def sessions(db) -> sessionmaker[Session]:
    return make_sessionmaker(db)


@pytest.fixture
def service(sessions) -> BookingService:
    return BookingService(sessions, pepper=PEPPER, clock=lambda: NOW)


@pytest.fixture
def make(sessions) -> Make:
    return Make(sessions)
