"""The `verwijzing` command (contract.md): screen, booking show, seed-demo, migrate, sms-dispatch,
worker, staff add-user, counsellors import and invite.

Bad input ends with exit 2 and one plain line on stderr naming the field, never a traceback.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from typing import Any

from verwijzing import config
from verwijzing.decision.facts import (
    Facts,
    InvalidFact,
    MissingFact,
    parse_date,
    parse_facts,
)
from verwijzing.decision.screening import screen
from verwijzing.policy import PolicyError

EXIT_BAD_INPUT = 2

# What the contract says the screen command assumes when a field is left out.
SCREEN_DEFAULTS = {"eerder_gebruikt_uren": 0, "eerder_loopbaancheque": False, "eerder_gebruikt_trajecten": 0}
SCREEN_FIELDS = {"datum", "regime", *Facts.names()}


class UsageError(Exception):
    """A problem with what the user gave us; the message names the field."""


def screen_json(raw: str, default_day: dt.date) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(f"input: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict):
        raise UsageError("input: expected one JSON object")
    unknown = sorted(set(data) - SCREEN_FIELDS)
    if unknown:
        raise UsageError(f"{unknown[0]}: unknown field")
    regime = data.get("regime")
    if regime is not None and not isinstance(regime, str):
        raise UsageError(f"regime: must be a policy name, got {regime!r}")
    try:
        day = parse_date("datum", data["datum"]) if data.get("datum") is not None else default_day
        facts = parse_facts({**SCREEN_DEFAULTS, **data})
        decision = screen(facts, day, regime)
    except InvalidFact as exc:
        raise UsageError(str(exc)) from None
    except MissingFact as exc:
        raise UsageError(f"{exc.field}: missing, this decision needs it") from None
    except PolicyError as exc:
        field = "regime" if regime is not None else "datum"
        raise UsageError(f"{field}: {exc}") from None
    return decision.as_dict()


def _cmd_screen(args: argparse.Namespace) -> int:
    result = screen_json(sys.stdin.read(), config.peildatum())
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _cmd_booking_show(args: argparse.Namespace) -> int:
    # Imported here: screening needs no database.
    from verwijzing.demo.counsellors import booking_show

    booking = booking_show(config.settings().database_url, args.reference)
    if booking is None:
        print(f"reference: no booking {args.reference!r}", file=sys.stderr)
        return 1
    json.dump(booking, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _cmd_seed_demo(args: argparse.Namespace) -> int:
    from verwijzing.demo.counsellors import seed_demo_command
    from verwijzing.demo.intakes import seed_demo_intakes_command

    created = seed_demo_command(config.settings().database_url, config.peildatum())
    print(f"{created} counsellors created" if created
          else "demo counsellors present; slots topped up to four weeks ahead")
    # Only here, not in the tests' stacks: a demo console shows a dashboard with figures.
    intakes = seed_demo_intakes_command(config.settings().database_url, config.peildatum())
    if intakes:
        print(f"{intakes} fictional intakes added for the staff dashboard")
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    from verwijzing.store import make_engine
    from verwijzing.store.migrate import upgrade

    engine = make_engine(config.settings().database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    print("database bijgewerkt")
    return 0


def _cmd_sms_dispatch(args: argparse.Namespace) -> int:
    # A database and maybe twilio: load on use.
    from verwijzing.worker.jobs import SMS
    from verwijzing.worker.main import run_worker

    return run_worker(config.settings(), once=args.once, only=(SMS,), every={SMS: args.interval})


def _cmd_worker(args: argparse.Namespace) -> int:
    # A database and maybe twilio: load on use.
    from verwijzing.worker.main import run_worker

    return run_worker(config.settings(), once=args.once)


def _cmd_staff_add_user(args: argparse.Namespace) -> int:
    # A database and argon2: load on use.
    from verwijzing.staff.add_user import add_user_command

    return add_user_command(config.settings().database_url, args.name, args.role, args.password_stdin)


def _cmd_counsellors_import(args: argparse.Namespace) -> int:
    # A database and the register's checks: load on use.
    from verwijzing.counsellors.command import import_command

    found = config.settings()
    return import_command(found.database_url, args.file, trial=args.controleer, now=config.peildatum_now(),
                          seal_key=found.channel_secret)


def _cmd_counsellors_invite(args: argparse.Namespace) -> int:
    from verwijzing.counsellors.command import invite_command
    found = config.settings()
    return invite_command(found.database_url, args.mandate_number, now=dt.datetime.now(dt.UTC),
                          base_url=found.public_base_url)


def _cmd_twilio(args: argparse.Namespace) -> int:
    # aiohttp and twilio: load on use.
    import asyncio

    from verwijzing.gateway.twilio_local import Line, LineError, call_in, text_in

    settings = config.settings()
    if not settings.twilio_auth_token:
        raise UsageError("TWILIO_AUTH_TOKEN is leeg: de gateway weigert dan elke sms en oproep. Gebruik "
                         "scripts/verwijzing.sh (leest .env, zoals make run), en make setup vult het token in .env.")
    line = Line(args.gateway or f"http://127.0.0.1:{settings.gateway_port}", settings.public_base_url,
                settings.twilio_auth_token)
    try:
        if args.twilio_command == "sms":
            said = asyncio.run(text_in(line, args.van, args.tekst))
        else:
            said = asyncio.run(call_in(line, args.van, args.toetsen, nobody_answers=args.niemand_neemt_op))
    except (LineError, OSError) as exc:
        raise UsageError(f"de gateway op {line.gateway} antwoordt niet zoals verwacht ({exc}). "
                         "Draait make run?") from None
    print("\n".join(said) if said else "(geen antwoord)")
    return 0


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, got {raw!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="verwijzing", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    screen_cmd = commands.add_parser("screen", help="screen one JSON object of facts from stdin")
    screen_cmd.set_defaults(handler=_cmd_screen)
    booking = commands.add_parser("booking", help="bookings")
    booking_commands = booking.add_subparsers(dest="booking_command", required=True)
    show = booking_commands.add_parser("show", help="print a booking as JSON")
    show.add_argument("reference")
    show.set_defaults(handler=_cmd_booking_show)
    seed = commands.add_parser("seed-demo", help="fill an empty database with fictional counsellors and slots")
    seed.set_defaults(handler=_cmd_seed_demo)
    migrate = commands.add_parser("migrate", help="bring the database to the latest schema; adds no data")
    migrate.set_defaults(handler=_cmd_migrate)
    sms = commands.add_parser(
        "sms-dispatch", help="send the queued SMS (VERWIJZING_SMS_MODE: local log file or Twilio)"
    )
    sms.add_argument("--once", action="store_true", help="send what is due, print the counts as JSON, and stop")
    sms.add_argument("--interval", type=_seconds, default=5.0, metavar="SECONDS",
                     help="seconds between passes over the outbox (default 5)")
    sms.set_defaults(handler=_cmd_sms_dispatch)
    worker = commands.add_parser(
        "worker", help="run the background jobs: expire holds, send SMS, reminders, retention, demo agenda"
    )
    worker.add_argument("--once", action="store_true",
                        help="run every job once, print their counts as JSON, and stop")
    worker.set_defaults(handler=_cmd_worker)
    staff = commands.add_parser("staff", help="staff console accounts")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    add_user = staff_commands.add_parser("add-user", help="make a console account; asks for its password")
    add_user.add_argument("name", help="the login, e.g. an.peeters")
    add_user.add_argument("--role", required=True, choices=["consulent", "beheerder"])
    add_user.add_argument("--password-stdin", action="store_true",
                          help="read the password from standard input instead of asking (for scripts)")
    add_user.set_defaults(handler=_cmd_staff_add_user)
    counsellors = commands.add_parser("counsellors", help="the counsellors' mandate register (docs/counsellors.md)")
    counsellors_commands = counsellors.add_subparsers(dest="counsellors_command", required=True)
    register = counsellors_commands.add_parser(
        "import", help="read the whole register from a UTF-8 CSV file: all of it, or nothing when a line is wrong")
    register.add_argument("file", help="the register, e.g. register.csv")
    register.add_argument("--controleer", action="store_true",
                          help="check the file and say what would change, without changing anything")
    register.set_defaults(handler=_cmd_counsellors_import)
    invitation = counsellors_commands.add_parser(
        "invite", help="make a counsellor's account and e-mail them a link to set its password (72 hours)")
    invitation.add_argument("mandate_number", help="the counsellor's mandate number in the register, e.g. LK-2027-0001")
    invitation.set_defaults(handler=_cmd_counsellors_invite)
    twilio = commands.add_parser(
        "twilio", help="try the SMS and phone lines locally: requests exactly as Twilio sends them, signed")
    twilio.add_argument("--gateway", help="where the gateway listens (default: this machine, GATEWAY_PORT)")
    twilio_commands = twilio.add_subparsers(dest="twilio_command", required=True)
    text = twilio_commands.add_parser("sms", help="send one SMS to the assistant and print its answer")
    text.add_argument("--van", required=True, help="the sender's number in E.164, e.g. +32470123456")
    text.add_argument("tekst")
    text.set_defaults(handler=_cmd_twilio)
    call = twilio_commands.add_parser("bel", help="call, press keys one after the other, print what is said")
    call.add_argument("--van", required=True, help="the caller's number in E.164, e.g. +32470123456")
    call.add_argument("--niemand-neemt-op", action="store_true", help="when put through, nobody answers")
    call.add_argument("toetsen", nargs="*", help='keys, one step each: "1", "41#", "0"')
    call.set_defaults(handler=_cmd_twilio)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)  # each subcommand's handler (set_defaults) returns its exit code
        return code
    except (UsageError, config.ConfigError) as exc:
        print(f"verwijzing: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
