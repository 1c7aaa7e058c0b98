"""The e-mail outbox: what a mail program makes of a message, retries and their end, never twice,
no address or body in the logs, the worker's job and retention, and the settings."""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import stat
import threading
import time
from collections import Counter
from email.message import EmailMessage

import pytest
from sqlalchemy import select, update

from verwijzing import config
from verwijzing.config import ConfigError
from verwijzing.notify.mail import (
    KEPT,
    DeliveryUnknown,
    LocalMailSender,
    MailDispatcher,
    SmtpMailSender,
    build_message,
    mail_sender_from,
    queue_mail,
)
from verwijzing.notify.senders import SendFailed
from verwijzing.notify.sms import STUCK_AFTER
from verwijzing.store import MailMessage
from verwijzing.worker.jobs import WorkerSetup, build_jobs
from verwijzing.worker.retention import run_retention

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
FROM = "Loopbaanbegeleiding <noreply@verwijzing.example>"
ADDRESS = "els.wouters@begeleiding.example"
SUBJECT = "Je afspraak is verplaatst"
BODY = ("Dag Els,\n\nEén afspraak is verplaatst naar vrijdag 5 februari om 10.00 uur.\n"
        "Je agenda is bijgewerkt: je hoeft niets te doen.\n")
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//verwijzing//loopbaanbegeleiding//NL\r\nMETHOD:REQUEST\r\n"
    "BEGIN:VEVENT\r\nUID:LK-7K3P@verwijzing\r\nSEQUENCE:1\r\nDTSTAMP:20270201T090000Z\r\n"
    "DTSTART:20270205T090000Z\r\nDTEND:20270205T110000Z\r\nSUMMARY:Loopbaanbegeleiding (LK-7K3P)\r\n"
    "ORGANIZER:mailto:noreply@verwijzing.example\r\nATTENDEE:mailto:els.wouters@begeleiding.example\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def queue(sessions, *, to: str = ADDRESS, calendar: str | None = None) -> int:
    with sessions.begin() as session:
        row = queue_mail(session, to=to, subject=SUBJECT, text=BODY, at=NOW, calendar=calendar,
                         calendar_method="REQUEST" if calendar else None)
        session.flush()
        return row.id


def row(sessions, row_id: int) -> MailMessage:
    with sessions() as session:
        return session.scalars(select(MailMessage).where(MailMessage.id == row_id)).one()


class Mailbox:
    """A sender that keeps what it gets (thread-safe), or fails the way it is told to."""

    def __init__(self, *failures: BaseException) -> None:
        self.failures = list(failures)
        self.lock = threading.Lock()
        self.received: list[tuple[EmailMessage, str]] = []
        self.calls = 0

    def send(self, message: EmailMessage) -> None:
        with self.lock:
            self.calls += 1
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            raise failure
        time.sleep(0.002)  # slow enough that two dispatchers really overlap
        with self.lock:
            self.received.append((message, threading.current_thread().name))


def test_local_mode_writes_an_eml_a_mail_program_reads_as_an_invitation(sessions, tmp_path, caplog):
    caplog.set_level("INFO")
    folder = tmp_path / "mail"
    row_id = queue(sessions, calendar=CALENDAR)
    message_id = row(sessions, row_id).message_id

    report = MailDispatcher(sessions, LocalMailSender(folder), FROM).run_once(NOW)

    assert report.sent == 1
    files = list(folder.iterdir())
    assert [f.suffix for f in files] == [".eml"]  # no half-written temporary file left behind
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600  # the one-time link is not for other users
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert (parsed["Subject"], parsed["To"], parsed["From"]) == (SUBJECT, ADDRESS, FROM)
    assert parsed["Message-ID"] == message_id and parsed["Date"].datetime == NOW
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.iter_parts()
    text, invitation = alternative.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert text.get_content_type() == "text/plain" and text.get_content_charset() == "utf-8"
    assert text.get_content().replace("\r\n", "\n") == BODY  # "Eén" as written
    assert invitation.get_content_type() == "text/calendar" and invitation.get_param("method") == "REQUEST"
    assert invitation.get_content_charset() == "utf-8"
    assert invitation.get_content().replace("\r\n", "\n") == CALENDAR.replace("\r\n", "\n")
    assert attachment.get_filename() == "uitnodiging.ics" and attachment.get_content() == CALENDAR.encode()
    sent = row(sessions, row_id)
    assert (sent.status, sent.sent_at, sent.attempts) == ("sent", NOW, 1)
    assert (sent.to_address, sent.body_text, sent.calendar) == (None, None, None)
    assert "e***@begeleiding.example" in caplog.text
    assert ADDRESS not in caplog.text and "els.wouters" not in caplog.text and "verplaatst naar" not in caplog.text


def test_a_message_without_calendar_is_one_plain_utf8_text_in_seven_bit():
    message = build_message(MailMessage(id=1, created_at=NOW, to_address=ADDRESS, subject="Welkom, Renée",
                                        body_text=BODY, message_id="<a1@verwijzing>"), FROM)
    wire = message.as_bytes(policy=email.policy.SMTP)
    assert wire.isascii()  # no server needs 8BITMIME for an é
    parsed = email.message_from_bytes(wire, policy=email.policy.default)
    assert parsed.get_content_type() == "text/plain" and parsed.get_content().replace("\r\n", "\n") == BODY
    assert parsed["Subject"] == "Welkom, Renée" and parsed["Auto-Submitted"] == "auto-generated"


def test_what_could_never_be_sent_is_refused_when_queued_without_repeating_the_address(sessions):
    with sessions.begin() as session:
        for wrong in ({"to": "els.wouters"}, {"to": f"{ADDRESS}\r\nBcc: iedereen@example.org"},
                      {"subject": "Welkom\r\nBcc: iedereen@example.org"},
                      {"calendar": CALENDAR},  # no method
                      {"calendar": CALENDAR, "calendar_method": "CANCEL"}):  # not the calendar's METHOD
            arguments = {"to": ADDRESS, "subject": SUBJECT, "text": BODY, "at": NOW, **wrong}
            with pytest.raises(ValueError) as refused:
                queue_mail(session, **arguments)
            assert "els.wouters" not in str(refused.value)
    assert MailDispatcher(sessions, Mailbox(), FROM).run_once(NOW).claimed == 0


def test_retryable_failures_wait_1_2_4_8_16_minutes_then_fail_for_good(sessions, caplog):
    mailbox = Mailbox(*[SendFailed("RCPT TO: 451 4.3.0 try again later", retryable=True)] * 6)
    dispatcher = MailDispatcher(sessions, mailbox, FROM)
    row_id = queue(sessions)
    moment = NOW
    for wait in (1, 2, 4, 8, 16):
        assert dispatcher.run_once(moment).retry_later == 1
        queued = row(sessions, row_id)
        assert (queued.status, queued.next_attempt_at, queued.to_address) == ("queued", moment + minutes(wait), ADDRESS)
        assert dispatcher.run_once(moment + minutes(wait) - dt.timedelta(seconds=1)).claimed == 0  # not yet due
        moment += minutes(wait)
    assert dispatcher.run_once(moment).failed == 1
    failed = row(sessions, row_id)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 6, "RCPT TO: 451 4.3.0 try again later")
    assert (failed.to_address, failed.body_text) == (None, None)
    assert dispatcher.run_once(moment + minutes(60)).claimed == 0 and mailbox.calls == 6
    assert ADDRESS not in caplog.text


def test_a_refusal_for_good_fails_at_once(sessions):
    mailbox = Mailbox(SendFailed("RCPT TO: 550 5.1.1 …: no such user", retryable=False))
    row_id = queue(sessions)
    assert MailDispatcher(sessions, mailbox, FROM).run_once(NOW).failed == 1
    failed = row(sessions, row_id)
    assert (failed.status, failed.attempts, failed.to_address, failed.next_attempt_at) == ("failed", 1, None, None)


def test_an_unknown_outcome_stays_in_sending_is_reported_once_and_never_sent_again(sessions, caplog):
    mailbox = Mailbox(DeliveryUnknown("no answer after DATA: TimeoutError"))
    dispatcher = MailDispatcher(sessions, mailbox, FROM)
    row_id = queue(sessions)
    message_id = row(sessions, row_id).message_id
    assert dispatcher.run_once(NOW).unknown == 1
    assert dispatcher.run_once(NOW + minutes(1)).stuck == ()  # may still be in flight
    later = [dispatcher.run_once(NOW + STUCK_AFTER + minutes(n)) for n in (1, 30)]
    assert [report.stuck for report in later] == [(row_id,), (row_id,)]
    assert mailbox.calls == 1 and row(sessions, row_id).status == "sending"
    warnings = [r.getMessage() for r in caplog.records if "stuck in 'sending'" in r.getMessage()]
    assert len(warnings) == 1 and message_id in warnings[0]  # what to look up in the server's log
    assert "TimeoutError" in caplog.text and ADDRESS not in caplog.text


def test_a_row_reset_to_queued_by_hand_goes_out_with_the_same_message_id(sessions, tmp_path):
    """After checking the server's log an operator puts a stuck row back: the copy that then goes
    out is recognisable as the same message."""
    row_id = queue(sessions)
    message_id = row(sessions, row_id).message_id
    with sessions.begin() as session:
        session.execute(update(MailMessage).where(MailMessage.id == row_id).values(status="sending", attempts=1))
    with sessions.begin() as session:
        session.execute(update(MailMessage).where(MailMessage.id == row_id).values(status="queued"))
    mailbox = Mailbox()
    MailDispatcher(sessions, mailbox, FROM).run_once(NOW)
    assert [m["Message-ID"] for m, _ in mailbox.received] == [message_id]


def test_two_dispatchers_racing_send_every_mail_exactly_once(sessions):
    addresses = [f"begeleider{i}@begeleiding.example" for i in range(60)]
    with sessions.begin() as session:
        for address in addresses:
            queue_mail(session, to=address, subject=SUBJECT, text=BODY, at=NOW)
    mailbox = Mailbox()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        dispatcher = MailDispatcher(sessions, mailbox, FROM, limit=3)
        try:
            start.wait()
            while dispatcher.run_once(NOW).busy:
                pass
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run, name=f"dispatcher-{n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert Counter(str(m["To"]) for m, _ in mailbox.received) == Counter(addresses)  # each once, none missing
    assert {name for _, name in mailbox.received} == {"dispatcher-1", "dispatcher-2"}
    with sessions() as session:
        assert set(session.scalars(select(MailMessage.status))) == {"sent"}


def test_retention_deletes_mail_30_days_after_it_was_sent_or_failed(sessions):
    real_now = NOW + dt.timedelta(days=60)
    old, recent, failed_old, waiting = (queue(sessions) for _ in range(4))
    with sessions.begin() as session:
        done = {old: ("sent", real_now - KEPT - minutes(1)), recent: ("sent", real_now - KEPT + minutes(1)),
                failed_old: ("failed", real_now - KEPT - minutes(1))}
        for row_id, (status, when) in done.items():
            session.execute(update(MailMessage).where(MailMessage.id == row_id).values(
                status=status, sent_at=when if status == "sent" else None, claimed_at=when))
    counts = run_retention(sessions, NOW, real_now, 30)
    assert counts["mail_deleted"] == 2
    with sessions() as session:
        assert sorted(session.scalars(select(MailMessage.id))) == sorted([recent, waiting])
    assert run_retention(sessions, NOW, real_now, 30)["mail_deleted"] == 0


def test_the_worker_runs_the_mail_job_every_10_seconds_only_when_given_a_dispatcher(sessions, tmp_path):
    from verwijzing.notify import LocalOutboxSender, OutboxDispatcher
    sms = OutboxDispatcher(sessions, LocalOutboxSender(), b"secret")
    without = build_jobs(WorkerSetup(sessions=sessions, dispatcher=sms, abandoned_days=30))
    assert "mail" not in [job.name for job in without]
    mail = MailDispatcher(sessions, LocalMailSender(tmp_path), FROM)
    jobs = {job.name: job for job in build_jobs(WorkerSetup(sessions=sessions, dispatcher=sms, abandoned_days=30,
                                                            clock=lambda: NOW, wall=lambda: NOW, mail=mail))}
    assert jobs["mail"].every == 10.0
    queue(sessions)
    assert jobs["mail"].run()["sent"] == 1
    assert len(list(tmp_path.glob("*.eml"))) == 1


@pytest.fixture
def mail_env(monkeypatch):
    for name in ("VERWIJZING_MAIL_MODE", "VERWIJZING_MAIL_DIR", "VERWIJZING_MAIL_FROM", "SMTP_HOST", "SMTP_PORT",
                 "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_STARTTLS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_by_default_mail_stays_on_this_machine_in_var_mail(mail_env):
    sender = mail_sender_from(config.settings())
    assert isinstance(sender, LocalMailSender) and str(sender.directory) == "var/mail"
    assert config.settings().mail_from == "verwijzing <noreply@localhost>"


def test_smtp_settings_are_read_and_checked(mail_env):
    mail_env.setenv("VERWIJZING_MAIL_MODE", "smtp")
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        mail_sender_from(config.settings())
    mail_env.setenv("SMTP_HOST", "smtp.example.org")
    mail_env.setenv("SMTP_USERNAME", "verwijzing")
    with pytest.raises(ConfigError, match="SMTP_USERNAME and SMTP_PASSWORD"):
        mail_sender_from(config.settings())
    mail_env.setenv("SMTP_PASSWORD", "geheim")
    mail_env.setenv("SMTP_PORT", "2525")
    sender = mail_sender_from(config.settings())
    assert isinstance(sender, SmtpMailSender)
    assert (sender.host, sender.port, sender.username, sender.starttls) == (
        "smtp.example.org", 2525, "verwijzing", True)
    mail_env.setenv("SMTP_STARTTLS", "off")
    with pytest.raises(ConfigError, match="unencrypted"):
        mail_sender_from(config.settings())
    for name, wrong in (("SMTP_STARTTLS", "ja"), ("SMTP_PORT", "smtp"), ("VERWIJZING_MAIL_MODE", "sendmail")):
        mail_env.setenv(name, wrong)
        with pytest.raises(ConfigError, match=name):
            config.settings()
        mail_env.delenv(name)


def test_a_from_that_is_not_one_address_stops_the_dispatcher_before_any_mail(sessions):
    for wrong in ("noreply", "a@example.org, b@example.org", "verwijzing <noreply@localhost"):
        with pytest.raises(ConfigError, match="VERWIJZING_MAIL_FROM"):
            MailDispatcher(sessions, Mailbox(), wrong)


def test_every_mail_setting_is_documented_in_env_example():
    from pathlib import Path
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for name in ("VERWIJZING_MAIL_MODE", "VERWIJZING_MAIL_DIR", "VERWIJZING_MAIL_FROM", "SMTP_HOST", "SMTP_PORT",
                 "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_STARTTLS"):
        assert f"\n{name}=" in example, name
