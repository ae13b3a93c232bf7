"""No text from the repository reaches a terminal or CI's log as a control sequence: an
OSC 52 clipboard write, a cursor move or a carriage return in a title is shown escaped."""

from __future__ import annotations

from pathlib import Path

from qplan.core.text import markdown_text, printable
from tests.conftest import ROOT
from tests.security.harness import qplan

HOSTILE = "Q1 \x1b]52;c;ZXZpbA==\x07growth\x1b[2J\r\u202eevil"


def test_printable_escapes_every_control_character_and_keeps_colours() -> None:
    assert printable(HOSTILE + "\n\x1b[31mred\x1b[0m\t.") == (
        "Q1 \\u001b]52;c;ZXZpbA==\\u0007growth\\u001b[2J\\u000d\\u202eevil\n\x1b[31mred\x1b[0m\t."
    )


def test_markdown_text_is_inert() -> None:
    hostile = "@octocat <!-- hidden --> [x](https://evil.example) ![i](https://e/i.png) *b* a@b.c"
    assert markdown_text(hostile) == (
        "@\u2060octocat &lt;\\!-- hidden --&gt; \\[x\\]\\(https:\u2060//evil.example\\) "
        "\\!\\[i\\]\\(https:\u2060//e/i.png\\) \\*b\\* a@b.c"
    )
    assert markdown_text("two\nlines | cell") == "two lines \\| cell"


def test_status_and_scenario_show_a_hostile_title_escaped(tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "site"))
    scenario = repo / "scenarios" / "livestream-q1.yaml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(_retitle(text, HOSTILE), encoding="utf-8")
    project = repo / "projects" / "hindi-livestream-launch.yaml"
    project.write_text(_retitle(project.read_text(encoding="utf-8"), HOSTILE), encoding="utf-8")
    for command in (
        ["scenario", "livestream-q1"],
        ["status", "hindi-livestream-launch"],
        ["validate"],
    ):
        done = qplan(*command, repo=repo, timeout=120)
        said = done.stdout + done.stderr
        assert "\x1b" not in said and "\r" not in said and "\x07" not in said, command
        if command[0] != "validate":
            assert done.returncode == 0, said
            assert "Q1 \\u001b]52;c;ZXZpbA==\\u0007growth" in said, said


def _retitle(text: str, title: str) -> str:
    import json

    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.startswith("title: "):
            lines[number] = f"title: {json.dumps(title)}\n"
            return "".join(lines)
    raise AssertionError("no title line")


def test_markdown_reports_carry_no_markup_from_the_repository(tmp_path: Path) -> None:
    """A vendor's name reaches the capacity report that CI posts as a comment: it must not
    mention anyone, hide text in a comment, or link or show an image."""
    from tests.security.harness import minimal_repo

    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    hostile = "@octocat <!-- x --> [y](https://evil.example) ![i](https://e/i.png)"
    org.write_text(org.read_text().replace("vendor: Vendor B", f"vendor: {hostile!r}"))
    done = qplan("capacity", "--format", "markdown", repo=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    shown = (
        "@\u2060octocat &lt;\\!-- x --&gt; \\[y\\]\\(https:\u2060//evil.example\\) "
        "\\!\\[i\\]\\(https:\u2060//e/i.png\\)"
    )
    assert done.stdout.count(shown) == 2  # the team's row and the vendor's
    assert "<!--" not in done.stdout and "](" not in done.stdout
