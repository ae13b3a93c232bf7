"""What a strategist trying qplan for real ran into: each test names what it protects."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CASES, run_qplan

MINIMAL = CASES / "valid" / "minimal"


def _minimal(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo)
    (repo / "expected.txt").unlink()
    return repo


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_sop_front_matter_error_is_not_also_a_missing_sop(tmp_path: Path) -> None:
    repo = _minimal(tmp_path)
    _edit(repo / "sops" / "wf.md.j2", "owner: owner@example.com", "owner: not-an-email")
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert result.output == (
        "sops/wf.md.j2:3:8: QP023 SOP: owner must be an email address, not 'not-an-email'\n"
        "Invalid: 1 error, 0 warnings.\n"
    )


def test_an_escalation_queue_reviews_the_languages_escalated_to_it(tmp_path: Path) -> None:
    repo = _minimal(tmp_path)
    org = repo / "workflows" / "org.yaml"
    _edit(
        org,
        "    languages: [en]\n    ttp_queue: ttp-prod\n",
        "    languages: [en, tl]\n    ttp_queue: ttp-prod\n",
    )
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 0
    assert result.output == (
        "workflows/org.yaml:48:19: QP123 queue q-prod escalates to q-esc, which does not "
        "review tl\n"
        "  hint: add tl to q-esc's languages, or escalate to a queue that reviews them\n"
        "Valid with warnings: 0 errors, 1 warning.\n"
    )
