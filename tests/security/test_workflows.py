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
                    assert step.get("with", {}).get("persist-credentials") is False, (
                        workflow.name,
                        name,
                    )


def test_pull_request_code_never_runs_with_a_secret_or_a_write_permission() -> None:
    """plan.yml installs qplan from the base branch and plans the pull request's files in
    a job that may only read; the job that comments runs nothing of the pull request."""
    plan = yaml.safe_load((ROOT / ".github" / "workflows" / "plan.yml").read_text())
    assert plan["permissions"] == {}
    jobs = plan["jobs"]
    assert jobs["plan"]["permissions"] == {"contents": "read"}
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    steps = jobs["plan"]["steps"]
    checkouts = [s["with"] for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert checkouts[0] == {
        "ref": "${{ github.event.pull_request.base.sha }}",
        "path": "base",
        "persist-credentials": False,
    }
    installs = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert installs == ['python -m pip install "./base[postgres]"']
    text = str(jobs["plan"])
    assert "QPLAN_PLAN_KEY" not in text and "QPLAN_STATE_URL" not in text
    assert "QPLAN_STATE_READONLY_URL" in text
    assert all("run" not in s or "out/" in s["run"] for s in jobs["comment"]["steps"])
    assert 'c.user.login === "github-actions[bot]"' in str(jobs["comment"])


def test_only_the_publish_job_may_deploy() -> None:
    apply = yaml.safe_load((ROOT / ".github" / "workflows" / "apply.yml").read_text())
    assert apply["permissions"] == {}
    granted = {name: job.get("permissions", {}) for name, job in apply["jobs"].items()}
    assert granted == {
        "apply": {"contents": "write", "actions": "read", "pull-requests": "read"},
        "docs": {"contents": "read"},
        "publish": {"pages": "write", "id-token": "write"},
    }
    assert [s.get("uses", "").split("@")[0] for s in apply["jobs"]["publish"]["steps"]] == [
        "actions/deploy-pages"
    ]
    assert "--rollback" not in str(apply)
