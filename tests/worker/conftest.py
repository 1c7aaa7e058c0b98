from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker
from worker_helpers import EVENTS

from verwijzing.store import make_sessionmaker


@pytest.fixture
def sessions(db) -> sessionmaker[Session]:
    return make_sessionmaker(db)


@pytest.fixture
def events(db):
    """Rasa's tracker store table on the test database, dropped after the test (clear_tables
    knows only our own tables)."""
    EVENTS.create(db)
    yield EVENTS
    EVENTS.drop(db)
