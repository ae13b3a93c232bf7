"""Untrusted numbers are finite and bounded, so every model runs in bounded time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan

FORECAST = "forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: 30}"

PAYLOADS = [
    (
        "forecast: {arrival: realtime, weekly_volume: 1e12, aht_seconds: 30}",
        "QP023 queue q-prod: forecast.weekly_volume: input should be less than or equal to "
        "100000000",
    ),
    (
        "forecast: {arrival: realtime, weekly_volume: 99000000, aht_seconds: 3600}",
        "QP023 queue q-prod: forecast: a real-time queue of 589,286 Erlangs is over the limit of "
        "5,000; split it into several queues",
    ),
    (
        "forecast: {arrival: backlog, weekly_volume: .inf, aht_seconds: 30}",
        "QP023 queue q-prod: forecast.weekly_volume: input should be a finite number",
    ),
    (
        "forecast: {arrival: backlog, weekly_volume: .nan, aht_seconds: 30}",
        "QP023 queue q-prod: forecast.weekly_volume: input should be a finite number",
    ),
    (
        "forecast: {arrival: backlog, weekly_volume: 1e308, aht_seconds: 30}",
        "QP023 queue q-prod: forecast.weekly_volume: input should be less than or equal to "
        "100000000",
    ),
    (
        "forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: 1e300}",
        "QP023 queue q-prod: forecast.aht_seconds: input should be less than or equal to 86400",
    ),
    (
        "forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: -.inf}",
        "QP023 queue q-prod: forecast.aht_seconds: input should be a finite number",
    ),
]


@pytest.mark.parametrize(("forecast", "diagnostic"), PAYLOADS)
def test_a_hostile_forecast_is_one_diagnostic_in_bounded_time(
    tmp_path: Path, forecast: str, diagnostic: str
) -> None:
    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    org.write_text(org.read_text().replace(FORECAST, forecast))
    for command in ("validate", "plan", "capacity"):
        done = qplan(command, repo=repo, timeout=30)
        assert done.returncode == 1, command
        first = done.stdout.splitlines()[0]
        assert first.startswith("workflows/org.yaml:51:"), first
        assert first.split(": ", 1)[1] == diagnostic


@pytest.mark.parametrize(
    ("text", "hostile", "diagnostic"),
    [
        (
            "headcount_fte: 50\n",
            "headcount_fte: 1e9\n",
            "workflows/org.yaml:18:20: QP023 team team-a: headcount_fte: input should be less "
            "than or equal to 100000",
        ),
        (
            "cost_per_hour: 50\n",
            "cost_per_hour: .nan\n",
            "workflows/org.yaml:20:20: QP023 team team-a: cost_per_hour: input should be a "
            "finite number",
        ),
    ],
)
def test_team_figures_are_bounded(tmp_path: Path, text: str, hostile: str, diagnostic: str) -> None:
    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    org.write_text(org.read_text().replace(text, hostile, 1))
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == diagnostic


def test_a_year_long_duration_is_the_limit(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    org.write_text(org.read_text().replace("within: 24h", "within: 99999999999999999999d"))
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert (
        "workflows/org.yaml:76:32: QP023 target q-prod: sla.within: "
        "'99999999999999999999d' is longer than qplan accepts (at most 366d)"
    ) in done.stdout.splitlines()


ERLANG = ["erlang", "--aht", "180s", "--within", "20s"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--volume", "inf"], "Invalid value for '--volume': inf is not in the range"),
        (["--volume", "nan"], "Error: traffic must be a finite number >= 0, not nan"),
        (["--volume", "1e308"], "Invalid value for '--volume': 1e+308 is not in the range"),
        (
            ["--volume", "1000000"],
            "Error: traffic of 100,000.0 Erlangs is over the limit of 5,000 for one queue",
        ),
        (["--volume", "100", "--agents", "99999999999"], "Invalid value for '--agents'"),
        (["--volume", "100", "--patience", "1e308s"], "Invalid value for --patience"),
        (["--volume", "100", "--target", "nan"], "error: --target nan: service-level target"),
    ],
)
def test_erlang_refuses_what_it_cannot_answer(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    done = qplan(*ERLANG, *extra, repo=tmp_path, timeout=30)
    assert done.returncode == 64
    assert message in done.stderr


def test_erlang_a_with_a_long_patience_answers_in_bounded_time(tmp_path: Path) -> None:
    done = qplan(
        "erlang",
        "--volume",
        "4000",
        "--interval",
        "30m",
        "--aht",
        "1s",
        "--within",
        "30d",
        "--patience",
        "30d",
        "--format",
        "json",
        repo=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["recommended_agents"] == 3


def _profiled(repo: Path, profile: str) -> Path:
    """The minimal repository with q-prod on a profile given as YAML."""
    org = repo / "workflows" / "org.yaml"
    text = org.read_text().replace(FORECAST, FORECAST[:-1] + ", profile: p}")
    org.write_text(text + "\nprofiles:\n" + profile)
    return org


EVENINGS = (
    "  - id: p\n    timezone: America/New_York\n    days: [1, 1, 1, 1, 1.15, 1.3, 1.25]\n"
    "    intraday: [6, 6, 4, 4, 3, 3, 2, 2, 2, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7,"
    " 7, 7, 7, 7, 8, 8, 9, 9, 10, 10, 12, 12, 14, 14, 15, 15, 15, 15, 12, 12, 9, 9]\n"
)


@pytest.mark.parametrize("within", ["5m", "1h", "24h"])
def test_a_large_queue_with_a_long_patience_validates_in_bounded_time(
    tmp_path: Path, within: str
) -> None:
    """1,000,000 items a week with an hour's patience over 336 half-hours: the chain of
    waiting states is long, and walking it took 30 s to minutes; the closed form does not."""
    repo = minimal_repo(tmp_path)
    org = _profiled(repo, EVENINGS)
    org.write_text(
        org.read_text()
        .replace(
            "arrival: backlog, weekly_volume: 10000, aht_seconds: 30,",
            "arrival: realtime, weekly_volume: 1000000, aht_seconds: 30, patience: 60m,",
        )
        .replace("sla: {percent: 95, within: 24h}", f"sla: {{percent: 80, within: {within}}}")
    )
    for command in (["validate"], ["docs", "build"]):
        done = qplan(*command, repo=repo, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr


def test_tiny_profile_weights_do_not_underflow_to_an_empty_week(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    tiny = ", ".join(["5e-324"] * 48)
    _profiled(repo, f"  - id: p\n    timezone: UTC\n    days: [{', '.join(['1e-300'] * 7)}]\n"
              f"    intraday: [{tiny}]\n")  # fmt: skip
    done = qplan("capacity", "--intervals", "--format", "json", repo=repo, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    [queue] = json.loads(done.stdout)["queues"]
    # equal weights, however small: a flat week of 10,000 items (to two decimals each)
    assert {i["volume"] for i in queue["intervals"]} == {round(10000 / 336, 2)}


@pytest.mark.parametrize(
    ("rows", "diagnostic"),
    [
        ("mon 09:00,nan\n", "forecasts/f.csv:2:1: QP106 forecast volume 'nan' is not a number"),
        ("mon 09:00,-inf\n", "forecasts/f.csv:2:1: QP106 forecast volume '-inf' is not a number"),
        ("mon 09:00,5,1e400\n", "forecasts/f.csv:2:1: QP106 forecast aht_seconds '1e400' is not"),
        ("mon 25:00,5\n", "forecasts/f.csv:2:1: QP106 forecast interval_start 'mon 25:00' is not"),
        ("mon 09:00,5\n" * 3, "forecasts/f.csv:3:1: QP106 forecast repeats interval mon 09:00"),
    ],
)
def test_a_hostile_forecast_csv_is_one_diagnostic_per_row(
    tmp_path: Path, rows: str, diagnostic: str
) -> None:
    repo = minimal_repo(tmp_path)
    _profiled(repo, "  - id: p\n    timezone: UTC\n    csv: forecasts/f.csv\n")
    (repo / "forecasts").mkdir()
    header = (
        "interval_start,volume,aht_seconds\n"
        if rows.count(",") > rows.count("\n")
        else ("interval_start,volume\n")
    )
    (repo / "forecasts" / "f.csv").write_text(header + rows, encoding="utf-8")
    before = sorted(p.name for p in repo.rglob("*"))
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.startswith(diagnostic), done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert sorted(p.name for p in repo.rglob("*")) == before  # nothing written


ACTUALS_HEAD = (
    "date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,"
    "qa_sampled,qa_correct,productive_hours\n"
)


@pytest.mark.parametrize(
    ("content", "diagnostic"),
    [
        (
            ACTUALS_HEAD + "2026-11-09,q-prod,team-a,99999999999999999999,1,1,0,30,0,0,1\n",
            "actuals/a.csv:2:26: QP107 actuals arrived '99999999999999999999' is not a whole "
            "number from 0 to 1,000,000,000",
        ),
        (
            ACTUALS_HEAD + "2026-11-09,q-prod,team-a,1,1,1,0,1e400,0,0,1\n",
            "actuals/a.csv:2:34: QP107 actuals aht_seconds '1e400' is not a number",
        ),
        (
            ACTUALS_HEAD + "2026-11-09,q-prod,team-a,１２,1,1,0,30,0,0,1\n",
            "actuals/a.csv:2:26: QP107 actuals arrived '１２' is not a whole number",
        ),
        (
            ACTUALS_HEAD + "2026-11-09,q-prod,team-a,1,1,1,0,30,0,0,-0.5\n",
            "actuals/a.csv:2:41: QP107 actuals productive_hours '-0.5' is not a number",
        ),
        (
            ACTUALS_HEAD + "+002026-11-09,q-prod,team-a,1,1,1,0,30,0,0,1\n",
            "actuals/a.csv:2:1: QP107 actuals date '+002026-11-09' is not a date",
        ),
        (
            "\ufeff" + ACTUALS_HEAD + "2026-11-09,q-prod,team-a,1,1,1,0,30,0,0,1\n" * 2,
            "actuals/a.csv:3:1: QP107 actuals repeats q-prod at team-a on 2026-11-09",
        ),
        (
            ACTUALS_HEAD + '2026-11-09,"q-prod\n<script>",team-a,1,1,1,0,30,0,0,1\n',
            "actuals/a.csv:3:12: QP109 actuals name an unknown queue 'q-prod\\n<script>'",
        ),
    ],
)
def test_hostile_actuals_are_one_diagnostic_per_row(
    tmp_path: Path, content: str, diagnostic: str
) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "actuals").mkdir()
    (repo / "actuals" / "a.csv").write_text(content, encoding="utf-8")
    before = sorted(p.name for p in repo.rglob("*"))
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == (0 if " QP109 " in diagnostic else 1), done.stdout
    assert done.stdout.startswith(diagnostic), done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert sorted(p.name for p in repo.rglob("*")) == before  # nothing written


def test_actuals_that_are_not_utf8_or_too_large(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "actuals").mkdir()
    (repo / "actuals" / "latin1.csv").write_bytes(ACTUALS_HEAD.encode() + b"caf\xe9\n")
    (repo / "actuals" / "huge.csv").write_text(ACTUALS_HEAD + "x" * (2 * 1024 * 1024))
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if not line.startswith("  hint")]
    assert [line.split(" ")[1] for line in lines[:2]] == ["QP005", "QP007"], done.stdout


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
@pytest.mark.parametrize("command", [["plan"], ["health"], ["docs", "build"]])
def test_actuals_of_a_day_out_of_range_are_one_diagnostic(
    tmp_path: Path, day: str, command: list[str]
) -> None:
    """Periods of weeks before and after each day were worked out from them: year 1 was a
    traceback of plan, health and docs build."""
    repo = minimal_repo(tmp_path)
    (repo / "actuals").mkdir()
    (repo / "actuals" / "a.csv").write_text(
        ACTUALS_HEAD + f"{day},q-prod,team-a,1,1,1,0,30,0,0,1\n", encoding="utf-8"
    )
    done = qplan(*command, repo=repo, timeout=60)
    assert done.returncode == 1
    assert done.stdout.startswith(
        f"actuals/a.csv:2:1: QP107 actuals date '{day}' is not a date like 2026-11-02 "
        "(from 2000 to 2199)\n"
    ), done.stdout


def _one_half_hour(repo: Path, weekly_volume: int) -> None:
    """q-prod real-time, its whole week in one half-hour (Monday 23:30 UTC)."""
    org = _profiled(
        repo,
        "  - id: p\n    timezone: UTC\n    days: [1, 0, 0, 0, 0, 0, 0]\n"
        f"    intraday: [{', '.join(['0'] * 47 + ['1'])}]\n",
    )
    org.write_text(
        org.read_text()
        .replace(
            "arrival: backlog, weekly_volume: 10000, aht_seconds: 30,",
            f"arrival: realtime, weekly_volume: {weekly_volume}, aht_seconds: 300,",
        )
        .replace("sla: {percent: 95, within: 24h}", "sla: {percent: 80, within: 5m}")
    )


@pytest.mark.parametrize("command", [["validate"], ["capacity"], ["docs", "build"], ["plan"]])
def test_a_profile_that_puts_the_week_in_one_half_hour_is_one_diagnostic(
    tmp_path: Path, command: list[str]
) -> None:
    """The file format bounds a queue's weekly average traffic; its profile may still make
    one half-hour more than the Erlang routines take: that was a traceback."""
    repo = minimal_repo(tmp_path)
    _one_half_hour(repo, 100_000)
    done = qplan(*command, repo=repo, timeout=60)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "workflows/org.yaml:51:15: QP023 queue q-prod's busiest half-hour is 16,666.7 Erlangs, "
        "over the limit of 5,000 for one queue",
        "  hint: split the queue, or give its profile a flatter week",
    ]


def test_a_scenario_that_puts_a_queue_over_the_limit_is_one_diagnostic(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    _one_half_hour(repo, 10_000)
    (repo / "scenarios").mkdir()
    (repo / "scenarios" / "s.yaml").write_text(
        "id: s\ntitle: S\nchanges:\n  - {type: volume, queue: q-prod, multiply: 4}\n"
    )
    assert qplan("docs", "build", repo=repo, timeout=60).returncode == 0
    done = qplan("scenario", "s", repo=repo, timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:2] == [
        "scenarios/s.yaml:4:3: QP180 queue q-prod's busiest half-hour is 6,666.7 Erlangs, over "
        "the limit of 5,000 for one queue",
        "  hint: split the queue, or give its profile a flatter week",
    ]
