"""A saved plan is an artifact anyone could edit: apply never writes what the repository
and the state do not say, and a signed plan is verified with QPLAN_PLAN_KEY."""

from __future__ import annotations

import copy
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qplan.plan.plan import Plan, diff, make_plan
from qplan.plan.resources import Resource
from tests.security.harness import minimal_repo, qplan, snapshot

KEY = {"QPLAN_PLAN_KEY": "test-signing-key-not-a-secret"}


# the minimal repository with its plan saved as pr.plan, made once per environment
_PLANNED: dict[tuple[tuple[str, str], ...], Path] = {}


def _planned(tmp_path: Path, env: dict[str, str] | None = None) -> Path:
    """A copy of the minimal repository with ``qplan plan --out pr.plan`` made in it (the
    plan is made once per environment and copied: it holds no path of its repository)."""
    key = tuple(sorted((env or {}).items()))
    # (a later pytest session in the same process, as mutmut runs, has removed it)
    if key not in _PLANNED or not _PLANNED[key].exists():
        made = minimal_repo(tmp_path / "planned")
        done = qplan("plan", "--out", "pr.plan", repo=made, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        _PLANNED[key] = made
    repo = tmp_path / "repo"
    shutil.copytree(_PLANNED[key], repo, symlinks=True)
    return repo


def _forge(plan_file: Path, address: str, edit: dict[str, object]) -> None:
    """What an attacker with qplan's own code can make: a self-consistent plan whose
    checksum, digests and changes all match its (edited) desired resources."""
    plan = Plan.load(plan_file)
    desired = dict(plan.desired)
    old = desired[address]
    body = json.loads(old.body) | edit
    desired[address] = Resource(old.kind, old.id, old.group, json.dumps(body))
    forged = make_plan(desired, {}, plan.base, sources_digest=plan.sources_digest)
    forged.save(plan_file)


def _state_serial(repo: Path) -> int:
    state = repo / ".qplan" / "state.db"
    if not state.exists():
        return 0
    with sqlite3.connect(state) as connection:
        rows = connection.execute("SELECT MAX(serial) FROM qplan_revisions").fetchall()
    return int(rows[0][0] or 0)


def test_a_forged_plan_is_refused_without_a_key(tmp_path: Path) -> None:
    repo = _planned(tmp_path)
    _forge(repo / "pr.plan", "allocation.q-prod", {"shares": {"team-b": 100}})
    done = qplan("apply", "pr.plan", repo=repo)
    assert done.returncode == 1
    assert done.stderr == (
        "error: the repository's files no longer match the plan (they changed after it was "
        "made); make a new plan, or apply with --ignore-repo-drift\n"
    )
    assert _state_serial(repo) == 0


def test_a_plan_whose_changes_do_not_follow_is_refused(tmp_path: Path) -> None:
    repo = _planned(tmp_path)
    document = json.loads((repo / "pr.plan").read_text())
    document["resource_changes"] = document["resource_changes"][:1]  # hide the rest
    document["summary"] = {"create": 1, "update": 0, "delete": 0}
    plan = Plan.load(repo / "pr.plan")
    plan.changes = plan.changes[:1]
    plan._checksum = None
    plan.save(repo / "pr.plan")
    done = qplan("apply", "pr.plan", repo=repo)
    assert done.returncode == 1
    assert done.stderr == (
        "error: the plan's changes do not follow from its desired resources and this state: "
        "it was not made by qplan, or was edited; make a new plan\n"
    )
    assert _state_serial(repo) == 0


def test_with_a_key_an_unsigned_plan_is_refused(tmp_path: Path) -> None:
    repo = _planned(tmp_path)  # made without the key
    done = qplan("apply", "pr.plan", repo=repo, env=KEY)
    assert done.returncode == 1
    assert done.stderr == (
        "error: plan file pr.plan is not signed, and QPLAN_PLAN_KEY is set: only plans made "
        "with the key are applied\n"
    )


def test_with_a_key_a_signed_then_forged_plan_is_refused(tmp_path: Path) -> None:
    repo = _planned(tmp_path, env=KEY)
    _forge(repo / "pr.plan", "allocation.q-prod", {"shares": {"team-b": 100}})
    document = json.loads((repo / "pr.plan").read_text())
    document["signature"] = "0" * 64
    (repo / "pr.plan").write_text(json.dumps(document))
    done = qplan("apply", "pr.plan", repo=repo, env=KEY)
    assert done.returncode == 1
    assert done.stderr == (
        "error: plan file pr.plan has a signature that does not verify with QPLAN_PLAN_KEY: "
        "it was changed, or made with another key\n"
    )
    assert _state_serial(repo) == 0


def test_a_signed_plan_applies(tmp_path: Path) -> None:
    repo = _planned(tmp_path, env=KEY)
    done = qplan("apply", "pr.plan", repo=repo, env=KEY)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Apply complete: ")
    assert _state_serial(repo) == 1


@pytest.mark.parametrize("env", [None, KEY], ids=["unsigned", "signed"])
def test_a_case_set_edited_after_plan_is_caught(tmp_path: Path, env: dict[str, str] | None) -> None:
    repo = _planned(tmp_path, env=env)
    cases = repo / "training" / "q-train.csv"
    cases.write_text(cases.read_text().replace("t-002,remove", "t-002,approve"))
    done = qplan("apply", "pr.plan", repo=repo, env=env)
    assert done.returncode == 1
    assert "the repository's files no longer match the plan" in done.stderr
    assert _state_serial(repo) == 0


BAD_PLANS = {
    "not-json": (b"{", "pr.plan is not a qplan plan file: Expecting property name"),
    "not-utf8": (b"\xff\xfe{}", "pr.plan is not a qplan plan file: not UTF-8"),
    "an-array": (b"[]", "pr.plan is not a qplan plan file: not a JSON object"),
    "nested": (b"[" * 100_000 + b"]" * 100_000, "pr.plan is not a qplan plan file: nested"),
    "empty": (b"{}", "pr.plan is not a qplan plan file (no 'format_version')"),
}


@pytest.mark.parametrize("name", sorted(BAD_PLANS))
def test_a_malformed_plan_is_one_line(tmp_path: Path, name: str) -> None:
    repo = minimal_repo(tmp_path)
    content, message = BAD_PLANS[name]
    (repo / "pr.plan").write_bytes(content)
    before = snapshot(repo)
    done = qplan("apply", "pr.plan", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {message}")
    assert done.stderr.count("\n") == 1
    assert snapshot(repo) == before


def test_bad_bodies_in_a_plan_are_one_line(tmp_path: Path) -> None:
    repo = _planned(tmp_path)
    plan = Plan.load(repo / "pr.plan")
    old = plan.desired["queue.q-prod"]
    plan.desired["queue.q-prod"] = Resource(old.kind, old.id, old.group, '{"id": 7}')
    plan.changes = diff(plan.desired, {})
    plan._checksum = None
    plan.save(repo / "pr.plan")
    done = qplan("apply", "pr.plan", "--ignore-repo-drift", repo=repo)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "error: plan would write an invalid resource queue.q-prod: not a valid queue ("
    )
    assert _state_serial(repo) == 0


def test_an_oversized_plan_is_refused_before_it_is_read(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    with (repo / "pr.plan").open("wb") as stream:
        stream.truncate(300 * 1024 * 1024)  # sparse: costs no disk
    done = qplan("apply", "pr.plan", repo=repo, timeout=60)
    assert done.returncode == 1
    assert done.stderr == ("error: pr.plan is over 268,435,456 bytes: not a plan qplan made\n")


def test_a_corrupt_state_body_is_one_line_and_the_index_keeps_one_current_row(
    tmp_path: Path,
) -> None:
    repo = _planned(tmp_path)
    assert qplan("apply", "pr.plan", repo=repo).returncode == 0
    state = repo / ".qplan" / "state.db"
    with sqlite3.connect(state) as connection:
        connection.execute(
            "UPDATE qplan_resources SET body = 'not json' WHERE address = 'queue.q-prod'"
        )
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute(
                "INSERT INTO qplan_resources (address, grp, body, first_serial, last_serial) "
                "VALUES ('queue.q-prod', 'wf', '{}', 99, NULL)"
            )
    done = qplan("state", "show", "queue.q-prod", repo=repo)
    assert done.returncode == 1
    assert done.stderr == (
        "error: the state's queue.q-prod at serial 1 is invalid: its body is not JSON\n"
    )
    done = qplan("plan", repo=repo)
    assert done.returncode == 1
    assert done.stderr == (
        "error: resource queue.q-prod: the state holds an invalid body: its body is not JSON\n"
    )


def test_no_plan_env_leaks_into_the_suite() -> None:
    assert "QPLAN_PLAN_KEY" not in os.environ


@pytest.mark.parametrize(
    ("lineage", "origin", "bad"),
    [
        ("abc\n::error::pwned", "repository", "lineage"),
        (None, "repository\n::error title=x::pwned", "origin: not one line of text"),
        (None, "rollback to serial 1\x1b]52;c;ZXZpbA==\x07", "origin: not one line of text"),
    ],
)
def test_a_plan_file_whose_text_is_not_one_line_is_refused(
    tmp_path: Path, lineage: str | None, origin: str, bad: str
) -> None:
    """Text of a plan file is shown on terminals, in CI's log (where a line of its own is a
    workflow command) and in the step summary: a plan that holds anything but plain lines
    is not a plan qplan made."""
    from qplan.plan.plan import Base

    repo = _planned(tmp_path)
    plan = Plan.load(repo / "pr.plan")
    forged = make_plan(
        dict(plan.desired), {}, Base(lineage, 0, 0), origin=origin, sources_digest=None
    )
    forged.save(repo / "pr.plan")
    for command in (["show", "pr.plan"], ["apply", "pr.plan"], ["apply", "--rollback", "pr.plan"]):
        done = qplan(*command, repo=repo)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == f"error: pr.plan is not a qplan plan file (bad {bad})\n"
    assert _state_serial(repo) == 0


@pytest.mark.parametrize(
    "path",
    [
        "forecasts/f.csv",
        "actuals/2026/daily.csv",
        "projects/launch.yaml",
        "scenarios/what-if.yaml",
        "training/unnamed.csv",
    ],
)
def test_the_sources_digest_covers_every_file_a_stage_reads(tmp_path: Path, path: str) -> None:
    """A signed plan is applied without validating again only while the digest is the
    same: a change to any file a stage reads must change it."""
    from qplan.app.workspace import sources_digest
    from qplan.load.settings import load_settings

    repo = minimal_repo(tmp_path)
    settings = load_settings(repo)
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text("a\n")
    before = sources_digest(settings)
    assert before is not None
    (repo / path).write_text("b\n")
    assert sources_digest(settings) not in (before, None)


@pytest.mark.parametrize("env", [None, KEY], ids=["unsigned", "signed"])
def test_a_rollback_plan_handed_to_ci_apply_is_refused(
    tmp_path: Path, env: dict[str, str] | None
) -> None:
    """CI's apply step runs `qplan apply PLAN`: a plan made by `state rollback` (not from
    the repository) is refused there, and needs `--rollback` from a maintainer; with a key
    set, it must be signed like any plan."""
    repo = _planned(tmp_path, env=env)
    assert qplan("apply", "pr.plan", repo=repo, env=env).returncode == 0
    org = repo / "workflows" / "org.yaml"
    org.write_text(org.read_text().replace("weekly_volume: 10000", "weekly_volume: 12000"))
    assert qplan("plan", "--out", "pr.plan", repo=repo, env=env).returncode == 0
    assert qplan("apply", "pr.plan", repo=repo, env=env).returncode == 0
    made = qplan("state", "rollback", "1", "--out", "rollback.plan", repo=repo)
    assert made.returncode == 0, made.stderr
    done = qplan("apply", "rollback.plan", repo=repo, env=env)
    assert (done.returncode, done.stdout) == (1, "")
    if env is None:
        assert done.stderr == (
            "error: plan file rollback.plan is a 'rollback to serial 1' plan, not made from the "
            "repository: review it, then apply it with --rollback\n"
        )
    else:  # made without the key: not signed
        assert done.stderr == (
            "error: plan file rollback.plan is not signed, and QPLAN_PLAN_KEY is set: only "
            "plans made with the key are applied\n"
        )
        assert qplan("apply", "--rollback", "rollback.plan", repo=repo, env=env).returncode == 1
    assert _state_serial(repo) == 2


@pytest.mark.parametrize(
    ("edit", "bad"),
    [
        (
            lambda doc: doc["resource_changes"][0]["after"].update({"n\n::error::x": 1}),
            "resource change field: not one line of text",
        ),
        (
            lambda doc: doc["diagnostics"].append(
                {
                    "code": "QP999",
                    "severity": "warning",
                    "file": "f",
                    "line": "1\n::error::x",
                    "column": 1,
                    "message": "m",
                    "hint": None,
                }
            ),
            "count '1\\n::error::x'",
        ),
        (lambda doc: doc.update({"sources_digest": "x\n::error::x"}), "sources_digest"),
    ],
)
def test_a_plan_file_with_text_where_none_belongs_is_refused(
    tmp_path: Path, edit: Any, bad: str
) -> None:
    """What an attacker with qplan's own code makes: the plan edited, its checksum and
    digest worked out again, so that only the shape of its texts can give it away."""
    from qplan.plan.plan import _checksum_of, _from_document

    repo = _planned(tmp_path)
    document = json.loads((repo / "pr.plan").read_text())
    edit(document)
    unchecked = copy.deepcopy(document) | {"sources_digest": None}
    unchecked["diagnostics"] = [
        d | {"line": 1} if isinstance(d.get("line"), str) else d for d in document["diagnostics"]
    ]
    for change in unchecked["resource_changes"]:
        if change["after"]:
            change["after"] = {k: v for k, v in change["after"].items() if "\n" not in k}
    assert _from_document(unchecked) is not None  # the rest of the forgery is well formed
    content = {k: v for k, v in document.items() if k not in ("checksum", "signature")}
    document["checksum"] = _checksum_of(content)
    (repo / "pr.plan").write_text(json.dumps(document))
    for command in (["show", "pr.plan"], ["apply", "pr.plan"]):
        done = qplan(*command, repo=repo)
        assert (done.returncode, done.stdout) == (1, ""), done.stdout
        assert done.stderr == f"error: pr.plan is not a qplan plan file (bad {bad})\n"
