"""`qplan fmt`: canonical, idempotent, comment-keeping, meaning-preserving, and careful."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qplan.app.plan import desired_snapshot
from qplan.app.workspace import validate_repository
from qplan.edit.fmt import format_text
from qplan.load.settings import load_settings
from qplan.plan.plan import diff
from tests.conftest import CASES, ROOT, run_qplan

VALID = sorted(p for p in (CASES / "valid").iterdir() if p.is_dir())

MESSY = """\
# Teams of a fictional organisation.
queues:   # the work
- name: Short video
  id: sv
  # why it exists
  workflow: wf
  languages: [es, en]
  forecast: {weekly_volume: 10, arrival: backlog, aht_seconds: 30}
  kind: production
  status: draft
  policy: p@1

workflows:
- {id: wf, name: W, owner: o@example.com}
allocations:
- shares: {b: 40, a: 60}
  queue: sv
  suppress: [QP201, QP110]  # agreed with the vendor lead
"""

CANONICAL = """\
# Teams of a fictional organisation.
workflows:
  - {id: wf, name: W, owner: o@example.com}
queues:   # the work
  - id: sv
    name: Short video
    # why it exists
    workflow: wf
    kind: production
    status: draft
    policy: p@1
    languages: [en, es]
    forecast: {arrival: backlog, weekly_volume: 10, aht_seconds: 30}

allocations:
  - queue: sv
    shares: {a: 60, b: 40}
    suppress: [QP110, QP201] # agreed with the vendor lead
"""


def test_canonical_order_indentation_and_sorted_id_lists() -> None:
    assert format_text(MESSY) == CANONICAL
    assert format_text(CANONICAL) == CANONICAL


@pytest.mark.parametrize("case", [ROOT, *VALID], ids=["example", *(p.name for p in VALID)])
def test_idempotent_and_meaning_preserving(case: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(case / "workflows", repo / "workflows")
    if (case / "sops").is_dir():
        shutil.copytree(case / "sops", repo / "sops")
    before = desired_snapshot(validate_repository(settings=load_settings(repo)))
    assert run_qplan("fmt", repo=repo).exit_code == 0
    formatted = {p: p.read_text(encoding="utf-8") for p in (repo / "workflows").rglob("*.y*ml")}
    again = run_qplan("fmt", "--check", repo=repo)
    assert (again.exit_code, again.output) == (0, "Every file is formatted.\n")
    assert formatted == {p: p.read_text(encoding="utf-8") for p in formatted}
    after = desired_snapshot(validate_repository(settings=load_settings(repo)))
    assert diff(after, before) == []


COMMENTED = """\
queues:
  - id: q  # the queue
    name: Q
allocations:  # who does the work
  - shares: {a: 60, b: 40}  # agreed in Q3
    # a note on the queue key
    queue: q
workflows:
  - name: W
    # the owner signs off launches
    owner: o@example.com
    id: w  # the id
"""


def test_each_comment_stays_with_the_key_it_was_written_on() -> None:
    """A comment at a line's end stays on that key's line; comments above a key move with
    it, at its indentation; fmt stays idempotent."""
    out = format_text(COMMENTED)
    assert format_text(out) == out
    lines = out.splitlines()
    assert "allocations:  # who does the work" in lines
    assert "    shares: {a: 60, b: 40}  # agreed in Q3" in lines
    assert lines[lines.index("  - queue: q") - 1] == "  # a note on the queue key"
    assert "  - id: w  # the id" in lines
    assert lines[lines.index("    owner: o@example.com") - 1] == (
        "    # the owner signs off launches"
    )
    assert "  - id: q  # the queue" in lines
    assert out.count("#") == COMMENTED.count("#")


def test_the_example_is_formatted() -> None:
    result = run_qplan("fmt", "--check", repo=ROOT)
    assert (result.exit_code, result.output) == (0, "Every file is formatted.\n")


def test_check_lists_files_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "workflows").mkdir()
    messy = tmp_path / "workflows" / "org.yaml"
    messy.write_text(MESSY, encoding="utf-8")
    (tmp_path / "workflows" / "ok.yaml").write_text(CANONICAL.replace("sv", "sx"), encoding="utf-8")
    result = run_qplan("fmt", "--check", repo=tmp_path)
    assert (result.exit_code, result.output) == (1, "would reformat workflows/org.yaml\n")
    assert messy.read_text(encoding="utf-8") == MESSY
    result = run_qplan("fmt", str(messy), repo=tmp_path)
    assert (result.exit_code, result.output) == (0, "reformatted workflows/org.yaml\n")
    assert messy.read_text(encoding="utf-8") == CANONICAL


def test_broken_or_hostile_files_are_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    files = {
        "broken.yaml": "queues:\n  - id: [unclosed\n",
        "dupes.yaml": "workflows:\n  - id: a\n    id: b\n",
        "bomb.yaml": bomb,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    result = run_qplan("fmt", repo=tmp_path)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(" ")[:2] for line in lines if line.startswith("workflows/")] == [
        ["workflows/bomb.yaml:5:4:", "QP003"],
        ["workflows/broken.yaml:3:1:", "QP001"],
        ["workflows/dupes.yaml:3:5:", "QP002"],
    ]
    assert lines[-1] == "3 file(s) left as they were: fix them first."
    assert {n: (folder / n).read_text(encoding="utf-8") for n in files} == files
