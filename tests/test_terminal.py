"""What a strategist sees first in a terminal: every default report of the example fits 120
columns (a diagnostic stays one line, as compilers print them), `qplan --wide` shows every
column, and `health`, `capacity` and `scenario` print their verdict first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import run_qplan

#: every command with a default text report, as a strategist runs it on the example
COMMANDS = [
    ["validate"],
    ["rules"],
    ["plan"],
    ["capacity"],
    ["capacity", "--intervals", "--queue", "ls-safety-en"],
    ["health"],
    ["recover", "cm-harassment-de", "--backlog", "30000", "--by", "14d"],
    ["scenario", "livestream-q1"],
    ["scenario", "hindi-launch", "--allocate"],
    ["scenario", "hyderabad-attrition"],
    ["allocate"],
    ["readiness", "sv-hate-speech-en"],
    ["status", "hindi-livestream-launch"],
    ["owners"],
    ["state", "history"],
]
DIAGNOSTIC = re.compile(r"^\S+:\d+:\d+: QP\d{3} ")


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_default_report_fits_120_columns(example_repo: Path, command: list[str]) -> None:
    result = run_qplan(*command, repo=example_repo)
    assert result.exit_code in (0, 1, 2), result.output
    wide = [
        line
        for line in result.output.splitlines()
        if len(line) > 120 and not DIAGNOSTIC.match(line.strip())
    ]
    assert wide == []


def test_wide_shows_every_column(example_repo: Path) -> None:
    fitted = run_qplan("capacity", repo=example_repo).output
    wide = run_qplan("--wide", "capacity", repo=example_repo).output
    assert "(not shown: fixed, variable, productive; qplan --wide shows every column)" in fitted
    assert "not shown" not in wide
    head = next(line for line in wide.splitlines() if line.startswith("team "))
    assert head.split() == [
        "team", "type", "vendor", "country", "headcount", "productive", "req.", "FTE",
        "utilisation", "cap", "fixed", "variable", "weekly", "cost", "verdict",
    ]  # fmt: skip
    assert len(head) > 120


def test_a_diagnostic_stays_one_line(example_repo: Path) -> None:
    """The scenario's problems are diagnostics: each one line however long, so that an
    editor or a CI annotation reads file:line:col from it."""
    result = run_qplan("scenario", "livestream-q1", repo=example_repo)
    [problem] = [line for line in result.output.splitlines() if "QP165" in line]
    assert len(problem) > 120
    assert problem.startswith("  workflows/livestream.yaml:")


def test_capacity_health_and_scenario_lead_with_their_verdict(example_repo: Path) -> None:
    capacity = run_qplan("capacity", repo=example_repo).output.splitlines()
    assert capacity[:2] == [
        "The plan holds every target: projected SLA, utilisation and exposure caps.",
        "Actuals from 2026-10-26 to 2026-11-22 (28 days): 2 queues, 3 teams, 1 vendor missed "
        "a target. `qplan health` shows why.",
    ]
    health = run_qplan("health", repo=example_repo).output.splitlines()
    assert health[0] == (
        "Health from 2026-10-26 to 2026-11-22 (28 days): 2 queues, 3 teams, 1 vendor missed a "
        "target."
    )
    answers = {
        name: run_qplan("scenario", name, repo=example_repo).output.splitlines()[1]
        for name in ("livestream-q1", "hyderabad-attrition", "hindi-launch")
    }
    assert answers == {
        "livestream-q1": "It holds: no problem the organisation does not have today (but 1 "
        "warning); +9.4 FTE, +5,487 USD a week.",
        "hyderabad-attrition": "It holds: no problem the organisation does not have today (but "
        "8 warnings); +11.0 FTE, +6,268 USD a week.",
        "hindi-launch": "It does not hold: 3 problems it would bring (QP170, QP201, QP202); "
        "+11.9 FTE, +6,325 USD a week.",
    }


def _in_a_terminal(repo: Path, *args: str, no_color: bool = False) -> str:
    """What ``qplan ARGS`` prints to a terminal (a pseudo-terminal: it is a tty)."""
    import os
    import pty
    import subprocess
    import sys

    from tests.security.harness import child_environment

    env = {k: v for k, v in child_environment(repo).items() if k != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = "1"
    leader, follower = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "qplan", "--repo", str(repo), *args],
            stdout=follower,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_verdicts_are_in_colour_in_a_terminal_unless_no_color(example_repo: Path) -> None:
    shown = _in_a_terminal(example_repo, "capacity").splitlines()
    assert shown[0] == (
        "\x1b[32mThe plan holds every target: projected SLA, utilisation and exposure caps.\x1b[0m"
    )
    assert shown[1].startswith("\x1b[31m\x1b[1mActuals from 2026-10-26 to 2026-11-22")
    assert shown[2] == "Guardrails: 6 vendor share(s) at a vendor cap, 1 over one."
    assert shown[5].startswith("Launches: none in the next 30 days; next: Hindi livestream")
    assert shown[7] == "41 queues: 595.1 FTE required, queue cost 921,237 USD a week."
    scenario = _in_a_terminal(example_repo, "scenario", "hindi-launch").splitlines()
    assert scenario[1].startswith("\x1b[31m\x1b[1mIt does not hold: 3 problems")
    plain = _in_a_terminal(example_repo, "capacity", no_color=True)
    assert "\x1b[" not in plain
    assert plain.splitlines()[0] == shown[0][5:-4]


def test_in_colour_a_hostile_title_is_still_escaped(example_repo: Path) -> None:
    """Colour is written past the output's filter: the text is made printable first, so a
    scenario title holding a terminal escape (a clipboard write, here) shows as text."""
    import json

    scenario = example_repo / "scenarios" / "livestream-q1.yaml"
    lines = scenario.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("title: "))
    lines[at] = "title: " + json.dumps("Q1 \x1b]52;c;ZXZpbA==\x07growth") + "\n"
    scenario.write_text("".join(lines), encoding="utf-8")
    shown = _in_a_terminal(example_repo, "scenario", "livestream-q1")
    assert shown.splitlines()[0] == (
        "Scenario livestream-q1: Q1 \\u001b]52;c;ZXZpbA==\\u0007growth (figures for 2027-01-11)"
    )
    assert "\x1b]" not in shown and "\x07" not in shown
    assert "\x1b[32mIt holds" in shown  # and the verdict is in colour


def test_the_glossary_defines_each_term_once_for_commands_and_pages(
    example_repo: Path,
) -> None:
    """`qplan glossary` and the site's glossary page print the same definitions."""
    from qplan.views.glossary import TERMS, glossary_markdown

    one = run_qplan("glossary", "Utilisation", repo=example_repo)
    assert (one.exit_code, one.output.splitlines()[0]) == (0, "utilisation")
    every = run_qplan("--wide", "glossary", repo=example_repo).output
    page = glossary_markdown()
    for term, meaning in TERMS.items():
        assert f"{term}\n  {meaning}\n" in every
        assert f"## {term[:1].upper()}{term[1:]}\n\n{meaning}\n" in page
    unknown = run_qplan("glossary", "velocity", repo=example_repo)
    assert unknown.exit_code == 64
    assert unknown.output.startswith("error: no term 'velocity' (terms: headcount, shrinkage,")


def test_a_table_too_wide_leaves_out_optional_columns_then_cuts_then_drops() -> None:
    from qplan.report.terminal import fit
    from qplan.views.tables import TEXT_WIDTH, table

    head = ["queue", "note", "extra", "figure"]
    rows = [["q-1", "n" * 30, "x" * 10, "1.0"], ["q-22", "short", "y", "22.5"]]
    token = TEXT_WIDTH.set(40)
    try:
        # the optional column goes first (named under the table), then the widest text
        # column is cut with "…" (never the first, which names the row)
        assert table(head, rows, {"figure"}, optional=("extra",)) == [
            "queue  note                       figure",
            "q-1    nnnnnnnnnnnnnnnnnnnnnnnn…     1.0",
            "q-22   short                        22.5",
            "(not shown: extra; qplan --wide shows every column)",
        ]
        assert table(head, rows, {"figure"}) == [
            "queue  note           extra       figure",
            "q-1    nnnnnnnnnnnn…  xxxxxxxxxx     1.0",
            "q-22   short          y             22.5",
        ]
        # what no cut can make fit: the last columns are left out, and named
        assert table(["queue", "a", "b"], [["q" * 30, "1" * 20, "2" * 20]], {"a", "b"}) == [
            "queue",
            "q" * 30,
            "(not shown: a, b; qplan --wide shows every column)",
        ]
    finally:
        TEXT_WIDTH.reset(token)
    assert table(head, rows, {"figure"})[1] == "q-1    " + "n" * 30 + "  xxxxxxxxxx     1.0"
    prose = "word " * 40
    assert fit("  " + prose.strip(), 40).splitlines()[:2] == [
        "  word word word word word word word",
        "    word word word word word word word",
    ]
    diagnostic = "workflows/a.yaml:3:5: QP110 " + prose
    assert fit(diagnostic, 40) == diagnostic
    assert fit(prose, None) == prose
