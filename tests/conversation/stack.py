"""Starts the real stack for integration tests: stock Rasa (.venv-rasa) and our action server.

Each process gets free localhost ports and its own environment; the test talks to Rasa over
the REST channel and reads the tracker over the HTTP API, as the gateway does.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from verwijzing.demo.counsellors import seed_demo_command
from verwijzing.store.engine import make_engine
from verwijzing.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
# VERWIJZING_TEST_MODEL lets a developer test a model trained elsewhere (make test uses the default).
MODEL = Path(os.environ.get("VERWIJZING_TEST_MODEL") or ROOT / "models" / "verwijzing.tar.gz")
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
TOKEN = "test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up in {timeout}s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen, log_handle) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log_handle.close()


class ActionServer:
    def __init__(self, tmp: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/webhook"
        self.log = tmp / f"actions-{self.port}.log"
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log_handle = self.log.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "verwijzing.action_server", "--actions", "actions", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=self._log_handle, stderr=subprocess.STDOUT)
        _wait_for(f"http://127.0.0.1:{self.port}/health", self.process, self.log, 60)

    def restart(self, **env: str) -> None:
        """Same port, new environment (e.g. another reference date): Rasa keeps its endpoint."""
        self.stop()
        self.env = {**self.env, **env}
        self.start()

    def on_day(self, day: str) -> None:
        """On reference date `day` (YYYY-MM-DD), restarted only when it is on another."""
        if self.env["VERWIJZING_PEILDATUM"] != day:
            self.restart(VERWIJZING_PEILDATUM=day)

    def stop(self) -> None:
        if self.process:
            _stop(self.process, self._log_handle)
            self.process = None


class RasaServer:
    def __init__(self, tmp: Path, action_url: str, env: dict[str, str], endpoints: Path | None = None):
        """`endpoints`: a project endpoints file whose ${VAR}s Rasa fills from `env`: by default
        `make run`'s endpoints.yml (DATABASE_URL from `env`), or e.g. endpoints.scaled.yml."""
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make train` (make test does)")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"rasa-{self.port}.log"
        endpoints = endpoints or ROOT / "endpoints.yml"
        env = {**env, "ACTION_SERVER_URL": action_url}
        self._log_handle = self.log.open("w")
        self.process = subprocess.Popen(
            [str(RASA), "run", "--model", str(MODEL), "--endpoints", str(endpoints), "--enable-api",
             "--auth-token", TOKEN, "--interface", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env, stdout=self._log_handle, stderr=subprocess.STDOUT)
        _wait_for(f"{self.base}/status?token={TOKEN}", self.process, self.log, 240)

    def send(self, sender: str, text: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(f"{self.base}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def tracker(self, sender: str) -> dict:
        with urllib.request.urlopen(f"{self.base}/conversations/{sender}/tracker?token={TOKEN}", timeout=30) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        _stop(self.process, self._log_handle)


# The token Rasa sends the action server in every test stack (endpoints.yml).
ACTION_SERVER_TOKEN = "test-action-server-token"


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({"PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2", "VERWIJZING_INSZ_PEPPER": "test-pepper",
                "SANIC_HOST": "127.0.0.1", "RASA_TELEMETRY_ENABLED": "false",
                "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN})
    env.update(extra)
    return env


@contextmanager
def running_stack(tmp: Path, database_url: str | None = None, *, demo: bool = True, **env: str):
    """Rasa + action server on one database (a fresh SQLite file unless given), seeded with the
    demo counsellors from the reference date on; with `demo=False` only migrated, without a
    counsellor (the test brings its own register)."""
    env["DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'verwijzing.db'}"
    if demo:
        day = env.get("VERWIJZING_PEILDATUM") or dt.date.today().isoformat()
        seed_demo_command(env["DATABASE_URL"], dt.date.fromisoformat(day))
    else:
        engine = make_engine(env["DATABASE_URL"])
        try:
            upgrade(engine)
        finally:
            engine.dispose()
    actions = ActionServer(tmp, base_env(**env))
    actions.start()
    try:
        rasa = RasaServer(tmp, actions.url, base_env(**env))
        try:
            yield rasa, actions
        finally:
            rasa.stop()
    finally:
        actions.stop()
