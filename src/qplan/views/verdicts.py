"""The sentences that sum up a result, which the terminal, the pull request and the site
all lead with: what is wrong with a capacity, and who missed a target."""

from __future__ import annotations

from qplan.capacity.figures import Capacity
from qplan.capacity.health import Health
from qplan.core.units import items_a_day, plural


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def capacity_flags(capacity: Capacity) -> list[str]:
    """One line per problem: a target out of reach, an unstable queue, a team over its cap."""
    lines = []
    for qid, q in sorted(capacity.queues.items()):
        if q.draft:
            continue
        if not q.stable:
            lines.append(
                f"queue {qid} is unstable: the backlog grows without bound, by "
                + items_a_day(q.backlog_growth_per_day)
            )
        elif q.meets_target is False:
            lines.append(
                f"queue {qid} cannot meet its target: {_pct(q.projected_sla_percent)} within "
                f"{q.target_within}, target {q.target_sla_percent:g}%"
            )
    for tid, t in sorted(capacity.teams.items()):
        if t.over_cap:
            why = (
                f"; handling fills {t.utilisation_percent:.0f}% of its productive hours, "
                "the rest is real-time agents on duty"
                if t.utilisation_percent <= t.cap_percent
                else ""
            )
            lines.append(
                f"team {tid} is over its cap: its queues need {t.required_fte:.1f} FTE at its "
                f"{t.cap_percent:g}% occupancy cap, it has {t.headcount_fte:g}{why}"
            )
        for e in t.exposure:
            if e.over:
                lines.append(
                    f"team {tid} is over exposure cap {e.guardrail}: "
                    f"{e.hours_per_agent_day:.1f} hours per agent-day on {e.sensitivity} "
                    f"queues, cap {e.cap_hours:g}"
                )
    for qid, q in sorted(capacity.queues.items()):
        realtime = q.arrival == "realtime" and q.target_sla_percent is not None
        if realtime and q.profiled and not q.draft and q.intervals is not None:
            short = len(q.intervals.understaffed())
            if short:
                lines.append(
                    f"queue {qid} is short of agents in {plural(short, 'half-hour')} of the week"
                )
    return lines


def exposure_lines(capacity: Capacity) -> list[str]:
    """Each team's hours on sensitive queues against each exposure cap."""
    return [
        f"{tid}: {e.hours_per_week:,.1f} hours a week on {e.sensitivity} queues, "
        f"{e.hours_per_agent_day:.2f} per agent-day (cap {e.cap_hours:g}, {e.guardrail}); "
        f"the cap and wellness breaks add {e.extra_fte:.1f} FTE"
        for tid, t in sorted(capacity.teams.items())
        for e in t.exposure
    ]


def health_period(health: Health) -> str:
    """The period of a health assessment: "2026-10-27 to 2026-11-23 (28 days)"."""
    days = (health.ends - health.starts).days + 1
    return f"{health.starts.isoformat()} to {health.ends.isoformat()} ({plural(days, 'day')})"


def actuals_verdict(health: Health) -> str:
    """One line of what the actuals say, for a report of the plan: who missed a target in
    the period, and where to see why."""
    line = f"Actuals from {health_period(health)}: {health_summary(health)}"
    if any(q.missed for q in health.queues.values()) or any(
        t.missed for t in health.teams.values()
    ):
        line += " `qplan health` shows why."
    return line


def health_summary(health: Health) -> str:
    """One line: how many queues, teams and vendors missed a target."""
    counts = [
        (sum(q.missed for q in health.queues.values()), "queue"),
        (sum(t.missed for t in health.teams.values()), "team"),
        (sum(v.missed for v in health.vendors.values()), "vendor"),
    ]
    missed = [plural(n, noun) for n, noun in counts if n]
    if not health.measured:
        return "No item was handled in the period: the actuals say nothing of its targets."
    if not missed:
        return f"Every target was met ({plural(len(health.queues), 'queue')})."
    return f"{', '.join(missed)} missed a target."


#: a cause of a miss (:data:`qplan.capacity.health.CAUSES`) in words
CAUSE_WORDS = {
    "volume_above_forecast": "more arrived than forecast",
    "aht_above_plan": "items took longer than planned",
    "staffing_below_plan": "fewer productive hours than planned",
    "coverage_gap": "items arrived when no team worked the queue",
    "quality_drift": "accuracy below its target",
}


def cause_in_words(cause: str) -> str:
    """A cause's code as a strategist says it (the code itself when it has no words)."""
    return CAUSE_WORDS.get(cause, cause.replace("_", " "))


def exposure_summary(capacity: Capacity) -> str | None:
    """Exposure against its caps in a line: how many teams work under one, how many are
    over, and the closest to its cap (None when no team works under a cap)."""
    found = [
        (e.hours_per_agent_day / e.cap_hours if e.cap_hours else float("inf"), tid, e)
        for tid, t in sorted(capacity.teams.items())
        for e in t.exposure
    ]
    if not found:
        return None
    _, tid, top = max(found, key=lambda item: item[0])
    teams = len({t for _, t, _ in found})
    over = len({t for _, t, e in found if e.over})
    state = f"{over} over one" if over else "none over one"
    return (
        f"{plural(teams, 'team')} under an exposure cap, {state}; closest: {tid} at "
        f"{top.hours_per_agent_day:.2f} h per agent-day on {top.sensitivity} queues against "
        f"{top.cap_hours:g} h."
    )
