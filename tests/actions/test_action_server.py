"""The action server takes calls the way Rasa 3.6 sends them with `enable_selective_domain`."""
from __future__ import annotations

import asyncio

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionMissingDomainException

from tests.actions.conftest import DOMAIN, ROOT, make_tracker
from verwijzing.action_server import SelectiveDomainExecutor


def call(executor: ActionExecutor, action: str, text: str, **extra):
    tracker = make_tracker(text).current_state()
    tracker["latest_message"] = {"text": text, "intent": {"name": "informeren"}, "entities": []}
    payload = {"next_action": action, "sender_id": "test-gesprek", "tracker": tracker,
               "version": "3.6.21", **extra}
    return asyncio.run(executor.run(payload))


def executor(cls) -> ActionExecutor:
    found = cls()
    found.register_package("actions")
    return found


def test_a_call_without_the_domain_is_answered(peildatum):
    """Stock rasa_sdk 3.21 refuses it (449), and Rasa 3.6 would lose the person's turn."""
    peildatum("2026-06-01")
    with pytest.raises(ActionMissingDomainException):
        call(executor(ActionExecutor), "action_lees_feiten", "Ik ben 40 en werk 12 jaar")
    result = call(executor(SelectiveDomainExecutor), "action_lees_feiten", "Ik ben 40 en werk 12 jaar")
    assert {(e["name"], e["value"]) for e in result.events if e["event"] == "slot"} >= {("leeftijd", 40)}


def test_a_call_with_the_domain_still_gets_it():
    """The booking forms read their slots from the domain that Rasa sends them."""
    got = {}

    class Probe(SelectiveDomainExecutor):
        def update_and_return_domain(self, payload, action_name):
            got["domain"] = super().update_and_return_domain(payload, action_name)
            return got["domain"]

    call(executor(Probe), "validate_boeking_form", "morgen", domain=DOMAIN)
    assert got["domain"]["forms"] == DOMAIN["forms"]


def test_rasa_sends_the_domain_only_where_it_is_read():
    """Rasa 3.6 sends it to every `validate_…` action unless one says `send_domain: false`."""
    sends, quiet = set(), set()
    for path in (ROOT / "bot").glob("*.yml"):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")).get("actions") or []:
            name, config = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
            wanted = config.get("send_domain", name.startswith("validate_"))
            (sends if wanted else quiet).add(name)
    assert sends == {"validate_boeking_form", "validate_annulering_form", "validate_verplaatsing_form"}
    assert "validate_intake_form" in quiet
    for name in ("endpoints.yml", "endpoints.scaled.yml"):
        endpoint = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))["action_endpoint"]
        assert endpoint["enable_selective_domain"] is True, name


def test_a_new_session_keeps_the_facts_but_not_who_the_person_was():
    # Issue 18: the next person at a shared PC, or a spoofed SMS a day later, starts as nobody.
    from rasa_sdk.executor import CollectingDispatcher

    from actions.conversation import ActionSessionStart
    tracker = make_tracker("hallo", slots={
        "werkervaring_jaren": 12.0, "rijksregisternummer": "a" * 64, "telefoon": "sealed", "sms_code": "LK-7K3P",
        "boeking_referentie": "LK-7K3P"})
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker, DOMAIN))
    kept = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert events[0]["event"] == "session_started" and events[-1]["event"] == "action"
    assert kept["werkervaring_jaren"] == 12.0 and kept["boeking_referentie"] == "LK-7K3P"
    assert not {"rijksregisternummer", "telefoon", "sms_code"} & kept.keys()


def test_a_moment_chosen_with_the_national_number_of_a_used_credit_is_held_and_the_code_sent(action_database):
    """One message that chooses a moment and gives the national number of a credit booked on
    before: the code goes out and the moment is held too (it was not, and the booking ended
    unfinished)."""
    import datetime as dt

    from rasa_sdk.executor import CollectingDispatcher

    from actions.booking import CODE_WAITING, ValidateBoekingForm
    from tests.booking.booking_helpers import Make
    from verwijzing.booking import BookingService
    from verwijzing.booking.checks import citizen_key_of
    from verwijzing.store import make_engine, make_sessionmaker
    engine = make_engine(action_database)
    sessions = make_sessionmaker(engine)
    make = Make(sessions)
    counsellor = make.counsellor()
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=3)
    first, second = make.slot(counsellor, soon), make.slot(counsellor, soon + dt.timedelta(days=1))
    service = BookingService(sessions, pepper=b"test-pepper")
    held = service.hold(first, "web", "earlier-booking", modality="online")
    key = citizen_key_of("85073003328", None, b"test-pepper")
    service.confirm(held.reference, citizen_key=key, phone="+32470123456")
    tracker = make_tracker("2, 85073003328", slots={"modaliteit": "online"})
    events = asyncio.run(ValidateBoekingForm().check(
        CollectingDispatcher(), tracker, {"rijksregisternummer": key, "gekozen_slot": str(second)}))
    names = {e["name"] for e in events if e["event"] == "slot"}
    assert CODE_WAITING in names and "vastgehouden_referentie" in names
    engine.dispose()
