"""``qplan forecast``: each queue's weekly volume and handle time for the weeks ahead, from
its daily actuals, with the backtest that chose its method."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from qplan.capacity.forecasting import MAX_HORIZON_WEEKS, Forecasts
from qplan.check.semantics import ValidationResult

if TYPE_CHECKING:
    from qplan.capacity.forecasting import Event
    from qplan.core.diagnostics import Report
    from qplan.model.organisation import Organisation
    from qplan.plan.scenario import ScenarioResult

__all__ = ["MAX_HORIZON_WEEKS", "Forecasts", "forecast", "planning_at_quantile"]


def forecast(
    validation: ValidationResult,
    queues: list[str],
    *,
    workflow: str | None = None,
    horizon_weeks: int = 12,
    method: str = "auto",
    quantile: float = 0.8,
    as_of: date | None = None,
) -> Forecasts:
    """Forecast ``queues`` (all with actuals, or a workflow's, when none is named) from the
    actuals up to ``as_of`` (default: their last day). Raises :class:`ConfigError` without
    actuals or for a queue the repository does not have."""
    from qplan.capacity.forecasting import SEASON, forecast_queue, history_of, launch_forecast
    from qplan.core.errors import ConfigError
    from qplan.load.actuals import ARRIVED, HANDLE_SECONDS, HANDLED

    org = validation.organisation
    actuals = org.actuals
    if actuals is None or actuals.empty:
        raise ConfigError("there are no actuals to forecast from: put CSV files under actuals/")
    unknown = [q for q in queues if q not in org.queues]
    if unknown:
        raise ConfigError(f"no such queue: {', '.join(unknown)}")
    days: dict[str, dict[int, tuple[float, float, float]]] = defaultdict(dict)
    for (qid, _), series in actuals.series.items():
        mine = days[qid]
        for ordinal, day in series.items():
            arrived, handled, seconds = mine.get(ordinal, (0.0, 0.0, 0.0))
            mine[ordinal] = (
                arrived + day[ARRIVED],
                handled + day[HANDLED],
                seconds + day[HANDLE_SECONDS],
            )
    span = actuals.span()
    assert span is not None
    last = as_of or span[1]
    first_week = last + timedelta(days=SEASON - last.weekday() if last.weekday() != 6 else 1)
    changes, launches = known_events(org, last, first_week + timedelta(weeks=horizon_weeks))
    wanted = queues or sorted(
        q
        for q in set(days) | set(launches)
        if q in org.queues and (workflow is None or org.queues[q].workflow == workflow)
    )
    found = Forecasts(last, horizon_weeks, quantile)
    for qid in wanted:
        history = history_of(days.get(qid, {}), until=last)
        queue_forecast = org.queues[qid].forecast
        if history is None and qid in launches:
            aht = queue_forecast.aht_seconds if queue_forecast else None
            one = launch_forecast(qid, first_week, horizon_weeks, aht, launches[qid])
        elif history is None:
            found.without_history.append(qid)
            continue
        else:
            one = forecast_queue(
                qid,
                history,
                horizon_weeks=horizon_weeks,
                method=method,
                quantile=quantile,
                current_weekly_volume=queue_forecast.weekly_volume if queue_forecast else None,
            )
        one.with_events(changes.get(qid, ()))
        found.queues.append(one)
    return found


def known_events(
    org: Organisation, after: date, before: date
) -> tuple[dict[str, list[Event]], dict[str, Event]]:
    """What is known to change volumes from a day after ``after`` (the actuals' last day:
    what started before it is in them) and before ``before``: each queue's scenario events
    (scenarios with ``event: true``, their volume changes, by day), and the launches of
    queues that have no actuals (a project's launch milestone not yet reached, the
    queue's files' weekly volume from then)."""
    from qplan.capacity.forecasting import Event
    from qplan.model.planning_files import VolumeChange

    changes: dict[str, list[Event]] = defaultdict(list)
    for sid, scenario in sorted(org.scenarios.items()):
        starts = scenario.as_of
        if not scenario.event or starts is None or not after < starts < before:
            continue
        for change in scenario.changes:
            if not isinstance(change, VolumeChange):
                continue
            chosen = (
                [change.queue]
                if change.queue
                else sorted(q for q, v in org.queues.items() if v.workflow == change.workflow)
            )
            for qid in chosen:
                changes[qid].append(Event(starts, f"scenario {sid}", multiply=change.multiply))
    for events in changes.values():
        events.sort(key=lambda e: e.starts)
    launches: dict[str, Event] = {}
    for pid, project in sorted(org.projects.items()):
        for milestone in project.milestones:
            if not milestone.launch or milestone.done or not after < milestone.due < before:
                continue
            for qid in project.queues:
                queue = org.queues.get(qid)
                if queue is not None and queue.forecast is not None and qid not in launches:
                    launches[qid] = Event(
                        milestone.due,
                        f"project {pid}",
                        weekly_volume=queue.forecast.weekly_volume,
                    )
    return changes, launches


def write_forecasts(
    validation: ValidationResult, found: Forecasts, margin_percent: float
) -> list[str]:
    """Write into the queues' files the forecasts that beat seasonal naive and the files'
    forecast by ``margin_percent`` (so that writing never makes a forecast worse): the
    weekly volume of the planning month and the handle time. Marks them written; returns
    the files written."""
    from qplan.edit.documents import set_queue_forecasts

    org = validation.organisation
    by_file: dict[str, dict[int, tuple[str, float, float | None]]] = {}
    chosen = []
    for q in found.queues:
        if not q.weeks or org.queues[q.queue].forecast is None or not q.beats(margin_percent):
            continue
        origin = org.origin("queue", q.queue)
        change = (q.queue, q.planning_volume(), q.weeks[0].aht_seconds)
        by_file.setdefault(origin.document.path, {})[origin.index] = change
        chosen.append(q)
    for file, changes in sorted(by_file.items()):
        set_queue_forecasts(validation.settings, file, changes)
    for q in chosen:
        q.written = True
    return sorted(by_file)


def planning_at_quantile(
    validation: ValidationResult,
    quantile: float,
    *,
    workflow: str | None = None,
    day: date | None = None,
) -> ScenarioResult | Report:
    """What planning each queue at the ``quantile`` of its forecast costs, against planning
    at the files' weekly volume: a scenario, worked out like any other, that raises each
    queue's volume by its forecast's quantile over its median for the planning month (the
    queues without actuals enough for a quantile keep theirs). Raises :class:`ConfigError`
    when no queue has one."""
    from qplan.app.strategy import evaluate_scenario
    from qplan.capacity.forecasting import PLANNING_WEEKS
    from qplan.core.errors import ConfigError, UsageError
    from qplan.load.reader import Document
    from qplan.model import planning_files as pf
    from qplan.model.organisation import Origin

    org = validation.organisation
    if workflow is not None and workflow not in org.workflows:
        raise UsageError(f"--workflow: no workflow {workflow!r}")
    found = forecast(
        validation, [], workflow=workflow, horizon_weeks=PLANNING_WEEKS, quantile=quantile
    )
    changes: list[pf.ScenarioChange] = []
    for q in found.queues:
        factor = q.quantile_factor()
        if factor is not None and factor > 1 and org.queues[q.queue].forecast is not None:
            changes.append(pf.VolumeChange(type="volume", queue=q.queue, multiply=round(factor, 4)))
    percent = f"{quantile * 100:g}"
    if not changes:
        raise ConfigError(
            f"no queue has actuals enough for a P{percent} of its volume "
            "(a backtest needs some 14 weeks of daily actuals)"
        )
    # built, not read: the one change a queue is no file's, and may be more than a file holds
    scenario = pf.Scenario.model_construct(
        id=f"p{percent.replace('.', '-')}",
        title=f"Each queue planned at the P{percent} of its forecast, not at the files' volume",
        as_of=day,
        changes=changes,
        suppress=[],
        owner=None,
        description=None,
    )
    origin = Origin(Document(f"--quantile {quantile:g}", "", None), ())
    return evaluate_scenario(validation, scenario, origin)
