"""Shared steps of the plan and apply tests: edits a strategist would make to the example."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import Result

from tests.conftest import run_qplan


def edit(repo: Path, relative: str, old: str, new: str, count: int = 1) -> None:
    """Replace text in a repository file; the text must be there exactly ``count`` times."""
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} appears {text.count(old)} times in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def change_short_video(repo: Path) -> None:
    """One pull request's worth of changes, each kind of change and risk once."""
    sv = "workflows/short-video.yaml"
    edit(repo, sv, "weekly_volume: 84000", "weekly_volume: 90000")
    edit(repo, sv, "shares: {us-austin: 40, us-reno: 60}", "shares: {us-austin: 70, us-reno: 30}")
    edit(repo, sv, "violent-extremism@4", "violent-extremism@3", count=2)
    cases = repo / "training" / "sv-violent-extremism-eu-training.csv"  # retrained on v3
    cases.write_text(cases.read_text(encoding="utf-8").replace(",4,", ",3,"), encoding="utf-8")
    text = (repo / sv).read_text(encoding="utf-8")
    # the QA sample queue retires; its items go to the production queue it sampled
    start = text.index("  - id: sv-qa-en")
    text = text[:start] + text[start:].replace(
        "    status: live\n", "    status: retired\n", 1
    ).replace(
        "    forecast: {arrival: backlog, weekly_volume: 4200",
        "    migrate_to: sv-hate-speech-en\n    forecast: {arrival: backlog, weekly_volume: 4200",
        1,
    )
    text = text.replace("\n  - queue: sv-qa-en\n    shares: {us-reno: 100}\n", "\n")
    text = text.replace(
        "\nallocations:\n",
        "\n  - queue: sv-hate-speech-es-training\n    sla: {percent: 90, within: 3d}\n"
        "\nallocations:\n",
    )
    (repo / sv).write_text(text, encoding="utf-8")


def apply_all(repo: Path, state: str) -> Result:
    result = run_qplan("--state", state, "apply", "--auto-approve", repo=repo)
    assert result.exit_code == 0, result.output
    return result


def normalised(text: str) -> str:
    """Plan output with the random lineage and the checksum that depends on it replaced."""
    text = re.sub(r"[0-9a-f]{64}", "<checksum>", text)
    text = re.sub(r"[0-9a-f]{32}", "<lineage>", text)
    return re.sub(r"Checksum `[0-9a-f]{12}`", "Checksum `<checksum>`", text)


def plan_json(repo: Path, state: str) -> dict[str, object]:
    result = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.output)
    return document
