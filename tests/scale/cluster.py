"""Two Rasa servers and two action servers on one PostgreSQL database and Rasa's Redis lock
store, started from the project's own endpoints.scaled.yml, as `make run-scaled` does.

Redis: VERWIJZING_TEST_REDIS_URL (default redis://127.0.0.1:6379/9, a database of its own) and a
key prefix unique to the run, so tests never share locks with a running stack or each other.
Where Redis does not answer the tests skip, saying why, except when CI=true (then they fail).
"""
from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.conversation.stack import ROOT, ActionServer, RasaServer, base_env
from verwijzing.config import redis_lock_env
from verwijzing.demo.counsellors import seed_demo_command

REDIS_URL_VARIABLE = "VERWIJZING_TEST_REDIS_URL"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
ENDPOINTS = ROOT / "endpoints.scaled.yml"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"


def redis_unavailable(host: str, port: int) -> str | None:
    """Why Redis cannot be used, or None when it answers PING."""
    try:
        with socket.create_connection((host, port), timeout=3) as connection:
            connection.sendall(b"PING\r\n")
            answer = connection.recv(64)
    except OSError as error:
        return f"{type(error).__name__}: {error}"
    return None if answer.startswith((b"+PONG", b"-NOAUTH")) else f"answered {answer!r}"


def require_redis(key_prefix: str) -> dict[str, str]:
    """The lock store's settings for this run (endpoints.scaled.yml's REDIS_* variables)."""
    found = redis_lock_env({"REDIS_URL": os.environ.get(REDIS_URL_VARIABLE) or DEFAULT_REDIS_URL,
                            "REDIS_KEY_PREFIX": key_prefix})
    reason = redis_unavailable(found["REDIS_HOST"], int(found["REDIS_PORT"]))
    if reason is None:
        return found
    where = f"{found['REDIS_HOST']}:{found['REDIS_PORT']}"
    message = f"Redis does not answer at {where} ({reason}); set {REDIS_URL_VARIABLE}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true, so Redis is required: {message}", pytrace=False)
    pytest.skip(message)


def redis_keys(redis_env: dict[str, str]) -> list[str]:
    """The lock store's keys of this run, read with the Redis client Rasa itself uses."""
    code = ("import redis, sys; r = redis.StrictRedis(host=sys.argv[1], port=int(sys.argv[2]), db=int(sys.argv[3]),"
            " password=sys.argv[4] or None); print('\\n'.join(k.decode() for k in r.scan_iter(sys.argv[5] + ':*')))")
    result = subprocess.run([str(RASA_PYTHON), "-c", code, redis_env["REDIS_HOST"], redis_env["REDIS_PORT"],
                             redis_env["REDIS_DB"], redis_env["REDIS_PASSWORD"], redis_env["REDIS_KEY_PREFIX"]],
                            capture_output=True, text=True, check=True, timeout=30)
    return [line for line in result.stdout.splitlines() if line]


def create_rasa_tables(database_url: str) -> None:
    """Rasa's tracker store creates its table when it starts; two servers starting at once on an
    empty database would both try. run_scaled.sh does the same before starting them."""
    code = ("import sys; from verwijzing_rasa.tracker_store import RedactingSQLTrackerStore as S; "
            "S(host=sys.argv[1]).engine.dispose()")
    subprocess.run([str(RASA_PYTHON), "-W", "ignore", "-c", code, database_url], cwd=ROOT, check=True,
                   capture_output=True, timeout=120)


@contextmanager
def two_of_everything(tmp: Path, database_url: str, redis_env: dict[str, str], **env: str):
    """Yields ([rasa_a, rasa_b], [actions_a, actions_b]); Rasa A calls action server A, B calls B."""
    env["DATABASE_URL"] = database_url
    seed_demo_command(database_url, dt.date.fromisoformat(env.get("VERWIJZING_PEILDATUM", dt.date.today().isoformat())))
    create_rasa_tables(database_url)
    with ExitStack() as stack:
        actions = [ActionServer(tmp, base_env(**env)) for _ in range(2)]
        for server in actions:
            server.start()
            stack.callback(server.stop)
        # Both Rasa servers load the model at the same time (each waits until it answers).
        with ThreadPoolExecutor(2) as pool:
            starting = [pool.submit(RasaServer, tmp, server.url, base_env(**env, **redis_env), ENDPOINTS)
                        for server in actions]
        for future in starting:
            if future.exception() is None:
                stack.callback(future.result().stop)
        for future in starting:
            if future.exception() is not None:
                raise future.exception()
        rasas = [future.result() for future in starting]
        yield rasas, actions


def unique_key_prefix() -> str:
    return f"test{uuid.uuid4().hex[:12]}"
