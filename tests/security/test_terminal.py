"""No text from the repository reaches a terminal or CI's log as a control sequence: an
OSC 52 clipboard write, a cursor move or a carriage return in a title is shown escaped."""

from __future__ import annotations

from pathlib import Path

from qplan.core.text import markdown_text, printable
from tests.conftest import ROOT
from tests.security.harness import qplan

HOSTILE = "Q1 \x1b]52;c;ZXZpbA==\x07growth\x1b[2J\r\u202eevil"


def test_printable_escapes_every_control_character() -> None:
    """Colours too: one that conceals text (ESC [8m) or draws it black on black hides it."""
    assert printable(HOSTILE + "\n\x1b[8mhidden\x1b[0m\t.") == (
        "Q1 \\u001b]52;c;ZXZpbA==\\u0007growth\\u001b[2J\\u000d\\u202eevil\n"
        "\\u001b[8mhidden\\u001b[0m\t."
    )


def test_validate_in_colour_styles_its_own_text_only() -> None:
    """On a terminal the reporter writes its colours past the filter, and the repository's
    text through printable(): a name's escape sequence is shown, not obeyed."""
    import io

    from qplan.core.diagnostics import Diagnostic, Position, Report
    from qplan.core.text import PrintableStream
    from qplan.report.reporters import write_text

    report = Report()
    report.add(Diagnostic.at(Position("w.yaml", 2, 3), "QP102", "unknown team 'a\x1b[8mb'"))
    terminal = io.StringIO()
    write_text(report, PrintableStream(terminal), color=True)  # type: ignore[arg-type]
    assert terminal.getvalue() == (
        "\x1b[1mw.yaml:2:3:\x1b[0m \x1b[31mQP102\x1b[0m unknown team 'a\\u001b[8mb'\n"
        "Invalid: 1 error, 0 warnings.\n"
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


def test_no_line_of_output_is_a_workflow_command(tmp_path: Path) -> None:
    """An SOP's text reaches the plan (its diff); in CI's log a line that starts with '::',
    however indented, would be a workflow command (an annotation, a mask, a stop)."""
    from tests.security.harness import minimal_repo

    repo = minimal_repo(tmp_path)
    sop = repo / "sops" / "wf.md.j2"
    sop.write_text(sop.read_text() + "\n::error file=x::forged\n  ::add-mask::secret\n")
    assert qplan("apply", "--auto-approve", "--allow-dirty", repo=repo).returncode == 0
    sop.write_text(sop.read_text() + "one more line\n")  # the lines above are its context
    done = qplan("plan", "--sop-diff", repo=repo)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert not [line for line in lines if line.lstrip().startswith("::")]
    assert any(line.endswith(":\u2060:error file=x::forged") for line in lines), done.stdout
    # validate --format github still writes its own annotations as commands
    org = repo / "workflows" / "org.yaml"
    org.write_text(org.read_text().replace("workflow: wf\n", "workflow: nope\n", 1))
    done = qplan("validate", "--format", "github", repo=repo)
    assert done.stdout.startswith("::error file=workflows/org.yaml,line=")


def test_invisible_and_reordering_characters_are_shown() -> None:
    """Bidirectional marks, zero-width characters, the byte-order mark, soft hyphens and
    tags change what a reader sees (a '::' after a zero-width space still looks like a
    command to a person, and may to a runner): each is shown as its JSON escape."""
    text = "10\u200f% \u061c\u00ad\ufeff::x \u200b\u200d\u206a\ufff9\U000e0041"
    assert printable(text) == (
        "10\\u200f% \\u061c\\u00ad\\ufeff::x \\u200b\\u200d\\u206a\\ufff9\\udb40\\udc41"
    )


def test_log_safe_breaks_every_runner_command() -> None:
    from qplan.core.text import log_safe

    assert log_safe("::error::a\n  ::add-mask::b\nx ::c\n\t::d") == (
        ":\u2060:error::a\n  :\u2060:add-mask::b\nx ::c\n\t:\u2060:d"
    )


def test_a_refusal_in_markdown_carries_no_markup(tmp_path: Path) -> None:
    """plan --format markdown of an invalid repository: the comment CI posts quotes the
    problems, names from the pull request in them."""
    from tests.security.harness import minimal_repo

    repo = minimal_repo(tmp_path)
    org = repo / "workflows" / "org.yaml"
    hostile = "<img src=x onerror=alert(1)> [c](https://evil.example) @octocat <!-- x -->"
    org.write_text(org.read_text().replace("workflow: wf\n", f"workflow: {hostile!r}\n", 1))
    done = qplan("plan", "--format", "markdown", repo=repo)
    assert done.returncode == 1
    assert "<img" not in done.stdout and "<!--" not in done.stdout
    assert "](" not in done.stdout and "@octocat" not in done.stdout
    assert "- `workflows/org.yaml:" in done.stdout
