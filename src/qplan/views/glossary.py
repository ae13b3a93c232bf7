"""The terms every report and page uses for its figures, defined once: the site's glossary
page and ``qplan glossary`` both print these, so a figure means the same everywhere. Each
definition says how the capacity model (:mod:`qplan.capacity.staffing`) computes it."""

from __future__ import annotations

#: term → its definition, in the order a planner meets them
TERMS: dict[str, str] = {
    "headcount": (
        "The FTE a team employs (`headcount_fte`): the people on its roster, in full-time "
        "equivalents, before any time off the queue."
    ),
    "shrinkage": (
        "The share of paid time not spent on the queues: leave, training, meetings, breaks "
        "(a team's `shrinkage`, 0–1)."
    ),
    "available FTE": (
        "Headcount less shrinkage: headcount × (1 − shrinkage). The FTE a team can put on "
        "its queues in a week (the `productive` column of `qplan capacity`)."
    ),
    "productive hours": (
        "What the available FTE work in a week: headcount × paid hours a week × (1 − shrinkage)."
    ),
    "workload": (
        "The hours of handling a queue's volume takes: weekly volume × handle time (AHT), "
        "for the share of it a team takes."
    ),
    "required FTE": (
        "The FTE a queue's share needs to meet its target: for a backlog queue its workload "
        "over a productive FTE's hours at the occupancy cap; for a real-time queue the "
        "agents Erlang C (or A, with patience) needs for the SLA in each covered hour, as "
        "FTE. A team's required FTE is the sum over its queues, with exposure caps and "
        "wellness breaks added."
    ),
    "utilisation": (
        "A team's workload over its productive hours, in percent. Above the team's "
        "occupancy cap it cannot keep the pace; above 100 % it cannot do the work."
    ),
    "occupancy cap": (
        "The most of an agent's productive time planned as handling (a team's "
        "`occupancy_cap`, or a target's `max_occupancy`): the rest absorbs the variation "
        "of arrivals."
    ),
    "projected SLA": (
        "The share of items the plan's staffing handles within the SLA's time, from the "
        "same queueing model as required FTE."
    ),
    "weekly cost": (
        "What a team costs a week. Billed by headcount (in-house, or a vendor per FTE): "
        "headcount × paid hours a week × the hourly rate, whatever the work. Billed per "
        "productive hour or per item: what the work bills (required FTE × productive hours "
        "× rate, or items × rate), topped up to the vendor's weekly minimum. A queue's cost "
        "is what its shares cost: the paid hours of the FTE each needs at the team's rate, "
        "or what each bills, before any minimum. Amounts are in the organisation's "
        "currency (`currency` in `[tool.qplan]`), in whole units from 1,000 up."
    ),
    "cost per item": "A queue's weekly cost over its weekly volume.",
    "exposure": (
        "Hours an agent spends a day on queues at or above a sensitivity, with the team's "
        "whole headcount sharing the work; an exposure cap bounds it."
    ),
    "SLA attainment": (
        "From the actuals: items handled within the SLA's time over items handled, in a "
        "period (what `qplan health` weighs against the target)."
    ),
}


def definition(term: str) -> str | None:
    """The definition of ``term`` (any case), or None."""
    wanted = term.strip().lower()
    return next((d for t, d in TERMS.items() if t.lower() == wanted), None)


def glossary_markdown() -> str:
    """The site's glossary page."""
    lines = [
        "# Glossary",
        "",
        "What the figures on these pages, and in qplan's reports, mean.",
        "",
    ]
    for term, meaning in TERMS.items():
        lines += [f"## {term[:1].upper()}{term[1:]}", "", meaning, ""]
    return "\n".join(lines)


def glossary_text(terms: list[str] | None = None) -> str:
    """The terms (all, or those named) for a terminal: a term, and its meaning under it."""
    chosen = [t for t in TERMS if terms is None or t.lower() in {x.lower() for x in terms}]
    lines = []
    for term in chosen:
        lines += [term, f"  {TERMS[term]}", ""]
    return "\n".join(lines)
