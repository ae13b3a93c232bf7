"""``qplan init``: the files of a new organisation's repository, one that validates as it is.

An empty organisation would plan the deletion of everything applied (QP015), so a new one
starts with a single workflow to rename; teams, queues, targets and allocations follow with
``qplan import`` (from a planning workbook) or ``qplan new queue``. The GitHub Actions
workflows are qplan's own, installing the qplan release that wrote them.
"""

from __future__ import annotations

from importlib import resources

#: the folder of package data that holds the GitHub Actions workflows
_STARTER = "starter"

PYPROJECT = """\
# Settings for qplan (every key is optional; `qplan rules` and the README list them).
[tool.qplan]
# currency = "EUR"          # of cost_per_hour and billing; reports write it after amounts
# max_file_bytes = 1048576
# launch_notice_days = 14
"""

#: the first workflow of a new repository, which a workbook's workflows replace on import
STARTER_WORKFLOW = {
    "id": "moderation",
    "name": "Moderation",
    "owner": "trust-and-safety@example.com",
}

ORGANISATION = """\
# Your organisation: workflows, policies, teams, queues, targets, allocations and
# guardrails may live in any files under workflows/ (`qplan fmt` keeps them tidy).
# Start from a planning workbook (`qplan import plan.xlsx`) or add a queue with
# `qplan new queue`; `qplan validate` says what is missing.
workflows:
  - id: {workflow}
    name: {name}
    owner: {owner}
"""

GITIGNORE = """\
.venv/
__pycache__/
.qplan/
/site/
*.plan
plan-comment/
"""

PRE_COMMIT = """\
# `pre-commit install` once: qplan validates and formats the organisation before each commit
# (with the qplan installed in the environment you commit from).
repos:
  - repo: local
    hooks:
      - id: qplan-validate
        name: qplan validate
        entry: qplan validate
        language: system
        pass_filenames: false
        files: ^(workflows/.*\\.ya?ml|sops/.*\\.md\\.j2|pyproject\\.toml)$
      - id: qplan-fmt
        name: qplan fmt
        entry: qplan fmt
        language: system
        files: ^workflows/.*\\.ya?ml$
"""

README = """\
# {name}

This repository keeps the organisation's review queues, teams, allocations, targets and
SOPs as code, checked and planned by [qplan](https://pypi.org/project/qplan/) {version}.

## What to do next

1. Rename the workflow in `workflows/organisation.yaml` and set its owner.
2. Bring in your planning workbook: `qplan import plan.xlsx` (every sheet it recognises:
   workflows, policies, profiles, teams, queues, targets, allocations, guardrails), or add a
   queue and its training pair with `qplan new queue`.
3. `qplan validate` until it says the organisation is valid; `qplan capacity` shows what the
   staffing gives.
4. Commit, push, and open a pull request: the `plan` workflow comments what would change;
   merging applies it (`.github/workflows/apply.yml` says where the state is kept).

`schemas/` holds JSON Schemas for your editor; `qplan schema` rewrites them.
"""


def starter_files(name: str, version: str) -> dict[str, str]:
    """The text of each file of a new repository (path → text), for an organisation called
    ``name`` and the qplan ``version`` its workflows install."""
    folder = resources.files("qplan.edit").joinpath(_STARTER)
    files = {
        "pyproject.toml": PYPROJECT,
        "workflows/organisation.yaml": ORGANISATION.format(
            workflow=STARTER_WORKFLOW["id"],
            name=STARTER_WORKFLOW["name"],
            owner=STARTER_WORKFLOW["owner"],
        ),
        "sops/README.md": (
            "SOP templates live here as `*.md.j2` (YAML front matter, then Markdown with "
            "Jinja); `qplan new queue` writes one for a new queue.\n"
        ),
        "training/README.md": (
            "Training case sets live here as CSV: "
            "`item_id,expected_decision,policy_version,note`.\n"
        ),
        ".gitignore": GITIGNORE,
        ".pre-commit-config.yaml": PRE_COMMIT,
        "README.md": README.format(name=name, version=version),
    }
    for workflow in ("validate.yml", "plan.yml", "apply.yml"):
        text = folder.joinpath(workflow).read_text(encoding="utf-8")
        files[f".github/workflows/{workflow}"] = text.replace("@QPLAN_VERSION@", version)
    return files
