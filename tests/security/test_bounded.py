"""Every stage's work grows linearly with its input: what took minutes to hours on a file
of the default size limit (1 MiB) is done in seconds. Bounded here by the harness's
timeout, which kills a run that would take longer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from qplan.sops.rendering import drop_comments
from tests.security.harness import minimal_repo, qplan


@pytest.mark.parametrize("markup", ["<!--", "<a ", "<?", "</", '<a b="'])
def test_an_sop_of_a_mebibyte_of_unclosed_markup_builds_in_seconds(
    tmp_path: Path, markup: str
) -> None:
    """Python's html.parser (which MkDocs runs on every page for anchors in raw HTML) and
    a lazy comment regex took time in the square of the unclosed tags or comments."""
    repo = minimal_repo(tmp_path)
    sop = repo / "sops" / "wf.md.j2"
    sop.write_text(sop.read_text() + markup * (990_000 // len(markup)))
    done = qplan("docs", "build", repo=repo, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    page = (repo / "site" / "sops" / "wf.html").read_text(encoding="utf-8")
    shown = markup.replace("<", "&lt;")
    assert page.count(shown) >= 990_000 // len(markup) - 1


@pytest.mark.parametrize(
    "text",
    [
        "a<!-- x -->\nb<!--y-->c",
        "<!--<!-- a -->b-->",
        "x<!-- open",
        "<!---->z",
        "<!--->z",
        "a<!--\n-->\n\nb",
        "<!-- a --><!-- b -->\n<!--",
    ],
)
def test_comments_are_dropped_as_the_reference_expression_drops_them(text: str) -> None:
    assert drop_comments(text) == re.sub(r"<!--.*?-->\n?", "", text, flags=re.DOTALL)


def _profiled_csv(repo: Path) -> None:
    org = repo / "workflows" / "org.yaml"
    forecast = "forecast: {arrival: backlog, weekly_volume: 10000, aht_seconds: 30}"
    text = org.read_text().replace(forecast, forecast[:-1] + ", profile: p}")
    org.write_text(text + "\nprofiles:\n  - id: p\n    timezone: UTC\n    csv: forecasts/f.csv\n")


def test_a_mebibyte_of_bad_forecast_rows_is_told_in_a_few_lines(tmp_path: Path) -> None:
    repo = minimal_repo(tmp_path)
    _profiled_csv(repo)
    (repo / "forecasts").mkdir()
    rows = "x\n" * (1_040_000 // 2)
    (repo / "forecasts" / "f.csv").write_text("interval_start,volume\n" + rows)
    done = qplan("validate", repo=repo, timeout=60)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2 * 51 + 1, lines[:5]  # 50 rows and the count, each with a hint
    assert lines[0] == "forecasts/f.csv:2:1: QP106 forecast has 1 columns, not 2"
    assert lines[100] == (
        "forecasts/f.csv:52:1: QP106 … and 519,950 more QP106 in this file (the first at line 52)"
    )
    assert lines[-1] == "Invalid: 51 errors, 0 warnings."


ACTUALS_HEAD = (
    "date,queue,team,arrived,handled,handled_within_sla,backlog_end,aht_seconds,"
    "qa_sampled,qa_correct,productive_hours\n"
)


def test_actuals_naming_thousands_of_unknown_queues_are_told_in_seconds(tmp_path: Path) -> None:
    """A "did you mean" for each row compared the name with every queue: worked out once a
    distinct name now, and not at all past a bound."""
    repo = minimal_repo(tmp_path)
    (repo / "actuals").mkdir()
    rows = "".join(f"2026-11-09,q-unknown-{n:06d},team-a,1,1,1,0,30,0,0,1\n" for n in range(12_000))
    (repo / "actuals" / "a.csv").write_text(ACTUALS_HEAD + rows)
    done = qplan("validate", repo=repo, timeout=60)
    assert done.returncode == 0, done.stdout
    lines = [line for line in done.stdout.splitlines() if " QP109 " in line]
    assert len(lines) == 51
    assert lines[-1].endswith("… and 11,950 more QP109 in this file (the first at line 52)")


@pytest.mark.parametrize(("folder", "setting", "most"), [("scenarios", "max_scenarios", 50)])
def test_scenario_files_are_bounded_in_number(
    tmp_path: Path, folder: str, setting: str, most: int
) -> None:
    """Each scenario runs the whole capacity model for validate and the docs site: 1,000
    small files took minutes. Past the setting (50; at most 500), none is read."""
    repo = minimal_repo(tmp_path)
    (repo / folder).mkdir()
    for number in range(most + 1):
        (repo / folder / f"s{number:04d}.yaml").write_text(
            f"id: s{number:04d}\ntitle: What if\nchanges:\n"
            "  - {type: volume, queue: q-prod, multiply: 1.1}\n"
        )
    done = qplan("validate", repo=repo, timeout=60)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:2] == [
        f"{folder}:1:1: QP014 more than {most:,} {folder} files",
        f"  hint: remove the ones no longer needed, or raise [tool.qplan] {setting}",
    ]
    (repo / "pyproject.toml").write_text(f"[tool.qplan]\n{setting} = 501\n")
    done = qplan("validate", repo=repo, timeout=60)
    assert done.stderr == (
        f"error: pyproject.toml: [tool.qplan] {setting} = 501 is over qplan's ceiling of 500\n"
    )


def _workbook(path: Path, edit: Callable[[str, str], str]) -> Path:
    """A one-sheet workbook of teams, each XML part passed through ``edit(name, text)``."""
    import io
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "teams"
    sheet.append(["id", "name"])
    sheet.append(["t1", "Team"])
    saved = io.BytesIO()
    book.save(saved)
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            target.writestr(name, edit(name, source.read(name).decode("utf-8")))
    return path


def test_a_workbook_row_numbered_in_the_millions_is_refused_at_once(tmp_path: Path) -> None:
    def far_row(name: str, text: str) -> str:
        if not name.startswith("xl/worksheets/"):
            return text
        text = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:B200000000"', text)
        text = text.replace('<row r="2"', '<row r="200000000"')
        return re.sub(r' r="([A-Z]+)2"', r' r="\g<1>200000000"', text)

    repo = minimal_repo(tmp_path)
    book = _workbook(tmp_path / "plan.xlsx", far_row)
    done = qplan("import", str(book), "--kind", "teams", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "plan.xlsx:teams: QP001 has a row numbered above 200,000"
    )


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_a_workbook_that_declares_entities_is_refused(tmp_path: Path, part: str) -> None:
    laughs = '<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def declare(name: str, text: str) -> str:
        return re.sub(r"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or "") + laughs, text, count=1)

    repo = minimal_repo(tmp_path)
    book = _workbook(tmp_path / "plan.xlsx", lambda n, t: declare(n, t) if n == part else t)
    done = qplan("import", str(book), "--kind", "teams", repo=repo, timeout=30)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:2] == [
        f"plan.xlsx: QP001 declares a document type or entities in {part}",
        "  hint: save it again from a spreadsheet program",
    ]


@pytest.mark.parametrize(
    ("payload", "told"),
    [
        ("[a](" * 48_000, "its Markdown (192,048 characters) takes longer than 2.8 s"),
        ("\\`" * 97_000, "its Markdown (194,048 characters) takes longer than 2.8 s"),
        (
            "".join(f"| q{i} | [l](https://e.example/{i}) | **b** |\n" for i in range(5_000)),
            "its Markdown (237,827 characters) takes longer than 3.4 s",
        ),
        ("".join(f"# a{i}\n\n" for i in range(1_001)), "it has 1,002 headings; the site takes"),
        ("".join("    " * i + "!!! note\n" for i in range(400)), "its Markdown nests too deeply"),
    ],
    ids=["links", "escaped-backticks", "pipes", "headings", "admonitions"],
)
def test_an_sop_the_site_cannot_convert_quickly_is_refused_at_validate(
    tmp_path: Path, payload: str, told: str
) -> None:
    """Python-Markdown takes time in the square (or more) of some markup in one paragraph,
    the search index in the square of a page's headings, and nested admonitions recurse:
    each is refused with the SOP, in seconds, instead of a docs build of minutes or a
    traceback."""
    repo = minimal_repo(tmp_path)
    sop = repo / "sops" / "wf.md.j2"
    sop.write_text(sop.read_text() + "{% raw %}" + payload + "{% endraw %}")
    # docs build refuses it by the same check as validate: shown once, for the first payload
    builds = [["docs", "build", "--no-cache"]] if payload.startswith("[a](") else []
    for command in (["validate"], *builds):
        done = qplan(*command, repo=repo, timeout=30)
        assert done.returncode == 1, done.stdout
        assert done.stdout.startswith(f"sops/wf.md.j2:8:1: QP143 SOP does not render: {told}"), (
            done.stdout
        )


def test_a_long_sop_of_ordinary_markup_builds(tmp_path: Path) -> None:
    """6,000 list items with a link, bold, italics and code each (286 kB): its cost grows
    with its length, so it is within the limit and the site builds."""
    repo = minimal_repo(tmp_path)
    sop = repo / "sops" / "wf.md.j2"
    items = "".join(f"- [l{i}](https://e.example/{i}) **b** _i_ `c`\n" for i in range(6_000))
    sop.write_text(sop.read_text() + "{% raw %}" + items + "{% endraw %}")
    done = qplan("docs", "build", repo=repo, timeout=60)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize(
    ("unit", "times", "told"),
    [
        # comments join short paragraphs into one long one on the site
        ("[a](https://e.x) <!--\n\n-->", 4_000, "takes longer than"),
        # ... or turn lines of text into headings
        ("<!---->## h\n", 1_001, "it has 1,002 headings"),
    ],
    ids=["joined-paragraphs", "hidden-headings"],
)
def test_the_check_converts_the_sop_as_the_site_does(
    tmp_path: Path, unit: str, times: int, told: str
) -> None:
    """The site drops HTML comments before it converts an SOP: the check converts that
    same text, so comments cannot hide a page the site cannot build."""
    repo = minimal_repo(tmp_path)
    sop = repo / "sops" / "wf.md.j2"
    sop.write_text(sop.read_text() + "{% raw %}" + unit * times + "{% endraw %}")
    done = qplan("validate", repo=repo, timeout=30)
    assert done.returncode == 1, done.stdout
    assert done.stdout.startswith("sops/wf.md.j2:8:1: QP143 SOP does not render: ")
    assert told in done.stdout.splitlines()[0]
