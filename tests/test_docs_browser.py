"""The documentation site of the example organisation, read in headless Chromium.

Builds the site with `qplan docs build`, serves it on 127.0.0.1 and opens it with
Playwright driving Debian's Chromium (``QPLAN_CHROMIUM``, default ``/usr/bin/chromium``).
Screenshots go to the test's own temporary folder (``screenshots/`` in pytest's
``tmp_path``, kept for the last three runs), never to a folder two runs share. Without
Chromium the test is skipped with the reason, unless ``QPLAN_REQUIRE_BROWSER`` is set
(``.ci/run`` sets it).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest

from tests.conftest import ROOT, pinned_environment, run_qplan

# one worker runs them all (``--dist loadgroup``): the site is built, and Chromium
# started, once per run instead of once per worker
pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM = os.environ.get("QPLAN_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("QPLAN_REQUIRE_BROWSER"):
            pytest.fail(f"QPLAN_REQUIRE_BROWSER is set but there is {reason}")
        pytest.skip(reason)


@contextlib.contextmanager
def _served(repo: Path) -> Iterator[str]:
    """Build the repository's site and serve it on 127.0.0.1; yields its base URL."""
    result = run_qplan("docs", "build", "--out", "site", repo=repo)
    assert result.exit_code == 0, result.output
    handler = functools.partial(_QuietHandler, directory=str(repo / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example organisation's site, built and served; yields its base URL."""
    _require_chromium()
    repo = tmp_path_factory.mktemp("docs") / "repo"
    for name in ("workflows", "sops", "training", "actuals", "projects", "scenarios"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / "pyproject.toml", repo / "pyproject.toml")
    with pinned_environment(tmp_path_factory), _served(repo) as url:
        yield url


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser(site: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS[1:])
        try:
            yield chromium
        finally:
            chromium.close()


def _shot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_which_queues_miss_their_sla_and_why_is_on_the_home_page(
    site: str, browser: Any, width: int, height: int
) -> None:
    """A strategist's first question, on a desk and on a phone: the home page names each
    queue that missed a target, by how much, its top cause in words and the team it points
    at, visible without scrolling sideways; one click leads to the queue."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "index.html")
    line = page.locator("article li", has_text="cm-harassment-de")
    assert line.inner_text() == (
        "cm-harassment-de missed: SLA 78.4% against 90.0%; top cause: fewer productive hours "
        "than planned (de-berlin)."
    )
    assert line.is_visible()
    box = line.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert "(they end 15 days before 2026-12-07)" in page.inner_text("article")
    line.locator("a", has_text="cm-harassment-de").click()
    page.wait_for_url("**/queues/cm-harassment-de.html")
    assert "78.4%" in page.inner_text("article")
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)])
def test_which_vendor_is_at_or_over_its_share_is_one_click_from_home(
    site: str, browser: Any, width: int, height: int
) -> None:
    """The third question: the home page says how many vendor shares sit at a cap and
    links the guardrails page, whose first row is the share over the cap, in words."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(site + "index.html")
    summary = page.locator("article p", has_text="Guardrails:")
    assert summary.inner_text() == (
        "Guardrails: 6 vendor share(s) at a vendor cap, 1 over one. Guardrails"
    )
    summary.locator("a", has_text="Guardrails").click()
    page.wait_for_url("**/guardrails.html")
    row = page.locator("article tr", has_text="Helix Trust Partners").first
    assert row.inner_text().split("\t") == [
        "ls-safety-pt",
        "Helix Trust Partners",
        "100%: ❌ over, accepted (suppressed on the allocation)",
    ]
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.close()


@pytest.mark.parametrize(
    "typed",
    [
        "sv-hate-speech-en",
        "sv-hate-speech-en-training",
        "ls-safety-pt",
        "cm-harassment-de-training",
    ],
)
def test_an_exact_queue_id_finds_that_queues_page_first(
    site: str, browser: Any, typed: str
) -> None:
    """Typing a queue's id in the search box lists that queue's page first, above its
    training pair's page, its team's and every page that mentions it."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(site + "index.html")
    page.click("input[data-md-component='search-query']")
    page.keyboard.type(typed)
    # the results are those of the whole id once a result has every word of it highlighted
    # (the search runs again after each key)
    every_word = "h=" + typed.replace("-", "+")
    page.wait_for_function(
        "words => [...document.querySelectorAll('.md-search-result__item > a')]"
        ".some(link => link.href.includes(words))",
        arg=every_word,
        timeout=15_000,
    )
    first = page.locator(".md-search-result__item > a").first.get_attribute("href")
    assert first is not None and first.split("?")[0].endswith(f"/queues/{typed}.html"), first
    page.close()


def test_a_reader_finds_what_they_need(site: str, browser: Any, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.on(
        "request",
        lambda r: problems.append(f"outside: {r.url}") if not r.url.startswith(site) else None,
    )

    page.goto(site + "index.html")
    body = page.inner_text("article")
    assert "6 workflows, 43 queues" in body
    assert "FTE required of 780 headcount" in body
    assert "Northwind Review Services" in body
    _shot(page, tmp_path / "screenshots", "overview")

    page.click("article >> text=Short video")  # the workflow, from the overview's table
    page.wait_for_url("**/workflows/short-video.html")
    body = page.inner_text("article")
    assert "Short video · hate speech · English" in body and "95% within 24h" in body
    _shot(page, tmp_path / "screenshots", "workflow")

    page.click("article >> text=Short video · hate speech · English")
    page.wait_for_url("**/queues/sv-hate-speech-en.html")
    body = page.inner_text("article")
    assert "SLA\t95% within 24h" in body
    assert re.search(r"us-austin\t40%", body) and re.search(r"us-reno\t60%", body)
    assert "Reviewers watch the flagged clip in full" in body  # its SOP, rendered
    assert "Austin in-house (en/es): 40% of volume" in body
    _shot(page, tmp_path / "screenshots", "queue")

    page.click("article >> a:text-is('us-austin')")
    page.wait_for_url("**/teams/us-austin.html")
    body = page.inner_text("article")
    assert "every day 00:00–24:00 (America/Chicago)" in body
    assert "sv-hate-speech-en" in body and "us_protected" in body
    _shot(page, tmp_path / "screenshots", "team")

    page.click("input[data-md-component='search-query']")
    page.keyboard.type("grooming")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    results = page.inner_text(".md-search-result")
    assert "Minor safety" in results or "grooming" in results.lower()
    _shot(page, tmp_path / "screenshots", "search")
    assert problems == []


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "img", "link", "script"):
                self.links.append(str(values[name]))


def test_no_internal_link_is_broken(site: str) -> None:
    pages: dict[str, _Links] = {}
    queue = [site + "index.html"]
    broken = []
    fragments: list[tuple[str, str, str]] = []
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        try:
            with urlopen(url) as response:
                content_type = response.headers.get("Content-Type", "")
                data = response.read()
        except HTTPError as exc:
            broken.append(f"{url}: {exc.code}")
            continue
        parser = _Links()
        pages[url] = parser
        if "html" not in content_type:
            continue
        parser.feed(data.decode("utf-8"))
        for link in parser.links:
            target, fragment = urldefrag(urljoin(url, link))
            if urlsplit(target).netloc != urlsplit(site).netloc:
                continue  # only the one footer link leaves the site; nothing is fetched
            if fragment:
                fragments.append((url, target, fragment))
            if target not in pages:
                queue.append(target)
    assert broken == []
    missing = [
        f"{source} → {target}#{fragment}"
        for source, target, fragment in fragments
        if target in pages and pages[target].ids and fragment not in pages[target].ids
    ]
    assert missing == []
    # every page was reached (the health, project and scenario pages too)
    assert sum(url.endswith(".html") for url in pages) == 100


HOSTILE = ROOT / "tests" / "security" / "cases" / "hostile-site"


_UNSAFE_ATTRIBUTES = """() => [...document.querySelectorAll('*')].flatMap(e =>
    [...e.attributes].filter(a =>
        a.name.startsWith('on')
        || (a.name === 'style' && e.closest('article'))
        || (['href', 'src'].includes(a.name) && /^\\s*(javascript|data|vbscript):/i.test(a.value))
    ).map(a => `${location.pathname} <${e.tagName}> ${a.name}=${a.value}`))"""


_POINT_AT_EVERYTHING = """() => document.querySelectorAll('article a, article img, article p')
    .forEach(e => ['mouseover', 'mouseenter', 'mousemove', 'focus'].forEach(
        kind => e.dispatchEvent(new Event(kind, {bubbles: true}))))"""


def test_a_hostile_organisation_runs_no_script(tmp_path: Path, browser: Any) -> None:
    """Names, titles, the site name and SOP bodies full of script: none of it runs."""
    repo = tmp_path / "repo"
    shutil.copytree(HOSTILE, repo)
    dialogs: list[str] = []
    with _served(repo) as url:
        page = browser.new_page()

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        site = repo / "site"
        pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
        assert len(pages) == 11  # 10 pages (the glossary too) and 404.html
        unsafe = []
        for name in pages:
            page.goto(url + name)
            page.wait_for_load_state("load")
            # every mouse event a handler could wait for, on each link, image and paragraph
            # (in one call: moving the real pointer over each took seconds a page)
            page.evaluate(_POINT_AT_EVERYTHING)
            unsafe += page.evaluate(_UNSAFE_ATTRIBUTES)
            title = page.title()
            assert "<" not in title and ">" not in title, title
        page.goto(url + "sops/wf.html")
        body = page.inner_text("article")
        assert "<script>alert(12)</script>" in body  # shown as text, not run
        safe = page.get_attribute("article a:text-is('safe')", "href")
        assert safe == "https://example.com/policy"
        assert page.get_attribute("article a:text-is('script link')", "href") is None
        page.close()
    assert unsafe == []
    assert dialogs == []


def test_the_heat_map_gives_each_half_hours_figures_to_the_keyboard(
    site: str, browser: Any
) -> None:
    """The second question, what the evening peak needs: the queue page's map fits a
    phone's width, and opened on its own each half-hour takes focus from the keyboard and
    carries its figures, each team's headroom among them."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site + "queues/ls-safety-en.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # drawn in the page itself, scaled to the column: its half-hours take focus there
    page.focus("article figure.qplan-chart svg .cell")
    inline = page.evaluate(
        "[document.activeElement.closest('figure').getBoundingClientRect().width <= 390, "
        "document.activeElement.querySelector('title').textContent]"
    )
    assert inline == [
        True,
        "mon 00:00: 5 required, 5.0 on duty, 133.6 items, service level 95.3%; "
        "ph-manila headroom +12.6; us-reno headroom +3.8",
    ]
    page.click("article a:text-is('Open the map on its own')")
    page.wait_for_url("**/queues/ls-safety-en.svg")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.getAttribute('class'), "
        "document.activeElement.querySelector('title').textContent]"
    )
    assert focused == [
        "cell",
        "mon 00:30: 5 required, 5.0 on duty, 133.6 items, service level 95.3%; "
        "ph-manila headroom +12.6; us-reno headroom +3.8",
    ]
    page.close()


_WIDE_TABLES = """() => [...document.querySelectorAll('article table')]
    .map(t => [t, t.closest('.md-typeset__scrollwrap') || t.parentElement])
    .filter(([t, box]) => box.scrollWidth > box.clientWidth + 1)
    .map(([t, box]) => t)
    .map(t => `${location.pathname}: ${t.rows[0].innerText.replace(/\\s+/g, ' ')}`)"""


#: pages of each kind the site has, and those of a kind with its widest tables
_PAGES_OF_EACH_KIND = [
    "index.html",
    "queues/ls-safety-en.html",
    "queues/cm-harassment-de.html",
    "teams/us-reno.html",
    "teams/us-austin.html",
    "health/vendors.html",
    "workflows/livestream.html",
    "policies/hate-speech.html",
    "sops/short-video.html",
    "health/index.html",
    "health/comments.html",
    "forecasts/index.html",
    "forecasts/livestream.html",
    "guardrails.html",
    "projects/hindi-livestream-launch.html",
    "scenarios/livestream-q1.html",
    "glossary.html",
]


def test_pages_of_each_kind_pass_axe_and_fit_a_desk(site: str, browser: Any) -> None:
    """axe-core on a page of each kind finds no violation in what qplan writes (the theme's
    own search dialog is left out: it has no accessible name, and is not ours to change);
    and at 1366 px no table of those pages scrolls sideways, so nothing a strategist reads
    hides off to the right."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    found, wide = [], []
    for location in _PAGES_OF_EACH_KIND:
        assert page.goto(site + location).ok, location
        wide += page.evaluate(_WIDE_TABLES)
        result = axe.run(page, context={"exclude": [[".md-search"]]})
        found += [
            f"{location}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
            for v in result.response["violations"]
        ]
    page.close()
    assert wide == [], "\n".join(wide)
    assert found == [], "\n".join(found)
