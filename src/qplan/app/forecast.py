"""``qplan forecast``: each queue's weekly volume and handle time for the weeks ahead, from
its daily actuals, with the backtest that chose its method."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from qplan.capacity.forecasting import MAX_HORIZON_WEEKS, Forecasts
from qplan.check.semantics import ValidationResult
from qplan.load.actuals import ARRIVED

if TYPE_CHECKING:
    from pathlib import Path

    from qplan.capacity.forecasting import Event
    from qplan.core.diagnostics import Report
    from qplan.load.settings import Settings
    from qplan.model.organisation import Organisation
    from qplan.plan.scenario import ScenarioResult

#: from this many queues on, a helper process forecasts half of them
PARALLEL_QUEUES = 4

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
    from qplan.capacity.forecasting import (
        SEASON,
        QueueForecast,
        forecast_queue,
        history_of,
        launch_forecast,
    )
    from qplan.core.errors import ConfigError
    from qplan.core.forked import in_two
    from qplan.load.actuals import HANDLE_SECONDS, HANDLED

    org = validation.organisation
    actuals = org.actuals
    if actuals is None or actuals.empty:
        from qplan.app.health import no_actuals_hint

        raise ConfigError(f"there are no actuals to forecast from: {no_actuals_hint(validation)}")
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

    def make(qids: Sequence[str]) -> list[QueueForecast | str]:
        """The forecast of each of ``qids``, or its id when it has no whole week."""
        made: list[QueueForecast | str] = []
        for qid in qids:
            history = history_of(days.get(qid, {}), until=last)
            queue_forecast = org.queues[qid].forecast
            if history is None and qid in launches:
                aht = queue_forecast.aht_seconds if queue_forecast else None
                one = launch_forecast(qid, first_week, horizon_weeks, aht, launches[qid])
            elif history is None:
                made.append(qid)
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
            made.append(one)
        return made

    # the fits of each queue stand alone: from a few queues on, a helper process fits
    # the later half while this one fits the earlier (the same forecasts either way)
    split = len(wanted) // 2 if len(wanted) >= PARALLEL_QUEUES else len(wanted)
    for part in in_two(make, wanted, split):
        for one in part:
            if isinstance(one, str):
                found.without_history.append(one)
            else:
                found.queues.append(one)
    _with_profiles(org, found)
    return found


def _with_profiles(org: Organisation, found: Forecasts) -> None:
    """Each forecast queue's week re-estimated from its interval actuals, in its profile's
    time zone (without a profile, that of the team that took most of its items)."""
    from qplan.capacity.arrival_profile import arrival_profiles

    actuals = org.actuals
    if actuals is None or not actuals.interval_arrived:
        return
    # items each team took of each queue, in one pass over the series
    load: dict[str, dict[str, float]] = defaultdict(dict)
    for (qid, team), series in actuals.series.items():
        if team in org.teams:
            load[qid][team] = sum(day[ARRIVED] for day in series.values())
    zones = {}
    for q in found.queues:
        forecast = org.queues[q.queue].forecast
        profile = org.profiles.get(forecast.profile or "") if forecast else None
        if profile is not None:
            zones[q.queue] = str(profile.timezone)
        elif load.get(q.queue):
            mine = load[q.queue]
            busiest = max(sorted(mine), key=lambda team: mine[team])
            zones[q.queue] = str(org.teams[busiest].timezone)
    team_zones = {tid: str(team.timezone) for tid, team in org.teams.items()}
    profiles = arrival_profiles(actuals.interval_arrived, team_zones, zones, until=found.as_of)
    for q in found.queues:
        q.profile = profiles.get(q.queue)


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
    weekly volume of the planning month and the handle time; and each week re-estimated
    from interval actuals to ``forecasts/<queue>.csv``, naming it as the queue's profile
    (a profile ``<queue>-actuals`` added to its file when it names another). Marks what
    was written; returns the files written, nothing when they already say it."""
    from qplan.core.errors import ConfigError
    from qplan.core.output import write_file
    from qplan.edit.documents import set_queue_forecasts

    settings = validation.settings
    org = validation.organisation
    by_file: dict[str, dict[int, tuple[str, float | None, float | None, str | None]]] = {}
    new_profiles: dict[str, list[dict[str, str]]] = {}
    csv_files: dict[str, str] = {}
    for q in found.queues:
        forecast = org.queues[q.queue].forecast
        if forecast is None:
            continue
        volume = aht = None
        if q.weeks and q.beats(margin_percent):
            volume, aht = q.planning_volume(), q.weeks[0].aht_seconds
            q.written = True
        origin = org.origin("queue", q.queue)
        profile_id = None
        if q.profile is not None:
            path = q.profile_file
            text = q.profile.csv()
            there = settings.root / path
            old = _written(settings, there)
            if old != text:
                csv_files[path] = text
                q.profile_written = True
            named = org.profiles.get(forecast.profile or "")
            if named is None or named.csv != path:
                profile_id = f"{q.queue}-actuals"
                existing = org.profiles.get(profile_id)
                if existing is not None and existing.csv != path:
                    raise ConfigError(
                        f"profile {profile_id} exists and names {existing.csv or 'no CSV'}: "
                        f"rename it, and qplan can keep {q.queue}'s week from its actuals in {path}"
                    )
                if existing is None:
                    new_profiles.setdefault(origin.document.path, []).append(
                        {
                            "id": profile_id,
                            "name": f"{q.queue}: its week from the interval actuals",
                            "timezone": q.profile.zone,
                            "csv": path,
                        }
                    )
                q.profile_written = True
        if volume is None and profile_id is None:
            continue
        by_file.setdefault(origin.document.path, {})[origin.index] = (
            q.queue,
            volume,
            aht,
            profile_id,
        )
    # the YAML first: an edit qplan refuses (an anchor, a symlink) leaves no CSV behind
    for file in sorted({*by_file, *new_profiles}):
        set_queue_forecasts(settings, file, by_file.get(file, {}), new_profiles.get(file, ()))
    for path, text in sorted(csv_files.items()):
        write_file(settings.root / path, text)
    return sorted({*by_file, *new_profiles, *csv_files})


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


def _written(settings: Settings, file: Path) -> str | None:
    """What a file ``--write`` would write holds now (None: there is none); one that
    cannot be read (a symlink, a folder, not UTF-8) is refused in one line."""
    from qplan.core.errors import ConfigError
    from qplan.core.output import refuse_links
    from qplan.load.reader import LoadError, read_text

    try:
        refuse_links(file)
        if not (file.exists() or file.is_symlink()):
            return None
        return read_text(file, settings.root, max_bytes=settings.max_file_bytes)
    except LoadError as exc:
        raise ConfigError(f"nothing was written: {exc.diagnostic.render()}") from None
