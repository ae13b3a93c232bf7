"""A scenario's figures as a planning review reads them: text, Markdown and JSON."""

from __future__ import annotations

import json

from qplan.core.money import money
from qplan.plan.scenario import ScenarioResult
from qplan.views import allocation as allocation_report
from qplan.views.impact import impact_markdown, impact_rows, impact_text


def summary(result: ScenarioResult) -> str:
    """One line: what the scenario does to the whole organisation's FTE and cost."""
    totals = result.impact.get("totals")
    warnings = len(result.impact.get("warnings", []))
    if not totals:
        return "No capacity figure moves."
    fte, cost = totals["required_fte"], totals["weekly_cost"]
    line = (
        f"Required FTE {fte['before']:,.1f} → {fte['after']:,.1f}; weekly cost "
        f"{money(cost['before'])} → {money(cost['after'])}"
    )
    if warnings:
        from qplan.core.units import plural

        line += f"; {plural(warnings, 'warning')}"
    return line + "."


def verdict(result: ScenarioResult) -> str:
    """The scenario's answer in one line: whether the organisation it describes holds (no
    error it does not have today), and what it costs in FTE and money."""
    from qplan.core.rules import Severity
    from qplan.core.units import plural

    errors = [d for d in result.problems if d.severity is Severity.ERROR]
    warnings = len(result.problems) - len(errors)
    if errors:
        codes = ", ".join(sorted({d.code for d in errors}))
        answer = f"It does not hold: {plural(len(errors), 'problem')} it would bring ({codes})"
    else:
        answer = "It holds: no problem the organisation does not have today"
        if warnings:
            answer += f" (but {plural(warnings, 'warning')})"
    totals = result.impact.get("totals")
    if totals:
        fte, cost = totals["required_fte"], totals["weekly_cost"]
        answer += (
            f"; {fte['after'] - fte['before']:+,.1f} FTE, "
            f"{money(cost['after'] - cost['before'], signed=True)} a week"
        )
    return answer + "."


def text(result: ScenarioResult, *, explain: bool = False) -> str:
    scenario = result.scenario
    out = [
        f"Scenario {scenario.id}: {scenario.title} (figures for {result.as_of})",
        verdict(result),
    ]
    if scenario.description:
        out.append(scenario.description.strip())
    out += ["", "Changes:"]
    out += [f"  {effect}" for effect in result.effects]
    out += ["", "Capacity impact:"]
    out += impact_text(result.impact) if result.impact else ["  no figure moves"]
    out += ["", summary(result)]
    if result.problems:
        out += ["", "Problems it would bring (the rules, on the organisation it describes):"]
        for d in result.problems:
            out.append(f"  {d.render()}")
    if result.allocation is not None:
        out += ["", "The optimiser under this scenario:"]
        out += allocation_report.text(result.allocation, explain=explain).rstrip("\n").split("\n")
    return "\n".join(out) + "\n"


def markdown(result: ScenarioResult, *, heading: str = "#") -> str:
    """The scenario as one Markdown page (the docs site's, or a chat post)."""
    from qplan.core.text import markdown_code
    from qplan.core.text import markdown_text as _md_escape

    scenario = result.scenario
    lines = [f"{heading} {_md_escape(scenario.title)}", ""]
    meta = f"Scenario `{scenario.id}` (`{_md_escape(result.path)}`), figures for {result.as_of}"
    if scenario.owner:
        meta += f"; owner {_md_escape(scenario.owner)}"
    lines += [meta + ".", ""]
    if scenario.description:
        lines += [_md_escape(scenario.description.strip()), ""]
    lines += [f"{heading}# Changes", ""]
    lines += [f"- {_md_escape(effect)}" for effect in result.effects]
    lines += ["", f"{heading}# Capacity impact", ""]
    if impact_rows(result.impact):
        lines += impact_markdown(result.impact, rest="see qplan scenario --format json")
    else:
        lines += ["No capacity figure moves.", ""]
    lines += [_md_escape(summary(result)), ""]
    if result.problems:
        lines += [f"{heading}# Problems it would bring", ""]
        for d in result.problems:
            place = f"{d.file}:{d.line}"
            lines.append(f"- {markdown_code(place)} {d.code} {_md_escape(d.message)}")
        lines.append("")
    if result.allocation is not None:
        lines += [f"{heading}# The optimiser under this scenario", "", "```text"]
        lines += allocation_report.text(result.allocation, explain=True).rstrip("\n").split("\n")
        lines += ["```", ""]
    return "\n".join(lines)


def as_json(result: ScenarioResult) -> str:
    return json.dumps(result.contract(), indent=2, sort_keys=False) + "\n"
