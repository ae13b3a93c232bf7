"""The benchmarks still run, on an organisation small enough for CI (no timing is asserted:
the numbers are for `python -m benchmarks.…` runs, reported in the README)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.generate import generate_shape

from tests.conftest import ROOT, run_qplan


@pytest.mark.parametrize("shape", ["pairs", "sites", "large"])
def test_the_synthetic_organisations_are_valid(tmp_path: Path, shape: str) -> None:
    generate_shape(shape, 200, tmp_path / "org")
    result = run_qplan("validate", repo=tmp_path / "org")
    assert result.exit_code == 0, result.output[-2000:]


@pytest.mark.parametrize(
    ("module", "fields"),
    [
        ("benchmarks.bench_validate", {"queues", "baseline_s", "validate_s", "ratio", "help_s"}),
        (
            "benchmarks.bench_plan",
            {"queues", "plan_s", "apply_s", "plan_vs_validate", "plan_one_s", "plan_empty_s"},
        ),
        (
            "benchmarks.bench_docs",
            {"queues", "pages", "cold_s", "after_change_s", "pages_from_cache"}
            | {"pages_left_as_written"},
        ),
        ("benchmarks.bench_capacity", {"queues", "capacity_s", "capacity_vs_validate"}),
        ("benchmarks.bench_health", {"queues", "rows", "validate_s", "health_s"}),
        ("benchmarks.bench_forecast", {"queues", "rows", "forecast_s", "forecast_queues"}),
    ],
)
# one shape (the second, which exercises more of the model) in the suite: both are valid
# (above) and both are measured by the benchmarks themselves
@pytest.mark.parametrize("shape", ["sites"])
def test_each_benchmark_runs_and_reports_its_figures(
    module: str, fields: set[str], shape: str
) -> None:
    # six weeks of days: enough to forecast from, few enough for a smoke run
    days = ["--days", "42"] if module == "benchmarks.bench_forecast" else []
    done = subprocess.run(
        [sys.executable, "-m", module, "100", "--shape", shape, "--rounds", "1", *days],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    assert [(row["queues"], row["shape"]) for row in rows] == [(100, shape)]
    assert fields <= set(rows[0])
    assert all(rows[0][name] > 0 for name in fields)


def test_the_allocation_benchmark_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_allocate", "200", "--teams", "10"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    [row] = json.loads(done.stdout.strip().splitlines()[-1])
    assert (row["queues"], row["teams"], row["status"]) == (200, 10, "optimal")
    assert row["weekly_cost_after"] <= row["weekly_cost_before"]
