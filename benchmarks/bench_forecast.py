"""Forecasting at scale: `qplan forecast` over every queue of a synthetic organisation with
daily actuals (a weekly season, a trend and noise per queue), against `qplan validate` of
the same organisation with the same actuals, measured in the same run; and `validate`
without actuals, to show that forecasting costs nothing until it is asked for.

    python -m benchmarks.bench_forecast                    # 1,000 and 10,000 queues, 2 years
    python -m benchmarks.bench_forecast 200 --days 364     # a year of days
    python -m benchmarks.bench_forecast --shape sites

Reports best-of-3 wall time (``--rounds``), the ratio to `validate`, the seconds a queue
and what 10,000 queues would take at that rate.
"""

from __future__ import annotations

import math
import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_health import HEAD, LAST_DAY
from benchmarks.bench_validate import _option, _run, run_benchmark
from benchmarks.generate import generate_shape

#: days of actuals per queue (``--days``): two years
DAYS = 728


def write_actuals(folder: Path, days: int) -> tuple[int, int]:
    """Daily rows of the first team of every allocated queue with a forecast, each queue
    with its own level, trend, weekly shape and noise; returns (queues, rows)."""
    from qplan.app.workspace import validate_repository
    from qplan.load.settings import load_settings

    org = validate_repository(settings=load_settings(folder)).organisation
    rng = random.Random(11)
    first = LAST_DAY - timedelta(days=days - 1)
    by_month: dict[str, list[str]] = {}
    queues = rows = 0
    for qid, allocation in sorted(org.allocations.items()):
        queue = org.queues[qid]
        if queue.forecast is None or not allocation.shares:
            continue
        team = sorted(allocation.shares)[0]
        level = queue.forecast.weekly_volume / 7
        growth = rng.uniform(-0.0005, 0.0008)
        shape = [rng.uniform(0.7, 1.3) for _ in range(7)]
        noise = rng.choice((0.03, 0.06, 0.1))
        aht = queue.forecast.aht_seconds
        queues += 1
        for d in range(days):
            day: date = first + timedelta(days=d)
            factor = math.exp(growth * (d - days)) * shape[day.weekday()]
            arrived = max(1, round(level * factor * (1 + rng.gauss(0, noise))))
            by_month.setdefault(day.strftime("%Y-%m"), []).append(
                f"{day},{qid},{team},{arrived},{arrived},{arrived},0,{aht:.1f},0,0,\n"
            )
            rows += 1
    out = folder / "actuals"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    for month, lines in by_month.items():
        (out / f"{month}.csv").write_text(HEAD + "".join(lines), encoding="utf-8")
    return queues, rows


def measure(queues: int, folder: Path, shape: str = "pairs") -> dict[str, Any]:
    generate_shape(shape, queues, folder)
    qplan = [sys.executable, "-m", "qplan", "--repo", str(folder)]
    without, _ = _run([*qplan, "validate", "--format", "json"])
    forecast_queues, rows = write_actuals(folder, DAYS)
    validate, _ = _run([*qplan, "validate", "--format", "json"])
    forecast, peak = _run([*qplan, "forecast", "--format", "json"])
    per_queue = (forecast - validate) / max(forecast_queues, 1)
    return {
        "queues": queues,
        "shape": shape,
        "days": DAYS,
        "rows": rows,
        "forecast_queues": forecast_queues,
        "validate_without_s": round(without, 3),
        "validate_s": round(validate, 3),
        "forecast_s": round(forecast, 3),
        "forecast_vs_validate": round(forecast / validate, 2),
        "seconds_a_queue": round(per_queue, 4),
        "minutes_for_10000": round(per_queue * 10_000 / 60, 1),
        "peak_rss_mb": round(peak, 1),
    }


def _describe(row: dict[str, Any]) -> str:
    return (
        f"{row['shape']:>5} {row['queues']:>6} queues  {row['forecast_queues']} forecast from "
        f"{row['days']} days ({row['rows']:,} rows)  validate without actuals "
        f"{row['validate_without_s']:.2f} s, with {row['validate_s']:.2f} s  forecast "
        f"{row['forecast_s']:.2f} s ({row['forecast_vs_validate']:.2f}x validate, "
        f"{row['seconds_a_queue']:.3f} s a queue: {row['minutes_for_10000']:.0f} min for "
        f"10,000)  peak {row['peak_rss_mb']:.0f} MiB"
    )


def main() -> None:
    global DAYS
    DAYS = int(_option(sys.argv, "--days", str(DAYS)))
    run_benchmark(measure, _describe, "forecast_s")


if __name__ == "__main__":
    main()
