"""The site's scenarios section: the list of scenarios with what each does to the totals
(each scenario's own page is :func:`qplan.views.scenario.markdown`)."""

from __future__ import annotations

from qplan.core.money import amount
from qplan.plan.scenario import ScenarioResult
from qplan.views.markdown import text


def index(results: list[ScenarioResult]) -> str:
    """The docs site's list of scenarios: one row each, with what it does to the totals."""

    lines = [
        "# Scenarios",
        "",
        "What-if questions from `scenarios/`: each is laid over today's organisation without "
        "changing it. Figures are for the day each scenario names.",
        "",
        "| scenario | figures for | required FTE | weekly cost | warnings | problems |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for result in results:
        totals = result.impact.get("totals")
        fte = cost = "no change"
        problems = len(result.problems)
        if totals:
            fte = (
                f"{totals['required_fte']['before']:,.1f} → {totals['required_fte']['after']:,.1f}"
            )
            cost_move = totals["weekly_cost"]
            cost = f"{amount(cost_move['before'])} → {amount(cost_move['after'])}"
        link = f"[{text(result.scenario.title)}]({result.scenario.id}.md)"
        warnings = len(result.impact.get("warnings", []))
        lines.append(f"| {link} | {result.as_of} | {fte} | {cost} | {warnings} | {problems} |")
    return "\n".join(lines) + "\n"
