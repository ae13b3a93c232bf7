"""Health as a strategist reads it: text, Markdown, JSON and an attainment chart (SVG)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from qplan.capacity.health import Health, QueueHealth, Scorecard
from qplan.core.units import plural
from qplan.report.registry import Reporters
from qplan.views.tables import md_table, table
from qplan.views.verdicts import health_period, health_summary

_QUEUE_HEAD = ["queue", "SLA", "target", "accuracy", "min", "volume", "AHT", "backlog", "status"]
_CARD_HEAD = ["handled", "SLA", "target", "accuracy", "min", "productivity", "staffed", "status"]
_NUMERIC = frozenset(
    {"SLA", "target", "accuracy", "min", "volume", "AHT", "backlog", "handled", "productivity"}
    | {"staffed"}
)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _status(missed: bool, met: Iterable[bool | None]) -> str:
    if missed:
        return "MISSED"
    return "met" if any(m is not None for m in met) else "-"


def _queue_cells(q: QueueHealth) -> list[str]:
    volume = q.volume_vs_forecast_percent
    aht = q.aht_vs_plan_percent
    return [
        q.queue,
        _pct(q.sla_attainment_percent),
        _pct(q.sla_target_percent),
        _pct(q.accuracy_percent),
        _pct(q.accuracy_target_percent),
        "-" if volume is None else f"{volume:.0f}%",
        "-" if aht is None else f"{aht:.0f}%",
        f"{q.backlog_start:,.0f} → {q.backlog_end:,.0f}",
        _status(q.missed, (q.sla_met, q.accuracy_met)),
    ]


def _card_cells(card: Scorecard) -> list[str]:
    productivity = card.productivity_vs_plan_percent
    staffed = card.staffing_vs_plan_percent
    return [
        card.name,
        f"{card.tally.handled:,.0f}",
        _pct(card.sla_attainment_percent),
        _pct(card.tally.sla_target_percent),
        _pct(card.accuracy_percent),
        _pct(card.tally.accuracy_target_percent),
        "-" if productivity is None else f"{productivity:.0f}%",
        "-" if staffed is None else f"{staffed:.0f}%",
        _status(card.missed, (card.sla_met, card.accuracy_met)),
    ]


def _cause_lines(health: Health) -> list[str]:
    lines = []
    for qid, q in sorted(health.queues.items()):
        if not q.missed:
            continue
        misses = []
        if q.sla_met is False:
            misses.append(
                f"SLA {_pct(q.sla_attainment_percent)} against {_pct(q.sla_target_percent)}"
            )
        if q.accuracy_met is False:
            misses.append(
                f"accuracy {_pct(q.accuracy_percent)} against {_pct(q.accuracy_target_percent)}"
            )
        lines.append(f"{qid}: {'; '.join(misses)}")
        if not q.causes:
            lines.append("  no cause found in the actuals: check the SLA clock and the routing")
        lines += [f"  {i}. {c.cause}: {c.evidence}" for i, c in enumerate(q.causes, 1)]
    return lines


def plan_note(q: QueueHealth, health: Health) -> dict[str, object]:
    """What a plan says of a queue it changes: whether it is missing its targets now (by
    the targets the plan leaves it with; ``qplan health`` gives the causes)."""
    figures = [f"SLA {_pct(q.sla_attainment_percent)} against {_pct(q.sla_target_percent)}"]
    if q.accuracy_target_percent is not None:
        figures.append(
            f"accuracy {_pct(q.accuracy_percent)} against {_pct(q.accuracy_target_percent)}"
        )
    period = f"{health.starts.isoformat()} to {health.ends.isoformat()}"
    if q.missed:
        # no causes here: they weigh the actuals against the plan, which this one changes
        summary = f"is missing its targets from {period}: {'; '.join(figures)}"
    else:
        summary = f"meets its targets from {period}: {'; '.join(figures)}"
    return {"queue": q.queue, "missed": q.missed, "summary": summary}


def _age(health: Health) -> str:
    """How old the newest actuals are, in one sentence (empty when unknown)."""
    age = health.actuals_age_days
    if age is None or health.actuals_end is None:
        return ""
    when = (
        "today"
        if age == 0
        else (f"{plural(-age, 'day')} ahead of today" if age < 0 else f"{plural(age, 'day')} ago")
    )
    return f"The actuals end on {health.actuals_end.isoformat()}, {when}."


def text(health: Health) -> str:
    # the verdict first: who missed a target, then the figures that show it
    out = [
        f"Health from {health_period(health)}: {health_summary(health)}",
        *([_age(health)] if _age(health) else []),
        *([health.launches] if health.launches else []),
        "",
    ]
    out.append("Queues")
    out += table(_QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(health.queues.items())), _NUMERIC)
    causes = _cause_lines(health)
    if causes:
        out += ["", "Misses and their causes (largest first)", *causes]
    for title, cards in (("Teams", health.teams), ("Vendors", health.vendors)):
        if cards:
            head = [title[:-1].lower(), *_CARD_HEAD]
            out += [
                "",
                title,
                *table(head, (_card_cells(c) for _, c in sorted(cards.items())), _NUMERIC),
            ]
    return "\n".join(out) + "\n"


def markdown(health: Health) -> str:
    from qplan.core.text import markdown_text

    verdict = health_summary(health)
    out = [
        "## Health",
        "",
        f"**{health_period(health)}.** {verdict} {_age(health)}".rstrip(),
        "",
        *([markdown_text(health.launches), ""] if health.launches else []),
        "### Queues",
        "",
    ]
    out += md_table(
        _QUEUE_HEAD, (_queue_cells(q) for _, q in sorted(health.queues.items())), _NUMERIC
    )
    causes = _cause_lines(health)
    if causes:
        out += ["", "### Misses and their causes", ""]
        out += [
            f"- {markdown_text(c)}" if not c.startswith(" ") else f"  - {markdown_text(c)}"
            for c in causes
        ]
    for title, cards in (("Teams", health.teams), ("Vendors", health.vendors)):
        if cards:
            head = [title[:-1].lower(), *_CARD_HEAD]
            rows = (_card_cells(c) for _, c in sorted(cards.items()))
            out += ["", f"### {title}", "", *md_table(head, rows, _NUMERIC)]
    return "\n".join(out) + "\n"


def as_json(health: Health) -> str:
    return json.dumps(health.contract(), indent=2, ensure_ascii=False) + "\n"


# --- charts ----------------------------------------------------------------------------


REPORTERS: Reporters[Health] = Reporters("health", text=text, markdown=markdown, json=as_json)
