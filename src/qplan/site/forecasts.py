"""The forecast-accuracy section of the documentation site: per workflow, how close each
queue's forecast in the files came to what arrived, week by week (WAPE, bias, its trend in
blocks of four weeks, a chart), and an overview that names the queues furthest off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qplan.capacity.health import Health
from qplan.model.organisation import Organisation
from qplan.site.links import Links
from qplan.views.forecast_accuracy import (
    BLOCK_WEEKS,
    ForecastAccuracy,
    accuracy_chart,
    accuracy_of,
)
from qplan.views.markdown import code, pct, table, text, theme_text

#: a queue whose forecast is off by more than this WAPE over the last block is named
OFF_PERCENT = 10.0


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _no_minus_zero(value: float | None) -> float | None:
    """A bias that rounds to nothing is 0.0%, not -0.0%."""
    return None if value is None else round(value, 1) + 0.0


def _trend(a: ForecastAccuracy) -> str:
    return " → ".join(pct(w) for w in a.trend())


def _pooled(found: Sequence[ForecastAccuracy]) -> float | None:
    """The WAPE of the last block over several queues, weighted by what arrived."""
    arrived = sum(v for a in found for _, v in a.weeks[-BLOCK_WEEKS:])
    if arrived <= 0:
        return None
    off = sum(abs(v - a.forecast) for a in found for _, v in a.weeks[-BLOCK_WEEKS:])
    return 100 * off / arrived


def _off(found: Sequence[ForecastAccuracy]) -> list[ForecastAccuracy]:
    """The queues off by more than :data:`OFF_PERCENT` over the last block, worst first."""
    off = [a for a in found if (a.wape(BLOCK_WEEKS) or 0.0) > OFF_PERCENT]
    return sorted(off, key=lambda a: (-(a.wape(BLOCK_WEEKS) or 0.0), a.queue))


def _verdict(found: Sequence[ForecastAccuracy], links: Links) -> str:
    off = _off(found)
    said = (
        f"Over the last {BLOCK_WEEKS} weeks, the files' forecasts were {pct(_pooled(found))} "
        "off what arrived (WAPE, weighted by volume)"
    )
    if not off:
        return f"{said}; no queue was off by more than {OFF_PERCENT:g}%."
    named = ", ".join(f"{links.queue(a.queue)} {pct(a.wape(BLOCK_WEEKS))}" for a in off)
    return f"{said}; off by more than {OFF_PERCENT:g}%: {named}."


def forecast_pages(
    org: Organisation, health: Health, trend: Health | None, links: Links
) -> tuple[dict[str, str], list[Any]]:
    """The pages and charts under ``docs/forecasts/`` and their navigation, from ``trend``
    (a longer period) where there is one, else ``health``. Nothing without a queue that
    has a forecast in the files and a week of actuals."""
    source = trend if trend is not None else health
    by_workflow: dict[str, list[ForecastAccuracy]] = {}
    files: dict[str, str] = {}
    for _, q in sorted(source.queues.items()):
        one = accuracy_of(q)
        if one is not None:
            by_workflow.setdefault(one.workflow, []).append(one)
            files[f"docs/forecasts/{one.queue}.svg"] = accuracy_chart(one)
    if not by_workflow:
        return {}, []
    every = [a for found in by_workflow.values() for a in found]
    nav: list[Any] = [{"Overview": "forecasts/index.md"}]
    rows = []
    for wid, found in sorted(by_workflow.items()):
        name = org.workflows[wid].name if wid in org.workflows else wid
        worst = max(found, key=lambda a: (a.wape(BLOCK_WEEKS) or 0.0, a.queue))
        rows.append(
            [
                f"[{text(name)}]({wid}.md)",
                str(len(found)),
                pct(_pooled(found)),
                f"{links.queue(worst.queue)} {pct(worst.wape(BLOCK_WEEKS))}",
            ]
        )
        files[f"docs/forecasts/{wid}.md"] = _workflow_page(name, wid, found, links)
        nav.append({theme_text(name): f"forecasts/{wid}.md"})
    files["docs/forecasts/index.md"] = "\n".join(
        [
            "# Forecast accuracy",
            "",
            _verdict(every, links),
            "",
            "Each queue's `forecast.weekly_volume` against the items that arrived week by "
            "week in the actuals. `qplan forecast` proposes a new one from the same actuals, "
            "with its backtest.",
            "",
            *table(["Workflow", "Queues", f"WAPE, last {BLOCK_WEEKS} weeks", "Furthest off"], rows),
        ]
    )
    return files, nav


def _workflow_page(name: str, wid: str, found: list[ForecastAccuracy], links: Links) -> str:
    first, last = found[0].weeks[0][0], max(a.weeks[-1][0] for a in found)
    lines = [
        f"# Forecast accuracy: {text(name)}",
        "",
        _verdict(found, links),
        "",
        f"Workflow {code(wid)}, the weeks from {first.isoformat()} to {last.isoformat()}. "
        f"WAPE is Σ|arrived − forecast| / Σ arrived; bias is Σ(forecast − arrived) / Σ "
        "arrived (above 0: the forecast was high); the trend is the WAPE of each "
        f"{BLOCK_WEEKS} weeks, the oldest first.",
        "",
        *table(
            [
                "Queue",
                f"WAPE, last {BLOCK_WEEKS} weeks",
                "Forecast a week",
                f"Arrived a week, last {BLOCK_WEEKS}",
                "Bias",
                "WAPE trend",
            ],
            (
                [
                    links.queue(a.queue),
                    pct(a.wape(BLOCK_WEEKS)),
                    _number(a.forecast),
                    _number(
                        sum(v for _, v in a.weeks[-BLOCK_WEEKS:]) / len(a.weeks[-BLOCK_WEEKS:])
                    ),
                    pct(_no_minus_zero(a.bias_percent())),
                    _trend(a),
                ]
                for a in found
            ),
        ),
    ]
    for a in found:
        lines += [
            f"## {text(a.queue)}",
            "",
            f"![Items arrived by week against the forecast of {text(a.queue)}]({a.queue}.svg)",
            "",
        ]
    return "\n".join(lines)


def queue_forecast_line(health: Health, qid: str) -> list[str]:
    """A queue's page: how close its forecast came over the actuals' period, linked to
    its workflow's forecast-accuracy page; nothing without a forecast or actuals."""
    q = health.queues.get(qid)
    found = accuracy_of(q) if q is not None else None
    if found is None:
        return []
    arrived = sum(v for _, v in found.weeks) / len(found.weeks)
    return [
        f"Forecast: {_number(found.forecast)} items a week in the files; "
        f"{_number(arrived)} arrived a week in the actuals' weeks "
        f"(WAPE {pct(found.wape())}, bias {pct(_no_minus_zero(found.bias_percent()))}). "
        f"[Forecast accuracy of the workflow](../forecasts/{found.workflow}.md)",
        "",
    ]
