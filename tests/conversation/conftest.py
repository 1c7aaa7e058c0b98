"""One real stack for the conversation tests of a test process: Rasa takes about 30 seconds to
start, so the modules that only talk (test_intake_e2e, test_dead_ends, test_heldout_personen)
share one, each on its own conversation ids. Modules that look at the whole database (a booking
by SMS, the voice line) keep a stack of their own."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conversation.stack import ActionServer, RasaServer, running_stack

START_DAY = "2027-02-01"


@pytest.fixture(scope="session")
def conversation_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RasaServer, ActionServer]]:
    with running_stack(tmp_path_factory.mktemp("conversations"), VERWIJZING_PEILDATUM=START_DAY) as servers:
        yield servers


@pytest.fixture(scope="module")
def stack(conversation_stack: tuple[RasaServer, ActionServer]) -> tuple[RasaServer, ActionServer]:
    """The shared stack, on the reference date the module starts from (a module before may have
    moved it)."""
    conversation_stack[1].on_day(START_DAY)
    return conversation_stack
