"""Rasa's Redis lock store, with every change to a conversation's lock made atomically.

Stock Rasa 3.6's RedisLockStore reads a conversation's lock, changes it in Python and writes it
back (issue a ticket, finish one, drop expired ones, delete the lock when nobody waits). With
two Rasa servers those steps interleave: two servers can both take the first ticket of a
conversation at the same instant, and a message is then handled alongside another one and lost
from the stored conversation (tests/scale showed it in 2 of 5 runs). Here each read-change-write
runs as a Redis transaction (WATCH the key, MULTI/EXEC, retry when another server changed it in
between), so the ticket order holds across servers. Everything else is Rasa's own.

endpoints.scaled.yml: `lock_store: type: verwijzing_rasa.lock_store.AtomicRedisLockStore` with the
same keys as Rasa's `type: redis` (url, port, db, password, key_prefix).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

R = TypeVar("R")
# What a change returns: the lock to store (None: delete it, or nothing to store) and a result.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, R]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _atomically(self, conversation_id: str, change: Change[R], *, delete_when_none: bool) -> R:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is not None:
                        pipe.set(key, new.dumps())
                    elif delete_when_none and raw:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed this lock in between: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, take, delete_when_none=False)
        except Exception as e:  # as Rasa's: any failure to take a ticket is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired, delete_when_none=False)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomically(conversation_id, finish, delete_when_none=False)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket, and delete the lock when nobody waits — in one transaction, so a
        ticket another server takes in between is never deleted with it."""
        def finish_and_maybe_delete(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if lock.is_someone_waiting():
                    return lock, None
            return None, None

        self._atomically(conversation_id, finish_and_maybe_delete, delete_when_none=True)
