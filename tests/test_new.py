"""``qplan new queue`` and ``qplan new project``: scaffolds written into the organisation's
own files, comments and layout kept, validated before they stay."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_qplan
from tests.security.harness import snapshot

LS = "workflows/livestream.yaml"
QUEUE = [
    "new", "queue", "ls-safety-es", "--workflow", "livestream",
    "--policy", "livestream-safety@7", "--languages", "es",
    "--teams", "co-bogota=60,pt-lisbon=40", "--volume", "20000", "--aht", "40",
    "--sla", "90", "--within", "24h", "--project", "hindi-livestream-launch",
]  # fmt: skip


def test_new_queue_writes_the_pair_into_the_workflows_files(example_repo: Path) -> None:
    path = example_repo / LS
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "allocations:\n", "allocations:\n  # splits agreed in the 2026 review\n"
        ),
        encoding="utf-8",
    )
    before = path.read_text(encoding="utf-8")
    result = run_qplan(*QUEUE, repo=example_repo)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "  wrote projects/hindi-livestream-launch.yaml\n"
        "  wrote sops/ls-safety-es.md.j2\n"
        "  wrote training/ls-safety-es-training.csv\n"
        "  wrote workflows/livestream.yaml\n"
        "Queue ls-safety-es is a draft; qplan readiness ls-safety-es lists what is left to do.\n"
    )
    after = path.read_text(encoding="utf-8")
    queues = (
        "\n  - id: ls-safety-es\n"
        "    name: ls-safety-es\n"
        "    workflow: livestream\n"
        "    kind: production\n"
        "    status: draft\n"
        "    policy: livestream-safety@7\n"
        "    languages: [es]\n"
        "    training_queue: ls-safety-es-training\n"
        "    sop: sops/ls-safety-es.md.j2\n"
        "    forecast: {arrival: backlog, weekly_volume: 20000, aht_seconds: 40}\n"
        "\n"
        "  - id: ls-safety-es-training\n"
        "    name: ls-safety-es · training\n"
        "    workflow: livestream\n"
        "    kind: training\n"
        "    status: draft\n"
        "    policy: livestream-safety@7\n"
        "    languages: [es]\n"
        "    training: {case_set: training/ls-safety-es-training.csv, min_cases: 200}\n"
        "\n"
        "targets:\n"
    )
    assert queues in after
    assert (
        "  - queue: ls-safety-es\n    sla: {percent: 90, within: 24h}\n\nallocations:\n"
    ) in after
    assert after.endswith(
        "\n\n  - queue: ls-safety-es\n    shares: {co-bogota: 60, pt-lisbon: 40}\n"
    )
    assert "  # splits agreed in the 2026 review\n" in after
    # everything that was there is still there, in order: the new lines are only added
    old_lines = before.splitlines()
    kept = iter(after.splitlines())
    assert all(line in kept for line in old_lines)
    assert (example_repo / "training" / "ls-safety-es-training.csv").read_text() == (
        "item_id,expected_decision,policy_version,note\n"
    )
    assert (
        "queues: [ls-safety-hi, ls-safety-hi-training, ls-safety-es, ls-safety-es-training]\n"
        in ((example_repo / "projects" / "hindi-livestream-launch.yaml").read_text())
    )
    assert run_qplan("validate", repo=example_repo).output == "Valid: no problems found.\n"
    readiness = run_qplan("readiness", "ls-safety-es", repo=example_repo)
    assert readiness.exit_code == 1
    assert readiness.output.splitlines()[0] == (
        "ls-safety-es (draft, production): not ready (5 gates fail; information only while draft)"
    )
    assert "  ✗ TTP logical queue set and unique: no TTP logical queue" in readiness.output


def test_a_queue_that_would_not_validate_writes_nothing(example_repo: Path) -> None:
    before = snapshot(example_repo)
    result = run_qplan(
        "new", "queue", "x1", "--workflow", "livestream", "--policy", "livestream-safety@9",
        "--languages", "es", "--teams", "co-bogota=100", repo=example_repo,
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        "workflows/livestream.yaml:153:13: QP103 policy livestream-safety has no published "
        "version 9\n"
        "  hint: published versions: 6, 7\n"
        "workflows/livestream.yaml:163:13: QP103 policy livestream-safety has no published "
        "version 9\n"
        "  hint: published versions: 6, 7\n"
        "Invalid: 2 errors, 0 warnings.\n"
        "Nothing was written: queue x1 would not validate: fix the errors above first.\n"
    )
    assert snapshot(example_repo) == before


def test_new_queue_usage_errors(example_repo: Path) -> None:
    before = snapshot(example_repo)
    cases = [
        (["../x"], "error: queue '../x' is not an id: lowercase letters, digits and '-', "
         "starting with a letter or digit\n"),
        (["ls-safety-en"], "error: queue 'ls-safety-en' already exists\n"),
        (["x", "--teams", "co-bogota"],
         "error: --teams: 'co-bogota' is not TEAM=PERCENT, like us-reno=60\n"),
        (["x", "--volume", "10"], "error: --volume and --aht go together (the forecast)\n"),
        (["x", "--project", "nope"], "error: --project: no project 'nope' (projects: "
         "harassment-de-recovery, harassment-v9-rollout, hindi-livestream-launch)\n"),
    ]  # fmt: skip
    for extra, message in cases:
        args = ["new", "queue", *extra[:1], "--workflow", "livestream", "--policy"]
        args += ["livestream-safety@7", "--languages", "es", "--teams", "co-bogota=100"]
        args += extra[1:]
        result = run_qplan(*args, repo=example_repo)
        assert (result.exit_code, result.output) == (64, message), extra
    result = run_qplan("new", "queue", "x", repo=example_repo)  # not a terminal: no prompts
    assert (result.exit_code, result.output) == (
        64,
        "error: --workflow is required (or run qplan new in a terminal to be asked)\n",
    )
    assert snapshot(example_repo) == before


def test_new_project_then_its_status(example_repo: Path, tmp_path: Path) -> None:
    result = run_qplan(
        "new", "project", "spanish-livestream", "--kind", "launch", "--title",
        "Spanish livestream review", "--owner", "ts-livestream@lakeside.example",
        "--queue", "ls-safety-pt", "--launch", "2027-03-01", repo=example_repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (example_repo / "projects" / "spanish-livestream.yaml").read_text() == (
        "# A project from qplan new: fill in its milestones, stakeholders and risks.\n"
        "id: spanish-livestream\n"
        "kind: launch\n"
        "title: Spanish livestream review\n"
        "owner: ts-livestream@lakeside.example\n"
        "status: planning\n"
        "stakeholders:\n"
        "  - {name: ts-livestream@lakeside.example, role: responsible, email: "
        "ts-livestream@lakeside.example}\n"
        "milestones:\n"
        "  - {name: Launch, due: 2027-03-01, launch: true}\n"
        "queues: [ls-safety-pt]\n"
        "workflows: []\n"
        "policies: []\n"
        "risks: []\n"
        "decisions: []\n"
        "updates: []\n"
    )
    status = run_qplan(
        "--wide",
        "--state",
        str(tmp_path / "s.db"),
        "status",
        "spanish-livestream",
        repo=example_repo,
    )
    assert status.output.splitlines()[1] == (
        "  Owner ts-livestream@lakeside.example. Planning; 0 of 1 milestone done; next: Launch "
        "on 2027-03-01 (in 84 days); 0 of 1 queue ready; 0 open risks."
    )
    again = run_qplan(
        "new", "project", "spanish-livestream", "--kind", "launch", "--title", "Again",
        "--owner", "a@b.example", repo=example_repo,
    )  # fmt: skip
    assert (again.exit_code, again.output) == (
        64,
        "error: project 'spanish-livestream' already exists\n",
    )
    bad = run_qplan(
        "new", "project", "p2", "--kind", "launch", "--title", "T", "--owner", "not-mail",
        repo=example_repo,
    )  # fmt: skip
    assert bad.exit_code == 1
    assert bad.output.splitlines()[0] == (
        "projects/p2.yaml:5:8: QP023 project p2: owner must be an email address, not 'not-mail'"
    )
    assert not (example_repo / "projects" / "p2.yaml").exists()


def _answer(repo: Path, args: list[str], dialogue: list[tuple[str, str]]) -> str:
    """Run ``qplan`` in a pseudo-terminal, answering each prompt; returns all it printed."""
    import os
    import select
    import subprocess
    import sys
    import time

    from tests.security.harness import child_environment

    master, slave = os.openpty()
    env = child_environment(repo)
    process = subprocess.Popen(
        [sys.executable, "-m", "qplan", "--repo", str(repo), *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    steps = list(dialogue)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break  # the child closed the terminal
            if not chunk:
                break
            seen += chunk
        if steps and seen.decode(errors="replace").rstrip().endswith(steps[0][0]):
            os.write(master, steps.pop(0)[1].encode() + b"\n")
        if process.poll() is not None and not ready:
            break
    process.wait(timeout=10)
    os.close(master)
    assert process.returncode == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace").replace("\r\n", "\n")


def test_new_project_asks_in_a_terminal(example_repo: Path) -> None:
    output = _answer(
        example_repo,
        ["new", "project"],
        [
            ("Project id:", "asked"),
            ("Kind (launch, policy_rollout, intake, recovery, normalisation):", "intake"),
            ("Title:", "An intake asked for at the terminal"),
            ("Owner's email:", "ts-comments@lakeside.example"),
        ],
    )
    assert "  wrote projects/asked.yaml\n" in output
    text = (example_repo / "projects" / "asked.yaml").read_text(encoding="utf-8")
    assert "kind: intake\ntitle: An intake asked for at the terminal\n" in text
