from __future__ import annotations

import pytest
from notify_helpers import SECRET
from sqlalchemy.orm import Session, sessionmaker

from verwijzing.notify import LocalOutboxSender, OutboxDispatcher
from verwijzing.store import make_sessionmaker


@pytest.fixture
def sessions(db) -> sessionmaker[Session]:
    return make_sessionmaker(db)


@pytest.fixture
def phone() -> LocalOutboxSender:
    """A sender that keeps what it is given: the citizen's phone, as far as these tests go."""
    return LocalOutboxSender()


@pytest.fixture
def dispatcher(sessions, phone) -> OutboxDispatcher:
    return OutboxDispatcher(sessions, phone, SECRET)
