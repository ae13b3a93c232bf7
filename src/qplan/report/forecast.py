"""``qplan forecast`` as text, JSON (a contract, ``format_version`` 1) and Markdown (a pull
request's description, with the backtest table)."""

from __future__ import annotations

import json
from typing import Any

from qplan.capacity.figures import rounded
from qplan.capacity.forecasting import Accuracy, Forecasts, QueueForecast
from qplan.report.registry import Reporters
from qplan.views.tables import md_table, table


def _figure(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:,.1f}{unit}"


def _accuracy(a: Accuracy | None) -> str:
    if a is None:
        return "-"
    mase = "-" if a.mase is None else f"{a.mase:.2f}"
    return f"WAPE {_figure(a.wape, '%')}, MASE {mase}"


def _verdict(q: QueueForecast) -> str:
    """Whether the chosen method beats seasonal naive and the forecast in the files."""
    best = q.backtest.mase
    if q.method == "launch":
        return "no actuals: the files' volume from its launch"
    if best is None:
        return "no backtest (too little history)"
    beats = []
    for name, other in (("seasonal naive", q.baseline), ("the files' forecast", q.current)):
        if other is not None and other.mase is not None:
            beats.append(f"{'beats' if best < other.mase else 'does not beat'} {name}")
    return "; ".join(beats) or "nothing to compare with"


def text(found: Forecasts) -> str:
    out = [
        f"Forecasts from the actuals up to {found.as_of.isoformat()}, "
        f"{found.horizon_weeks} weeks ahead; P50 and P{round(found.quantile * 100)} of the "
        "first week:"
    ]
    rows = []
    for q in found.queues:
        first = q.weeks[0] if q.weeks else None
        rows.append(
            [
                q.queue,
                q.method,
                str(q.history_weeks),
                _accuracy(q.backtest),
                _accuracy(q.baseline),
                _accuracy(q.current),
                _figure(first.volume_p50) if first else "-",
                _figure(first.volume_pq) if first else "-",
            ]
        )
    quantile = f"P{round(found.quantile * 100)}"
    out += table(
        [
            "queue",
            "method",
            "weeks",
            "backtest",
            "seasonal naive",
            "files' forecast",
            "P50",
            quantile,
        ],
        rows,
        frozenset({"weeks", "P50", quantile}),
    )
    for q in found.queues:
        written = " Written to its file." if q.written else ""
        said = [*q.notes, *(f"Event {e.words()}" for e in q.events)]
        if q.profile is not None:
            said.append(
                f"Its week from {q.profile.weeks} week(s) of interval actuals, in "
                f"{q.profile.zone}"
                + (f": written to {q.profile_file}" if q.profile_written else "")
            )
        out.append(f"{q.queue}: {_verdict(q)}." + "".join(f" {n}." for n in said) + written)
    for qid in found.without_history:
        out.append(f"{qid}: no whole week of actuals; not forecast.")
    return "\n".join(out) + "\n"


def markdown(found: Forecasts) -> str:
    out = [
        "## Forecast",
        "",
        f"From the actuals up to {found.as_of.isoformat()}, {found.horizon_weeks} weeks ahead. "
        "Backtest: rolling origin, weekly WAPE and MASE (below 1 beats a forecast of last "
        "week's volume).",
        "",
    ]
    rows = [
        [
            f"`{q.queue}`",
            q.method,
            _accuracy(q.backtest),
            _accuracy(q.baseline),
            _accuracy(q.current),
            _verdict(q),
        ]
        for q in found.queues
    ]
    out += md_table(
        ["Queue", "Method", "Backtest", "Seasonal naive", "Files' forecast", "Verdict"], rows, set()
    )
    events = [f"- `{q.queue}` {e.words()}" for q in found.queues for e in q.events]
    if events:
        out += ["", "Known events in the weeks ahead:", "", *events]
    return "\n".join(out) + "\n"


def contract(found: Forecasts) -> dict[str, Any]:
    def one(a: Accuracy | None) -> dict[str, Any] | None:
        if a is None:
            return None
        figures = a.contract()
        return {"wape": figures["wape"], "mase": figures["mase"]}

    return {
        "format_version": "1",
        "as_of": found.as_of.isoformat(),
        "horizon_weeks": found.horizon_weeks,
        "quantile": found.quantile,
        "queues": [
            {
                "queue": q.queue,
                "method": q.method,
                "history_weeks": q.history_weeks,
                "backtest": q.backtest.contract(),
                "baseline": {"method": "seasonal-naive", **(one(q.baseline) or {})},
                "current": one(q.current),
                "written": q.written,
                "profile": None
                if q.profile is None
                else {
                    "file": q.profile_file,
                    "timezone": q.profile.zone,
                    "weeks": q.profile.weeks,
                    "step_minutes": q.profile.step,
                    "written": q.profile_written,
                },
                "events": [
                    {
                        "starts": e.starts.isoformat(),
                        "source": e.source,
                        "multiply": e.multiply,
                        "weekly_volume": rounded(e.weekly_volume, 1),
                    }
                    for e in q.events
                ],
                "weeks": [
                    {
                        "week_start": w.starts.isoformat(),
                        "volume_p50": rounded(w.volume_p50, 1),
                        "volume_pq": rounded(w.volume_pq, 1),
                        "aht_seconds": rounded(w.aht_seconds, 1),
                    }
                    for w in q.weeks
                ],
            }
            for q in found.queues
        ],
    }


def as_json(found: Forecasts) -> str:
    return json.dumps(contract(found), indent=2, ensure_ascii=False) + "\n"


REPORTERS: Reporters[Forecasts] = Reporters("forecast", text=text, markdown=markdown, json=as_json)
