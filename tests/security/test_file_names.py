"""Hostile file names cannot inject lines into generated files (mkdocs.yml, CODEOWNERS)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.security.harness import minimal_repo, qplan, snapshot

NAMES = [
    (
        "evil\nhooks:\n  - run.py\nx.md.j2",
        "U+000A CONTROL CHARACTER",
        "evil\\nhooks:\\n  - run.py\\nx",
    ),
    ("cr\rname.md.j2", "U+000D CONTROL CHARACTER", "cr\\rname"),
    ("tab\tname.md.j2", "U+0009 CONTROL CHARACTER", "tab\\tname"),
    ("esc\x1b[31m.md.j2", "U+001B CONTROL CHARACTER", "esc\\x1b[31m"),
    ("rtl\u202egpj.md.j2", "U+202E RIGHT-TO-LEFT OVERRIDE", "rtl\\u202egpj"),
    ("line\u2028sep.md.j2", "U+2028 LINE SEPARATOR", "line\\u2028sep"),
    ('quote".md.j2', "U+0022 QUOTATION MARK", 'quote"'),
    ("angle<b>.md.j2", "U+003C LESS-THAN SIGN", "angle<b>"),
    ("back\\slash.md.j2", "U+005C REVERSE SOLIDUS", "back\\slash"),
]


@pytest.mark.parametrize(("name", "character", "shown"), NAMES)
@pytest.mark.parametrize("command", [["validate"], ["owners"], ["docs", "build"], ["plan"]])
def test_a_hostile_sop_name_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str, character: str, shown: str, command: list[str]
) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "sops" / name).write_text((repo / "sops" / "wf.md.j2").read_text())
    before = snapshot(repo)
    done = qplan(*command, repo=repo, timeout=60)
    assert done.returncode == 1
    expected = (
        f"sops/{shown}.md.j2:1:1: QP012 file name holds {character}, "
        "which qplan's generated files cannot carry"
    )
    assert done.stdout.splitlines()[0] == expected
    assert snapshot(repo) == before  # no mkdocs.yml, CODEOWNERS, site or state


def test_a_hostile_workflow_file_name_is_refused(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    (repo / "workflows" / "x\n- hooks.yaml").write_text("workflows: []\n")
    done = qplan("validate", repo=repo)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "workflows/x\\n- hooks.yaml:1:1: QP012 file name holds U+000A CONTROL CHARACTER, "
        "which qplan's generated files cannot carry"
    )


def test_generated_mkdocs_yml_holds_names_as_values_only(tmp_path: Path) -> None:
    """A workflow name that looks like YAML stays one value of the navigation."""
    import yaml

    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    org.write_text(
        org.read_text().replace("name: Workflow\n", 'name: "W\\nhooks:\\n  - evil.py"\n', 1)
    )
    done = qplan("docs", "build", "--project-dir", "project", repo=repo, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    config = yaml.safe_load((repo / "project" / "mkdocs.yml").read_text())
    assert "hooks" not in config
    assert config["nav"][1] == {"Workflows": [{"W hooks: - evil.py": "workflows/wf.md"}]}
