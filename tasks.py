#!/usr/bin/env python3
"""Set up and run qplan with nothing but python3.

    python3 tasks.py demo   # set up .venv; validate, plan, apply the example organisation
    python3 tasks.py test   # set up .venv, run lint, types and the tests
    python3 tasks.py mutate # mutation testing ([tool.mutmut] in pyproject.toml): the kill rate
                            # (``--max-children N`` runs N mutants at a time; default every CPU)

Extra arguments after ``test`` go to pytest (``python3 tasks.py test -k loader``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".qplan-installed"


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    printable = " ".join(str(c) for c in command)
    print(f"$ {printable}", flush=True)
    result = subprocess.run([str(c) for c in command], cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_venv() -> None:
    """Create .venv and install qplan with its test extra, again when pyproject.toml changes."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("creating .venv", flush=True)
        venv.create(VENV, with_pip=True)
    run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "-e",
        ".[test]",
    )
    STAMP.write_text(wanted)


def demo() -> None:
    ensure_venv()
    qplan = BIN / "qplan"
    run(qplan, "validate")
    # Plan against the local state (.qplan/state.db), apply that reviewed plan, show history.
    saved = ".qplan/example.plan"
    run(qplan, "plan", "--out", saved)
    run(qplan, "apply", saved)
    run(qplan, "state", "history")
    # What the short-video queues need in staffing, and what they cost.
    run(qplan, "capacity", "--workflow", "short-video")
    # A real-time queue by the half-hour, with its heat map (evening peaks, in its profile's zone).
    run(
        qplan,
        "capacity",
        "--intervals",
        "--queue",
        "ls-safety-en",
        "--chart",
        ".qplan/ls-safety-en-week.svg",
    )
    # The launch checklist of one queue, now that its training cases are enqueued.
    run(qplan, "readiness", "sv-hate-speech-en")
    # The stakeholder update of a launch: milestones, readiness gate by gate, risks.
    run(qplan, "status", "hindi-livestream-launch")
    # What happened: the last four weeks of actuals against the plan, and why queues missed.
    run(qplan, "health")
    # The cheapest way to clear a queue's backlog in two weeks (not written: no --write).
    run(qplan, "recover", "cm-harassment-de", "--backlog", "30000", "--by", "14d")
    # What if livestream grows 30 % in Q1? The capacity impact, and the best split under it.
    run(qplan, "scenario", "livestream-q1", "--allocate")


def test(pytest_args: list[str]) -> None:
    ensure_venv()
    run(BIN / "ruff", "check", ".")
    run(BIN / "ruff", "format", "--check", ".")
    run(BIN / "mypy")
    run(BIN / "lint-imports")
    run(BIN / "qplan", "schema", "--check")
    # on every CPU (pytest-xdist; the tests of one xdist_group on one worker); ``-n 0``
    # among the extra arguments runs it in one process
    run(BIN / "pytest", "-n", "auto", "--dist", "loadgroup", "--durations=10", *pytest_args)


def mutate(mutmut_args: list[str]) -> None:
    """Mutation testing of what ``[tool.mutmut]`` names, then the share of mutants the tests
    kill (of those some test runs: a mutant no selected test reaches is counted apart)."""
    import json

    ensure_venv()
    done = subprocess.run([str(BIN / "mutmut"), "run", *mutmut_args], cwd=ROOT, check=False)
    if done.returncode != 0:  # the unmutated tests failed, or mutmut stopped: no rate to give
        print(f"mutmut run failed (exit {done.returncode}); see its output above", flush=True)
        sys.exit(done.returncode)
    run(BIN / "mutmut", "export-cicd-stats")
    stats = json.loads((ROOT / "mutants" / "mutmut-cicd-stats.json").read_text())
    killed, survived = stats["killed"], stats["survived"]
    tried = killed + survived + stats.get("timeout", 0)
    rate = 100 * (killed + stats.get("timeout", 0)) / tried if tried else 0.0
    print(
        f"Killed {killed + stats.get('timeout', 0)} of {tried} mutants the tests reach "
        f"({rate:.1f} %); {survived} survived (`.venv/bin/mutmut results`), "
        f"{stats.get('no_tests', 0)} reached by no selected test."
    )


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test", "mutate"):
        print(__doc__.strip())
        sys.exit(64)
    if sys.argv[1] == "demo":
        demo()
    elif sys.argv[1] == "mutate":
        mutate(sys.argv[2:])
    else:
        test(sys.argv[2:])


if __name__ == "__main__":
    main()
