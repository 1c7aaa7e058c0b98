"""The two stacks under test, each a set of local processes with a REST webhook.

Stock: `rasa run` on the moodbot, its default endpoints (in-memory tracker store, no action
server), as `rasa init` leaves it. Ours: the project's Rasa model, our action server and our
tracker store (SQLite file, or PostgreSQL), seeded with the demo counsellors, exactly as the
conversation tests start it (tests/conversation/stack.py).
"""
from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tests.conversation.stack import (
    RASA,
    TOKEN,
    _stop,
    _wait_for,
    base_env,
    free_port,
    running_stack,
)

ROOT = Path(__file__).resolve().parents[1]
REST_PATH = "/webhooks/rest/webhook"


@dataclass
class Stack:
    name: str
    base_url: str
    pids: list[int] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # a name per pid: "rasa", "actions"

    @property
    def webhook(self) -> str:
        return self.base_url + REST_PATH

    def rss_bytes(self) -> int:
        """Resident memory of every process of the stack, children included."""
        return sum(tree_rss(pid) for pid in self.pids)

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) used so far by each part's process tree. Differences over a
        load level give CPU per turn: a figure the shared machine's noise moves far less than
        latency."""
        return {part: tree_cpu(pid) for part, pid in zip(self.parts, self.pids, strict=True)}


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_cpu(pid: int) -> float:
    total = 0.0
    for process in _tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def tree_rss(pid: int) -> int:
    total = 0
    for process in _tree(pid):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


@contextlib.contextmanager
def stock_stack(project: Path, model: Path, tmp: Path) -> Iterator[Stack]:
    """The moodbot as `rasa init` makes it, served by `rasa run --enable-api`."""
    port = free_port()
    log = tmp / f"stock-rasa-{port}.log"
    handle = log.open("w")
    process = subprocess.Popen(
        [str(RASA), "run", "--model", str(model), "--endpoints", str(project / "endpoints.yml"),
         "--credentials", str(project / "credentials.yml"), "--enable-api", "--auth-token", TOKEN,
         "--interface", "127.0.0.1", "--port", str(port)],
        cwd=project, env=base_env(), stdout=handle, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/status?token={TOKEN}", process, log, 300)
        yield Stack("stock", f"http://127.0.0.1:{port}", [process.pid], ["rasa"])
    finally:
        _stop(process, handle)


@contextlib.contextmanager
def our_stack(tmp: Path, database_url: str | None, reference_day: str) -> Iterator[Stack]:
    """Our Rasa model + action server + redacting tracker store, on a fresh seeded database."""
    with running_stack(tmp, database_url=database_url, VERWIJZING_PEILDATUM=reference_day) as (rasa, actions):
        yield Stack("ours", rasa.base, [rasa.process.pid, actions.process.pid], ["rasa", "actions"])
