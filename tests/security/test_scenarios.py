"""Scenario files come in pull requests too: hostile ones are diagnostics, in bounded time,
and neither validate nor ``qplan scenario`` writes anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan, snapshot

HEAD = "id: s\ntitle: S\nchanges:\n"
BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)}]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "diagnostic"),
    [
        (
            HEAD + "  - {type: volume, queue: q-prod, multiply: .inf}\n",
            "scenarios/s.yaml:4:45: QP023 scenario s: changes.0.multiply: input should be a "
            "finite number",
        ),
        (
            HEAD + "  - {type: volume, queue: q-prod, multiply: 1e308}\n",
            "scenarios/s.yaml:4:45: QP023 scenario s: changes.0.multiply: input should be less "
            "than or equal to 100",
        ),
        (
            HEAD + "".join("  - {type: volume, queue: q-prod, multiply: 100}\n" for _ in range(5)),
            "scenarios/s.yaml:6:45: QP180 cannot apply to queue q-prod: forecast.weekly_volume "
            "input should be less than or equal to 100000000",
        ),
        (
            HEAD + "  - {type: headcount, team: team-a, add_fte: -1e300}\n",
            "scenarios/s.yaml:4:46: QP023 scenario s: changes.0.add_fte: input should be greater "
            "than or equal to -100000",
        ),
        (
            HEAD + "  - {type: close_site, site: '" + "x" * 300 + "'}\n",
            "scenarios/s.yaml:4:30: QP023 scenario s: changes.0.site: string should have at most "
            "200 characters",
        ),
        (BOMB, "scenarios/s.yaml:5:4: QP003 aliases expand this document to over 66,430 values"),
        (
            "id: s\n" + "title: [" * 200 + "]" * 200 + "\n",
            "scenarios/s.yaml:2:81: QP004 nesting deeper than 20 levels",
        ),
        (b"id: s\ntitle: \xff\n", "scenarios/s.yaml:2:8: QP007"),
    ],
    ids=["inf", "huge", "compounded", "negative", "long-site", "alias-bomb", "deep", "encoding"],
)
def test_a_hostile_scenario_is_a_diagnostic(
    tmp_path: Path, text: str | bytes, diagnostic: str
) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "scenarios").mkdir()
    content = text if isinstance(text, bytes) else text.encode("utf-8")
    (repo / "scenarios" / "s.yaml").write_bytes(content)
    before = snapshot(repo)
    for command in (["validate"], ["scenario", "s"], ["scenario", "scenarios/s.yaml"]):
        done = qplan(*command, repo=repo, timeout=30)
        # a change that cannot apply is a warning for validate, an error for scenario
        refused = command[0] == "scenario" or " QP180 " not in diagnostic
        assert done.returncode == (1 if refused else 0), done.stdout + done.stderr
        assert done.stdout.splitlines()[0].startswith(diagnostic), done.stdout
        assert "scenarios/s.yaml:" in done.stdout
    assert snapshot(repo) == before


@pytest.mark.parametrize(
    ("text", "diagnostic"),
    [
        (BOMB, "projects/p.yaml:5:4: QP003 aliases expand this document to over 66,430 values"),
        (
            "id: p\nkind: launch\ntitle: T\nowner: a@b.example\nstatus: planning\nrisks:\n"
            + "  - {description: r, severity: low, owner: a@b.example}\n" * 501,
            "projects/p.yaml:7:3: QP023 project p: risks: list should have at most 500 items "
            "after validation, not 501",
        ),
        (
            "id: p\nkind: launch\ntitle: T\nowner: a@b.example\nstatus: planning\n"
            "milestones:\n  - {name: M, due: 99999-01-01}\n",
            "projects/p.yaml:7:20: QP023 project p: milestones.0.due: '99999-01-01' is not a "
            "date; write YYYY-MM-DD",
        ),
    ],
    ids=["alias-bomb", "too-many-risks", "far-date"],
)
def test_a_hostile_project_is_a_diagnostic(tmp_path: Path, text: str, diagnostic: str) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "projects").mkdir()
    (repo / "projects" / "p.yaml").write_text(text, encoding="utf-8")
    before = snapshot(repo)
    for command in (["validate"], ["status"]):
        done = qplan(*command, repo=repo, timeout=30)
        assert done.returncode == 1, done.stdout + done.stderr
        assert done.stdout.splitlines()[0] == diagnostic, done.stdout
    assert snapshot(repo) == before
