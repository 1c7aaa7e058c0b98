"""The action server answers Rasa only (issue 18, point 5): a forged tracker posted by anyone
else could confirm, move or cancel a booking. Real process, real HTTP."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.conversation.stack import ACTION_SERVER_TOKEN, ROOT, ActionServer, base_env

pytestmark = pytest.mark.rasa
# A tracker as a forger would post it: the action that cancels a booking.
FORGED = {"next_action": "action_annuleer_boeking", "sender_id": "iemand-anders", "version": "3.6.21",
          "tracker": {"sender_id": "iemand-anders", "slots": {"referentie_wijziging": "LK-7K3P",
                                                             "rijksregisternummer": "x" * 64},
                      "latest_message": {"text": "ja", "intent": {"name": "bevestigen"}}, "events": [],
                      "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": None}}


def post(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=json.dumps(FORGED).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    actions = ActionServer(tmp_path_factory.mktemp("actions"), base_env(
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('db') / 'v.db'}"))
    actions.start()
    yield actions
    actions.stop()


def test_a_call_without_rasas_token_is_refused(server):
    assert post(server.url, {}) == 401
    assert post(server.url, {"X-Verwijzing-Token": "geraden"}) == 401
    assert post(server.url, {"X-Verwijzing-Token": ACTION_SERVER_TOKEN + "x"}) == 401


def test_rasas_call_gets_in_and_health_stays_open(server):
    assert post(server.url, {"X-Verwijzing-Token": ACTION_SERVER_TOKEN}) == 200
    with urllib.request.urlopen(server.url.removesuffix("/webhook") + "/health", timeout=10) as answer:
        assert answer.status == 200


def test_without_a_token_it_does_not_start():
    env = {k: v for k, v in base_env().items() if k != "ACTION_SERVER_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "verwijzing.action_server", "--actions", "actions", "--port", "9"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "ACTION_SERVER_TOKEN is not set" in done.stderr
