"""Forecasts of a queue's weekly volume from its daily actuals, each method judged by a
rolling-origin backtest against seasonal naive and against the forecast in the files.

The history is a queue's arrivals a day (summed over its teams), cut to whole weeks from
Monday to Sunday. Each method forecasts days and is judged on weeks:

* ``seasonal-naive`` repeats the last week: the baseline every other method must beat;
* ``ets``: Holt-Winters exponential smoothing, additive damped trend and a weekly season
  (statsmodels' ``ExponentialSmoothing``);
* ``theta``: the Theta method on the deseasonalised days (statsmodels' ``ThetaModel``).

The backtest cuts the history at :data:`BACKTEST_ORIGINS` origins four weeks apart, fits the
method on the days before each and forecasts the weeks after it; WAPE, MASE (scaled by the
mean change from one week to the next in the history before the first origin) and bias are
taken over every forecast week. The quantile of a forecast week comes from the backtest's
relative errors of the chosen method, each over the square root of how many weeks ahead it
was (empirical in shape; the spread grows with the square root of the lead).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from qplan.capacity.arrival_profile import ArrivalProfile
from qplan.capacity.figures import rounded

#: the length of the season, in days
SEASON = 7
BASELINE = "seasonal-naive"
#: every method a forecast can use; ``auto`` picks the one that backtests best
METHODS = ("auto", "ets", "theta", BASELINE)
#: the fewest days of history each method is fitted on
MIN_DAYS = {BASELINE: SEASON, "theta": 3 * SEASON, "ets": 4 * SEASON}
#: the backtest's origins, this many weeks apart (origins a week apart share nearly all
#: their history, and their errors with it), and the most weeks it forecasts from each
BACKTEST_ORIGINS = 6
ORIGIN_STEP_WEEKS = 4
BACKTEST_WEEKS = 12
#: the fewest backtest weeks a quantile is taken from
MIN_ERRORS_FOR_QUANTILE = 4
#: exponential smoothing is fitted on this many days at most (the last year): its fit
#: takes time in proportion, and older days weigh next to nothing in it
ETS_FIT_DAYS = 52 * SEASON
#: the longest horizon and the most days of history read, in weeks
MAX_HORIZON_WEEKS = 104
MAX_HISTORY_WEEKS = 520
#: the weeks ahead whose mean is the weekly volume planned with (the files hold one)
PLANNING_WEEKS = 4
#: a week k weeks ahead is k to this power as far off as the first week
ERROR_GROWTH = 0.5


@dataclass(frozen=True)
class Accuracy:
    """How close a method's weekly forecasts came in the backtest."""

    wape: float | None  # Σ|actual − forecast| / Σ actual, in percent
    mase: float | None  # mean |actual − forecast| / mean |week − the week before|
    bias_percent: float | None  # Σ(forecast − actual) / Σ actual, in percent

    def contract(self) -> dict[str, float | None]:
        return {
            "wape": rounded(self.wape, 3),
            "mase": rounded(self.mase, 3),
            "bias_percent": rounded(self.bias_percent, 3),
        }


@dataclass(frozen=True)
class ForecastWeek:
    starts: date
    volume_p50: float
    volume_pq: float | None
    aht_seconds: float | None


@dataclass(frozen=True)
class Event:
    """Something known to change a queue's volume from a day on: a scenario kept as an
    event (its volume × ``multiply``), or a launch (the queue, without actuals, takes
    ``weekly_volume`` from its launch day)."""

    starts: date
    source: str  # "scenario livestream-q1", "project hindi-livestream-launch"
    multiply: float | None = None
    weekly_volume: float | None = None

    def words(self) -> str:
        change = (
            f"volume × {self.multiply:g}"
            if self.multiply is not None
            else f"launches at {self.weekly_volume or 0:,.0f} a week"
        )
        return f"from {self.starts.isoformat()}: {change} ({self.source})"

    def on(self, day: date) -> bool:
        """Whether it has started by ``day``."""
        return self.starts <= day


def with_events(week: ForecastWeek, events: Sequence[Event]) -> ForecastWeek:
    """A week with ``events`` applied day by day: each day a seventh of the week (a launch
    adds a seventh of its weekly volume from its day on), times every change started by
    that day, so a launch and a change starting in one week combine as their days do."""
    p50 = pq = 0.0
    launched = False
    for offset in range(SEASON):
        day = week.starts + timedelta(days=offset)
        factor = math.prod(e.multiply for e in events if e.multiply is not None and e.on(day))
        added = sum(e.weekly_volume or 0.0 for e in events if e.multiply is None and e.on(day))
        launched = launched or any(e.multiply is None for e in events)
        p50 += (week.volume_p50 + added) / SEASON * factor
        if week.volume_pq is not None:
            pq += (week.volume_pq + added) / SEASON * factor
    return replace(
        week,
        volume_p50=p50,
        volume_pq=None if week.volume_pq is None or launched else pq,
    )


@dataclass
class QueueForecast:
    queue: str
    method: str
    history_weeks: int
    backtest: Accuracy
    baseline: Accuracy
    current: Accuracy | None
    weeks: list[ForecastWeek]
    #: what the forecast had to do about its data (gaps filled, a method without enough
    #: history for it), in words
    notes: list[str] = field(default_factory=list)
    #: whether ``--write`` put it in the queue's file
    written: bool = False
    #: what is known to change its volume in the weeks ahead, applied to them
    events: list[Event] = field(default_factory=list)
    #: its typical week re-estimated from interval actuals (None without them)
    profile: ArrivalProfile | None = None
    #: whether ``--write`` wrote that week to ``forecasts/<queue>.csv``
    profile_written: bool = False
    #: the weeks as forecast, before any event
    _unchanged: list[ForecastWeek] | None = field(default=None, repr=False)

    @property
    def profile_file(self) -> str:
        """Where ``--write`` keeps its week from interval actuals."""
        return f"forecasts/{self.queue}.csv"

    def with_events(self, events: Sequence[Event]) -> None:
        """Add ``events`` to those applied to the weeks ahead (all of them worked out again
        from the weeks before any, day by day)."""
        if not events:
            return
        if self._unchanged is None:
            self._unchanged = list(self.weeks)
        self.events.extend(events)
        self.weeks = [with_events(week, self.events) for week in self._unchanged]

    def beats(self, margin_percent: float) -> bool:
        """Whether its backtest MASE is below seasonal naive's and the files' forecast's,
        each by ``margin_percent`` of theirs: only then is it worth writing."""
        best = self.backtest.mase
        if best is None or self.method == BASELINE:
            return False
        keep = 1 - margin_percent / 100
        return all(
            other is None or (other.mase is not None and best < other.mase * keep)
            for other in (self.baseline, self.current)
        )

    def planning_volume(self) -> float:
        """The weekly volume to write: the mean P50 of the first four weeks ahead (the
        files hold one weekly volume; the planning month's)."""
        first = self.weeks[:PLANNING_WEEKS]
        return sum(w.volume_p50 for w in first) / len(first)

    def quantile_factor(self) -> float | None:
        """How much more the quantile is than the median over the planning month (1.2: 20 %
        more); None when the backtest gave no quantile or the median is nothing."""
        first = self.weeks[:PLANNING_WEEKS]
        median = sum(w.volume_p50 for w in first)
        if not first or median <= 0 or any(w.volume_pq is None for w in first):
            return None
        return sum(w.volume_pq or 0.0 for w in first) / median


@dataclass(frozen=True)
class History:
    """A queue's whole weeks of daily arrivals, from a Monday."""

    starts: date
    volume: Any  # numpy array of days
    aht_seconds: float | None
    gaps: int  # days without a row, filled from the same weekday a week before

    @property
    def weeks(self) -> int:
        return len(self.volume) // SEASON


def history_of(
    days: Mapping[int, tuple[float, float, float]], until: date | None = None
) -> History | None:
    """The whole weeks of ``days`` (date ordinal → arrived, handled, handle seconds × handled)
    up to ``until``, from the first Monday; None without one whole week."""
    import numpy as np

    if not days:
        return None
    last = date.fromordinal(max(days)) if until is None else until
    first = date.fromordinal(min(days))
    start = first + timedelta(days=(7 - first.weekday()) % 7)
    end = last - timedelta(days=(last.weekday() + 1) % 7)  # the last Sunday
    start = max(start, end - timedelta(weeks=MAX_HISTORY_WEEKS) + timedelta(days=1))
    count = (end - start).days + 1
    if count < SEASON:
        return None
    volume = np.zeros(count)
    gaps = 0
    handled = seconds = 0.0
    for i in range(count):
        day = days.get(start.toordinal() + i)
        if day is None:
            gaps += 1
            volume[i] = volume[i - SEASON] if i >= SEASON else 0.0
            continue
        volume[i] = day[0]
        if i >= count - 4 * SEASON:
            handled += day[1]
            seconds += day[2]
    aht = seconds / handled if handled > 0 else None
    return History(start, volume, aht, gaps)


#: a day is an outlier when it is this many robust deviations (MAD) from the same weekday
#: of the four weeks around it, and this far from their median (a share of it); at most
#: this many are named
OUTLIER_DEVIATIONS = 6.0
OUTLIER_SHARE = 0.25
MAX_OUTLIERS_NAMED = 5


def outliers(history: History) -> list[tuple[date, float]]:
    """Days far from the same weekday of the four weeks before and after (a robust score:
    the distance from their median over 1.4826 × their median absolute deviation), with
    their volume over that median, the farthest first."""
    import numpy as np

    volume = history.volume
    found = []
    for i in range(len(volume)):
        around = [
            volume[j] for j in range(i - 28, i + 29, SEASON) if j != i and 0 <= j < len(volume)
        ]
        if len(around) < 4:
            continue
        middle = float(np.median(around))
        spread = 1.4826 * float(np.median(np.abs(np.asarray(around) - middle)))
        off = abs(volume[i] - middle)
        if middle > 0 and off > OUTLIER_DEVIATIONS * spread and off > OUTLIER_SHARE * middle:
            found.append((off / max(spread, 1e-9), i, float(volume[i]) / middle))
    found.sort(reverse=True)
    return [(history.starts + timedelta(days=i), ratio) for _, i, ratio in found]


def _forecast_days(method: str, history: Any, days: int) -> Any:
    """``days`` days after ``history`` by ``method``, never below 0."""
    import numpy as np

    if method == BASELINE:
        last = history[-SEASON:]
        return np.array([last[i % SEASON] for i in range(days)], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes of the optimiser
        if method == "ets":
            from statsmodels.tsa.holtwinters import ExponentialSmoothing

            fitted = ExponentialSmoothing(
                history[-ETS_FIT_DAYS:],
                trend="add",
                damped_trend=False,
                seasonal="add",
                seasonal_periods=SEASON,
                initialization_method="heuristic",
            ).fit(use_brute=False)
            found = fitted.forecast(days)
        elif method == "theta":
            from statsmodels.tsa.forecasting.theta import ThetaModel

            positive = bool((history > 0).all())
            fitted = ThetaModel(
                history,
                period=SEASON,
                deseasonalize=True,
                method="multiplicative" if positive else "additive",
            ).fit()
            found = fitted.forecast(days)
        else:
            raise ValueError(f"unknown forecast method {method!r}")
    values = np.nan_to_num(np.asarray(found, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    return np.maximum(values, 0.0)


def _weeks(days: Any) -> Any:
    return days[: len(days) // SEASON * SEASON].reshape(-1, SEASON).sum(axis=1)


@dataclass(frozen=True)
class _Backtest:
    pairs: list[tuple[float, float]]  # (actual, forecast) of every forecast week
    leads: list[int]  # how many weeks ahead of its origin each was (1: the first)
    scale: float | None  # mean |week − the week before| before the first origin


def _backtest(method: str, volume: Any, horizon_weeks: int) -> _Backtest | None:
    """Rolling-origin backtest: None when no origin leaves the method its history."""
    import numpy as np

    ahead = min(horizon_weeks, BACKTEST_WEEKS)
    total = len(volume) // SEASON
    pairs: list[tuple[float, float]] = []
    leads: list[int] = []
    first_cut: int | None = None
    for origin in range(BACKTEST_ORIGINS):
        cut_week = total - ahead - origin * ORIGIN_STEP_WEEKS
        if cut_week * SEASON < MIN_DAYS[method] or cut_week < 2:
            break
        cut = cut_week * SEASON
        first_cut = cut
        forecast = _weeks(_forecast_days(method, volume[:cut], ahead * SEASON))
        actual = _weeks(volume[cut : cut + ahead * SEASON])
        pairs += list(zip(actual.tolist(), forecast.tolist(), strict=True))
        leads += list(range(1, len(actual) + 1))
    if not pairs or first_cut is None:
        return None
    before = _weeks(volume[:first_cut])
    scale = float(np.abs(np.diff(before)).mean()) if len(before) > 1 else None
    return _Backtest(pairs, leads, scale if scale else None)


def _accuracy(pairs: Sequence[tuple[float, float]], scale: float | None) -> Accuracy:
    actual = sum(a for a, _ in pairs)
    errors = [abs(a - f) for a, f in pairs]
    wape = 100 * sum(errors) / actual if actual > 0 else None
    mase = (sum(errors) / len(errors)) / scale if scale and errors else None
    bias = 100 * sum(f - a for a, f in pairs) / actual if actual > 0 else None
    return Accuracy(wape, mase, bias)


def _quantile(run: _Backtest, q: float) -> float | None:
    """The ``q`` quantile of the backtest's relative errors (actual / forecast − 1), each
    over the square root of its lead: errors grow with how far ahead a week is, and a week
    ``k`` weeks ahead is given this times the square root of ``k``."""
    import numpy as np

    ratios = [
        (a / f - 1) / lead**ERROR_GROWTH
        for (a, f), lead in zip(run.pairs, run.leads, strict=True)
        if f > 0
    ]
    if len(ratios) < MIN_ERRORS_FOR_QUANTILE:
        return None
    return float(np.quantile(ratios, q))


def forecast_queue(
    queue: str,
    history: History,
    *,
    horizon_weeks: int,
    method: str = "auto",
    quantile: float = 0.8,
    current_weekly_volume: float | None = None,
) -> QueueForecast:
    """The queue's next ``horizon_weeks`` weeks, by ``method`` (``auto``: the one with the
    lowest backtest MASE of those the history is long enough for)."""
    notes = []
    if history.gaps:
        notes.append(
            f"{history.gaps} day(s) without actuals, filled from the same weekday a week before"
        )
    far = outliers(history)
    if far:
        named = ", ".join(
            f"{day.isoformat()} ({ratio:.1f}× its weekday's)"
            for day, ratio in far[:MAX_OUTLIERS_NAMED]
        )
        more = f" and {len(far) - MAX_OUTLIERS_NAMED} more" if len(far) > MAX_OUTLIERS_NAMED else ""
        notes.append(f"outliers kept in the history: {named}{more}")
    volume = history.volume
    baseline_run = _backtest(BASELINE, volume, horizon_weeks)
    candidates = ["ets", "theta"] if method == "auto" else [method]
    runs: dict[str, _Backtest] = {}
    for candidate in candidates:
        if len(volume) < MIN_DAYS[candidate] + SEASON:
            notes.append(
                f"{candidate}: {history.weeks} week(s) of history, fewer than it needs "
                f"({MIN_DAYS[candidate] // SEASON + 1}); seasonal naive instead"
            )
            continue
        run = baseline_run if candidate == BASELINE else _backtest(candidate, volume, horizon_weeks)
        if run is not None:
            runs[candidate] = run
    scale = baseline_run.scale if baseline_run else None
    nothing = Accuracy(None, None, None)
    baseline = _accuracy(baseline_run.pairs, scale) if baseline_run else nothing
    accuracy = {m: _accuracy(run.pairs, scale) for m, run in runs.items()}
    chosen_run: _Backtest | None
    if accuracy:
        chosen = min(
            accuracy, key=lambda m: (accuracy[m].mase or math.inf, accuracy[m].wape or math.inf)
        )
        backtest, chosen_run = accuracy[chosen], runs[chosen]
    else:
        chosen, backtest, chosen_run = BASELINE, baseline, baseline_run
    current = None
    if current_weekly_volume is not None and baseline_run is not None:
        current = _accuracy([(a, current_weekly_volume) for a, _ in baseline_run.pairs], scale)
    spread = _quantile(chosen_run, quantile) if chosen_run is not None else None
    if spread is not None:
        spread = max(spread, 0.0)  # an upper quantile is never below the median
    days = _weeks(_forecast_days(chosen, volume, horizon_weeks * SEASON))
    after = history.starts + timedelta(days=len(volume))
    weeks = [
        ForecastWeek(
            after + timedelta(weeks=i),
            float(p50),
            None if spread is None else float(p50) * (1 + spread * (i + 1) ** ERROR_GROWTH),
            history.aht_seconds,
        )
        for i, p50 in enumerate(days.tolist())
    ]
    return QueueForecast(queue, chosen, history.weeks, backtest, baseline, current, weeks, notes)


@dataclass
class Forecasts:
    """The forecasts of the queues asked for, from the actuals up to ``as_of``."""

    as_of: date
    horizon_weeks: int
    quantile: float
    queues: list[QueueForecast] = field(default_factory=list)
    #: queues asked for that have no whole week of actuals
    without_history: list[str] = field(default_factory=list)


def launch_forecast(
    queue: str, starts: date, horizon_weeks: int, aht_seconds: float | None, launch: Event
) -> QueueForecast:
    """A queue without actuals that launches within the horizon: nothing before its
    launch day, the files' weekly volume from then."""
    nothing = Accuracy(None, None, None)
    weeks = [
        ForecastWeek(starts + timedelta(weeks=i), 0.0, None, aht_seconds)
        for i in range(horizon_weeks)
    ]
    found = QueueForecast(queue, "launch", 0, nothing, nothing, None, weeks)
    found.with_events([launch])
    return found
