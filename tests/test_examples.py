"""Every command's documented example (the ``Example:`` line of its help) works as written."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest

from qplan.cli import cli
from qplan.plan.state import open_store
from tests.conftest import ROOT, run_qplan
from tests.plan_scenario import apply_all, edit


def _examples() -> dict[str, list[str]]:
    """Command path ("state rollback") → the example's arguments, for every command."""
    found: dict[str, list[str]] = {}

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, [*path, name])
            return
        match = re.search(r"Example: qplan ((?:.*\\\n)*.+)", command.help or "")
        assert match, f"`qplan {' '.join(path)}` has no example in its help"
        found[" ".join(path)] = shlex.split(match.group(1).replace("\\\n", " "))

    walk(cli, [])
    return found


def test_every_command_has_a_working_example(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_repo)  # export writes organisation.xlsx where it is run
    examples = _examples()
    state = str(example_repo / ".qplan" / "state.db")
    # The state examples name serial 3: give the state three revisions first.
    apply_all(example_repo, state)
    for volume in ("90000", "95000"):
        edit(
            example_repo,
            "workflows/short-video.yaml",
            "weekly_volume: 84000",
            f"weekly_volume: {volume}",
        )
        apply_all(example_repo, state)
        edit(
            example_repo,
            "workflows/short-video.yaml",
            f"weekly_volume: {volume}",
            "weekly_volume: 84000",
        )
    (example_repo / ".github").mkdir()
    shutil.copy(ROOT / ".github" / "CODEOWNERS", example_repo / ".github" / "CODEOWNERS")
    outcomes = {}
    outputs: dict[str, str] = {}
    # `docs serve` runs until stopped: tests/test_docs.py runs its example in a subprocess.
    del examples["docs serve"]
    # `actuals pull` reads a database: tests/test_actuals_postgres.py runs its example
    # against the real server (the example organisation keeps its actuals as files)
    assert examples.pop("actuals pull") == ["actuals", "pull"]
    first = ["plan", "show", "apply"]
    last = ["export", "import", "new queue", "new project", "actuals import"]  # these write
    # an export of the example's livestream rows of 22 November, dated the 23rd
    rows = (example_repo / "actuals" / "livestream.csv").read_text(encoding="utf-8")
    day = [line for line in rows.splitlines() if line.startswith(("date,", "2026-11-22,"))]
    export = "\n".join(line.replace("2026-11-22,", "2026-11-23,") for line in day) + "\n"
    (example_repo / "export.csv").write_text(export, encoding="utf-8")
    order = first + [c for c in examples if c not in first + last] + last
    for command in order:
        args = [a.replace("pr.plan", str(example_repo / "pr.plan")) for a in examples[command]]
        args = [a.replace("rollback.plan", str(example_repo / "rollback.plan")) for a in args]
        args = [a.replace("export.csv", str(example_repo / "export.csv")) for a in args]
        wide = ["--wide"] if command == "actuals import" else []  # its line names a path
        result = run_qplan(*wide, *args, repo=example_repo)
        output = result.output.replace(f"{example_repo}/", "")
        lines = [line for line in output.splitlines() if line.strip()]
        outcomes[command] = (result.exit_code, lines[-1] if lines else "")
        outputs[command] = result.output
    assert outcomes["health"][0] == 0
    assert outputs["health"].splitlines()[0] == (
        "Health from 2026-10-26 to 2026-11-22 (28 days): 1 queue, 3 teams, 2 vendors missed "
        "a target."
    )
    # the plan and what `show` makes of the saved plan: the one change the state lacks
    assert "**Plan: 0 to create, 1 to update, 0 to delete.**" in outputs["plan"].splitlines()
    assert outputs["show"] == outputs["plan"]
    history = outputs["state history"].splitlines()
    assert re.fullmatch(
        r" +4  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  tester@lakeside\.example  -  +\+0 ~1 -0",
        history[-1],
    ), history[-1]
    store = open_store(state)
    assert store.serial() == 4
    store.close()
    assert outcomes["status"][0] == 0
    assert outcomes["status"][1].startswith("    serial 1 ")
    assert outcomes["status"][1].endswith(
        " create cases.ls-safety-hi-training by tester@lakeside.example"
    )
    assert outcomes == {
        "validate": (0, "Valid: no problems found."),
        # the last rule's checks, under its line, wrapped to 120 columns
        "rules": (0, "         more than max_hours_per_day on it."),
        "glossary": (0, "    100 % it cannot do the work."),  # the definition, wrapped
        "schema": (0, "schemas/ is up to date."),
        "erlang": (
            0,
            "Recommended: 14 agents for 80% within 20s; 14 scheduled FTE at 0% shrinkage.",
        ),
        "plan": (0, "</details>"),
        "show": (0, "</details>"),
        "apply": (0, "Apply complete: 0 created, 1 updated, 0 deleted. State is at serial 4."),
        "state list": (0, "workflow.short-video"),
        "state show": (0, "  forecast.aht_seconds: 42"),
        "state history": outcomes["state history"],  # its time: checked above
        "state rollback": (
            0,
            "Revert the repository's files too, or the next plan undoes the rollback.",
        ),
        "state unlock": (1, "error: the state is not locked"),
        "fmt": (0, "Every file is formatted."),
        "init": (
            0,
            "Started an organisation in my-org: read its README.md for what to do next, and "
            "run qplan validate there.",
        ),
        "owners": (0, ".github/CODEOWNERS is up to date."),
        "readiness": (0, "1 queue(s): 1 ready, 0 not ready."),
        "docs render": (
            0,
            "4. Anything involving a minor goes to the minor-safety path immediately, "
            "whatever the queue.",
        ),
        "docs build": (0, "Built 101 pages into site."),
        # the verdict leads; the backlog recovery asked for ends the report
        "capacity": (0, "  it clears within 7 days with no extra FTE"),
        "health": outcomes["health"],  # its verdict leads: checked above
        "recover": (0, "2026-12-20 Sun        0"),
        "forecast": (
            0,
            "ls-safety-en: does not beat seasonal naive; does not beat the files' forecast.",
        ),
        "allocate": (
            0,
            "  vendor Helix Trust Partners is at the 60% of guardrail vendor-concentration on "
            "cm-harassment-de",
        ),
        "status": outcomes["status"],  # its last line carries the day the state was applied
        "export": (0, "Wrote organisation.xlsx: a sheet for each kind of item."),
        "import": (0, "Imported queues: 0 new, 0 updated, 43 unchanged."),
        "new queue": (
            0,
            "Queue ls-safety-es is a draft; qplan readiness ls-safety-es lists what is left to do.",
        ),
        "actuals import": (
            0,
            "export.csv: 6 row(s) kept (actuals/export-2026-11.parquet), 0 rejected.",
        ),
        "new project": (
            0,
            "Project spanish-livestream is ready for its milestones; qplan status "
            "spanish-livestream reports it.",
        ),
        "scenario": (
            0,
            "  workflows/livestream.yaml:45:97: QP165 queue ls-safety-en is short of the agents "
            "its SLA needs in 8 half-hours of the week (America/New_York); worst: sat 07:00 "
            "(3.8 on duty of 4 needed, 77% in time), sat 07:30 (3.8 on duty of 4 needed, 77% "
            "in time), sun 07:00 (3.8 on duty of 4 needed, 80% in time)",
        ),
    }
    assert all(code == 0 for command, (code, _) in outcomes.items() if command != "state unlock")
