"""`qplan allocate` on a synthetic organisation: N queues (default 2,000) over 40 teams,
the vendor sites billed per productive hour with a weekly minimum, every queue in scope.

    python -m benchmarks.bench_allocate            # 2,000 queues × 40 teams
    python -m benchmarks.bench_allocate 500 --teams 20

Reports the wall time of the whole process, the solver's status and the size of the
programme, and `qplan validate` of the same organisation measured in the same run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.generate import generate


def billed(folder: Path) -> None:
    """Bill every vendor site per productive hour (its rate plus 10), 2,000 a week at least."""
    for file in (folder / "workflows").glob("*.yaml"):
        file.write_text(
            re.sub(
                r"(    type: bpo\n(?:.*\n)*?    cost_per_hour: (\d+)\.5\n)",
                lambda m: (
                    m.group(1) + "    billing: {model: per_productive_hour, "
                    f"rate: {int(m.group(2)) + 10}, minimum_weekly: 2000}}\n"
                ),
                file.read_text(encoding="utf-8"),
            ),
            encoding="utf-8",
        )


def _timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed:\n{done.stderr}")
    return time.perf_counter() - started, done.stdout


def measure(queues: int, teams: int, folder: Path) -> dict[str, Any]:
    generate(queues, folder, teams=teams)
    billed(folder)
    qplan = [sys.executable, "-m", "qplan", "--repo", str(folder)]
    validate, _ = _timed([*qplan, "validate", "--format", "json"])
    allocate, out = _timed([*qplan, "allocate", "--format", "json"])
    document = json.loads(out)
    return {
        "queues": queues,
        "teams": teams,
        "in_scope": len(document["queues"]),
        "status": document["status"],
        "changed": sum(q["shares_before"] != q["shares_after"] for q in document["queues"]),
        "validate_s": round(validate, 2),
        "allocate_s": round(allocate, 2),
        "weekly_cost_before": document["weekly_cost_before"],
        "weekly_cost_after": document["weekly_cost_after"],
    }


def main() -> None:
    args = sys.argv[1:]
    teams = 40
    if "--teams" in args:
        at = args.index("--teams")
        teams = int(args[at + 1])
        del args[at : at + 2]
    queues = int(args[0]) if args else 2000
    with tempfile.TemporaryDirectory() as tmp:
        row = measure(queues, teams, Path(tmp) / "org")
    print(
        f"{row['queues']} queues ({row['in_scope']} allocated) × {row['teams']} teams: "
        f"allocate {row['allocate_s']:.1f} s ({row['status']}, {row['changed']} changed), "
        f"validate {row['validate_s']:.1f} s; weekly variable cost "
        f"{row['weekly_cost_before']:,.0f} → {row['weekly_cost_after']:,.0f}"
    )
    print(json.dumps([row]))


if __name__ == "__main__":
    main()
