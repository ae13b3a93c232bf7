"""How close the forecast in the files came to what arrived: a queue's weekly volume (its
``forecast.weekly_volume``) against the arrivals of each week of the actuals, as WAPE and
bias, and a chart of both. What the site's forecast-accuracy pages and queue pages show."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from qplan.capacity.health import QueueHealth
from qplan.views.chart_style import BLUE
from qplan.views.trend_chart import line_chart

#: the weeks of one block of the WAPE trend
BLOCK_WEEKS = 4


@dataclass(frozen=True)
class ForecastAccuracy:
    """A queue's forecast in the files against the weeks of its actuals (a shorter last
    week counted at seven days' rate)."""

    queue: str
    workflow: str
    forecast: float
    weeks: tuple[tuple[date, float], ...]  # (Monday, items arrived in a week)

    def wape(self, last: int | None = None) -> float | None:
        """Σ|arrived − forecast| / Σ arrived over the weeks (the last ``last``), in percent."""
        chosen = self.weeks if last is None else self.weeks[-last:]
        arrived = sum(a for _, a in chosen)
        if not chosen or arrived <= 0:
            return None
        return 100 * sum(abs(a - self.forecast) for _, a in chosen) / arrived

    def bias_percent(self) -> float | None:
        """Σ(forecast − arrived) / Σ arrived, in percent: above 0, the forecast was high."""
        arrived = sum(a for _, a in self.weeks)
        if arrived <= 0:
            return None
        return 100 * sum(self.forecast - a for _, a in self.weeks) / arrived

    def trend(self) -> list[float | None]:
        """The WAPE of each block of :data:`BLOCK_WEEKS` weeks, the oldest first (the first
        block holds what is left over)."""
        first = len(self.weeks) % BLOCK_WEEKS or BLOCK_WEEKS
        cuts = [0, *range(first, len(self.weeks) + 1, BLOCK_WEEKS)]
        blocks = [
            ForecastAccuracy(self.queue, self.workflow, self.forecast, self.weeks[a:b])
            for a, b in itertools.pairwise(cuts)
        ]
        return [block.wape() for block in blocks]


def accuracy_of(q: QueueHealth) -> ForecastAccuracy | None:
    """None for a queue without a forecast in the files or a week of actuals."""
    if not q.forecast_weekly_volume:
        return None
    weeks = tuple(
        (w.starts, w.tally.arrived * 7 / w.days) for w in q.weeks if w.days and w.tally.arrived
    )
    if not weeks:
        return None
    return ForecastAccuracy(q.queue, q.workflow, q.forecast_weekly_volume, weeks)


def accuracy_chart(a: ForecastAccuracy) -> str:
    """Items arrived week by week, the files' forecast dotted."""
    high = max([a.forecast, *(v for _, v in a.weeks)]) * 1.1
    low = min([a.forecast, *(v for _, v in a.weeks)]) * 0.9
    return line_chart(
        f"{a.queue}: items arrived by week against the forecast",
        "By week; dotted: the files' weekly volume",
        [day.strftime("%d %b") for day, _ in a.weeks],
        [("arrived", BLUE, [v for _, v in a.weeks], a.forecast)],
        float(f"{low:.2g}"),
        float(f"{high:.2g}"),
    )
