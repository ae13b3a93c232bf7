"""The documentation site: SOP rendering from the command line, the generated MkDocs
project (exact, deterministic, incremental, escaped) and the built HTML."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import pytest
import yaml

from qplan.site.cache import cache_folder
from tests.conftest import ROOT, TODAY, copy_case, need_a_helper_process, run_qplan
from tests.plan_scenario import apply_all, edit

SV = "workflows/short-video.yaml"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_render_one_sop_or_all(example_repo: Path, tmp_path: Path) -> None:
    result = run_qplan("docs", "render", "short-video", repo=example_repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "<!-- Fictional example SOP for qplan's example organisation (Lakeside Social). -->\n"
        "# Short video review\n"
    )
    assert "| Short video · hate speech · English | live | hate-speech@7 | en |" in result.output
    same = run_qplan("docs", "render", "sops/short-video.md.j2", repo=example_repo)
    assert same.output == result.output
    out = tmp_path / "rendered"
    result = run_qplan("docs", "render", "--all", "--out", str(out), repo=example_repo)
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "appeals.md",
        "comments.md",
        "commerce.md",
        "livestream.md",
        "minor-safety.md",
        "short-video.md",
    ]
    assert (out / "short-video.md").read_text(encoding="utf-8") == same.output


def test_render_usage_errors(example_repo: Path) -> None:
    result = run_qplan("docs", "render", repo=example_repo)
    assert (result.exit_code, result.output) == (64, "error: name one SOP, or pass --all\n")
    result = run_qplan("docs", "render", "nope", repo=example_repo)
    assert result.exit_code == 64
    assert result.output == (
        "error: no SOP 'nope' (SOPs: appeals, comments, commerce, livestream, minor-safety, "
        "short-video)\n"
    )


def test_invalid_repository_builds_no_site(tmp_path: Path) -> None:
    repo = copy_case(ROOT / "tests" / "cases" / "invalid" / "capacity", tmp_path)
    result = run_qplan("docs", "build", repo=repo)
    assert result.exit_code == 1
    assert result.output.endswith("No site was built: fix the errors above first.\n")
    assert not (repo / "site").exists() and not (repo / ".qplan").exists()


def test_build_is_deterministic_and_incremental(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    plain = run_qplan("docs", "build", "--out", "n", "--no-cache", repo=example_repo)
    assert plain.output == "Built 100 pages into n.\n"
    # the build dates the site 1970 (reproducible), and leaves the process's environment be
    assert "SOURCE_DATE_EPOCH" not in os.environ
    # a cold build renders on two processes (more than PARALLEL_FROM pages): the same site
    first = run_qplan("docs", "build", "--out", "a", "--project-dir", "project", repo=example_repo)
    assert first.output == "Built 100 pages into a.\n"
    assert _files(example_repo / "a") == _files(example_repo / "n")
    queues = example_repo / "project" / "docs" / "queues"
    training = (queues / "ms-grooming-signals-training.md").read_text(encoding="utf-8")
    assert "\n## Capacity\n\nNo SLA target; 0.4 FTE required; weekly cost 809.85 USD;" in training
    again = run_qplan("docs", "build", "--out", "b", repo=example_repo)
    assert again.output == ("Built 100 pages into b (100 page(s) from the cache).\n")
    assert _files(example_repo / "a") == _files(example_repo / "b")
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    third = run_qplan("docs", "build", "--out", "a", repo=example_repo)
    # the queue, and the overview, team pages and chart whose figures move with it, and the
    # health pages that weigh the actuals against its forecast (workflow) and staffing (teams),
    # the guardrails page (the teams' utilisation against their cap), the scenario pages,
    # whose whole-organisation totals move with it, and the forecast-accuracy overview and
    # workflow page (its forecast against the actuals): rendered again,
    # the other 87 pages taken from the cache and left in the site as the last build wrote
    # them (the navigation is the same), and the site the same as one built without it
    assert third.output == (
        "Built 100 pages into a (87 page(s) from the cache, 87 left as they were).\n"
    )
    fresh = run_qplan("docs", "build", "--out", "c", "--no-cache", repo=example_repo)
    assert fresh.output == "Built 100 pages into c.\n"
    assert _files(example_repo / "a") == _files(example_repo / "c")
    # built into the same folder again: every page the last build wrote is left as it is,
    # except one edited by hand since, and what no build writes is removed
    site = example_repo / "a"
    (site / "queues" / "cm-qa.html").write_text("edited", encoding="utf-8")
    (site / "stray.html").write_text("stray", encoding="utf-8")
    (site / "old" / "folder").mkdir(parents=True)
    (site / "old" / "folder" / "page.html").write_text("old", encoding="utf-8")
    next((site / "assets" / "javascripts").glob("bundle.*.min.js")).unlink()  # a theme file
    (site / "queues" / "linked").symlink_to(example_repo / "workflows", target_is_directory=True)
    same = run_qplan("docs", "build", "--out", "a", repo=example_repo)
    assert same.output == (
        "Built 100 pages into a (100 page(s) from the cache, 99 left as they were).\n"
    )
    assert _files(site) == _files(example_repo / "c")
    assert (site / ".qplan-generated").exists()  # the marker stays
    # what a build left in each site folder is recorded in the cache, while the folder is
    records = cache_folder(example_repo) / "written"
    assert len(list(records.iterdir())) == 2  # a and b (n and c were built without it)
    shutil.rmtree(example_repo / "b")
    assert run_qplan("docs", "build", "--out", "a", repo=example_repo).exit_code == 0
    sites = sorted(json.loads(r.read_text(encoding="utf-8"))["site"] for r in records.iterdir())
    assert sites == [str((example_repo / "a").resolve())]
    assert not (site / "queues" / "linked").is_symlink()  # removed, what it linked to kept
    assert (example_repo / "workflows" / "appeals.yaml").is_file()
    # one entry a page, and the heat maps of the profiled queues, drawn once: those of the
    # pages before the change are gone
    cache = cache_folder(example_repo)
    heat_maps = sorted(p.read_text(encoding="utf-8") for p in (cache / "heat-maps").iterdir())
    drawn = sorted(p.read_text(encoding="utf-8") for p in queues.glob("*.svg"))
    assert len(heat_maps) == 2 and heat_maps == drawn
    entries = sorted(cache.glob("*.json"))
    assert len(entries) == 100
    # an entry that cannot be read, or lacks a part, is rendered again, and written again
    entries[0].write_text("{not json", encoding="utf-8")
    entries[1].write_text('{"format": "1", "content": "<p>x</p>"}', encoding="utf-8")
    fourth = run_qplan("docs", "build", "--out", "d", repo=example_repo)
    assert fourth.output == ("Built 100 pages into d (98 page(s) from the cache).\n")
    assert _files(example_repo / "d") == _files(example_repo / "c")
    for rewritten in entries[:2]:
        assert set(json.loads(rewritten.read_text(encoding="utf-8"))) >= {"format", "toc"}
    project = example_repo / "project"
    assert sorted(p.name for p in (project / "docs").iterdir()) == [
        "assets",  # the site's style sheet
        "capacity.svg",
        "forecasts",
        "glossary.md",
        "guardrails.md",
        "health",
        "index.md",
        "policies",
        "projects",
        "queues",
        "scenarios",
        "sops",
        "teams",
        "workflows",
    ]
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    parsed = yaml.safe_load(config)
    assert parsed["theme"]["font"] is False
    assert "qplan.sops.markdown" in parsed["markdown_extensions"]
    assert "http" not in config


def test_pages_say_what_a_reader_needs(example_site: Path) -> None:
    docs = example_site / "project" / "docs"
    # the home page leads with what holds now: who missed a target, why in words, and whom
    # it points at; the age of the actuals; then the plan's verdict
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert (
        "## Now\n\n**From the actuals** of 2026-10-26 to 2026-11-22 (they end 15 days before "
        "2026-12-07): 2 queues, 3 teams, 1 vendor missed a target. [Health](health/index.md)\n\n"
        "- [cm-harassment-de](queues/cm-harassment-de.md) missed: SLA 78.4% against 90.0%; "
        "top cause: fewer productive hours than planned ([de-berlin](teams/de-berlin.md)).\n"
        "- [ls-safety-pt](queues/ls-safety-pt.md) missed: SLA 74.7% against 90.0%; top "
        "cause: more arrived than forecast.\n"
    ) in home
    assert "**The plan:** every queue's projected SLA meets its target" in home
    assert home.index("## Now") < home.index("**The plan:**") < home.index("## Workflows")
    assert "**Guardrails:** 6 vendor share(s) at a vendor cap, 1 over one. " in home
    assert (
        "\n**Exposure:** 2 teams under an exposure cap, none over one; closest: us-austin at "
        "0.92 h per agent-day on egregious queues against 4 h. [Guardrails](guardrails.md)\n"
    ) in home
    assert (
        "\n**Launches:** none in the next 30 days; next: [Hindi livestream review for India]"
        "(projects/hindi-livestream-launch.md) on 2028-01-10 (in 399 days), 0 of 2 queues "
        "ready. [Calendar](projects/calendar.md)\n"
    ) in home
    guardrails = (docs / "guardrails.md").read_text(encoding="utf-8")
    for line in [
        "| [ls-safety-pt](queues/ls-safety-pt.md) | Helix Trust Partners | 100%: ❌ over, "
        "accepted (suppressed on the allocation) |",
        "| [cm-harassment-de](queues/cm-harassment-de.md) | Meridian CX | 60%: ⚠️ at the cap |",
        "| [cm-qa](queues/cm-qa.md) | Meridian CX | 50%: ✅ 10.0 points below |",
        "| [us-austin](teams/us-austin.md) | 0.92 h | ✅ 3.1 hours below | 2.2 |",
        "| [ap-account-en](queues/ap-account-en.md) | 0% | ✅ none |",
        "| [in-hyderabad](teams/in-hyderabad.md) | 64.9% | ✅ 35.1 points below |",
    ]:
        assert line in guardrails.splitlines(), line
    health = (docs / "health" / "comments.md").read_text(encoding="utf-8")
    assert "| Backlog | Verdict |" in health and "| ✅ met |" in health
    queue = (docs / "queues" / "sv-hate-speech-en.md").read_text(encoding="utf-8")
    assert "| SLA | 95% within 24h |" in queue
    assert (
        "| [us-austin](../teams/us-austin.md) | 40% | in-house | — | US | 17.0 | 100.0% |" in queue
    )
    assert (
        "[sv-hate-speech-en](../queues/sv-hate-speech-en.md) → "
        "[sv-escalation-en](../queues/sv-escalation-en.md)" in queue
    )
    assert "| ✅ | training queue exists | sv-hate-speech-en-training |" in queue
    assert (
        "| ✅ | escalation path ends in a live queue | sv-hate-speech-en → sv-escalation-en |"
        in queue
    )
    assert "### Short video review\n" in queue  # its SOP, headings moved under "## SOP"
    team = (docs / "teams" / "de-berlin.md").read_text(encoding="utf-8")
    assert "| Coverage hours | every day 06:00–24:00 \\(Europe/Berlin\\) |" in team
    policy = (docs / "policies" / "violent-extremism.md").read_text(encoding="utf-8")
    assert (
        "| 4 | [sv-violent-extremism-eu](../queues/sv-violent-extremism-eu.md), "
        "[sv-violent-extremism-eu-training](../queues/sv-violent-extremism-eu-training.md) |"
        in policy
    )


def test_untrusted_text_is_shown_not_run(example_repo: Path) -> None:
    edit(
        example_repo,
        SV,
        "name: Short video · hate speech · English\n",
        'name: "Short video <img src=x onerror=alert(1)> | *bold*"\n',
    )
    sop = example_repo / "sops" / "short-video.md.j2"
    sop.write_text(
        sop.read_text(encoding="utf-8") + "\n<script>alert('sop')</script>\n", encoding="utf-8"
    )
    result = run_qplan("docs", "build", repo=example_repo)
    assert result.exit_code == 0, result.output
    site = example_repo / "site"
    for page in (site / "queues" / "sv-hate-speech-en.html", site / "sops" / "short-video.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html
    queue_html = (site / "queues" / "sv-hate-speech-en.html").read_text(encoding="utf-8")
    assert "Short video &lt;img src=x onerror=alert(1)&gt; | *bold*" in queue_html
    sop_html = (site / "sops" / "short-video.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;sop&#x27;)&lt;/script&gt;" in sop_html or (
        "&lt;script&gt;alert('sop')&lt;/script&gt;" in sop_html
    )


def test_change_log_comes_from_the_state(example_repo: Path) -> None:
    state = str(example_repo / ".qplan" / "state.db")
    apply_all(example_repo, state)
    edit(example_repo, SV, "weekly_volume: 84000", "weekly_volume: 90000")
    apply_all(example_repo, state)
    assert run_qplan("docs", "build", "--project-dir", "project", repo=example_repo).exit_code == 0
    log = (example_repo / "project" / "docs" / "changelog.md").read_text(encoding="utf-8")
    lines = log.splitlines()
    assert lines[4] == "| Serial | Time (UTC) | Actor | Commit | Origin | Changes |"
    assert lines[6].startswith("| 2 | ") and lines[6].endswith(" | repository | +0 ~1 -0 |")
    assert (
        "## Serial 2\n\n"
        "| Change | Resource | Fields changed |\n"
        "|---|---|---|\n"
        "| updated | `queue.sv-hate-speech-en` | `forecast.weekly_volume` |\n\n"
        "## Serial 1\n\n"
        "| Change | Resource | Fields changed |\n"
        "|---|---|---|\n"
        "| created | `policy.appeals-review` | — |\n"
    ) in log
    html = (example_repo / "site" / "changelog.html").read_text(encoding="utf-8")
    assert "<ul>\n<li>\n<ul>" not in html  # no list nested in a list, as "- + x" made
    assert "<td>updated</td>" in html


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urlopen(url, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            assert time.monotonic() < deadline, f"{url} never answered"
            time.sleep(0.2)


def test_serve_rebuilds_when_the_repository_changes(example_repo: Path) -> None:
    env = dict(os.environ, QPLAN_TODAY=TODAY, NO_COLOR="1")
    command = [sys.executable, "-m", "qplan", "--repo", str(example_repo), "docs", "serve"]
    process = subprocess.Popen(
        [*command, "--dev-addr", "127.0.0.1:0"],  # a free port, which it names
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        told = re.compile(
            r"Serving the site at (http://127\.0\.0\.1:(\d+)/) \(Ctrl\+C stops it\)\."
        )
        for line in process.stderr:
            if found := told.fullmatch(line.strip()):
                break
        else:
            raise AssertionError("the server never said where it listens")
        assert int(found.group(2)) > 0
        threading.Thread(target=process.stderr.read, daemon=True).start()  # never a full pipe
        url = f"{found.group(1)}queues/sv-qa-en.html"
        page = _get(url, time.monotonic() + 60)
        assert "Short video · quality assurance sample" in page
        edit(example_repo, SV, "Short video · quality assurance sample", "Short video · QA sample")
        deadline = time.monotonic() + 60
        while "Short video · QA sample" not in _get(url, deadline):
            assert time.monotonic() < deadline, "the page was not rebuilt"
            time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0, process.returncode


def test_a_large_organisation_keeps_its_queues_on_workflow_pages(example_repo: Path) -> None:
    """Above max_queue_pages, each workflow's page holds its queues as sections with their
    ids as anchors, and every link to a queue points there (the strict build checks them)."""
    (example_repo / "pyproject.toml").write_text("[tool.qplan]\nmax_queue_pages = 10\n")
    result = run_qplan(
        "docs", "build", "--project-dir", "project", "--out", "site", repo=example_repo
    )
    assert result.output == "Built 60 pages into site.\n"
    docs = example_repo / "project" / "docs"
    assert sorted(p.name for p in (docs / "queues").iterdir()) == [
        "ls-safety-en.svg",
        "ls-safety-pt.svg",
    ]  # the heat maps stay; the queue pages are gone
    page = (docs / "workflows" / "livestream.md").read_text(encoding="utf-8")
    assert "\n## Livestream · safety · English {#ls-safety-en}\n" in page
    assert (
        "![Agents required and on duty by half-hour, and each team's headroom]"
        "(../queues/ls-safety-en.svg)"
    ) in page
    # a section's parts are bold, not headings: one heading (and search section) a queue
    assert page.count("\n## ") == 1 + 7
    assert "\n**Allocation**\n\n| Team | Share | Type |" in page
    assert "| Owner |" not in page  # a section lists only the fields that are set
    minor = (docs / "workflows" / "minor-safety.md").read_text(encoding="utf-8")
    training = minor.split("{#ms-grooming-signals-training}")[1].split("\n## ")[0]
    assert (
        "\nNo SLA target; 0.4 FTE required; weekly cost 809.85; cost per item 8.10.\n" in training
    )
    team = (docs / "teams" / "ph-manila.md").read_text(encoding="utf-8")
    assert "(../workflows/livestream.md#ls-safety-en)" in team
    config = (example_repo / "project" / "mkdocs.yml").read_text()
    assert "queues/" not in config
    # workflows, teams and SOPs are listed on pages of their own, not in every page's nav
    assert "not_in_nav: '/workflows/*.md\n\n  /teams/*.md\n\n  /sops/*.md'\n" in config
    assert "- All teams: lists/teams.md\n" in config
    assert (docs / "lists" / "teams.md").read_text(encoding="utf-8").splitlines()[4] == (
        "| [co-bogota](../teams/co-bogota.md) | bpo | Helix Trust Partners | CO | 80 | 58.1% |"
    )
    html = (example_repo / "site" / "workflows" / "livestream.html").read_text(encoding="utf-8")
    # its section, and its heat map drawn inline (ids of each chart kept apart)
    assert 'id="ls-safety-en"' in html
    assert 'aria-label="Agents required and on duty by half-hour: ls-safety-en"' in html
    assert 'src="../queues/ls-safety-en.svg"' not in html
    ids = re.findall(r'id="(chart\d+-[\w-]+)"', html)
    assert ids and len(ids) == len(set(ids))


def test_a_new_title_in_the_navigation_puts_every_page_through_the_template(
    example_repo: Path,
) -> None:
    """Every page carries the navigation: when a title in it changes, no page is left as
    the last build wrote it, though each one's rendering still comes from the cache."""
    first = run_qplan("docs", "build", repo=example_repo)
    assert first.exit_code == 0, first.output
    edit(example_repo, "workflows/appeals.yaml", "    name: Appeals\n", "    name: Appeal review\n")
    renamed = run_qplan("docs", "build", repo=example_repo)
    assert renamed.output == "Built 100 pages into site.\n"
    assert "left as they were" not in renamed.output
    clean = run_qplan("docs", "build", "--out", "clean", "--no-cache", repo=example_repo)
    assert clean.exit_code == 0, clean.output
    assert _files(example_repo / "site") == _files(example_repo / "clean")
    assert b">Appeal review<" in (example_repo / "site" / "index.html").read_bytes()


def test_a_cold_build_renders_on_two_processes(example_repo: Path, tmp_path: Path) -> None:
    """From PARALLEL_FROM pages on, a helper process renders pages from the last backwards
    while the build renders from the first: the same site, and a page the helper rendered
    with a warning is rendered, and warned of, by the build."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from qplan.core.errors import OutputError
    from qplan.site.build import build_site

    need_a_helper_process()
    plain = run_qplan(
        "docs",
        "build",
        "--project-dir",
        "project",
        "--out",
        "plain",
        "--no-cache",
        repo=example_repo,
    )
    assert plain.exit_code == 0, plain.output
    project = example_repo / "project"
    cache = build_site(project, tmp_path / "site", cache=tmp_path / "cache")
    assert cache is not None and cache.hits == 0 and cache.helped > 0
    made = _files(example_repo / "plain")
    assert made.pop(".qplan-generated")  # the marker of a folder that docs build claimed
    assert _files(tmp_path / "site") == made
    # one entry a page, and what the build wrote into the site; no staging folder is left
    assert len(list((tmp_path / "cache").glob("*.json"))) == 100
    assert sorted(p.name for p in (tmp_path / "cache").iterdir() if p.is_dir()) == ["written"]
    again = build_site(project, tmp_path / "again", cache=tmp_path / "cache")
    assert again is not None and (again.hits, again.helped) == (100, 0)

    config = load_config(str(project / "mkdocs.yml"))
    last = get_files(config).documentation_pages()[-1]
    page = project / "docs" / last.src_uri
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](nowhere.md)\n", "utf-8")
    cold = tmp_path / "cold"
    try:
        build_site(project, tmp_path / "broken", cache=cold)
    except OutputError as exc:
        assert str(exc) == (
            "the documentation site did not build: Aborted with 1 warnings in strict mode!\n"
            f"  Doc file '{last.src_uri}' contains a link 'nowhere.md', but the target "
            f"'{last.src_uri.rpartition('/')[0]}/nowhere.md' is not found among documentation "
            "files."
        )
    else:
        raise AssertionError("a broken link built")
    assert not cold.exists() or not list(cold.glob("*.json"))  # nothing kept of a failed build


def test_a_helper_process_makes_half_of_the_queue_pages_the_same(
    example_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qplan.app.docs import docs_project
    from qplan.load.settings import load_settings
    from qplan.site import pages as site
    from qplan.site.cache import FileMemo

    settings = load_settings(example_repo)
    alone_memo = FileMemo(tmp_path / "alone", ".svg")
    _, alone = docs_project(settings, memo=alone_memo)
    need_a_helper_process()
    monkeypatch.setattr(site, "PARALLEL_QUEUES", 2)
    shared_memo = FileMemo(tmp_path / "shared", ".svg")
    _, shared = docs_project(settings, memo=shared_memo)
    assert alone is not None and shared == alone
    # the heat maps the helper drew (the later queues') are kept in the memo, and asked for
    assert len(shared_memo.asked) == 2 and shared_memo.asked == alone_memo.asked
    assert sorted(p.name for p in (tmp_path / "shared").iterdir()) == sorted(
        p.name for p in (tmp_path / "alone").iterdir()
    )


def test_a_project_with_other_plugins_has_every_page_templated(
    example_repo: Path, tmp_path: Path
) -> None:
    """The cache knows what the search plugin and the theme read of a page; with any other
    plugin (which may add to every page) no page is left as the last build wrote it."""
    from qplan.site.build import build_site

    assert run_qplan("docs", "build", "--project-dir", "project", repo=example_repo).exit_code == 0
    project = example_repo / "project"
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "plugins:\n- search\n", "plugins:\n- search\n- tags\n"
        ),
        encoding="utf-8",
    )
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build_site(project, site, cache=cache)
    again = build_site(project, site, cache=cache)
    assert first is not None and again is not None
    assert (first.kept, again.hits, again.kept) == (0, 100, 0)
    plain = tmp_path / "plain"
    build_site(project, plain)
    assert _files(site) == _files(plain)


def test_no_line_of_a_page_holds_more_than_a_few_links(tmp_path: Path) -> None:
    """Python-Markdown matches a link's brackets by scanning the rest of its line: a line of
    n links converts in time in n² (the policy pages of 10,000 queues in 20 workflows took
    8 s each, 186 s of a 208 s build). Long lists of queues are a line each."""
    from benchmarks.generate import generate_shape

    from qplan.site.pages import MAX_INLINE_LINKS

    repo = tmp_path / "org"
    generate_shape("large", 600, repo)
    result = run_qplan("docs", "build", "--project-dir", "project", repo=repo)
    assert result.output == "Built 75 pages into site.\n"
    docs = repo / "project" / "docs"
    crowded = [
        (page.relative_to(docs).as_posix(), line.count("]("))
        for page in docs.rglob("*.md")
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.count("](") > MAX_INLINE_LINKS
    ]
    assert crowded == []
    policy = (docs / "policies" / "policy-2.md").read_text(encoding="utf-8")
    # (600 queues: each a section of its workflow's page, which the links point at)
    assert (
        "### Version 2\n\n- [q-00002](../workflows/wf-00.md#q-00002)\n"
        "- [q-00003](../workflows/wf-00.md#q-00003)\n"
    ) in policy
    sop = (docs / "sops" / "wf-00.md").read_text(encoding="utf-8")
    assert "· governs 15 queues (below) ·" in sop
    assert (
        "\n- [q-00000](../workflows/wf-00.md#q-00000)\n- [q-00002](../workflows/wf-00.md#q-00002)\n"
    ) in sop


def test_a_change_of_front_matter_alone_renders_the_page_again(tmp_path: Path) -> None:
    """The search entries carry a page's tags and boost, which live in its front matter, not
    its Markdown: a page whose front matter alone changed is not taken from the cache."""
    from qplan.site.build import build_site, mkdocs_yml, write_project

    def build(boost: float, out: str) -> list[tuple[str, object]]:
        page = f'---\ntags: ["q-one"]\nsearch: {{"boost": {boost}}}\n---\n\n# One\n\nText.\n'
        files = {"mkdocs.yml": mkdocs_yml("Site", ["index.md"]), "docs/index.md": page}
        write_project(files, tmp_path / "project")
        cache = build_site(tmp_path / "project", tmp_path / out, cache=tmp_path / "cache")
        assert cache is not None
        index = json.loads((tmp_path / out / "search" / "search_index.json").read_text())
        return [(doc["location"], doc.get("boost")) for doc in index["docs"]]

    assert build(0.5, "a") == [("index.html", 0.5)]
    assert build(0.9, "b") == [("index.html", 0.9)]


def test_the_home_page_lists_the_launches_of_the_next_30_days(example_repo: Path) -> None:
    """A launch 23 days ahead is on the home page with its readiness; the one after it,
    31 days ahead, is not."""
    edit(
        example_repo,
        "projects/hindi-livestream-launch.yaml",
        "{name: Second Hindi-speaking site contracted, due: 2027-11-26}",
        "{name: Second Hindi-speaking site contracted, due: 2026-12-20, done: 2026-12-01}",
    )
    edit(
        example_repo,
        "projects/hindi-livestream-launch.yaml",
        "{name: Launch, due: 2028-01-10, launch: true}",
        "{name: Launch, due: 2026-12-30, launch: true}",
    )
    assert run_qplan("docs", "build", "--project-dir", "p", repo=example_repo).exit_code == 0
    home = (example_repo / "p" / "docs" / "index.md").read_text(encoding="utf-8")
    assert (
        "\n**Launches in the next 30 days:** [Hindi livestream review for India]"
        "(projects/hindi-livestream-launch.md) on 2026-12-30 (in 23 days), 0 of 2 queues "
        "ready. [Calendar](projects/calendar.md)\n"
    ) in home
    edit(example_repo, "projects/hindi-livestream-launch.yaml", "2026-12-30", "2027-01-07")
    assert run_qplan("docs", "build", "--project-dir", "p", repo=example_repo).exit_code == 0
    home = (example_repo / "p" / "docs" / "index.md").read_text(encoding="utf-8")
    assert "**Launches:** none in the next 30 days; next: " in home


def test_no_page_holds_more_queue_sections_than_the_setting(example_repo: Path) -> None:
    """With max_queue_sections = 3, a workflow of more queues lists them in parts of three,
    a page each, linked from its page and to each other; every link to a queue points at
    its part (the strict build checks each anchor)."""
    (example_repo / "pyproject.toml").write_text(
        "[tool.qplan]\nmax_queue_pages = 10\nmax_queue_sections = 3\n"
    )
    result = run_qplan(
        "docs", "build", "--project-dir", "project", "--out", "site", repo=example_repo
    )
    assert result.output == "Built 77 pages into site.\n"
    workflows = example_repo / "project" / "docs" / "workflows"
    sections = {
        page.name: len(re.findall(r"^## .* \{#[a-z0-9-]+\}$", page.read_text(), re.M))
        for page in workflows.iterdir()
    }
    assert max(sections.values()) == 3
    assert sum(sections.values()) == 43  # every queue, once
    livestream = (workflows / "livestream.md").read_text(encoding="utf-8")
    assert (
        "## Queues in parts\n\n7 queues, 3 to a page, in id order.\n\n"
        "| Part | Queues | Ids |\n|---|---|---|\n"
        "| [Part 1](livestream.1.md) | 3 | `ls-escalation` to `ls-safety-en-training` |\n"
        "| [Part 2](livestream.2.md) | 3 | `ls-safety-hi` to `ls-safety-pt` |\n"
        "| [Part 3](livestream.3.md) | 1 | `ls-safety-pt-training` |\n"
    ) in livestream
    second = (workflows / "livestream.2.md").read_text(encoding="utf-8")
    assert second.startswith(
        "# Livestream: queues, part 2 of 3\n\n`ls-safety-hi` to `ls-safety-pt` · "
        "[Livestream](livestream.md) · [part 1](livestream.1.md) · [part 3](livestream.3.md)"
        "\n\n## "
    )
    team = (example_repo / "project" / "docs" / "teams" / "pt-lisbon.md").read_text()
    assert "(../workflows/livestream.2.md#ls-safety-pt)" in team
    html = (example_repo / "site" / "workflows" / "livestream.2.html").read_text(encoding="utf-8")
    assert 'id="ls-safety-pt"' in html


def test_charts_are_drawn_inline_with_their_ids_kept_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chart image of the project's own becomes its SVG in the page, its ids prefixed
    by its place; an image outside the docs folder, or a symlink, stays an image; a page's
    chart digest changes with its chart."""
    from qplan.site.inline_charts import chart_digests, inline_charts

    docs = tmp_path / "docs"
    (docs / "queues").mkdir(parents=True)
    svg = '<svg role="img"><pattern id="short"/><rect fill="url(#short)"/></svg>'
    (docs / "queues" / "a.svg").write_text(svg, encoding="utf-8")
    (tmp_path / "outside.svg").write_text(svg, encoding="utf-8")
    (docs / "queues" / "link.svg").symlink_to(tmp_path / "outside.svg")
    html = (
        '<p><img alt="A" src="a.svg" /></p><p><img alt="A again" src="a.svg" /></p>'
        '<p><img alt="B" src="../../outside.svg" /></p><p><img alt="C" src="link.svg" /></p>'
    )
    assert inline_charts(html, docs, "queues/a.md") == (
        '<p><figure class="qplan-chart"><svg role="img"><pattern id="chart1-short"/>'
        '<rect fill="url(#chart1-short)"/></svg></figure></p>'
        '<p><figure class="qplan-chart"><svg role="img"><pattern id="chart2-short"/>'
        '<rect fill="url(#chart2-short)"/></svg></figure></p>'
        '<p><img alt="B" src="../../outside.svg" /></p><p><img alt="C" src="link.svg" /></p>'
    )
    # a page draws so much chart text inline, the rest stay images
    monkeypatch.setattr("qplan.site.inline_charts.MAX_INLINE_BYTES", len(svg) + 10)
    assert inline_charts(html, docs, "queues/a.md").count("<figure") == 1
    before = chart_digests(docs, "queues/a.md", "# A\n\n![A](a.svg)\n")
    (docs / "queues" / "a.svg").write_text(svg.replace("rect", "circle"), encoding="utf-8")
    assert chart_digests(docs, "queues/a.md", "# A\n\n![A](a.svg)\n") != before
