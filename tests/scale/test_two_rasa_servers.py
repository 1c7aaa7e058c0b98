"""Two Rasa servers on one conversation store (issue 10, item 2): any server may take any turn.

Two stock Rasa servers and two action servers share one PostgreSQL database (the tracker store)
and Rasa's Redis lock store, configured by the project's endpoints.scaled.yml. Each golden chat
case is first played on server A alone (the one-server reference); then 50 conversations
alternate their turns between A and B (turn 1 on A, turn 2 on B, … or the other way round), six
at a time; in ten more the person sends two messages at once, one to each server. Every message
must be in the stored conversation exactly once and in order, every message must get exactly one
turn (no reply lost, none given twice), a conversation sent the same messages must run the same
actions as on one server, and reach the same decision. The pairs sent
at once exposed a race in stock Rasa's RedisLockStore, fixed by verwijzing_rasa.lock_store.
"""
from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from tests.rules.golden import golden_cases
from tests.scale.cluster import redis_keys, require_redis, two_of_everything, unique_key_prefix
from tests.support.database import require_postgres, temporary_postgres_database

# About 3 minutes on a quiet 2-core machine (two model loads, ~380 turns); more when it is shared.
pytestmark = [pytest.mark.rasa, pytest.mark.postgres, pytest.mark.timeout(600)]

DAY = "2027-03-01"
CASES = [c for c in golden_cases() if c.chat and c.date.isoformat() == DAY]
CONVERSATIONS = 50
MAX_ANSWERS = 10
# A question in the middle of the intake: answered with the figures, then the form goes on.
QUESTION = "wat kost het?"
PAIR_AT = 2
_ids = itertools.count()


@dataclass
class Played:
    case_name: str
    sent: list[str] = field(default_factory=list)  # in the order sent; a pair sent at once as a tuple
    decision: tuple = ()
    events: list[dict] = field(default_factory=list)


def decision(slots: dict) -> tuple:
    return slots.get("route"), slots.get("in_aanmerking"), slots.get("bijdrage_per_uur")


def play(servers, case, first: int, pair_at: int | None = None) -> Played:
    """Turn n goes to servers[(first + n) % len(servers)]; the state is read back from the server
    that takes the next turn. At answer `pair_at` the person sends the answer and QUESTION at
    once, each to another server."""
    sender = f"scale-{next(_ids)}"
    played = Played(case.name)

    def on(turn: int):
        return servers[(first + turn) % len(servers)]

    on(0).send(sender, "hallo")
    played.sent.append("hallo")
    while True:
        turn = len(played.sent)
        slots = on(turn).tracker(sender)["slots"]
        if slots.get("route") or turn >= MAX_ANSWERS:
            played.decision = decision(slots)
            played.events = on(turn).tracker(sender)["events"]
            return played
        asked = slots.get("requested_slot")
        assert asked in case.chat, f"{case.name}: asked {asked!r}"
        if turn == pair_at:
            start = threading.Barrier(2)

            def send(server, text, start=start):
                start.wait()
                server.send(sender, text)

            pair = [threading.Thread(target=send, args=(on(turn), case.chat[asked])),
                    threading.Thread(target=send, args=(on(turn + 1), QUESTION))]
            for thread in pair:
                thread.start()
            for thread in pair:
                thread.join(timeout=120)
            played.sent.append((case.chat[asked], QUESTION))
        else:
            on(turn).send(sender, case.chat[asked])
            played.sent.append(case.chat[asked])


def turns(events: list[dict]) -> list[tuple[str, list[str]]]:
    """(what the person said, the actions Rasa ran for it) for every user message, in order."""
    found: list[tuple[str, list[str]]] = []
    for event in events:
        if event.get("event") == "user":
            found.append((event.get("text"), []))
        elif event.get("event") == "action" and found:
            found[-1][1].append(event.get("name"))
    return found


def assert_every_message_once_with_one_turn(played: Played) -> None:
    stored = turns(played.events)
    said = [text for text, _ in stored]
    expected: list[str] = []
    for item in played.sent:
        if isinstance(item, tuple):
            # Sent at once: both kept, in whichever order the lock let them in.
            assert sorted(said[len(expected):len(expected) + 2]) == sorted(item), (played.case_name, said)
            expected += said[len(expected):len(expected) + 2]
        else:
            expected.append(item)
    assert said == expected, f"{played.case_name}: stored {said}, sent {played.sent}"
    for text, actions in stored:
        # One turn per message: Rasa ran its actions and then listened once, at the end.
        assert actions and actions[-1] == "action_listen" and actions.count("action_listen") == 1, \
            f"{played.case_name}: for {text!r} Rasa ran {actions}"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    admin_url = require_postgres()
    redis_env = require_redis(unique_key_prefix())
    with temporary_postgres_database(admin_url) as database_url:
        with two_of_everything(tmp_path_factory.mktemp("scale"), database_url, redis_env,
                               VERWIJZING_PEILDATUM=DAY) as (rasas, _actions):
            yield rasas
        # Every lock was given back: no conversation stays locked for the next message.
        assert redis_keys(redis_env) == []


@pytest.fixture(scope="module")
def reference(servers):
    """Every case played on server A alone: the one-server run to compare with."""
    a, _ = servers
    with ThreadPoolExecutor(4) as pool:
        played = dict(zip((case.name for case in CASES), pool.map(lambda case: play([a], case, 0), CASES), strict=True))
    for case in CASES:
        assert played[case.name].decision[0] == case.output["route"], case.name
    return played


def test_fifty_conversations_alternating_between_two_rasa_servers(servers, reference):
    assert len(CASES) >= 10
    plan = [(CASES[n % len(CASES)], n % 2) for n in range(CONVERSATIONS)]
    with ThreadPoolExecutor(6) as pool:
        played = list(pool.map(lambda item: play(servers, *item), plan))
    for (case, _), result in zip(plan, played, strict=True):
        assert_every_message_once_with_one_turn(result)
        one_server = reference[case.name]
        assert result.decision == one_server.decision, case.name
        # The same messages, the same actions, turn by turn, as on one server.
        assert turns(result.events) == turns(one_server.events), case.name


def test_two_messages_sent_at_once_to_both_servers_are_both_kept(servers, reference):
    # A pair at the third message: only cases still undecided by then.
    long_enough = [case for case in CASES if len(reference[case.name].sent) > PAIR_AT + 1]
    assert len(long_enough) >= 3
    plan = [(long_enough[n % len(long_enough)], n % 2, PAIR_AT) for n in range(CONVERSATIONS // 5)]
    with ThreadPoolExecutor(5) as pool:
        played = list(pool.map(lambda item: play(servers, *item), plan))
    assert sum(isinstance(item, tuple) for result in played for item in result.sent) == len(plan)
    for (case, _, _), result in zip(plan, played, strict=True):
        assert_every_message_once_with_one_turn(result)
        assert result.decision == reference[case.name].decision, case.name
