"""Actuals at scale: `qplan validate` and `qplan health` on a synthetic organisation with
daily actuals for every allocated queue and team, against `qplan validate` of the same
organisation without them, measured in the same run.

    python -m benchmarks.bench_health                       # 1,000 and 10,000 queues, 28 days
    python -m benchmarks.bench_health 1000 --days 365       # a year of daily rows
    python -m benchmarks.bench_health --shape sites
    python -m benchmarks.bench_health 1000 --source parquet      # or postgresql

``--source``: ``csv`` (the default), ``parquet`` (each file converted with DuckDB) or
``postgresql`` (the rows copied into a table of a schema of its own on the server at
``QPLAN_BENCH_POSTGRES_URL``, default 127.0.0.1:5432/test, pulled once with
``qplan actuals pull``, whose time is reported, then read from the extract).

Actuals files hold one month of one workflow each (well under max_file_bytes). Reports
best-of-3 wall time, the ratios and the peak memory (max RSS).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_validate import _option, _run, run_benchmark
from benchmarks.generate import generate_shape

HEAD = (
    "date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,"
    "qa_sampled,qa_correct,productive_hours\n"
)
LAST_DAY = date(2026, 11, 22)


#: days of actuals per queue and team (``--days``)
DAYS = 28


def write_actuals(folder: Path, days: int) -> int:
    """Daily rows for every allocated queue and team of the organisation in ``folder``;
    returns the number of rows."""
    from qplan.app.workspace import validate_repository
    from qplan.load.settings import load_settings

    org = validate_repository(settings=load_settings(folder)).organisation
    rng = random.Random(5)
    files: dict[tuple[str, str], list[str]] = {}
    rows = 0
    first = LAST_DAY - timedelta(days=days - 1)
    for qid, allocation in sorted(org.allocations.items()):
        queue = org.queues[qid]
        if queue.forecast is None:
            continue
        daily = queue.forecast.weekly_volume / 7
        aht = queue.forecast.aht_seconds
        for tid, share in allocation.shares.items():
            arrived = max(1, round(daily * share / 100))
            for d in range(days):
                day = first + timedelta(days=d)
                handled = arrived
                within = round(handled * rng.uniform(0.85, 0.99))
                sampled = max(1, handled // 20)
                line = (
                    f"{day},{qid},{tid},{arrived},{handled},{within},{arrived // 3},"
                    f"{aht:.1f},{sampled},{sampled - sampled // 15},{handled * aht / 3000:.1f}\n"
                )
                files.setdefault((queue.workflow, day.strftime("%Y-%m")), []).append(line)
                rows += 1
    out = folder / "actuals"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    for (workflow, month), lines in files.items():
        (out / f"{workflow}-{month}.csv").write_text(HEAD + "".join(lines), encoding="utf-8")
    return rows


#: where the actuals are read from (``--source``)
SOURCE = "csv"
POSTGRES_URL = os.environ.get("QPLAN_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def use_source(folder: Path, source: str) -> float:
    """Move the CSVs under ``folder``/actuals into ``source``; returns the seconds a pull
    took (0 for files)."""
    if source == "csv":
        return 0.0
    import duckdb

    files = sorted((folder / "actuals").glob("*.csv"))
    if source == "parquet":
        with duckdb.connect() as connection:
            for file in files:
                target = file.with_suffix(".parquet")
                relation = connection.read_csv(str(file), header=True)
                relation.write_parquet(str(target))
                file.unlink()
        return 0.0
    import psycopg

    schema = f"qplan_bench_{uuid.uuid4().hex[:12]}"
    columns = (
        "date date, queue text, team text, arrived integer, handled integer, "
        "handled_within_sla integer, backlog_end integer, aht_seconds double precision, "
        "qa_sampled integer, qa_correct integer, productive_hours double precision"
    )
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
        connection.execute(f'CREATE TABLE "{schema}".actuals_daily ({columns})')
        for file in files:
            copy = f'COPY "{schema}".actuals_daily FROM STDIN (FORMAT csv, HEADER)'
            with connection.cursor().copy(copy) as stream:
                stream.write(file.read_text(encoding="utf-8"))
            file.unlink()
    _DROP.append(schema)
    settings = folder / "pyproject.toml"
    text = settings.read_text(encoding="utf-8") if settings.exists() else ""
    settings.write_text(
        text + f'\n[tool.qplan.actuals]\nsource = "postgresql"\ntable = "{schema}.actuals_daily"\n'
        f"days = {DAYS + 30}\n",
        encoding="utf-8",
    )
    os.environ["QPLAN_ACTUALS_URL"] = POSTGRES_URL
    os.environ.setdefault("QPLAN_TODAY", LAST_DAY.isoformat())
    pulled, _ = _run([sys.executable, "-m", "qplan", "--repo", str(folder), "actuals", "pull"])
    return pulled


#: the schemas made for a postgresql run, dropped at the end
_DROP: list[str] = []


def measure(queues: int, folder: Path, shape: str = "pairs") -> dict[str, Any]:
    generate_shape(shape, queues, folder)
    qplan = [sys.executable, "-m", "qplan", "--repo", str(folder)]
    without, _ = _run([*qplan, "validate", "--format", "json"])
    rows = write_actuals(folder, DAYS)
    size = sum(f.stat().st_size for f in (folder / "actuals").iterdir())
    pull = use_source(folder, SOURCE)
    validate, peak = _run([*qplan, "validate", "--format", "json"])
    health, health_peak = _run([*qplan, "health", "--format", "json"])
    return {
        "queues": queues,
        "shape": shape,
        "source": SOURCE,
        "pull_s": round(pull, 3),
        "days": DAYS,
        "rows": rows,
        "actuals_mb": round(size / 1e6, 1),
        "validate_without_s": round(without, 3),
        "validate_s": round(validate, 3),
        "validate_ratio": round(validate / without, 2),
        "health_s": round(health, 3),
        "health_ratio": round(health / without, 2),
        "peak_rss_mb": round(max(peak, health_peak), 1),
    }


def _describe(row: dict[str, Any]) -> str:
    pulled = f" (pulled in {row['pull_s']:.2f} s)" if row["pull_s"] else ""
    return (
        f"{row['shape']:>5} {row['queues']:>6} queues  {row['source']}{pulled}  "
        f"{row['days']} days  "
        f"{row['rows']:,} rows ({row['actuals_mb']} MB)  validate without actuals "
        f"{row['validate_without_s']:.2f} s, with {row['validate_s']:.2f} s "
        f"({row['validate_ratio']:.2f}x)  health {row['health_s']:.2f} s "
        f"({row['health_ratio']:.2f}x)  peak {row['peak_rss_mb']:.0f} MiB"
    )


def main() -> None:
    global DAYS, SOURCE
    DAYS = int(_option(sys.argv, "--days", str(DAYS)))
    SOURCE = _option(sys.argv, "--source", SOURCE)
    if SOURCE not in ("csv", "parquet", "postgresql"):
        raise SystemExit("--source is csv, parquet or postgresql")
    try:
        run_benchmark(measure, _describe, "validate_s")
    finally:
        if _DROP:
            import psycopg

            with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
                for schema in _DROP:
                    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


if __name__ == "__main__":
    main()
