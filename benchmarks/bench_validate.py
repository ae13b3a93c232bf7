"""`qplan validate` on synthetic organisations, against a baseline measured in the same run:
a plain Python process that only loads the same files with PyYAML's CSafeLoader.

    python -m benchmarks.bench_validate            # 1,000 and 10,000 queues
    python -m benchmarks.bench_validate 2000 20000 # other sizes
    python -m benchmarks.bench_validate --shape sites  # the second organisation shape
    python -m benchmarks.bench_validate 200 --rounds 1 # a smoke run: each command once

Reports wall time (best of 3 rounds unless ``--rounds`` says otherwise), the ratio to the
baseline, and peak memory (max RSS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.generate import generate_shape

BASELINE = """
import gc, sys, yaml
from pathlib import Path
gc.disable()
for f in sorted(Path(sys.argv[1], "workflows").rglob("*.yaml")):
    yaml.load(f.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


# How many times each command runs; the best time counts (``--rounds`` sets it).
ROUNDS = [3]


def _run(command: list[str]) -> tuple[float, float]:
    """Best-of-``ROUNDS`` wall seconds and the peak RSS in MiB of ``command`` (that
    process's own, from ``wait4``, not the largest of every child so far)."""
    best = float("inf")
    peak = 0.0
    for _ in range(ROUNDS[0]):
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert child.stderr is not None
        errors = child.stderr.read()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1, 2):
            raise SystemExit(f"{command} failed:\n{errors.decode(errors='replace')}")
        best = min(best, elapsed)
        peak = max(peak, usage.ru_maxrss / 1024)
    return best, peak


def measure(queues: int, folder: Path, shape: str = "pairs") -> dict[str, Any]:
    generate_shape(shape, queues, folder)
    size = sum(f.stat().st_size for f in (folder / "workflows").rglob("*.yaml"))
    baseline, _ = _run([sys.executable, "-c", BASELINE, str(folder)])
    env_qplan = [
        sys.executable,
        "-m",
        "qplan",
        "--repo",
        str(folder),
        "validate",
        "--format",
        "json",
    ]
    validate, peak = _run(env_qplan)
    started, _ = _run([sys.executable, "-c", "pass"])
    helped, _ = _run([sys.executable, "-m", "qplan", "--help"])
    return {
        "python_start_s": round(started, 3),
        "help_s": round(helped, 3),
        "queues": queues,
        "shape": shape,
        "yaml_mb": round(size / 1e6, 2),
        "baseline_s": round(baseline, 3),
        "validate_s": round(validate, 3),
        "ratio": round(validate / baseline, 2),
        "peak_rss_mb": round(peak, 1),
    }


def run_benchmark(
    measure: Callable[[int, Path, str], dict[str, Any]],
    describe: Callable[[dict[str, Any]], str],
    timed: str,
) -> None:
    """Measure each size given on the command line (default 1,000 and 10,000 queues) of the
    organisation shape given by ``--shape pairs|sites`` (default pairs), each command best of
    ``--rounds`` runs (default 3), print one line per size, how ``timed`` grows per queue,
    and every row as JSON."""
    args = sys.argv[1:]
    shape = _option(args, "--shape", "pairs")
    ROUNDS[0] = int(_option(args, "--rounds", "3"))
    sizes = [int(a) for a in args] or [1000, 10000]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for queues in sizes:
            rows.append(measure(queues, Path(tmp) / str(queues), shape))
    for row in rows:
        print(describe(row))
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        growth = (large[timed] / small[timed]) / (large["queues"] / small["queues"])
        print(
            f"{timed} growth per queue from {small['queues']:.0f} to {large['queues']:.0f}: "
            f"{growth:.2f} (1.0 is linear)"
        )
    print(json.dumps(rows), file=sys.stderr if os.environ.get("QUIET") else sys.stdout)


def _option(args: list[str], name: str, default: str) -> str:
    """The value after ``name`` in ``args`` (both removed from it), or ``default``."""
    if name not in args:
        return default
    at = args.index(name)
    value = args[at + 1] if at + 1 < len(args) else ""
    del args[at : at + 2]
    return value


def _describe(row: dict[str, Any]) -> str:
    return (
        f"{row['shape']:>5} {row['queues']:>6} queues  {row['yaml_mb']:>5} MB  "
        f"baseline {row['baseline_s']:.2f} s  "
        f"validate {row['validate_s']:.2f} s  ratio {row['ratio']:.2f}x  "
        f"peak {row['peak_rss_mb']:.0f} MiB"
    )


def main() -> None:
    run_benchmark(measure, _describe, "validate_s")


if __name__ == "__main__":
    main()
