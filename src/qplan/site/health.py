"""The health section of the documentation site: from the actuals, per workflow and queue
(attainment over time as SVG charts, causes), the team and vendor scorecards, and the open
backlog-recovery plans (allocation phases with a recovery note that are not yet due)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from qplan.capacity.health import Health, QueueHealth, Scorecard
from qplan.model.organisation import Organisation
from qplan.site.links import Links
from qplan.views.markdown import code, pct, table, text, theme_text
from qplan.views.trend_chart import attainment_chart, attainment_floor
from qplan.views.verdicts import health_summary

#: the charts show this many days up to the end of the period
TREND_DAYS = 84


def period_text(health: Health) -> str:
    return f"{health.starts.isoformat()} to {health.ends.isoformat()}"


def _status(missed: bool) -> str:
    return "❌ missed" if missed else "✅ met"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def _queue_row(q: QueueHealth, links: Links) -> list[str]:
    return [
        links.queue(q.queue),
        pct(q.sla_attainment_percent),
        pct(q.sla_target_percent),
        pct(q.accuracy_percent),
        pct(q.accuracy_target_percent),
        _percent(q.volume_vs_forecast_percent),
        _percent(q.aht_vs_plan_percent),
        f"{q.backlog_start:,.0f} → {q.backlog_end:,.0f}",
        _status(q.missed),
    ]


_QUEUE_HEAD = [
    "Queue",
    "SLA",
    "Target",
    "Accuracy",
    "Minimum",
    "Volume",
    "AHT",
    "Backlog",
    "Verdict",
]


def _causes(q: QueueHealth) -> list[str]:
    if not q.missed:
        return []
    if not q.causes:
        return ["No cause found in the actuals: check the SLA clock and the routing.", ""]
    return [f"{i}. **{c.cause}**: {text(c.evidence)}" for i, c in enumerate(q.causes, 1)] + [""]


def queue_section(q: QueueHealth, health: Health, *, heading: str = "## Health") -> list[str]:
    """A queue's health, for its own page (the chart sits in ``health/``)."""
    lines = [
        heading,
        "",
        f"From the actuals of {period_text(health)}: SLA {pct(q.sla_attainment_percent)} "
        f"(target {pct(q.sla_target_percent)}), accuracy {pct(q.accuracy_percent)} "
        f"(minimum {pct(q.accuracy_target_percent)}), volume "
        f"{_percent(q.volume_vs_forecast_percent)} of forecast, handle time "
        f"{_percent(q.aht_vs_plan_percent)} of plan. {_status(q.missed)}",
        "",
        *_causes(q),
        f"![SLA attainment and accuracy by week, over {TREND_DAYS // 7} weeks]"
        f"(../health/{q.queue}.svg)",
        "",
    ]
    return lines


def _card_rows(cards: Mapping[str, Scorecard], links: Links, teams: bool) -> list[list[str]]:
    rows = []
    for name, card in sorted(cards.items()):
        productivity = card.productivity_vs_plan_percent
        staffed = card.staffing_vs_plan_percent
        rows.append(
            [
                links.team(name) if teams else text(name),
                f"{card.tally.handled:,.0f}",
                pct(card.sla_attainment_percent),
                pct(card.tally.sla_target_percent),
                pct(card.accuracy_percent),
                pct(card.tally.accuracy_target_percent),
                _percent(productivity),
                _percent(staffed),
                _status(card.missed),
            ]
        )
    return rows


_CARD_HEAD = ["SLA", "Target", "Accuracy", "Minimum", "Productivity", "Staffed", "Verdict"]


def open_recoveries(org: Organisation, today: date) -> list[tuple[str, Any]]:
    """(queue, phase) of every recovery phase not yet due, by due date."""
    found = []
    for qid, allocation in org.allocations.items():
        for phase in allocation.phases:
            if phase.recovery is not None and phase.recovery.clear_by >= today:
                found.append((qid, phase))
    return sorted(found, key=lambda item: (item[1].recovery.clear_by, item[0]))


def overview_section(org: Organisation, health: Health, today: date, links: Links) -> list[str]:
    """The top of the site's home page: what the actuals say now (who missed a target, its
    top cause in words and the team it points at), how old they are, and the open
    recoveries, each linked to its page."""
    from qplan.views.verdicts import cause_in_words

    age = (today - health.ends).days
    when = "today" if age == 0 else f"{age} days before {today.isoformat()}"
    lines = [
        "## Now",
        "",
        f"**From the actuals** of {period_text(health)} (they end {when}): "
        f"{text(health_summary(health))} [Health](health/index.md)",
        "",
    ]
    # a line a queue, not a table: it reads on a phone as on a desk
    for q in (q for _, q in sorted(health.queues.items()) if q.missed):
        top = q.causes[0] if q.causes else None
        why = text(cause_in_words(top.cause)) if top else "no cause found in the actuals"
        teams = ", ".join(links.team(t, up=False) for t in (top.teams if top else ()))
        missed = [
            f"SLA {pct(q.sla_attainment_percent)} against {pct(q.sla_target_percent)}"
            if q.sla_met is False
            else "",
            f"accuracy {pct(q.accuracy_percent)} against {pct(q.accuracy_target_percent)}"
            if q.accuracy_met is False
            else "",
        ]
        lines.append(
            f"- {links.queue(q.queue, up=False)} missed: {', '.join(filter(None, missed))}; "
            f"top cause: {why}" + (f" ({teams})" if teams else "") + "."
        )
    lines.append("")
    recoveries = open_recoveries(org, today)
    if recoveries:
        lines += [
            "**Open recoveries:** "
            + ", ".join(
                f"{links.queue(qid, up=False)} ({phase.recovery.backlog:,} items by "
                f"{phase.recovery.clear_by.isoformat()})"
                for qid, phase in recoveries
            ),
            "",
        ]
    return lines


def health_pages(
    org: Organisation, health: Health, today: date, trend: Health | None, links: Links
) -> tuple[dict[str, str], list[Any]]:
    """The pages (and charts) under ``docs/health/`` and their navigation; the charts show
    ``trend`` (a longer period to the same day) where it has the queue. ``links`` are the
    site's (a queue may be a section of its workflow's page)."""
    files: dict[str, str] = {}
    nav: list[Any] = [{"Overview": "health/index.md"}]
    by_workflow: dict[str, list[QueueHealth]] = {}
    for _, q in sorted(health.queues.items()):
        by_workflow.setdefault(q.workflow, []).append(q)
    for queues in by_workflow.values():
        # the charts of one workflow's page share their y-axis, so that they compare
        charted = [trend.queues.get(q.queue, q) if trend is not None else q for q in queues]
        low = attainment_floor(charted)
        for q in charted:
            files[f"docs/health/{q.queue}.svg"] = attainment_chart(q, low)
    rows = []
    for wid, queues in sorted(by_workflow.items()):
        missed = sum(q.missed for q in queues)
        rows.append(
            [
                f"[{text(org.workflows[wid].name if wid in org.workflows else wid)}]({wid}.md)",
                str(len(queues)),
                str(missed),
            ]
        )
        files[f"docs/health/{wid}.md"] = _workflow_page(org, wid, queues, health, links)
        name = org.workflows[wid].name if wid in org.workflows else wid
        nav.append({theme_text(name): f"health/{wid}.md"})
    nav.append({"Vendors and teams": "health/vendors.md"})
    index = [
        "# Health",
        "",
        f"From the actuals of {period_text(health)}. {text(health_summary(health))}",
        "",
        "## Workflows",
        "",
        *table(["Workflow", "Queues", "Missed a target"], rows),
        "## Open recovery plans",
        "",
    ]
    recoveries = open_recoveries(org, today)
    if recoveries:
        index += table(
            ["Queue", "Backlog", "From", "Due", "Shares during the recovery"],
            [
                [
                    links.queue(qid),
                    f"{phase.recovery.backlog:,}",
                    phase.starts.isoformat(),
                    phase.recovery.clear_by.isoformat(),
                    ", ".join(f"{links.team(t)} {s:g}%" for t, s in phase.shares.items()),
                ]
                for qid, phase in recoveries
            ],
        )
    else:
        index += ["None: `qplan recover QUEUE --backlog N --by DATE --write` records one.", ""]
    files["docs/health/index.md"] = "\n".join(index)
    files["docs/health/vendors.md"] = "\n".join(
        [
            "# Vendors and teams",
            "",
            f"Scorecards from the actuals of {period_text(health)}: attainment and accuracy "
            "against the targets of the queues each worked, weighted by what it handled and "
            "sampled; productivity is the productive hours the plan allows for what was "
            "handled, over the productive hours reported; staffed is the productive hours "
            "reported over those the plan gives.",
            "",
            "## Vendors",
            "",
            *table(
                ["Vendor", "Handled", *_CARD_HEAD], _card_rows(health.vendors, links, teams=False)
            ),
            "## Teams",
            "",
            *table(["Team", "Handled", *_CARD_HEAD], _card_rows(health.teams, links, teams=True)),
        ]
    )
    return files, nav


def _workflow_page(
    org: Organisation, wid: str, queues: list[QueueHealth], health: Health, links: Links
) -> str:
    name = org.workflows[wid].name if wid in org.workflows else wid
    lines = [
        f"# Health: {text(name)}",
        "",
        f"Workflow {code(wid)}, from the actuals of {period_text(health)}.",
        "",
        *table(_QUEUE_HEAD, (_queue_row(q, links) for q in queues)),
    ]
    for q in queues:
        lines += [f"## {text(q.queue)}", "", *_causes(q)]
        lines += [f"![SLA attainment and accuracy by week of {text(q.queue)}]({q.queue}.svg)", ""]
    return "\n".join(lines)
