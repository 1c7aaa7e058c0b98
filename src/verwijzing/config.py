"""Settings from the environment; every variable is documented in .env.example.

Read on each call (cheap) so that tests can set the environment per test, and so that nothing
is frozen at import time in a process that serves many conversations.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from verwijzing.nl_be import BRUSSELS

DEFAULT_DATABASE_URL = "sqlite:///var/verwijzing.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    peildatum_override: dt.date | None
    insz_pepper: bytes
    rasa_url: str
    rasa_auth_token: str
    action_server_url: str
    twilio_auth_token: str
    public_base_url: str
    gateway_host: str
    gateway_port: int
    hold_minutes: int
    channel_secret: bytes
    sms_mode: str
    twilio_account_sid: str
    twilio_from_number: str
    sms_log: str
    handoff_number: str
    # Several Rasa servers (make run-scaled): the gateway spreads turns over them. Empty: rasa_url alone.
    rasa_urls: tuple[str, ...] = ()
    # Rasa's stored conversations with no event for this many days are deleted by the worker.
    abandoned_days: int = 30
    # The rate limits' counts in Redis (several gateways); empty: in this process (gateway/limits.py).
    limits_redis_url: str = ""
    # Their keys start with REDIS_KEY_PREFIX, as Rasa's locks do: stacks sharing one Redis stay apart.
    limits_key_prefix: str = "verwijzing"
    # Reverse proxies in front of the gateway whose X-Forwarded-For is trusted (0: none).
    proxy_hops: int = 0
    # The rate limits are on unless a load test from one address switches them off.
    rate_limits: bool = True
    # How many weeks ahead the counsellors' hours become bookable moments (counsellors/moments.py).
    agenda_weeks: int = 8
    # A demo (`make run` seeds fictional counsellors, the worker keeps their agenda) or a real
    # deployment (off: only the register's counsellors, no moment invented; docs/counsellors.md).
    demo: bool = True
    # When a consulent can take a conversation over (handover/duty.py): days and hours, Brussels time.
    office_hours: str = "ma-vr 08:00-16:30"
    # E-mail to counsellors (notify/mail.py): written as .eml files under mail_dir, or sent by SMTP.
    mail_mode: str = "local"
    mail_dir: str = "var/mail"
    mail_from: str = "verwijzing <noreply@localhost>"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True

    @property
    def public_is_https(self) -> bool:
        """Cookies get the Secure flag when the public address is https."""
        return self.public_base_url.startswith("https://")

    @property
    def rasa_servers(self) -> tuple[str, ...]:
        """The Rasa servers the gateway talks to: RASA_URLS when given, else RASA_URL."""
        return self.rasa_urls or (self.rasa_url,)

    @property
    def peildatum(self) -> dt.date:
        """The reference date of the whole stack: VERWIJZING_PEILDATUM, else today."""
        return self.peildatum_override or dt.date.today()


class ConfigError(RuntimeError):
    pass


def _peildatum(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"VERWIJZING_PEILDATUM must be YYYY-MM-DD, got {raw!r}") from None


def settings() -> Settings:
    env = os.environ
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        peildatum_override=_peildatum(env.get("VERWIJZING_PEILDATUM")),
        insz_pepper=(env.get("VERWIJZING_INSZ_PEPPER") or "").encode(),
        rasa_url=env.get("RASA_URL", "http://127.0.0.1:5005"),
        rasa_auth_token=env.get("RASA_AUTH_TOKEN", ""),
        action_server_url=env.get("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook"),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        public_base_url=env.get("PUBLIC_BASE_URL", "http://localhost:8080"),
        gateway_host=env.get("GATEWAY_HOST", "127.0.0.1"),
        gateway_port=_port(env.get("GATEWAY_PORT", "8080")),
        hold_minutes=_positive("VERWIJZING_HOLD_MINUTES", env.get("VERWIJZING_HOLD_MINUTES", "10")),
        channel_secret=(env.get("VERWIJZING_CHANNEL_SECRET") or "").encode(),
        sms_mode=_choice("VERWIJZING_SMS_MODE", env.get("VERWIJZING_SMS_MODE") or "local", SMS_MODES),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
        twilio_from_number=env.get("TWILIO_FROM_NUMBER", ""),
        sms_log=env.get("VERWIJZING_SMS_LOG") or "var/log/sms-outbox.log",
        handoff_number=env.get("VERWIJZING_HANDOFF_NUMBER") or "+3280030700",
        rasa_urls=_urls("RASA_URLS", env.get("RASA_URLS") or ""),
        abandoned_days=_days("VERWIJZING_ABANDONED_DAYS", env.get("VERWIJZING_ABANDONED_DAYS") or "30"),
        limits_redis_url=env.get("VERWIJZING_LIMITS_REDIS_URL", ""),
        limits_key_prefix=env.get("REDIS_KEY_PREFIX") or "verwijzing",
        proxy_hops=_hops(env.get("VERWIJZING_PROXY_HOPS") or "0"),
        rate_limits=_choice("VERWIJZING_RATE_LIMITS", env.get("VERWIJZING_RATE_LIMITS") or "on", ("on", "off")) == "on",
        agenda_weeks=_weeks(env.get("VERWIJZING_AGENDA_WEEKS") or "8"),
        demo=_choice("VERWIJZING_DEMO", env.get("VERWIJZING_DEMO") or "on", ("on", "off")) == "on",
        office_hours=env.get("VERWIJZING_KANTOORUREN") or "ma-vr 08:00-16:30",
        mail_mode=_choice("VERWIJZING_MAIL_MODE", env.get("VERWIJZING_MAIL_MODE") or "local", MAIL_MODES),
        mail_dir=env.get("VERWIJZING_MAIL_DIR") or "var/mail",
        mail_from=env.get("VERWIJZING_MAIL_FROM") or "verwijzing <noreply@localhost>",
        smtp_host=env.get("SMTP_HOST", ""),
        smtp_port=_port(env.get("SMTP_PORT") or "587", "SMTP_PORT"),
        smtp_username=env.get("SMTP_USERNAME", ""),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        smtp_starttls=_choice("SMTP_STARTTLS", env.get("SMTP_STARTTLS") or "on", ("on", "off")) == "on",
    )


SMS_MODES = ("local", "twilio")
MAIL_MODES = ("local", "smtp")


def _choice(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def _urls(name: str, raw: str) -> tuple[str, ...]:
    """A comma-separated list of http(s) base URLs; empty gives ()."""
    urls = tuple(part.strip().rstrip("/") for part in raw.split(",") if part.strip())
    wrong = [url for url in urls if not url.startswith(("http://", "https://"))]
    if wrong:
        raise ConfigError(f"{name} must be http(s) URLs separated by commas, got {wrong[0]!r}")
    return urls


def _positive(name: str, raw: str) -> int:
    if not raw.isdigit() or int(raw) == 0:
        raise ConfigError(f"{name} must be a whole number of minutes above 0, got {raw!r}")
    return int(raw)


def _days(name: str, raw: str) -> int:
    if not raw.isdigit() or int(raw) == 0:
        raise ConfigError(f"{name} must be a whole number of days above 0, got {raw!r}")
    return int(raw)


def _weeks(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 52:
        raise ConfigError(f"VERWIJZING_AGENDA_WEEKS must be a number of weeks from 1 to 52, got {raw!r}")
    return int(raw)


def _hops(raw: str) -> int:
    if not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"VERWIJZING_PROXY_HOPS must be the number of proxies in front (0 to 5), got {raw!r}")
    return int(raw)


def _port(raw: str, name: str = "GATEWAY_PORT") -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name} must be a port number, got {raw!r}")
    return int(raw)


def peildatum() -> dt.date:
    return settings().peildatum


def peildatum_now() -> dt.datetime:
    """Now, as the whole stack sees it: VERWIJZING_PEILDATUM moves the day, keeps the hour."""
    return now_on(settings().peildatum_override)


def now_on(override: dt.date | None) -> dt.datetime:
    """Now in Brussels, on the `override` day when one is given (the hour stays)."""
    real = dt.datetime.now(BRUSSELS)
    if override is None:
        return real
    return dt.datetime.combine(override, real.timetz())


def redis_lock_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Where Rasa's Redis lock store is (endpoints.scaled.yml): REDIS_URL
    (redis://[:password@]host[:port][/db]) or REDIS_HOST, REDIS_PORT, REDIS_DB, REDIS_PASSWORD;
    REDIS_KEY_PREFIX (letters and digits) keeps stacks sharing one Redis apart."""
    env = os.environ if env is None else env
    if env.get("REDIS_URL"):
        parts = urlsplit(env["REDIS_URL"])
        if parts.scheme != "redis" or not parts.hostname:
            raise ConfigError(f"REDIS_URL must look like redis://host:6379/0, got {env['REDIS_URL']!r}")
        try:
            port = str(parts.port or 6379)
        except ValueError:
            raise ConfigError(f"REDIS_URL has no valid port: {env['REDIS_URL']!r}") from None
        found = {"REDIS_HOST": parts.hostname, "REDIS_PORT": port,
                 "REDIS_DB": parts.path.strip("/") or "0", "REDIS_PASSWORD": unquote(parts.password or "")}
    else:
        found = {"REDIS_HOST": env.get("REDIS_HOST") or "127.0.0.1", "REDIS_PORT": env.get("REDIS_PORT") or "6379",
                 "REDIS_DB": env.get("REDIS_DB") or "0", "REDIS_PASSWORD": env.get("REDIS_PASSWORD") or ""}
    found["REDIS_KEY_PREFIX"] = env.get("REDIS_KEY_PREFIX") or "verwijzing"
    if not found["REDIS_PORT"].isdigit() or not 0 < int(found["REDIS_PORT"]) < 65536:
        raise ConfigError(f"the Redis port must be a port number, got {found['REDIS_PORT']!r}")
    if not found["REDIS_DB"].isdigit():
        raise ConfigError(f"the Redis database must be a number (0-15), got {found['REDIS_DB']!r}")
    if not found["REDIS_KEY_PREFIX"].isalnum():
        raise ConfigError(f"REDIS_KEY_PREFIX must be letters and digits only, got {found['REDIS_KEY_PREFIX']!r}")
    # The gateways' rate limits count in the same Redis (gateway/limits.py), unless set apart.
    password = f":{quote(found['REDIS_PASSWORD'], safe='')}@" if found["REDIS_PASSWORD"] else ""
    found["VERWIJZING_LIMITS_REDIS_URL"] = env.get("VERWIJZING_LIMITS_REDIS_URL") or (
        f"redis://{password}{found['REDIS_HOST']}:{found['REDIS_PORT']}/{found['REDIS_DB']}")
    return found


def main(argv: list[str] | None = None) -> int:
    """`python -m verwijzing.config redis-env`: the lock store's settings as shell assignments
    (scripts/run_scaled.sh evaluates them), or the configuration error on stderr with exit 2."""
    import shlex
    import sys
    args = sys.argv[1:] if argv is None else argv
    if args != ["redis-env"]:
        print("usage: python -m verwijzing.config redis-env", file=sys.stderr)
        return 2
    try:
        found = redis_lock_env()
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 2
    print("\n".join(f"export {name}={shlex.quote(value)}" for name, value in found.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
