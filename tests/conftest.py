from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
TODAY = "2026-12-07"


def _pin(patch: pytest.MonkeyPatch, cache: Path) -> None:
    patch.setenv("QPLAN_TODAY", TODAY)
    patch.setenv("QPLAN_CACHE_DIR", str(cache))
    patch.delenv("QPLAN_STATE", raising=False)
    patch.setenv("QPLAN_ACTOR", "tester@lakeside.example")
    patch.setenv("NO_COLOR", "1")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Review dates are checked against a fixed day, so expected output never ages; each
    test has its own, empty, cache of rendered site pages."""
    _pin(monkeypatch, tmp_path_factory.mktemp("cache"))


@contextmanager
def pinned_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The environment of :func:`fixed_today`, for a fixture shared by several tests: pytest
    sets such fixtures up before any test's own, so without this they would see the real
    day (and a site built on the 8th would not say what tests of the 7th expect)."""
    with pytest.MonkeyPatch.context() as patch:
        _pin(patch, tmp_path_factory.mktemp("cache"))
        yield


def run_qplan(*args: str, repo: Path | str | None = None, input: str | None = None) -> Result:
    """Run ``qplan`` in-process through its real entry point (exit codes included)."""
    argv = (["--repo", str(repo)] if repo is not None else []) + list(args)
    return CliRunner().invoke(_ENTRY, argv, input=input, catch_exceptions=False)


@click.command(
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.pass_context
def _ENTRY(ctx: click.Context) -> None:
    from qplan.cli import main

    main(list(ctx.args))


def _copy_example(target: Path) -> Path:
    target.mkdir()
    for name in ("workflows", "sops", "schemas", "training", "actuals", "scenarios", "projects"):
        shutil.copytree(ROOT / name, target / name)
    (target / "pyproject.toml").write_text(example_settings(), encoding="utf-8")
    return target


@pytest.fixture
def example_repo(tmp_path: Path) -> Iterator[Path]:
    """A copy of the repository's example organisation, free to modify."""
    yield _copy_example(tmp_path / "repo")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation's docs, built once a test process for the tests that only
    read them: the MkDocs project under ``project/`` and the site under ``site/``. Not to
    be modified."""
    repo = _copy_example(tmp_path_factory.mktemp("example-site") / "repo")
    with pinned_environment(tmp_path_factory):
        built = run_qplan("docs", "build", "--project-dir", "project", "--out", "site", repo=repo)
    assert built.exit_code == 0, built.output
    return repo


def example_settings() -> str:
    """The example organisation's ``[tool.qplan]`` table, as this project's pyproject.toml
    holds it (the example lives at the project's root)."""
    lines = (ROOT / "pyproject.toml").read_text(encoding="utf-8").splitlines()
    start = lines.index("[tool.qplan]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return "\n".join(lines[start:end]).rstrip() + "\n"


#: set from ``--update-goldens`` (see :func:`pytest_configure`)
_UPDATING: list[bool] = [False]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="rewrite each expected-output file that differs, and fail its test so that the "
        "diff is reviewed before the next run (refused where CI requires its servers)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("QPLAN_UPDATE_EXPECTED"):
        raise pytest.UsageError("QPLAN_UPDATE_EXPECTED is gone: run pytest --update-goldens")
    updating = bool(config.getoption("--update-goldens"))
    required = sorted(k for k in os.environ if k.startswith("QPLAN_REQUIRE_"))
    if updating and required:
        raise pytest.UsageError(
            f"--update-goldens is refused where {', '.join(required)} is set (CI): expected "
            "output is rewritten on a developer's machine and reviewed"
        )
    _UPDATING[0] = updating


def expect_golden(path: Path, actual: str) -> None:
    """``actual`` equals the expected-output file. With ``--update-goldens`` a file that
    differs is rewritten and the test fails, naming it: the run that rewrites proves
    nothing, the next one does."""
    expected = path.read_text(encoding="utf-8") if path.exists() else None
    if _UPDATING[0] and actual != expected:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        pytest.fail(f"rewrote {shown}: review the diff, then run again")
    assert expected is not None, f"{path} is missing: run pytest --update-goldens"
    assert actual == expected


def copy_case(case: Path, tmp_path: Path) -> Path:
    target = tmp_path / case.name
    shutil.copytree(case, target, symlinks=True)
    return target


def need_a_helper_process() -> None:
    """For a test of work shared with a forked helper: skip it where no helper can run (one
    CPU, no fork), unless ``QPLAN_REQUIRE_FORK`` is set (``.ci/run`` sets it): then fail."""
    from qplan.core.forked import can_fork, cpus

    if can_fork():
        return
    why = f"no helper process can run here ({cpus()} CPU(s) usable, or no fork)"
    if os.environ.get("QPLAN_REQUIRE_FORK"):
        pytest.fail(f"QPLAN_REQUIRE_FORK is set but {why}")
    pytest.skip(why)


POSTGRES_URL = os.environ.get("QPLAN_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")
_POSTGRES_PROBLEM: list[str | None] = []


def postgres_problem() -> str | None:
    """Why the test PostgreSQL server cannot be used, or None when it can (asked once)."""
    if not _POSTGRES_PROBLEM:
        try:
            import psycopg

            with psycopg.connect(POSTGRES_URL, connect_timeout=3):
                pass
            _POSTGRES_PROBLEM.append(None)
        except Exception as exc:  # any failure means "not here"; the reason is shown
            _POSTGRES_PROBLEM.append(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}")
    return _POSTGRES_PROBLEM[0]


def postgres_schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema={schema}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty schema of its own on the test PostgreSQL server, dropped afterwards.

    Skipped with the reason when no server answers; a failure when
    ``QPLAN_REQUIRE_POSTGRES`` is set (as ``.ci/run`` does).
    """
    problem = postgres_problem()
    if problem:
        if os.environ.get("QPLAN_REQUIRE_POSTGRES"):
            pytest.fail(f"QPLAN_REQUIRE_POSTGRES is set but PostgreSQL is unusable: {problem}")
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL} ({problem})")
    import psycopg

    schema = f"qplan_test_{uuid.uuid4().hex[:16]}"
    yield postgres_schema_url(schema)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty state on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "state.db")
    url: str = request.getfixturevalue("postgres_url")
    return url
