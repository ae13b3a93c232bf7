"""The GitHub workflows pin every Action by commit and keep the token from pull-request code."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def test_every_action_is_pinned_by_commit_with_its_tag() -> None:
    uses = []
    for workflow in WORKFLOWS:
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                uses.append(line.split("uses:", 1)[1].strip())
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []


def test_the_token_is_given_only_to_the_steps_that_need_it() -> None:
    for workflow in WORKFLOWS:
        document = yaml.safe_load(workflow.read_text())
        for name, job in document["jobs"].items():
            assert "GH_TOKEN" not in job.get("env", {}), (workflow.name, name)
            for step in job["steps"]:
                run = step.get("run", "")
                if "docs build" in run or "pip install" in run:
                    assert "GH_TOKEN" not in step.get("env", {}), (workflow.name, step)
                    assert "token" not in str(step.get("env", {})).lower()
            for step in job["steps"]:
                if str(step.get("uses", "")).startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False or (
                        workflow.name != "apply.yml"
                    )
