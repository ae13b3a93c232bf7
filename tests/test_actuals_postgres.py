"""Actuals from the team's PostgreSQL database: ``qplan actuals pull`` keeps an extract
outside the repository that every other command reads offline; a bad table, row or server
is one clear line, nothing kept, and the password never shown. Against the real server,
each test in a schema of its own."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, ROOT, example_settings, run_qplan

COLUMNS = (
    "date date, queue text, team text, arrived integer, handled integer, "
    "handled_within_sla integer, backlog_end integer, aht_seconds numeric(8,1), "
    "qa_sampled integer, qa_correct integer, productive_hours numeric(10,1)"
)
PASSWORD = "s3cret-Actuals"


@pytest.fixture
def database(postgres_url: str) -> Iterator[str]:
    """A schema of its own holding ``actuals_daily``: a view over a table holding the
    example's actuals; yields the schema's name."""
    import psycopg

    schema = postgres_url.rpartition("schema=")[2]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'CREATE TABLE "{schema}".rows ({COLUMNS})')
        for file in sorted((ROOT / "actuals").glob("*.csv")):
            copy = f'COPY "{schema}".rows FROM STDIN (FORMAT csv, HEADER)'
            with connection.cursor().copy(copy) as stream:
                stream.write(file.read_text(encoding="utf-8"))
        connection.execute(f'CREATE VIEW "{schema}".actuals_daily AS SELECT * FROM "{schema}".rows')
    yield schema


def _repo(tmp_path: Path, table: str) -> Path:
    repo = tmp_path / "database-repo"
    repo.mkdir()
    for name in ("workflows", "sops", "training", "projects", "scenarios"):
        shutil.copytree(ROOT / name, repo / name)
    (repo / "pyproject.toml").write_text(
        example_settings()
        + f'\n[tool.qplan.actuals]\nsource = "postgresql"\ntable = "{table}"\ndays = 400\n',
        encoding="utf-8",
    )
    return repo


def _url() -> str:
    """The test server's URL with a password (the server trusts; the password is there to
    be hidden)."""
    import getpass

    return POSTGRES_URL.replace("postgresql://", f"postgresql://{getpass.getuser()}:{PASSWORD}@", 1)


def test_pulled_actuals_give_the_figures_of_the_same_files(
    database: str, tmp_path: Path, example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year of the example's rows in a view: pulled, they give validate, health and the
    plan what the CSV files give; the plan names the extract's digest."""
    repo = _repo(tmp_path, f"{database}.actuals_daily")
    before = run_qplan("validate", repo=repo)
    assert (before.exit_code, before.output.splitlines()[0]) == (
        0,
        f"pyproject.toml:7:1: QP024 no extract of the actuals in PostgreSQL table "
        f"{database}.actuals_daily yet: health and forecasts have none",
    )
    assert run_qplan("health", repo=repo).output == (
        "error: there are no actuals: run qplan actuals pull (with QPLAN_ACTUALS_URL set) to "
        f"read them from PostgreSQL table {database}.actuals_daily\n"
    )
    monkeypatch.setenv("QPLAN_ACTUALS_URL", _url())
    pulled = run_qplan("actuals", "pull", "--format", "json", repo=repo)
    assert pulled.exit_code == 0, pulled.output
    extract = json.loads(pulled.output)
    digest = extract.pop("digest")
    assert extract == {
        "format_version": "1",
        "source": "postgresql",
        "table": f"{database}.actuals_daily",
        "from": "2025-11-03",
        "to": "2026-12-07",
        "rows": 3612,
    }
    monkeypatch.delenv("QPLAN_ACTUALS_URL")  # offline from here
    assert run_qplan("validate", repo=repo).output == "Valid: no problems found.\n"
    for command in (["health", "--format", "json"], ["forecast", "--format", "json"]):
        ours = run_qplan(*command, repo=repo)
        theirs = run_qplan(*command, repo=example_repo)
        assert (ours.exit_code, ours.output) == (theirs.exit_code, theirs.output)
    plan = run_qplan("plan", "--format", "json", repo=repo)
    assert json.loads(plan.output)["actuals"] == {
        "source": "postgresql",
        "table": f"{database}.actuals_daily",
        "from": "2025-11-03",
        "to": "2026-12-07",
        "rows": 3612,
        "digest": digest,
    }
    text = run_qplan("--wide", "plan", repo=repo)
    assert (
        f"Actuals: the extract of postgresql table {database}.actuals_daily from 2025-11-03 to "
        f"2026-12-07, 3,612 rows (digest {digest[:12]})."
    ) in text.output


def _pull_refused(repo: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> tuple[int, str]:
    monkeypatch.setenv("QPLAN_ACTUALS_URL", url)
    found = run_qplan("actuals", "pull", repo=repo)
    assert PASSWORD not in found.output
    assert "Traceback" not in found.output
    monkeypatch.delenv("QPLAN_ACTUALS_URL")
    assert (
        run_qplan("validate", repo=repo)
        .output.splitlines()[0]
        .endswith("health and forecasts have none")
    ), "nothing may be kept"
    return found.exit_code, found.output


def test_a_missing_column_is_one_line(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(
            f'CREATE VIEW "{database}".no_sla AS SELECT date, queue, team, arrived, handled, '
            f'backlog_end, aht_seconds, qa_sampled, qa_correct FROM "{database}".rows'
        )
    repo = _repo(tmp_path, f"{database}.no_sla")
    assert _pull_refused(repo, monkeypatch, _url()) == (
        1,
        f"error: PostgreSQL table {database}.no_sla has no column handled_within_sla (it needs "
        "date, queue, team, arrived, handled, handled_within_sla, backlog_end, qa_sampled, "
        "qa_correct, aht_seconds[, productive_hours])\n",
    )


def test_a_row_of_the_wrong_type_is_a_diagnostic_at_its_row(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A text column holding what is not a count: the rules of an actuals CSV say so, at the
    row of the query (ordered by date, queue and team) and the column; nothing is kept."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(
            f'CREATE VIEW "{database}".texts AS SELECT date, queue, team, '
            "CASE WHEN date = '2026-11-02' AND queue = 'ap-account-en' AND team = 'us-austin' "
            "THEN 'many' ELSE arrived::text END AS arrived, handled, handled_within_sla, "
            f'backlog_end, aht_seconds, qa_sampled, qa_correct FROM "{database}".rows'
        )
        row = connection.execute(
            f"SELECT n FROM (SELECT date, queue, team, row_number() OVER (ORDER BY date, queue, "
            f'team) AS n FROM "{database}".rows) AS ordered WHERE date = %s AND queue = %s '
            "AND team = %s",
            ("2026-11-02", "ap-account-en", "us-austin"),
        ).fetchone()
    assert row is not None
    repo = _repo(tmp_path, f"{database}.texts")
    code, output = _pull_refused(repo, monkeypatch, _url())
    assert code == 1
    assert output.splitlines()[0] == (
        f"postgresql:{database}.texts:{row[0]}:4: QP107 actuals arrived 'many' is not a whole "
        "number from 0 to 1,000,000,000"
    )
    assert output.splitlines()[-1] == (
        "Nothing was kept; the last extract stays: fix the errors above first."
    )


def test_an_unreachable_server_is_one_line_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "ops.actuals_daily")
    url = f"postgresql://planner:{PASSWORD}@127.0.0.1:1/test"
    assert _pull_refused(repo, monkeypatch, url) == (
        1,
        "error: cannot read the actuals from PostgreSQL table ops.actuals_daily: connection "
        'failed: connection to server at "127.0.0.1", port 1 failed: Connection refused\n',
    )


def test_a_malformed_url_does_not_show_its_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "ops.actuals_daily")
    code, output = _pull_refused(
        repo, monkeypatch, f"postgresql://planner:{PASSWORD}@127.0.0.1:5432/test?nonsense=1"
    )
    assert code == 1 and output.startswith("error: cannot read the actuals from PostgreSQL")


@pytest.mark.parametrize(
    ("password", "pieces"),
    [("Q@1@2@3@4@5@6", ["1@2@3", "5@6@"]), ("p@ss", ["ss@"]), ("ab@cd", ["cd@"])],
)
def test_a_password_holding_at_signs_is_hidden_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, password: str, pieces: list[str]
) -> None:
    """A parser cuts the user part at the first "@" and quotes the rest of the password
    as the host's name: no piece of it may show."""
    repo = _repo(tmp_path, "ops.actuals_daily")
    monkeypatch.setenv("QPLAN_ACTUALS_URL", f"postgresql://root:{password}@127.0.0.1:5432/test")
    found = run_qplan("actuals", "pull", repo=repo)
    assert found.exit_code == 1 and found.output.startswith("error: cannot read the actuals")
    for piece in pieces:
        assert piece not in found.output, found.output


def test_pull_without_a_url_or_a_database_source_says_what_to_do(
    tmp_path: Path, example_repo: Path
) -> None:
    repo = _repo(tmp_path, "ops.actuals_daily")
    assert run_qplan("actuals", "pull", repo=repo).output == (
        "error: QPLAN_ACTUALS_URL is not set: put the URL of the actuals database in it "
        "(postgresql://user@host:5432/name; the password in PGPASSWORD or the URL)\n"
    )
    found = run_qplan("actuals", "pull", repo=example_repo)
    assert (found.exit_code, found.output) == (
        64,
        "error: the actuals come from the files under actuals/: there is nothing to pull "
        '(set [tool.qplan.actuals] source = "postgresql" and its table)\n',
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'source = "mysql"',
            "[tool.qplan.actuals] source must be files or postgresql, not 'mysql'",
        ),
        (
            'source = "postgresql"\ntable = "ops.x; drop table y"',
            "[tool.qplan.actuals] table must be a name like ops.actuals_daily (letters, digits, _)",
        ),
        ('source = "postgresql"', '[tool.qplan.actuals] source = "postgresql" needs a table'),
        ("days = 0", "[tool.qplan.actuals] days must be a whole number from 1 to 3,650"),
        ("password = 'x'", "[tool.qplan.actuals] has no key 'password'"),
        (
            'source = "postgresql"\ntable = "ops.good\\n"',
            "[tool.qplan.actuals] table must be a name like ops.actuals_daily (letters, digits, _)",
        ),
    ],
)
def test_bad_source_settings_are_one_line(tmp_path: Path, table: str, message: str) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "workflows", repo / "workflows")
    (repo / "pyproject.toml").write_text(f"[tool.qplan.actuals]\n{table}\n", encoding="utf-8")
    found = run_qplan("validate", repo=repo)
    assert found.exit_code == 1
    assert found.output.startswith(f"error: pyproject.toml: {message}"), found.output


def test_whole_numerics_count_an_extract_is_checked_and_older_pulls_removed(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts kept as numeric(30,5) whole numbers are counts; an extract changed after
    its pull is not read (QP024 says so); a new pull removes the older extract."""
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(
            f'CREATE VIEW "{database}".numerics AS SELECT date, queue, team, '
            "arrived::numeric(30,5) AS arrived, handled::numeric(30,5) AS handled, "
            "handled_within_sla, backlog_end, aht_seconds, qa_sampled, qa_correct "
            f'FROM "{database}".rows'
        )
    repo = _repo(tmp_path, f"{database}.numerics")
    monkeypatch.setenv("QPLAN_ACTUALS_URL", _url())
    assert run_qplan("actuals", "pull", repo=repo).exit_code == 0
    monkeypatch.setenv("QPLAN_TODAY", "2026-12-08")
    assert run_qplan("actuals", "pull", repo=repo).exit_code == 0
    import os

    extracts = sorted((Path(os.environ["QPLAN_CACHE_DIR"]) / "actuals").glob("*.parquet"))
    assert [p.name.rpartition("-2025")[2] for p in extracts] == ["-11-04-2026-12-08.parquet"]
    assert run_qplan("validate", repo=repo).output == "Valid: no problems found.\n"
    extracts[0].write_bytes(extracts[0].read_bytes() + b"\0")
    assert run_qplan("validate", repo=repo).output.splitlines()[0] == (
        f"pyproject.toml:7:1: QP024 the extract of the actuals in PostgreSQL table "
        f"{database}.numerics is not what was pulled (its digest differs): health and "
        "forecasts have none"
    )
