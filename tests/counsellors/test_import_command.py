"""`verwijzing counsellors import FILE.csv [--controleer]` as a beheerder runs it (docs/counsellors.md):
the problems of a wrong file on stderr with exit 2 and nothing imported; a trial run that changes
nothing; the import itself, and the same file again that changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from verwijzing.cli import main
from verwijzing.demo.counsellors import REGISTER
from verwijzing.store import Counsellor, make_engine, make_sessionmaker


@pytest.fixture
def env(monkeypatch, database_url, db):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "register-command-test-secret")
    monkeypatch.delenv("VERWIJZING_PEILDATUM", raising=False)
    return db


def count(db) -> int:
    with make_sessionmaker(db)() as session:
        return session.scalar(select(func.count()).select_from(Counsellor))


def test_a_wrong_file_names_every_problem_and_imports_nothing(env, tmp_path, capsys):
    lines = REGISTER.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("@begeleiding.example", "")  # line 4: no e-mail address
    cells = lines[6].split(",")
    cells[5] = "30000"  # line 7: no postcode
    lines[6] = ",".join(cells)
    wrong = tmp_path / "register.csv"
    wrong.write_text("\n".join(lines), encoding="utf-8")
    assert main(["counsellors", "import", str(wrong)]) == 2
    said = capsys.readouterr().err.splitlines()
    assert said[0].startswith("regel 4, kolom email: ")
    assert said[1].startswith("regel 7, kolom postcode: '30000' is geen Belgische postcode.")
    assert said[-1] == "2 fouten: er is niets ingelezen. Verbeter het bestand en probeer opnieuw."
    assert count(env) == 0


def test_a_missing_file_is_one_plain_line(env, tmp_path, capsys):
    assert main(["counsellors", "import", str(tmp_path / "weg.csv")]) == 2
    assert "kan ik niet lezen" in capsys.readouterr().err


def test_a_trial_run_then_the_import_then_the_same_file_again(env, capsys):
    assert main(["counsellors", "import", str(REGISTER), "--controleer"]) == 0
    assert capsys.readouterr().out.startswith("register gecontroleerd (er is niets veranderd): 40 nieuw, ")
    assert count(env) == 0
    assert main(["counsellors", "import", str(REGISTER)]) == 0
    assert capsys.readouterr().out.startswith("register ingelezen: 40 nieuw, 0 gewijzigd, 0 ongewijzigd, ")
    assert count(env) == 40
    assert main(["counsellors", "import", str(REGISTER)]) == 0
    assert capsys.readouterr().out.startswith("register ingelezen: 0 nieuw, 0 gewijzigd, 40 ongewijzigd, "
                                              "0 uit het register")


def test_a_real_deployment_migrates_without_fictional_counsellors(monkeypatch, tmp_path, capsys):
    """`verwijzing migrate` (what `make run` runs with VERWIJZING_DEMO=off): the schema, no demo
    counsellors; a register imported afterwards is all there is."""
    url = f"sqlite:///{tmp_path / 'echt.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VERWIJZING_CHANNEL_SECRET", "register-command-test-secret")
    assert main(["migrate"]) == 0 and capsys.readouterr().out.strip() == "database bijgewerkt"
    engine = make_engine(url)
    try:
        assert count(engine) == 0
    finally:
        engine.dispose()
