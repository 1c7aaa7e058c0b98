"""Settings: a variable set in the environment wins over the same one in .env (as docker compose
and python-dotenv do), through the one loader both make run and make test use (scripts/env.sh)."""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOADER = ROOT / "scripts" / "env.sh"


def load(env_file: Path, environment: dict[str, str], *names: str) -> dict[str, str | None]:
    """Run the loader in a clean bash with only `environment`, and report what it exported."""
    script = '. "$1"; load_env_file "$2"; shift 2; for n in "$@"; do printf "%s=%s\\n" "$n" "${!n-<unset>}"; done'
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script, "loader", str(LOADER), str(env_file), *names],
        env={"PATH": "/usr/bin:/bin", **environment}, capture_output=True, text=True, check=True,
    )
    found: dict[str, str | None] = {}
    for line in result.stdout.splitlines():
        name, _, value = line.partition("=")
        found[name] = None if value == "<unset>" else value
    return found


def test_the_environment_wins_over_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("VERWIJZING_PEILDATUM=2026-11-27\nDATABASE_URL=sqlite:///var/x.db\n")
    found = load(env_file, {"VERWIJZING_PEILDATUM": "2027-03-01"}, "VERWIJZING_PEILDATUM", "DATABASE_URL")
    assert found == {"VERWIJZING_PEILDATUM": "2027-03-01", "DATABASE_URL": "sqlite:///var/x.db"}


def test_a_variable_only_in_env_file_is_used(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\n"
        "VERWIJZING_HOLD_MINUTES=15\n"
        'PUBLIC_BASE_URL="https://voorbeeld.be/chat"  # quoted, with a comment\n'
        "export GATEWAY_PORT=8181\n"
    )
    found = load(env_file, {}, "VERWIJZING_HOLD_MINUTES", "PUBLIC_BASE_URL", "GATEWAY_PORT", "RASA_URL")
    assert found == {"VERWIJZING_HOLD_MINUTES": "15", "PUBLIC_BASE_URL": "https://voorbeeld.be/chat",
                     "GATEWAY_PORT": "8181", "RASA_URL": None}


def test_an_empty_value_in_env_file_does_not_blank_the_environment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("VERWIJZING_PEILDATUM=\nVERWIJZING_INSZ_PEPPER=\n")
    found = load(env_file, {"VERWIJZING_PEILDATUM": "2027-03-01"}, "VERWIJZING_PEILDATUM",
                 "VERWIJZING_INSZ_PEPPER")
    assert found == {"VERWIJZING_PEILDATUM": "2027-03-01", "VERWIJZING_INSZ_PEPPER": ""}


def test_a_missing_env_file_changes_nothing(tmp_path):
    found = load(tmp_path / "absent.env", {"DATABASE_URL": "sqlite:///var/y.db"}, "DATABASE_URL")
    assert found == {"DATABASE_URL": "sqlite:///var/y.db"}


def test_make_run_and_make_test_both_use_the_loader_and_nothing_else():
    for script in ("run.sh", "test.sh"):
        text = (ROOT / "scripts" / script).read_text()
        assert "load_env_file .env" in text, script
        assert ". ./.env" not in text, script  # the old way let .env override the environment
    # make test still chooses its own dates and databases, whatever the environment says.
    test_sh = (ROOT / "scripts" / "test.sh").read_text()
    assert test_sh.index("load_env_file .env") < test_sh.index("unset VERWIJZING_PEILDATUM DATABASE_URL")


def test_the_example_settings_read_in_the_shell_as_make_run_reads_them():
    """`make setup` copies .env.example to .env and the scripts source it: a value with a space
    and no quotes ran as a command (CI failed on `08:00-16:30: command not found`)."""
    found = load(ROOT / ".env.example", {}, "VERWIJZING_KANTOORUREN", "VERWIJZING_MAIL_FROM")
    assert found == {"VERWIJZING_KANTOORUREN": "ma-vr 08:00-16:30",
                     "VERWIJZING_MAIL_FROM": "verwijzing <noreply@localhost>"}
