"""The site's home page: the organisation in a line, then what holds now and in the plan,
the guardrails, exposure caps and launches ahead, then its workflows and teams."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, get_args

from qplan.model.format import QueueStatus
from qplan.site.links import Links
from qplan.views.markdown import money, pct, table, text

#: a queue's statuses, in the order of its life
STATUSES: tuple[str, ...] = get_args(QueueStatus)

if TYPE_CHECKING:
    from qplan.capacity.figures import Capacity
    from qplan.model.organisation import Organisation
    from qplan.plan.status import ProjectStatus


def home_page(
    org: Organisation,
    capacity: Capacity | None,
    links: Links,
    title: str,
    now: list[str] | None = None,
    projects: Sequence[ProjectStatus] = (),
    today: date | None = None,
) -> str:
    """The home page: the organisation in a line, then what holds now (``now``: what the
    actuals say, when there are any) and in the plan, the guardrails, exposure caps and
    launches ahead, then its workflows and teams."""
    lines = [f"# {text(title)}", ""]
    by_status = {s: sum(q.status == s for q in org.queues.values()) for s in STATUSES}
    vendors = sorted({t.vendor for t in org.teams.values() if t.vendor})
    summary = (
        f"{len(org.workflows)} workflows, {len(org.queues)} queues "
        f"({', '.join(f'{n} {s}' for s, n in by_status.items() if n)}), "
        f"{len(org.teams)} teams ({len(vendors)} vendors)."
    )
    lines += [summary, ""]
    lines += now or []
    if capacity is not None:
        from qplan.capacity.figures import TOTALS

        totals = {n: capacity.total(n) for n in TOTALS}
        lines += [
            f"**Staffing:** {totals['required_fte']:.1f} FTE required of "
            f"{totals['headcount_fte']:g} headcount. **Weekly cost:** "
            f"{money(totals['weekly_cost'])}. ([What these mean](glossary.md))",
            "",
        ]
        from qplan.views.verdicts import capacity_flags

        problems = capacity_flags(capacity)
        if problems:
            lines += ['!!! warning "Capacity problems"', ""]
            lines += [f"    - {text(p)}" for p in problems] + [""]
        else:
            lines += [
                "**The plan:** every queue's projected SLA meets its target and no team is "
                "over its cap.",
                "",
            ]
    from qplan.site.guardrails import exposure_line, guardrails_line
    from qplan.site.status import launches_line

    guardrails = guardrails_line(org)
    exposure = exposure_line(capacity) if capacity is not None else None
    launches = launches_line(list(projects), today) if today is not None else None
    lines += [line_ for found in (guardrails, exposure, launches) if found for line_ in (found, "")]
    lines += ["## Workflows", ""]
    rows = []
    for wid, workflow in sorted(org.workflows.items()):
        statuses: list[str] = [org.queues[q].status for q in links.queues_of.get(wid, [])]
        counts = [statuses.count(s) for s in STATUSES]
        rows.append([links.workflow(wid, up=False), text(workflow.owner), *map(str, counts)])
    lines += table(["Workflow", "Owner", *STATUSES], rows)
    lines += ["## Teams and vendors", ""]
    rows = []
    for tid, team in sorted(org.teams.items()):
        figures = capacity.teams.get(tid) if capacity else None
        rows.append(
            [
                links.team(tid, up=False),
                team.type.replace("_", "-"),
                text(team.vendor or "—"),
                team.country,
                f"{team.headcount_fte:g}",
                pct(figures.utilisation_percent) if figures else "—",
            ]
        )
    lines += table(["Team", "Type", "Vendor", "Country", "Headcount", "Utilisation"], rows)
    if capacity is not None:
        lines += [
            "## Utilisation and SLA",
            "",
            "![Team utilisation against its cap, and each queue's projected SLA against its "
            "target](capacity.svg)",
            "",
        ]
    return "\n".join(lines)
