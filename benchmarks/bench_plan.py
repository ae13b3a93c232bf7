"""`qplan plan` and `qplan apply` on synthetic organisations whose state already holds the
previous revision, with 1 % of the queues changed — the everyday pull request at scale.

    python -m benchmarks.bench_plan            # 1,000 and 10,000 queues
    python -m benchmarks.bench_plan 2000 20000 # other sizes

Every time is best of three wall seconds (``--rounds``) and is reported as a ratio to a
baseline measured in the same run (a plain Python process that only loads the same YAML
with PyYAML's CSafeLoader) and to `qplan validate` on the same repository. Apply runs on a
fresh copy of the SQLite state each time. The state's growth for the 1 % change shows that
unchanged resources are stored once. Before that, two more plans are timed against `validate`: the
first plan of the organisation (an empty state), and a plan of a one-queue change.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_validate import BASELINE, ROUNDS, _run, run_benchmark
from benchmarks.generate import generate_shape

# Every hundredth queue is a training queue whose volume the "pull request" raises.
_CHANGED = re.compile(
    r"(  - id: q-\d{3}01\n(?:    .*\n)*?    forecast: \{arrival: backlog, weekly_volume: )100\b"
)


def _qplan(folder: Path, state: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "qplan", "--repo", str(folder), "--state", str(state), *args]


def _must(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 2):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def _state_bytes(state: Path) -> int:
    with sqlite3.connect(state) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    return int(pages) * int(size)


def change_one_percent(folder: Path) -> int:
    """Raise the volume of every hundredth queue; returns how many queues changed."""
    changed = 0
    for path in sorted((folder / "workflows").glob("wf-*.yaml")):
        text, count = _CHANGED.subn(r"\g<1>120", path.read_text(encoding="utf-8"))
        if count:
            path.write_text(text, encoding="utf-8")
            changed += count
    return changed


def measure(queues: int, folder: Path, shape: str = "pairs") -> dict[str, Any]:
    from benchmarks.bench_docs import change_one_queue

    generate_shape(shape, queues, folder)
    state = folder / "state.db"
    first = folder / "first.plan"
    empty_validate, validate_peak = _run(_qplan(folder, state, "validate", "--format", "json"))
    plan_empty, empty_peak = _run(_qplan(folder, folder / "empty.db", "plan", "--format", "json"))
    _must(_qplan(folder, state, "plan", "--out", str(first), "--format", "json"))
    _must(_qplan(folder, state, "apply", str(first)))
    after_first = _state_bytes(state)
    change_one_queue(folder)
    one_validate, _ = _run(_qplan(folder, state, "validate", "--format", "json"))
    plan_one, one_peak = _run(_qplan(folder, state, "plan", "--format", "json"))
    _must(_qplan(folder, state, "apply", "--auto-approve", "--allow-dirty"))
    after_first = _state_bytes(state)
    changed = change_one_percent(folder)
    baseline, _ = _run([sys.executable, "-c", BASELINE, str(folder)])
    validate, _ = _run(_qplan(folder, state, "validate", "--format", "json"))
    saved = folder / "change.plan"
    plan, peak = _run(_qplan(folder, state, "plan", "--format", "json", "--out", str(saved)))
    copy = folder / "copy.db"

    def fresh_copy() -> list[str]:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(state, copy)
        return _qplan(folder, copy, "apply", str(saved))

    apply = min(_timed(fresh_copy()) for _ in range(ROUNDS[0]))
    grown = _state_bytes(copy) - after_first
    return {
        "queues": queues,
        "shape": shape,
        "changed_queues": changed,
        "baseline_s": round(baseline, 3),
        "validate_s": round(validate, 3),
        "plan_s": round(plan, 3),
        "apply_s": round(apply, 3),
        "plan_vs_baseline": round(plan / baseline, 2),
        "plan_vs_validate": round(plan / validate, 2),
        "apply_vs_validate": round(apply / validate, 2),
        "state_mb": round(after_first / 1e6, 2),
        "state_growth_kb": round(grown / 1e3, 1),
        "plan_peak_rss_mb": round(peak, 1),
        "plan_empty_s": round(plan_empty, 3),
        "plan_empty_vs_validate": round(plan_empty / empty_validate, 2),
        "plan_one_s": round(plan_one, 3),
        "plan_one_vs_validate": round(plan_one / one_validate, 2),
        "plan_one_peak_rss_mb": round(one_peak, 1),
        "plan_empty_peak_rss_mb": round(empty_peak, 1),
        "validate_peak_rss_mb": round(validate_peak, 1),
        "plan_one_memory_vs_validate": round(one_peak / validate_peak, 2),
    }


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"apply failed:\n{done.stdout}{done.stderr}")
    return elapsed


def _describe(row: dict[str, Any]) -> str:
    return (
        f"{row['shape']:>5} {row['queues']:>6} queues ({row['changed_queues']} changed)  "
        f"baseline {row['baseline_s']:.2f} s  validate {row['validate_s']:.2f} s  "
        f"plan {row['plan_s']:.2f} s ({row['plan_vs_baseline']:.1f}x baseline, "
        f"{row['plan_vs_validate']:.2f}x validate)  "
        f"apply {row['apply_s']:.2f} s ({row['apply_vs_validate']:.2f}x validate)  "
        f"state {row['state_mb']:.1f} MB, +{row['state_growth_kb']:.0f} kB for the change  "
        f"plan of one queue {row['plan_one_vs_validate']:.2f}x validate, "
        f"against an empty state {row['plan_empty_vs_validate']:.2f}x validate"
    )


def main() -> None:
    run_benchmark(measure, _describe, "plan_s")


if __name__ == "__main__":
    main()
