"""`qplan docs build` of a whole site on synthetic organisations: cold (no project, no site,
no cache of rendered pages), then again after a one-queue change (the pages whose inputs
did not change come from the cache), each against `qplan validate` of the same repository.

    python -m benchmarks.bench_docs                    # 1,000 and 10,000 queues
    python -m benchmarks.bench_docs 2000 --shape sites # other sizes, the other shape

Above `max_queue_pages` queues (500 by default), queues are sections of their workflow's
page, so the number of pages grows with the workflows, teams and SOPs, not the queues. The
builds are timed once each (a cold build of 10,000 queues takes minutes); `validate` is the
best of three, as in the other benchmarks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_validate import _run, run_benchmark
from benchmarks.generate import generate_shape

_VOLUME = re.compile(r"weekly_volume: (\d+)")


def _qplan(folder: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "qplan", "--repo", str(folder), *args]


def _build(folder: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        _qplan(folder, "--state", str(folder / "state.db"), "docs", "build", "--out", "site"),
        capture_output=True,
        text=True,
        check=False,
        # the benchmark's own cache of rendered pages, empty for the cold build
        env={**os.environ, "QPLAN_CACHE_DIR": str(folder / "page-cache")},
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"docs build failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return elapsed, done.stdout.strip().splitlines()[-1]


def change_one_queue(folder: Path) -> None:
    """Raise the weekly volume of the first queue with a forecast, in the first file."""
    for path in sorted((folder / "workflows").glob("wf-*.yaml")):
        text = path.read_text(encoding="utf-8")
        changed, count = _VOLUME.subn(lambda m: f"weekly_volume: {int(m.group(1)) + 1}", text, 1)
        if count:
            path.write_text(changed, encoding="utf-8")
            return
    raise SystemExit("no queue with a forecast to change")


def measure(queues: int, folder: Path, shape: str = "pairs") -> dict[str, Any]:
    generate_shape(shape, queues, folder)
    validate, _ = _run(_qplan(folder, "validate", "--format", "json"))
    for made in (folder / ".qplan", folder / "site", folder / "page-cache"):
        shutil.rmtree(made, ignore_errors=True)
    cold, said = _build(folder)
    pages = int(said.split()[1].replace(",", ""))
    change_one_queue(folder)
    again, said_again = _build(folder)
    cached = re.search(r"(\d+) page\(s\) from the cache", said_again)
    kept = re.search(r"(\d+) left as they were", said_again)
    return {
        "queues": queues,
        "shape": shape,
        "pages": pages,
        "validate_s": round(validate, 3),
        "cold_s": round(cold, 2),
        "after_change_s": round(again, 2),
        "pages_from_cache": int(cached.group(1)) if cached else 0,
        "pages_left_as_written": int(kept.group(1)) if kept else 0,
        "cold_vs_validate": round(cold / validate, 2),
        "after_change_vs_validate": round(again / validate, 2),
    }


def _describe(row: dict[str, Any]) -> str:
    return (
        f"{row['shape']:>5} {row['queues']:>6} queues  {row['pages']:>5} pages  "
        f"validate {row['validate_s']:.2f} s  cold build {row['cold_s']:.1f} s "
        f"({row['cold_vs_validate']:.1f}x validate)  after a one-queue change "
        f"{row['after_change_s']:.1f} s ({row['pages_from_cache']} pages from the cache, "
        f"{row['pages_left_as_written']} left as written)"
    )


def main() -> None:
    run_benchmark(measure, _describe, "cold_s")


if __name__ == "__main__":
    main()
