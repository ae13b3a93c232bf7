"""Render: the documentation site, made from the same data the plan uses.

:func:`site_files` turns the organisation, its capacity figures, its rendered SOPs and
the state history into a MkDocs project (``mkdocs.yml`` and Markdown pages): pure, so the
same input gives the same files. :func:`write_project` writes only the files that
changed and removes the ones no longer made; :func:`build_site` is the one place that runs
the builder (MkDocs with the Material theme; the project is plain ``mkdocs.yml``, so docs
portals that consume MkDocs projects, and Material's successor, read it too).

Everything that comes from the repository is untrusted: names are escaped, and the pages
are built with raw HTML switched off (:mod:`qplan.sops.markdown`), so an SOP cannot put a
script on the site.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from qplan.core.calendar import WEEKDAYS
from qplan.core.units import items_a_day
from qplan.load.settings import Settings
from qplan.site.build import SITE_CSS, SITE_CSS_PATH, mkdocs_yml
from qplan.site.home import home_page
from qplan.site.links import Links
from qplan.sops.rendering import drop_comments
from qplan.views.markdown import code, money, pct, table, text, theme_text

if TYPE_CHECKING:
    from qplan.capacity.figures import Capacity
    from qplan.capacity.health import Health
    from qplan.model.format import Queue, Team
    from qplan.model.organisation import Organisation
    from qplan.plan.scenario import ScenarioResult
    from qplan.plan.state import Revision
    from qplan.plan.status import ProjectStatus
    from qplan.site.cache import FileMemo
    from qplan.sops.rendering import RenderedSop

DAY_NAMES = {"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri"}
DAY_NAMES |= {"sat": "Sat", "sun": "Sun"}
_HEADING = re.compile(r"^(#{1,6})(?=\s)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def sop_page_name(path: str, sops_dir: str = "sops") -> str:
    """``sops/short-video/hate.md.j2`` → ``short-video--hate`` (one flat folder of pages)."""
    name = path.removeprefix(f"{sops_dir}/").removesuffix(".md.j2")
    return name.replace("/", "--")


def _shares(links: Links, shares: Mapping[str, float]) -> str:
    return ", ".join(f"{links.team(t)} {s:g}%" for t, s in shares.items()) or "—"


def _sla(org: Organisation, queue: Queue) -> str:
    target = org.target_for(queue)
    if target is None:
        return "—"
    return f"{target.sla.percent:g}% within {target.sla.within}"


def _days_text(chosen: Iterable[str]) -> str:
    days = [d for d in WEEKDAYS if d in chosen]
    if len(days) == 7:
        return "every day"
    if days == ["mon", "tue", "wed", "thu", "fri"]:
        return "Mon–Fri"
    return ", ".join(DAY_NAMES[d] for d in days)


def coverage_text(team: Team) -> str:
    span = _days_text(team.coverage.days)
    return f"{span} {team.coverage.start}–{team.coverage.end} ({team.timezone})"


def shift_text(shift: Any) -> str:
    return f"{_days_text(shift.days)} {shift.start}–{shift.end}: {shift.fte:g} FTE"


def demote(markdown: str, levels: int) -> str:
    """Headings of embedded Markdown moved down ``levels`` (code blocks left alone)."""
    out = []
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = _HEADING.sub(lambda m: "#" * min(6, len(m.group(1)) + levels), line)
        out.append(line)
    return "\n".join(out)


def sop_markdown(rendered: str) -> str:
    """Rendered SOP text as a page body: HTML comments dropped (raw HTML is not shown).
    The SOP stage converts exactly this text when it checks what the site can build."""
    return drop_comments(rendered).strip() + "\n"


# --- pages ---------------------------------------------------------------------------------


def _workflow_page(org: Organisation, wid: str, links: Links) -> str:
    workflow = org.workflows[wid]
    lines = [
        f"# {text(workflow.name)}",
        "",
        f"Workflow {code(wid)} · owner {text(workflow.owner)}",
        "",
    ]
    if workflow.description:
        lines += [text(workflow.description), ""]
    lines += ["## Queues", ""]
    rows = []
    for qid in links.queues_of.get(wid, []):
        queue = org.queues[qid]
        allocation = org.allocations.get(qid)
        rows.append(
            [
                links.queue(qid, name=True),
                queue.status,
                links.policy(queue.policy),
                ", ".join(queue.languages),
                _sla(org, queue),
                _shares(links, allocation.shares) if allocation else "—",
            ]
        )
    lines += table(
        ["Queue", "Status", "Policy", "Languages", "SLA target", "Teams and shares"], rows
    )
    return "\n".join(lines)


def _escalation_path(org: Organisation, queue: Queue, links: Links) -> str:
    from qplan.check.readiness import escalation_path

    path, _ = escalation_path(org, queue)
    if len(path) == 1:
        return "this queue does not escalate"
    return " → ".join(links.queue(q.id) for q in path)


#: a training queue's page weighs this much in search against its production queue's
TRAINING_SEARCH_BOOST = 0.9


def _search_tag(queue: Queue) -> list[str]:
    """Front matter that tags a queue's own page with its id. The search weighs tags far
    above text, so typing a queue's id finds its page first, not the pages that mention it
    (its team's, its SOP's); the theme shows no tags without its tags plugin. The search
    completes the last word typed, so ``sv-hate-speech-en`` also matches the tag of
    ``sv-hate-speech-en-training``: a training page weighs less, and its own id, which only
    it is tagged with, still finds it first."""
    meta: dict[str, Any] = {"tags": [queue.id]}
    if queue.kind == "training":
        meta["search"] = {"boost": TRAINING_SEARCH_BOOST}
    return ["---", *(f"{key}: {json.dumps(value)}" for key, value in meta.items()), "---", ""]


def _queue_page(
    org: Organisation,
    qid: str,
    capacity: Capacity | None,
    links: Links,
    rendered: Mapping[str, RenderedSop],
    today: date,
    health: Health | None = None,
) -> str:
    queue = org.queues[qid]

    def subhead(title: str) -> list[str]:
        # a queue that is a section of its workflow's page has its parts in bold, not as
        # headings: the page's table of contents and search sections stay one per queue
        return [f"**{title}**" if links.grouped else f"## {title}", ""]

    lines = [
        *([] if links.grouped else _search_tag(queue)),
        f"# {text(queue.name)}",
        "",
        f"Queue {code(qid)} in {links.workflow(queue.workflow)} · **{queue.status}**",
        "",
        *subhead("Details"),
    ]
    forecast = queue.forecast
    fields = [
        ("Kind", queue.kind),
        ("Status", queue.status),
        ("Policy", links.policy(queue.policy)),
        ("Labeling template", code(queue.template) if queue.template else "—"),
        ("Languages", ", ".join(queue.languages)),
        ("Markets", ", ".join(queue.markets) or "—"),
        ("Data classification", queue.data_classification),
        ("Priority", str(queue.priority)),
        ("TTP logical queue", code(queue.ttp_queue) if queue.ttp_queue else "—"),
        ("Training queue", links.queue(queue.training_queue)),
        ("Escalates to", links.queue(queue.escalates_to)),
        ("SOP", links.sop(queue.sop)),
        ("QA sample rate", f"{queue.qa.sample_rate:.1%}" if queue.qa else "—"),
        ("Owner", text(queue.owner) if queue.owner else "—"),
    ]
    if forecast is not None:
        fields += [
            ("Arrival", forecast.arrival),
            ("Weekly volume", f"{forecast.weekly_volume:,.0f} items"),
            ("Average handle time", f"{forecast.aht_seconds:g} s"),
        ]
        if forecast.patience is not None:
            fields.append(("Mean patience", str(forecast.patience)))
        if forecast.profile is not None:
            fields.append(("Arrival profile", code(forecast.profile)))
    if queue.min_agents is not None:
        fields.append(("Minimum agents on duty", f"{queue.min_agents} while open"))
    if queue.sensitivity is not None:
        fields.append(("Sensitivity", queue.sensitivity))
    if links.grouped:  # a section lists only what is set
        fields = [(k, v) for k, v in fields if v != "—" and k != "Status"]
    lines += table(["Field", "Value"], ([k, v] for k, v in fields))
    if queue.description:
        lines += [text(queue.description), ""]
    lines += subhead("Targets")
    target = org.target_for(queue)
    if target is None:
        lines += ["No target is set.", ""]
    else:
        source = "its own target" if qid in org.targets else f"the {text(queue.workflow)} default"
        rows = [["SLA", f"{target.sla.percent:g}% within {target.sla.within}"]]
        if target.quality:
            rows.append(["Quality", f"{target.quality.min_accuracy:.0%} accuracy in QA sampling"])
        if target.productivity:
            rows.append(["Productivity", f"{target.productivity.units_per_hour:g} items per hour"])
        if target.max_occupancy is not None:
            rows.append(["Occupancy cap", f"{target.max_occupancy:.0%}"])
        lines += [f"From {source}.", "", *table(["Target", "Value"], rows)]
    lines += subhead("Allocation")
    allocation = org.allocations.get(qid)
    figures = capacity.queues.get(qid) if capacity else None
    if allocation is None:
        lines += ["No teams are allocated.", ""]
    else:
        per_team = {s.team: s for s in figures.shares} if figures else {}
        in_force = allocation.shares_on(today)
        if allocation.phases:
            lines += [f"In force on {today.isoformat()}:", ""]
        rows = []
        for tid, share in in_force.items():
            team = org.teams.get(tid)
            part = per_team.get(tid)
            rows.append(
                [
                    links.team(tid),
                    f"{share:g}%",
                    team.type.replace("_", "-") if team else "—",
                    text(team.vendor or "—") if team else "—",
                    team.country if team else "—",
                    f"{part.required_fte:.1f}" if part else "—",
                    pct(part.projected_sla_percent) if part else "—",
                ]
            )
        head = ["Team", "Share", "Type", "Vendor", "Country", "Required FTE", "Projected SLA"]
        lines += table(head, rows)
        if allocation.phases:
            schedule = [
                [
                    "until " + allocation.phases[0].starts.isoformat(),
                    _shares(links, allocation.shares),
                ]
            ]
            schedule += [
                [f"from {phase.starts.isoformat()}", _shares(links, phase.shares)]
                for phase in allocation.phases
            ]
            lines += ["Staged rollout:", "", *table(["When", "Teams and shares"], schedule)]
    if figures is not None:
        verdict = (
            "**unstable**: the backlog grows without bound, by "
            + items_a_day(figures.backlog_growth_per_day)
            if not figures.stable
            else ("meets its target" if figures.meets_target else "**below its target**")
        )
        if figures.target_within is None:
            sla = "No SLA target"
        else:
            sla = f"Projected SLA {pct(figures.projected_sla_percent)} within "
            sla += f"{figures.target_within} ({verdict})"
        lines += [
            *subhead("Capacity"),
            f"{sla}; {figures.required_fte:.1f} FTE required; weekly cost "
            f"{money(figures.weekly_cost)}; cost per item {money(figures.cost_per_item)}.",
            "",
        ]
        week = figures.intervals
        if week is not None:
            chart = f"{'../queues/' if links.grouped else ''}{qid}.svg"
            title = "The week by half-hour"
            lines += [
                f"**{title}**" if links.grouped else f"### {title}",
                "",
                f"Arrivals follow profile {code(week.profile)} ({text(week.timezone)}): "
                f"{week.required_agent_hours:,.1f} agent-hours a week required. Each cell is "
                "a half-hour, a darker blue the more agents it needs; hatched red where fewer "
                "are on duty than the SLA needs (orange within 10 % of it, or below "
                "min_agents), grey without items. Below, each team's headroom: the agents it "
                "has on duty beyond what all its queues ask, a darker green the more. "
                f"[Open the map on its own]({chart}) to read each half-hour's figures (hover, "
                "or tab from cell to cell).",
                "",
                f"![Agents required and on duty by half-hour, and each team's headroom]({chart})",
                "",
            ]
    lines += [*subhead("Escalation path"), _escalation_path(org, queue, links), ""]
    lines += subhead("Training pair")
    trained_by = links.trained_by.get(qid, [])
    if queue.training_queue:
        lines.append(f"New reviewers train in {links.queue(queue.training_queue)}.")
    elif trained_by:
        lines.append("Trains reviewers for " + ", ".join(links.queue(q) for q in trained_by) + ".")
    else:
        lines.append("No training pair.")
    lines.append("")
    if health is not None and qid in health.queues:
        from qplan.site.forecasts import queue_forecast_line
        from qplan.site.health import queue_section

        lines += queue_section(health.queues[qid], health, heading=subhead("Health")[0])
        lines += queue_forecast_line(health, qid)
    lines += subhead("Readiness checklist")
    from qplan.check.readiness import gates

    found = gates(org, queue, today=today, capacity=capacity)
    failing = [g for g in found if not g.passed]
    if links.grouped and not failing:  # a section of a large workflow page: kept short
        lines += [f"All {len(found)} gates pass.", ""]
    else:
        shown = failing if links.grouped else found
        rows = [["✅" if g.passed else "❌", g.title, text(g.reason)] for g in shown]
        lines += table(["Passed", "Gate", "Detail"], rows)
    if queue.sop and queue.sop in rendered:
        sop = rendered[queue.sop]
        if links.grouped:  # the SOP has its own page: not repeated in every queue's section
            lines += [*subhead("SOP"), f"{links.sop(queue.sop)}.", ""]
        else:
            body = demote(sop_markdown(sop.text), 2)
            lines += [f"## SOP: {text(sop.title)}", "", f"From {links.sop(queue.sop)}.", "", body]
    return "\n".join(lines)


def _team_page(org: Organisation, tid: str, capacity: Capacity | None, links: Links) -> str:
    team = org.teams[tid]
    kind = "in-house site" if team.type == "in_house" else f"BPO site of {text(team.vendor)}"
    lines = [f"# {text(team.name)}", "", f"Team {code(tid)} · {kind} · {team.country}", ""]
    fields = [
        ("Languages", ", ".join(team.languages)),
        ("Data clearances", ", ".join(team.clearances) or "none"),
        ("Coverage hours", text(coverage_text(team))),
        *([("Shifts", f"{len(team.shifts)}, listed below")] if team.shifts else []),
        ("Headcount", f"{team.headcount_fte:g} FTE"),
        ("Shrinkage", f"{team.shrinkage:.0%}"),
        ("Paid hours per FTE", f"{team.paid_hours_per_week:g} a week"),
        ("Occupancy cap", f"{team.occupancy_cap:.0%}"),
        ("Cost per paid hour", money(team.cost_per_hour)),
        ("Skills", ", ".join(team.skills) or "—"),
        ("Owner", text(team.owner) if team.owner else "—"),
    ]
    lines += table(["Field", "Value"], ([k, v] for k, v in fields))
    if team.shifts:  # a list, not a table cell: a site may have a dozen
        lines += ["## Shifts", "", *(f"- {text(shift_text(shift))}" for shift in team.shifts), ""]
    lines += ["## Queues", ""]
    rows = []
    for qid in links.allocated_to.get(tid, []):
        queue, allocation = org.queues[qid], org.allocations[qid]
        rows.append(
            [
                links.queue(qid),
                links.workflow(queue.workflow),
                queue.status,
                f"{allocation.shares[tid]:g}%",
            ]
        )
    lines += table(["Queue", "Workflow", "Status", "Share"], rows) if rows else ["No queues.", ""]
    figures = capacity.teams.get(tid) if capacity else None
    if figures is not None:
        state = "**over its cap**" if figures.over_cap else "within its cap"
        lines += [
            "## Capacity",
            "",
            f"{figures.required_fte:.1f} FTE required of {figures.headcount_fte:g} headcount "
            f"({figures.available_fte:.1f} available after shrinkage); utilisation "
            f"{pct(figures.utilisation_percent)} against a cap of {figures.cap_percent:g}% "
            f"({state}); weekly cost {money(figures.weekly_cost)}.",
            "",
        ]
        if figures.exposure:
            rows = [
                [
                    text(e.guardrail),
                    e.sensitivity,
                    f"{e.hours_per_week:,.1f}",
                    f"{e.hours_per_agent_day:.2f}",
                    f"{e.cap_hours:g}",
                    f"{e.extra_fte:.1f}",
                    "**over the cap**" if e.over else "within the cap",
                ]
                for e in figures.exposure
            ]
            head = [
                "Exposure cap",
                "Sensitivity",
                "Hours a week",
                "Hours per agent-day",
                "Cap",
                "FTE it adds",
                "Verdict",
            ]
            lines += ["## Exposure to sensitive content", "", *table(head, rows)]
    return "\n".join(lines)


#: the most links a page writes on one line: Python-Markdown matches each link's brackets
#: by scanning the rest of its line, so a line of n links takes time in n² (a policy bound
#: to 1,000 queues took 8 s a page); more are listed a line each
MAX_INLINE_LINKS = 12


def _policy_page(org: Organisation, pid: str, links: Links) -> str:
    policy = org.policies[pid]
    lines = [f"# {text(policy.name)}", "", f"Policy {code(pid)}", ""]
    if policy.owner:
        lines += [f"Owner: {text(policy.owner)}", ""]
    if policy.description:
        lines += [text(policy.description), ""]
    lines += [f"Decisions: {', '.join(code(d) for d in policy.decisions)}", "", "## Versions", ""]
    versions = sorted(policy.versions, reverse=True)
    bound = {v: links.bound_to.get(f"{pid}@{v}", []) for v in versions}
    if all(len(queues) <= MAX_INLINE_LINKS for queues in bound.values()):
        rows = [[str(v), ", ".join(links.queue(q) for q in bound[v]) or "—"] for v in versions]
        lines += table(["Version", "Queues bound to it"], rows)
        return "\n".join(lines)
    for version in versions:  # a long list a line a queue (see MAX_INLINE_LINKS)
        lines += [f"### Version {version}", ""]
        lines += [f"- {links.queue(q)}" for q in bound[version]] or ["No queue."]
        lines.append("")
    return "\n".join(lines)


def _sop_page(org: Organisation, path: str, sop: RenderedSop, links: Links) -> str:
    front = org.sops[path].front
    queues = [links.queue(q) for q in front.queues]
    many = len(queues) > MAX_INLINE_LINKS
    governed = f"{len(queues)} queues (below)" if many else ", ".join(queues)
    note = (
        f"{code(path)} · owner {text(front.owner)} · governs {governed} · reviewed "
        f"{front.last_reviewed.isoformat()}, every {front.review_every_days} days"
    )
    body = sop_markdown(sop.text)
    if not body.lstrip().startswith("# "):
        body = f"# {text(sop.title)}\n\n{body}"
    listed = "".join(f"- {q}\n" for q in queues) if many else ""
    return f"{body}\n---\n\n{note}\n" + (f"\n{listed}" if listed else "")


def _changelog(
    history: Sequence[Revision], changed_fields: Mapping[tuple[int, str], list[str]]
) -> str:
    lines = ["# Change log", "", "Every change applied to the state, newest first.", ""]
    if not history:
        return "\n".join([*lines, "Nothing has been applied yet.", ""])
    rows = [
        [
            str(r.serial),
            r.created_at,
            text(r.actor),
            code(r.git_commit[:12]) if r.git_commit else "—",
            text(r.origin),
            r.summary(),
        ]
        for r in reversed(history)
    ]
    lines += table(["Serial", "Time (UTC)", "Actor", "Commit", "Origin", "Changes"], rows)
    words = {"create": "created", "update": "updated", "delete": "deleted"}
    for r in reversed(history):
        lines += [f"## Serial {r.serial}", ""]
        rows = []
        for action, address in r.changes[:200]:
            fields = changed_fields.get((r.serial, address))
            shown = ", ".join(code(f) for f in fields[:12]) if fields else "—"
            if fields and len(fields) > 12:
                shown += f" and {len(fields) - 12} more"
            rows.append([words.get(action, text(action)), code(address), shown])
        lines += table(["Change", "Resource", "Fields changed"], rows)
        if len(r.changes) > 200:
            lines += [f"… and {len(r.changes) - 200} more changes.", ""]
    return "\n".join(lines)


def site_files(
    org: Organisation,
    capacity: Capacity | None,
    rendered: Mapping[str, RenderedSop],
    history: Sequence[Revision] | None,
    *,
    title: str = "Moderation operations",
    sops_dir: str = "sops",
    chart: str | None = None,
    today: date | None = None,
    changed_fields: Mapping[tuple[int, str], list[str]] | None = None,
    health: Health | None = None,
    health_trend: Health | None = None,
    scenarios: Sequence[ScenarioResult] = (),
    projects: Sequence[ProjectStatus] = (),
    max_queue_pages: int = Settings.max_queue_pages,
    max_queue_sections: int = Settings.max_queue_sections,
    memo: FileMemo | None = None,
) -> dict[str, str]:
    """Every file of the MkDocs project, by path relative to the project folder. ``memo``
    keeps the queues' heat maps between builds (an unchanged one is not drawn again).

    An organisation of more than ``max_queue_pages`` queues gets no page per queue: each
    workflow's page holds its queues as sections (with the queue's id as anchor), in parts
    of ``max_queue_sections`` a page, which keeps the site's size, and the build's time, in
    proportion to the organisation."""
    today = today or date.today()
    sop_pages = {path: sop_page_name(path, sops_dir) for path in sorted(rendered)}
    grouped = len(org.queues) > max_queue_pages
    links = Links(org, sop_pages, grouped=grouped, sections=max_queue_sections)
    now = None
    if health is not None:
        from qplan.site.health import overview_section

        now = overview_section(org, health, today, links)
    files: dict[str, str] = {
        "docs/index.md": home_page(org, capacity, links, title, now, projects, today)
    }
    if chart is not None:
        files["docs/capacity.svg"] = chart
    nav: list[Any] = [{"Overview": "index.md"}]
    workflow_nav = []
    queue_nav = []
    queues_by_workflow = links.queues_of
    made = _queue_files(org, capacity, links, rendered, today, health, memo)
    for wid, workflow in sorted(org.workflows.items()):
        page = _workflow_page(org, wid, links)
        if grouped:  # the workflow's queues, each a section of its page or of a part
            from qplan.site.sections import queue_sections

            page, parts = queue_sections(org, wid, page, made, links)
            files.update(parts)
        files[f"docs/workflows/{wid}.md"] = page
        workflow_nav.append({theme_text(workflow.name): f"workflows/{wid}.md"})
        queue_nav.append(
            {
                theme_text(workflow.name): [
                    {q: f"queues/{q}.md"} for q in queues_by_workflow.get(wid, [])
                ]
            }
        )
    for qid in sorted(org.queues):
        page, heat_map = made[qid]
        if not grouped:
            files[f"docs/queues/{qid}.md"] = page
        if heat_map is not None:
            files[f"docs/queues/{qid}.svg"] = heat_map
    orphans = [q for w, qs in queues_by_workflow.items() if w not in org.workflows for q in qs]
    if orphans:
        queue_nav.append({"Other": [{q: f"queues/{q}.md"} for q in orphans]})
    for tid in sorted(org.teams):
        files[f"docs/teams/{tid}.md"] = _team_page(org, tid, capacity, links)
    for pid in sorted(org.policies):
        files[f"docs/policies/{pid}.md"] = _policy_page(org, pid, links)
    for path, name in sop_pages.items():
        files[f"docs/sops/{name}.md"] = _sop_page(org, path, rendered[path], links)
    team_nav: list[Any] = [{t: f"teams/{t}.md"} for t in sorted(org.teams)]
    sop_nav: list[Any] = [
        {theme_text(rendered[p].title): f"sops/{n}.md"} for p, n in sop_pages.items()
    ]
    indexed: list[str] = []
    if grouped:
        # a large organisation's workflows, teams and SOPs are listed on an index page each,
        # not in the navigation that every page carries (its size would grow with them)
        files.update(_index_pages(org, capacity, links, rendered, sop_pages))
        indexed = ["workflows", "teams", "sops"]
        workflow_nav = [{"All workflows": "lists/workflows.md"}]
        team_nav = [{"All teams": "lists/teams.md"}]
        sop_nav = [{"All SOPs": "lists/sops.md"}]
    nav += [
        {"Workflows": workflow_nav},
        {"Queues": [] if grouped else queue_nav},
        {"Teams": team_nav},
        {
            "Policies": [
                {theme_text(org.policies[p].name): f"policies/{p}.md"} for p in sorted(org.policies)
            ]
        },
        {"SOPs": sop_nav},
    ]
    from qplan.views.glossary import glossary_markdown

    files["docs/glossary.md"] = glossary_markdown()
    if org.guardrails:
        from qplan.site.guardrails import guardrails_page

        files["docs/guardrails.md"] = guardrails_page(org, capacity, links)
        nav.append({"Guardrails": "guardrails.md"})
    if health is not None:
        from qplan.site.health import health_pages

        pages, health_nav = health_pages(org, health, today, health_trend, links)
        files.update(pages)
        nav.append({"Health": health_nav})
        from qplan.site.forecasts import forecast_pages

        pages, forecast_nav = forecast_pages(org, health, health_trend, links)
        files.update(pages)
        nav.append({"Forecast accuracy": forecast_nav})
    if projects:
        from qplan.site.status import site_pages

        project_pages, project_nav = site_pages(list(projects))
        files.update(project_pages)
        nav.append({"Projects": project_nav})
    if scenarios:
        from qplan.site.scenarios import index
        from qplan.views import scenario as scenario_report

        files["docs/scenarios/index.md"] = index(list(scenarios))
        scenario_nav: list[Any] = [{"All scenarios": "scenarios/index.md"}]
        for result in scenarios:
            page = f"scenarios/{result.scenario.id}.md"
            files[f"docs/{page}"] = scenario_report.markdown(result)
            scenario_nav.append({theme_text(result.scenario.title): page})
        nav.append({"Scenarios": scenario_nav})
    if history is not None:
        files["docs/changelog.md"] = _changelog(history, changed_fields or {})
        nav.append({"Change log": "changelog.md"})
    nav.append({"Glossary": "glossary.md"})
    nav = [item for item in nav if not (isinstance(item, dict) and list(item.values()) == [[]])]
    files["mkdocs.yml"] = mkdocs_yml(title, nav, indexed)
    files[f"docs/{SITE_CSS_PATH}"] = SITE_CSS
    return files


#: from this many queues on, a helper process makes half of the queues' pages
PARALLEL_QUEUES = 2_000


def _queue_files(
    org: Organisation,
    capacity: Capacity | None,
    links: Links,
    rendered: Mapping[str, RenderedSop],
    today: date,
    health: Health | None,
    memo: FileMemo | None,
) -> dict[str, tuple[str, str | None]]:
    """Each queue's page (or section) and heat map (None without one), by id. From
    ``PARALLEL_QUEUES`` queues on, a helper process (:mod:`qplan.core.forked`) makes the
    later half while this one makes the earlier; the texts are the same either way."""
    from qplan.core.forked import in_two

    def make(qids: Sequence[str]) -> tuple[dict[str, tuple[str, str | None]], list[str]]:
        made = {}
        for qid in qids:
            page = _queue_page(org, qid, capacity, links, rendered, today, health)
            figures = capacity.queues.get(qid) if capacity else None
            heat_map = None
            if figures is not None and figures.intervals is not None:
                from qplan.views.heat_map import heat_map as draw
                from qplan.views.heat_map import heat_map_key

                drawing = functools.partial(draw, figures)
                heat_map = drawing() if memo is None else memo.text(heat_map_key(figures), drawing)
            made[qid] = (page, heat_map)
        return made, sorted(memo.asked) if memo is not None else []

    qids = sorted(org.queues)
    split = len(qids) // 2 if len(qids) >= PARALLEL_QUEUES else len(qids)
    made: dict[str, tuple[str, str | None]] = {}
    for part, asked in in_two(make, qids, split):
        made.update(part)
        if memo is not None:
            memo.asked.update(asked)  # the helper's heat maps are kept, too
    return made


def _index_pages(
    org: Organisation,
    capacity: Capacity | None,
    links: Links,
    rendered: Mapping[str, RenderedSop],
    sop_pages: Mapping[str, str],
) -> dict[str, str]:
    """Lists of the workflows, teams and SOPs (for an organisation too large to carry them
    in the navigation), in a folder of their own: no id can name one of them."""
    workflows = [
        [links.workflow(wid), str(len(links.queues_of.get(wid, []))), text(w.owner)]
        for wid, w in sorted(org.workflows.items())
    ]
    teams = []
    for tid, team in sorted(org.teams.items()):
        figures = capacity.teams.get(tid) if capacity else None
        use = pct(figures.utilisation_percent) if figures else "—"
        teams.append(
            [
                links.page("teams", tid),
                team.type.replace("_", "-"),
                text(team.vendor or "—"),
                team.country,
                f"{team.headcount_fte:g}",
                use,
            ]
        )
    sops = [
        [f"[{text(rendered[path].title)}](../sops/{name}.md)", code(path)]
        for path, name in sop_pages.items()
    ]
    return {
        "docs/lists/workflows.md": "\n".join(
            ["# Workflows", "", *table(["Workflow", "Queues", "Owner"], workflows)]
        ),
        "docs/lists/teams.md": "\n".join(
            [
                "# Teams",
                "",
                *table(
                    ["Team", "Type", "Vendor", "Country", "Headcount FTE", "Utilisation"], teams
                ),
            ]
        ),
        "docs/lists/sops.md": "\n".join(["# SOPs", "", *table(["SOP", "Template"], sops)]),
    }
