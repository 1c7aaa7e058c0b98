"""SMTP against a real server on this machine (aiosmtpd): STARTTLS with a certificate made here,
AUTH PLAIN and LOGIN, the server's 4xx and 5xx replies, a server that is down, one that never
answers after DATA, and two dispatchers on one outbox."""
from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from verwijzing.config import ConfigError
from verwijzing.notify.mail import MailDispatcher, SmtpMailSender, queue_mail
from verwijzing.notify.senders import SendFailed
from verwijzing.notify.sms import STUCK_AFTER
from verwijzing.store import MailMessage

NOW = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
FROM = "Loopbaanbegeleiding <noreply@verwijzing.example>"
ADDRESS = "els.wouters@begeleiding.example"
SUBJECT = "Kies je wachtwoord"
BODY = "Dag Els,\n\nKies je wachtwoord via deze link. Hij werkt één keer: https://verwijzing.example/welkom/abc\n"
LOGIN, PASSWORD = "verwijzing", "juist-wachtwoord"


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def queue(sessions, to: str = ADDRESS) -> int:
    with sessions.begin() as session:
        row = queue_mail(session, to=to, subject=SUBJECT, text=BODY, at=NOW)
        session.flush()
        return row.id


def row(sessions, row_id: int) -> MailMessage:
    with sessions() as session:
        return session.scalars(select(MailMessage).where(MailMessage.id == row_id)).one()


def our_log(caplog) -> str:
    """What our code logged (the test server logs every command, addresses included)."""
    return "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("verwijzing"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Certificate:
    server: ssl.SSLContext
    client: ssl.SSLContext  # trusts only this certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 (and localhost), made for this test run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    cert_file.write_bytes(cert_pem)
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    return Certificate(server=server, client=ssl.create_default_context(cadata=cert_pem.decode()))


@dataclass
class Mailserver:
    """What the server took (only what it answered 250 to) and who logged in how."""

    port: int
    # Replies to give instead of 250, in turn, for RCPT TO and for the end of DATA.
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    data_delay: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # mechanism, login, password
    taken: list[tuple[str, list[str], bytes, bool]] = field(default_factory=list)  # from, to, data, over TLS
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        with self.lock:
            self.taken.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, session.ssl is not None))
        if self.data_delay:  # taken, but the answer comes late
            await asyncio.sleep(self.data_delay)
        return "250 OK: queued"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((mechanism, data.login.decode(), data.password.decode()))
        # handled=False: the server itself answers 535 to a wrong password.
        return AuthResult(success=(data.login.decode(), data.password.decode()) == (LOGIN, PASSWORD), handled=False)


@pytest.fixture
def start_server(certificate) -> Iterator[Callable[..., Mailserver]]:
    """Starts an SMTP server on a free port: with `tls`, STARTTLS required and AUTH (PLAIN and
    LOGIN unless `mechanisms` says otherwise) required after it; without, plain SMTP and no AUTH."""
    controllers: list[Controller] = []

    def start(*, tls: bool = True, mechanisms: tuple[str, ...] = ("PLAIN", "LOGIN"), **behaviour: Any) -> Mailserver:
        mailserver = Mailserver(port=free_port(), **behaviour)
        options: dict[str, Any] = {}
        if tls:
            options = {"tls_context": certificate.server, "require_starttls": True, "auth_required": True,
                       "authenticator": mailserver.authenticate,
                       "auth_exclude_mechanism": [m for m in ("PLAIN", "LOGIN") if m not in mechanisms]}
        controller = Controller(mailserver, hostname="127.0.0.1", port=mailserver.port, server_hostname="localhost",
                                **options)
        controller.start()
        controllers.append(controller)
        return mailserver

    yield start
    for controller in controllers:
        controller.stop()


def sender(port: int, certificate: Certificate, **settings: Any) -> SmtpMailSender:
    arguments: dict[str, Any] = {"username": LOGIN, "password": PASSWORD, "starttls": True, "timeout": 5.0,
                                 "ssl_context": certificate.client} | settings
    return SmtpMailSender("127.0.0.1", port, **arguments)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_delivered_over_starttls_after_login_and_then_forgotten(sessions, start_server, certificate, mechanism,
                                                                 caplog):
    caplog.set_level("INFO")
    mailserver = start_server(mechanisms=(mechanism,))
    row_id = queue(sessions)

    report = MailDispatcher(sessions, sender(mailserver.port, certificate), FROM).run_once(NOW)

    assert report.sent == 1
    assert mailserver.logins == [(mechanism, LOGIN, PASSWORD)]
    [(mail_from, rcpt_tos, data, over_tls)] = mailserver.taken
    assert (mail_from, rcpt_tos, over_tls) == ("noreply@verwijzing.example", [ADDRESS], True)
    received = email.message_from_bytes(data, policy=email.policy.default)
    assert received["Subject"] == SUBJECT and received["To"] == ADDRESS
    assert received.get_content().replace("\r\n", "\n") == BODY
    assert received["Message-ID"] == row(sessions, row_id).message_id
    sent = row(sessions, row_id)
    assert (sent.status, sent.sent_at, sent.to_address, sent.body_text) == ("sent", NOW, None, None)
    assert "e***@begeleiding.example" in our_log(caplog)
    assert ADDRESS not in our_log(caplog) and "welkom/abc" not in our_log(caplog) and PASSWORD not in our_log(caplog)


def test_a_wrong_password_delivers_nothing_and_is_tried_again(sessions, start_server, certificate):
    mailserver = start_server()
    row_id = queue(sessions)
    dispatcher = MailDispatcher(sessions, sender(mailserver.port, certificate, password="oud-wachtwoord"), FROM)
    assert dispatcher.run_once(NOW).retry_later == 1
    waiting = row(sessions, row_id)
    assert (waiting.status, waiting.next_attempt_at, waiting.to_address) == ("queued", NOW + minutes(1), ADDRESS)
    assert waiting.last_error is not None and "535" in waiting.last_error
    assert mailserver.taken == []


def test_no_password_goes_to_a_server_that_offers_no_starttls(sessions, start_server, certificate):
    mailserver = start_server(tls=False)
    row_id = queue(sessions)
    report = MailDispatcher(sessions, sender(mailserver.port, certificate), FROM).run_once(NOW)
    assert report.retry_later == 1
    assert row(sessions, row_id).last_error == "the server offers no STARTTLS: nothing sent"
    assert mailserver.logins == [] and mailserver.taken == []


def test_a_certificate_the_client_does_not_trust_stops_before_login(sessions, start_server, certificate):
    mailserver = start_server()
    untrusting = sender(mailserver.port, certificate, ssl_context=ssl.create_default_context())
    row_id = queue(sessions)
    assert MailDispatcher(sessions, untrusting, FROM).run_once(NOW).retry_later == 1
    assert "SSLCertVerificationError" in (row(sessions, row_id).last_error or "")
    assert mailserver.logins == [] and mailserver.taken == []


def test_451_is_queued_again_and_delivered_on_the_next_pass(sessions, start_server, certificate):
    mailserver = start_server(data_replies=[f"451 4.7.1 <{ADDRESS}>: greylisted, try again later"])
    row_id = queue(sessions)
    dispatcher = MailDispatcher(sessions, sender(mailserver.port, certificate), FROM)

    assert dispatcher.run_once(NOW).retry_later == 1
    waiting = row(sessions, row_id)
    assert (waiting.status, waiting.attempts, waiting.next_attempt_at) == ("queued", 1, NOW + minutes(1))
    assert waiting.last_error == "DATA: 451 4.7.1 …: greylisted, try again later"  # the address scrubbed
    assert dispatcher.run_once(NOW + minutes(0.5)).claimed == 0

    assert dispatcher.run_once(NOW + minutes(1)).sent == 1
    assert len(mailserver.taken) == 1 and row(sessions, row_id).status == "sent"


def test_550_fails_for_good_and_the_address_is_forgotten(sessions, start_server, certificate):
    mailserver = start_server(rcpt_replies=[f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"])
    row_id = queue(sessions)
    dispatcher = MailDispatcher(sessions, sender(mailserver.port, certificate), FROM)
    assert dispatcher.run_once(NOW).failed == 1
    failed = row(sessions, row_id)
    assert (failed.status, failed.attempts, failed.to_address, failed.body_text) == ("failed", 1, None, None)
    assert failed.last_error == "RCPT TO: 550 5.1.1 …: Recipient address rejected"
    assert dispatcher.run_once(NOW + minutes(60)).claimed == 0 and mailserver.taken == []


def test_a_server_that_is_down_is_tried_again_later_and_holds_up_nothing(sessions, certificate):
    """One message finds out, the others wait untried: an outage costs one timeout per pass."""
    port = free_port()  # nothing listens there
    first, *others = (queue(sessions) for _ in range(3))
    report = MailDispatcher(sessions, sender(port, certificate), FROM).drain(lambda: NOW)
    assert (report.retry_later, report.claimed) == (1, 1)
    waiting = row(sessions, first)
    assert (waiting.status, waiting.next_attempt_at, waiting.to_address) == ("queued", NOW + minutes(1), ADDRESS)
    assert waiting.last_error == f"cannot connect to 127.0.0.1:{port}: ConnectionRefusedError (Connection refused)"
    assert [(row(sessions, o).status, row(sessions, o).attempts) for o in others] == [("queued", 0)] * 2


def test_no_answer_after_data_is_left_in_sending_and_never_sent_twice(sessions, start_server, certificate, caplog):
    """The server took the message but its answer came too late: it did arrive, once."""
    mailserver = start_server(data_delay=1.5)
    row_id = queue(sessions)
    dispatcher = MailDispatcher(sessions, sender(mailserver.port, certificate, timeout=0.5), FROM)

    assert dispatcher.run_once(NOW).unknown == 1
    assert row(sessions, row_id).status == "sending"
    later = dispatcher.run_once(NOW + STUCK_AFTER + minutes(1))
    assert later.claimed == 0 and later.stuck == (row_id,)
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=10)
    while not mailserver.taken and dt.datetime.now(dt.UTC) < deadline:
        threading.Event().wait(0.1)
    assert len(mailserver.taken) == 1
    assert row(sessions, row_id).message_id in our_log(caplog)  # what to look up in the server's log
    assert ADDRESS not in our_log(caplog)


def test_an_address_beyond_ascii_is_delivered_with_smtputf8(sessions, start_server, certificate):
    mailserver = start_server()
    queue(sessions, to="jöran.peeters@exämple.be")
    assert MailDispatcher(sessions, sender(mailserver.port, certificate), FROM).run_once(NOW).sent == 1
    [(_, rcpt_tos, data, _)] = mailserver.taken
    assert rcpt_tos == ["jöran.peeters@exämple.be"]
    assert email.message_from_bytes(data, policy=email.policy.default)["To"] == "jöran.peeters@exämple.be"


def test_two_dispatchers_never_send_one_row_twice(sessions, start_server, certificate):
    """On PostgreSQL each claims with SKIP LOCKED; on SQLite the claims take turns."""
    mailserver = start_server(tls=False)
    addresses = [f"begeleider{i}@begeleiding.example" for i in range(24)]
    for address in addresses:
        queue(sessions, to=address)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        dispatcher = MailDispatcher(sessions, SmtpMailSender("127.0.0.1", mailserver.port, starttls=False,
                                                             timeout=5.0), FROM, limit=2)
        try:
            start.wait()
            while dispatcher.run_once(NOW).busy:
                pass
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(to for _, [to], _, _ in mailserver.taken) == sorted(addresses)  # each once, none missing
    with sessions() as session:
        assert set(session.scalars(select(MailMessage.status))) == {"sent"}


def test_the_password_never_goes_over_plain_smtp_to_another_host(start_server):
    with pytest.raises(ConfigError, match="unencrypted to smtp.example.org"):
        SmtpMailSender("smtp.example.org", 587, LOGIN, PASSWORD, starttls=False)
    # Without a password, or to this machine, plain SMTP is allowed.
    SmtpMailSender("smtp.example.org", 25, starttls=False)
    for local in ("localhost", "127.0.0.1", "::1"):
        SmtpMailSender(local, 25, LOGIN, PASSWORD, starttls=False)


def test_a_message_without_recipient_fails_for_good_without_a_connection():
    message = EmailMessage()
    message["From"] = FROM
    message.set_content("x")
    with pytest.raises(SendFailed) as failed:
        SmtpMailSender("127.0.0.1", free_port(), starttls=False).send(message)
    assert not failed.value.retryable
