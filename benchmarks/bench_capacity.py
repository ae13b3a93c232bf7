"""`qplan capacity` on synthetic organisations, against `qplan validate` and the plain-YAML
baseline measured in the same run.

    python -m benchmarks.bench_capacity            # 1,000 and 10,000 queues
    python -m benchmarks.bench_capacity 2000 20000 # other sizes

Validate already derives the capacity figures for its checks, so `capacity` costs validate
plus rendering every queue and team; the target is within 1.5× of validate.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks.bench_validate import BASELINE, _run, run_benchmark
from benchmarks.generate import generate_shape


def measure(queues: int, folder: Path, shape: str = "pairs") -> dict[str, Any]:
    generate_shape(shape, queues, folder)
    qplan = [sys.executable, "-m", "qplan", "--repo", str(folder)]
    baseline, _ = _run([sys.executable, "-c", BASELINE, str(folder)])
    validate, _ = _run([*qplan, "validate", "--format", "json"])
    capacity, peak = _run([*qplan, "capacity", "--format", "json"])
    return {
        "queues": queues,
        "shape": shape,
        "baseline_s": round(baseline, 3),
        "validate_s": round(validate, 3),
        "capacity_s": round(capacity, 3),
        "capacity_vs_validate": round(capacity / validate, 2),
        "capacity_vs_baseline": round(capacity / baseline, 2),
        "peak_rss_mb": round(peak, 1),
    }


def _describe(row: dict[str, Any]) -> str:
    return (
        f"{row['shape']:>5} {row['queues']:>6} queues  baseline {row['baseline_s']:.2f} s  "
        f"validate {row['validate_s']:.2f} s  capacity {row['capacity_s']:.2f} s "
        f"({row['capacity_vs_validate']:.2f}x validate, {row['capacity_vs_baseline']:.1f}x "
        f"baseline)  peak {row['peak_rss_mb']:.0f} MiB"
    )


def main() -> None:
    run_benchmark(measure, _describe, "capacity_s")


if __name__ == "__main__":
    main()
