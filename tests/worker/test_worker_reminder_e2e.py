"""The reminder says how to cancel: replying "annuleer REF" by SMS, through the gateway and the
real Rasa and action servers, cancels the booking. So the instruction in the SMS is true."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from aiohttp.test_utils import TestClient, TestServer
from worker_helpers import BRUSSELS, counsellor, slot, worker_jobs

from tests.conversation.stack import TOKEN, running_stack
from tests.gateway.twilio_requests import BASE, signed, sms_fields
from tests.gateway.twilio_requests import TOKEN as TWILIO_TOKEN
from tests.support.database import valid_insz
from verwijzing.booking import BookingService
from verwijzing.config import settings
from verwijzing.enums import BookingStatus
from verwijzing.gateway import init_app
from verwijzing.gateway.sms.text import MAX_SEGMENTS, fits_gsm7, segments
from verwijzing.notify import LocalOutboxSender
from verwijzing.store import make_engine, make_sessionmaker

pytestmark = pytest.mark.rasa
DAY = dt.date(2027, 2, 1)  # the stack's reference day: the day before the block
SECRET = "worker-e2e-secret"
PHONE = "+32470123456"
INSZ = valid_insz(dt.date(1985, 7, 30), 33)


async def test_replying_annuleer_with_the_reference_cancels_the_booking(tmp_path, monkeypatch):
    with running_stack(tmp_path, VERWIJZING_PEILDATUM=DAY.isoformat()) as (rasa, actions):
        database_url = f"sqlite:///{tmp_path / 'verwijzing.db'}"
        engine = make_engine(database_url)
        sessions = make_sessionmaker(engine)
        try:
            block = dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(15, 30), BRUSSELS)
            three_days_before = block - dt.timedelta(days=3)
            bookings = BookingService(sessions, pepper=b"test-pepper", clock=lambda: three_days_before)
            held = bookings.hold(slot(sessions, counsellor(sessions, "Els Wouters", "9000"), block), "web", "e2e",
                                 modality="op_locatie")
            bookings.confirm(held.reference, insz=INSZ, phone=PHONE)

            phone = LocalOutboxSender()
            jobs = worker_jobs(sessions, dt.datetime.combine(DAY, dt.time(10, 30), BRUSSELS), phone=phone)
            assert jobs["reminders"].run() == {"queued": 1}
            jobs["sms"].run()
            (reminder,) = [body for to, body in phone.delivered if body.startswith("Herinnering") and to == PHONE]
            assert segments(reminder) <= MAX_SEGMENTS and fits_gsm7(reminder)
            reply = reminder.split("Antwoord dan op deze sms met: ")[1]
            assert reply == f"annuleer {held.reference}"

            monkeypatch.setenv("VERWIJZING_INSZ_PEPPER", "test-pepper")  # as the action server's
            monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", SECRET)
            config = dataclasses.replace(
                settings(), database_url=database_url, rasa_url=rasa.base, rasa_auth_token=TOKEN,
                action_server_url=actions.url, twilio_auth_token=TWILIO_TOKEN, public_base_url=BASE)
            async with TestClient(TestServer(init_app(config))) as gateway:
                async def send(n: int, body: str) -> str:
                    fields = sms_fields(body, PHONE, 500 + n)
                    response = await gateway.post("/webhooks/sms", data=fields,
                                                  headers=signed("/webhooks/sms", fields))
                    assert response.status == 200
                    return "\n".join(m.text or "" for m in ET.fromstring(await response.text()).findall("Message"))

                answers = [await send(0, reply)]
                # The reference was read from the reply; a code goes to the booking's phone (issue 18).
                assert "code van 6 cijfers" in answers[0]
                jobs["sms"].run()
                code = re.search(r"code voor loopbaanbegeleiding is (\d{6})",
                                 next(body for to, body in reversed(phone.delivered) if "code" in body))
                assert code
                answers.append(await send(1, code.group(1)))
                assert "rijksregisternummer" in answers[1]
                answers.append(await send(2, INSZ))
            assert "geannuleerd" in answers[2]
            assert bookings.show(held.reference).status == BookingStatus.CANCELLED
        finally:
            engine.dispose()
