"""Who delivers an e-mail: .eml files on this machine, or an SMTP server (the stdlib's smtplib).

As for SMS (senders.py), the dispatcher (verwijzing.notify.mail) reads how `send` ends: it
returns → sent; it raises `SendFailed` → certainly not sent (retry later or give up, as
`retryable` says); it raises anything else → nobody knows whether the server has it, so the row is
left for a person to check. For SMTP the line is the DATA command: until the server has been
asked to take the message's data, nothing can have been delivered; after that, only its final
reply says whether it took it.
"""
from __future__ import annotations

import contextlib
import email.policy
import ipaddress
import logging
import os
import re
import smtplib
import ssl
import tempfile
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Protocol

from verwijzing.config import ConfigError
from verwijzing.notify.senders import SendFailed

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"<?[^\s<>@\"',;:()\[\]]+@[^\s<>@\"',;:()\[\]]+>?")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@-]")


class MailSender(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server (its envelope: From and To). Raise `SendFailed` only when
        the message certainly did not go out."""


class DeliveryUnknown(Exception):
    """The server was given the message's data and did not say whether it took it (a timeout, a
    dropped connection). Not a SendFailed: the dispatcher leaves the row for a person."""


def mask_address(address: str | None) -> str:
    """For logs: enough to tell two addresses apart in an incident, not enough to write to."""
    if not address:
        return "-"
    local, at, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


def scrub_addresses(text: str) -> str:
    """A server's reply without addresses: "550 5.1.1 <jan@example.org>: unknown" repeats them."""
    return _ADDRESS.sub("…", text)


class LocalMailSender:
    """Local mode of `make run`: each message becomes one .eml file (open it with any mail
    program) instead of an e-mail. Nothing leaves the machine."""

    def __init__(self, directory: str | Path = "var/mail") -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        name = _UNSAFE.sub("_", str(message.get("Message-ID", "")).strip("<> ")) or "message"
        path = self.directory / f"{name}.eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            # mkstemp makes the file readable by this user only (an invitation holds a one-time
            # link); the rename lets it appear whole, so nobody opens half a message.
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(_serialise(message)[0])
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            raise SendFailed(f"cannot write to {self.directory}: {error.strerror}", retryable=True) from None
        log.info("local mail mode: message to %s written to %s, not sent", mask_address(str(message["To"])), path)


class SmtpMailSender:
    """Sends through an SMTP server (submission, port 587): STARTTLS, then AUTH when a username is
    set. A new connection per message: the worker sends a few a day, and a connection kept open
    between passes would only time out at the server."""

    def __init__(
        self,
        host: str,
        port: int = 587,
        username: str = "",
        password: str = "",
        *,
        starttls: bool = True,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if (username or password) and not starttls and not is_local(host):
            # AUTH PLAIN and LOGIN carry the password in base64, which is no encryption: over plain
            # SMTP anyone on the path between here and the server reads it. Only a server on this
            # machine may get it that way (the path never leaves it).
            raise ConfigError(
                f"SMTP_STARTTLS=off would send SMTP_PASSWORD unencrypted to {host}: "
                "set SMTP_STARTTLS=on, or send through a relay on localhost"
            )
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout
        # The system's trusted authorities, and the certificate must name the host.
        self.ssl_context = ssl_context or ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        sender = _addresses(message, "From")[:1]
        recipients = _addresses(message, "To", "Cc")
        if not sender or not recipients:
            raise SendFailed("no sender or no recipient", retryable=False)
        data, utf8 = _serialise(message)
        smtp = self._connect()
        try:
            if utf8 and not smtp.has_extn("smtputf8"):
                raise SendFailed("the address needs SMTPUTF8, which the server does not offer", retryable=False)
            self._hand_over(smtp, sender[0], recipients, data, ["SMTPUTF8", "BODY=8BITMIME"] if utf8 else [])
        except BaseException:
            smtp.close()  # no QUIT: after a timeout it would only wait for another one
            raise
        _close(smtp)
        log.info("mail to %s taken by %s", ", ".join(mask_address(r) for r in recipients), self.host)

    def _connect(self) -> smtplib.SMTP:
        """Connected, encrypted and logged in. Whatever goes wrong here, the message is not at the
        server, and it is the connection's or the configuration's fault, not the message's: always
        retryable (a password fixed within the half hour of retries still delivers it)."""
        try:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        except smtplib.SMTPResponseException as refused:  # a greeting other than 220
            raise SendFailed(_reply("greeting", refused.smtp_code, refused.smtp_error), retryable=True) from None
        except (OSError, smtplib.SMTPException) as error:  # refused, unreachable, no answer, no such host
            raise SendFailed(f"cannot connect to {self.host}:{self.port}: {_kind(error)}", retryable=True) from None
        try:
            smtp.ehlo()
            if self.starttls:
                if not smtp.has_extn("starttls"):
                    raise SendFailed("the server offers no STARTTLS: nothing sent", retryable=True)
                smtp.starttls(context=self.ssl_context)
                smtp.ehlo()
            if self.username or self.password:
                smtp.login(self.username, self.password)
        except SendFailed:
            _close(smtp)
            raise
        except smtplib.SMTPResponseException as refused:  # e.g. 535: the login was refused
            _close(smtp)
            raise SendFailed(_reply("login" if self.username else "EHLO", refused.smtp_code, refused.smtp_error),
                             retryable=True) from None
        except (OSError, smtplib.SMTPException) as error:  # a TLS failure, a dropped connection, no AUTH
            _close(smtp)
            raise SendFailed(f"before sending: {_kind(error)}", retryable=True) from None
        return smtp

    @staticmethod
    def _hand_over(smtp: smtplib.SMTP, sender: str, recipients: list[str], data: bytes, options: list[str]) -> None:
        try:
            code, reply = smtp.mail(sender, options)
            if code != 250:
                raise _refusal("MAIL FROM", code, reply)
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise _refusal("RCPT TO", code, reply)
        except (OSError, smtplib.SMTPException) as error:  # lost before DATA: certainly not taken
            raise SendFailed(f"before DATA: {_kind(error)}", retryable=True) from None
        answer: tuple[int, bytes | str]
        try:
            # Raises SMTPDataError when DATA is not answered with 354; returns the reply to the data.
            answer = smtp.data(data)
        except smtplib.SMTPDataError as refused:
            answer = refused.smtp_code, refused.smtp_error
        except (OSError, smtplib.SMTPException) as error:
            # Also while waiting for the 354 (before the data went): smtplib does not tell the two
            # apart, and never twice is worth more than the rare second chance.
            raise DeliveryUnknown(f"no answer after DATA: {_kind(error)}") from error
        if answer[0] == 250:
            return
        if 400 <= answer[0] < 600:  # a clear no, to DATA or to the message itself
            raise _refusal("DATA", *answer)
        raise DeliveryUnknown(f"unexpected reply to DATA: {answer[0]}")


def is_local(host: str) -> bool:
    """Whether `host` is this machine: a connection to it never leaves it."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _serialise(message: EmailMessage) -> tuple[bytes, bool]:
    """The message as it travels (CRLF), and whether that needs SMTPUTF8: an address with more
    than ASCII (jöran@exämple.be) can only be written in UTF-8; everything else stays 7-bit."""
    utf8 = not all(address.isascii() for address in _addresses(message, "From", "To", "Cc"))
    return message.as_bytes(policy=email.policy.SMTPUTF8 if utf8 else email.policy.SMTP), utf8


def _addresses(message: EmailMessage, *headers: str) -> list[str]:
    return [address for _, address in getaddresses([str(value) for h in headers for value in message.get_all(h, [])])
            if address]


def _refusal(step: str, code: int, reply: bytes | str) -> SendFailed:
    """A 4xx reply may work later; a 5xx reply will not (RFC 5321 §4.2.1)."""
    return SendFailed(_reply(step, code, reply), retryable=not 500 <= code < 600)


def _reply(step: str, code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{step}: {code} {scrub_addresses(' '.join(text.split()))}"[:200]


def _kind(error: BaseException) -> str:
    """An exception in a few words, without addresses (a refused recipient's text names it)."""
    detail = error.strerror if isinstance(error, OSError) and error.strerror else ""
    return f"{type(error).__name__}{f' ({detail})' if detail else ''}"


def _close(smtp: smtplib.SMTP) -> None:
    """QUIT, then close, ignoring their failures: the outcome is already known."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
