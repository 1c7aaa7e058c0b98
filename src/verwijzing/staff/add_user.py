"""`verwijzing staff add-user NAME --role ROLE`: asks the password twice (never an argument, so
it is not in the shell history or the process list), migrates the database, adds the account."""
from __future__ import annotations

import datetime as dt
import getpass
import sys

from verwijzing.staff.accounts import AccountError, add_user, check_new_password
from verwijzing.store import make_engine, make_sessionmaker, upgrade

EXIT_REFUSED = 2


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Wachtwoord: ")
    check_new_password(first)
    if getpass.getpass("Nog eens: ") != first:
        raise AccountError("De twee wachtwoorden zijn niet gelijk.")
    return first


def add_user_command(database_url: str, name: str, role: str, password_stdin: bool) -> int:
    try:
        password = _password(password_stdin)
        engine = make_engine(database_url)
        try:
            upgrade(engine)
            with make_sessionmaker(engine).begin() as session:
                member = add_user(session, name, role, password, dt.datetime.now(dt.UTC))
        finally:
            engine.dispose()
    except AccountError as refused:
        print(f"verwijzing: {refused}", file=sys.stderr)
        return EXIT_REFUSED
    except (EOFError, KeyboardInterrupt):
        print("verwijzing: gestopt, er is niemand toegevoegd.", file=sys.stderr)
        return EXIT_REFUSED
    print(f"{member.login} ({member.role}) kan nu aanmelden op /staff/")
    return 0
