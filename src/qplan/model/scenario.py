"""*model*: a scenario laid over an organisation, giving the organisation it describes.

A scenario (``scenarios/*.yaml``) never changes a file: :func:`overlay` returns a new
:class:`~qplan.model.organisation.Organisation` with the volumes, handle times, headcounts
and queues the scenario says, and the problems of any change that cannot apply (an unknown
queue, a volume pushed past the file format's limits …) as diagnostics at that change.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from qplan.core.diagnostics import Diagnostic
from qplan.core.rules import Severity
from qplan.model import format as m
from qplan.model import planning_files as pf
from qplan.model.organisation import Derived, Organisation, Origin, did_you_mean

#: a change that cannot apply to today's organisation: it names something the organisation
#: does not have, its shares do not sum to 100, its result leaves the file format's limits …
#: (a warning for validate, since the organisation may move on without the scenario; an
#: error for ``qplan scenario``, which cannot work the scenario out)
CANNOT_APPLY = "QP180"
#: a change that changes nothing (no queue it selects has a forecast, a launched queue is
#: already counted)
NO_EFFECT = "QP181"


@dataclass
class Overlay:
    """The organisation a scenario describes, and the problems of its changes."""

    organisation: Organisation
    problems: list[Diagnostic] = field(default_factory=list)
    #: what each change did, in words, in the scenario's order
    effects: list[str] = field(default_factory=list)


def overlay(
    org: Organisation, scenario: pf.Scenario, origin: Origin, *, strict: bool = False
) -> Overlay:
    """``org`` with ``scenario``'s changes laid over it, in the scenario's order; with
    ``strict``, a change that cannot apply is an error instead of a warning."""
    work = _Work(org, origin, Severity.ERROR if strict else None)
    for index, change in enumerate(scenario.changes):
        work.index = index
        if isinstance(change, pf.VolumeChange | pf.HandleTimeChange):
            work.forecasts(change)
        elif isinstance(change, pf.HeadcountChange):
            work.headcount(change)
        elif isinstance(change, pf.CloseSite):
            work.close_site(change)
        elif isinstance(change, pf.LaunchQueue):
            work.launch(change)
        else:
            work.new_queue(change)
    result = replace(
        org,
        queues=work.queues,
        teams=work.teams,
        targets=work.targets,
        allocations=work.allocations,
        origins=work.origins,
        scenarios={},  # a scenario is not laid over the organisation another describes
        projects={},
        derived=Derived(),
    )
    return Overlay(result, work.problems, work.effects)


class _Work:
    """The tables a scenario changes, copied, and what went wrong."""

    def __init__(self, org: Organisation, origin: Origin, severity: Severity | None) -> None:
        self.org = org
        self.severity = severity
        self.origin = origin
        self.queues = dict(org.queues)
        self.teams = dict(org.teams)
        self.targets = dict(org.targets)
        self.allocations = dict(org.allocations)
        #: where each item is defined: a scenario's own items at the change that makes them
        self.origins = dict(org.origins)
        self.problems: list[Diagnostic] = []
        self.effects: list[str] = []
        self.index = 0

    def problem(
        self, code: str, message: str, *path: str | int, hint: str | None = None, key: bool = False
    ) -> None:
        position = self.origin.at("changes", self.index, *path, key=key)
        severity = self.severity if code == CANNOT_APPLY else None
        self.problems.append(Diagnostic.at(position, code, message, hint, severity=severity))

    def here(self, *path: str | int) -> Origin:
        """The origin of an item the current change makes (rules point at the change)."""
        return Origin(self.origin.document, (*self.origin.path, "changes", self.index, *path))

    def unknown(self, what: str, name: str, known: Any, *path: str | int) -> None:
        self.problem(
            CANNOT_APPLY, f"unknown {what} {name!r}", *path, hint=did_you_mean(name, known)
        )

    # --- volume and handle time ------------------------------------------------------

    def forecasts(self, change: pf.VolumeChange | pf.HandleTimeChange) -> None:
        if change.queue is not None:
            if change.queue not in self.queues:
                self.unknown("queue", change.queue, self.queues, "queue")
                return
            chosen = [change.queue]
            subject = f"queue {change.queue}"
        else:
            assert change.workflow is not None
            if change.workflow not in self.org.workflows:
                self.unknown("workflow", change.workflow, self.org.workflows, "workflow")
                return
            chosen = sorted(q for q, v in self.queues.items() if v.workflow == change.workflow)
            subject = f"workflow {change.workflow}"
        changed = 0
        for qid in chosen:
            queue = self.queues[qid]
            if queue.forecast is None:
                continue
            forecast = queue.forecast.model_dump(by_alias=True, exclude_unset=True)
            if isinstance(change, pf.VolumeChange):
                forecast["weekly_volume"] = queue.forecast.weekly_volume * change.multiply
                amount = "multiply"
            elif change.multiply is not None:
                forecast["aht_seconds"] = queue.forecast.aht_seconds * change.multiply
                amount = "multiply"
            else:
                forecast["aht_seconds"] = change.seconds
                amount = "seconds"
            try:
                new = m.Forecast.model_validate(forecast)
            except ValidationError as exc:
                error = exc.errors(include_url=False)[0]
                reason = error["msg"][:1].lower() + error["msg"][1:]
                field = ".".join(str(p) for p in error["loc"])
                self.problem(
                    CANNOT_APPLY,
                    f"cannot apply to queue {qid}: forecast.{field} {reason}"
                    if field
                    else f"cannot apply to queue {qid}: {reason}",
                    amount,
                )
                return
            self.queues[qid] = queue.model_copy(update={"forecast": new})
            changed += 1
        if not changed:
            self.problem(
                NO_EFFECT,
                f"changes nothing: {subject} has no forecast"
                if change.queue is not None
                else f"changes nothing: no queue of {subject} has a forecast",
                "queue" if change.queue is not None else "workflow",
            )
            return
        if isinstance(change, pf.VolumeChange):
            what = f"volume × {change.multiply:g}"
        elif change.multiply is not None:
            what = f"handle time × {change.multiply:g}"
        else:
            what = f"handle time {change.seconds:g}s"
        self.effects.append(f"{what} for {subject} ({_queues(changed)})")

    # --- headcount -------------------------------------------------------------------

    def headcount(self, change: pf.HeadcountChange) -> None:
        team = self.teams.get(change.team)
        if team is None:
            self.unknown("team", change.team, self.teams, "team")
            return
        if change.fte is not None:
            fte, amount = change.fte, "fte"
        elif change.add_fte is not None:
            fte, amount = team.headcount_fte + change.add_fte, "add_fte"
        else:
            assert change.multiply is not None
            fte, amount = team.headcount_fte * change.multiply, "multiply"
        if not 0 <= fte <= m.MAX_FTE:
            self.problem(
                CANNOT_APPLY,
                f"would leave team {team.id} with {fte:,.1f} FTE (from 0 to {m.MAX_FTE:,})",
                amount,
            )
            return
        self.teams[team.id] = team.with_headcount(fte)
        scaled = ""
        if team.shifts and fte > 0 and team.headcount_fte > 0:
            scaled = f" (its shifts × {fte / team.headcount_fte:.3g})"
        elif team.shifts:
            scaled = " (no shift left on the roster)" if fte == 0 else ""
        self.effects.append(
            f"team {team.id}: headcount {team.headcount_fte:g} → {fte:g} FTE{scaled}"
        )

    def close_site(self, change: pf.CloseSite) -> None:
        closing = sorted(t for t, v in self.teams.items() if v.site == change.site)
        if not closing:
            sites = {v.site for v in self.teams.values() if v.site}
            self.unknown("site", change.site, sites, "site")
            return
        for tid in closing:
            self.teams[tid] = self.teams[tid].with_headcount(0.0)
        self.effects.append(f"site {change.site} closes: {', '.join(closing)} to 0 FTE")

    # --- queues ----------------------------------------------------------------------

    def launch(self, change: pf.LaunchQueue) -> None:
        queue = self.queues.get(change.queue)
        if queue is None:
            self.unknown("queue", change.queue, self.queues, "queue")
            return
        if queue.status == "retired":
            self.problem(CANNOT_APPLY, f"queue {queue.id} is retired: it cannot launch", "queue")
            return
        if queue.status != "draft" and change.shares is None:
            self.problem(
                NO_EFFECT,
                f"changes nothing: queue {queue.id} is {queue.status}, already counted as launched",
                "queue",
            )
            return
        if change.shares is not None:
            if not self.shares(change.shares):
                return
            self.allocations[queue.id] = m.Allocation.model_validate(
                {"queue": queue.id, "shares": dict(change.shares)}
            )
            self.origins[("allocation", queue.id)] = self.here()
        elif queue.id not in self.allocations:
            self.problem(
                CANNOT_APPLY,
                f"queue {queue.id} has no allocation: nobody would work it",
                "queue",
                hint="give its split: shares: {team: percent, …}",
            )
            return
        if queue.status == "draft":
            self.queues[queue.id] = queue.model_copy(update={"status": "live"})
        training = self.queues.get(queue.training_queue or "")
        effect = f"queue {queue.id} launches" if queue.status == "draft" else f"queue {queue.id}"
        if training is not None and training.status == "draft":
            self.queues[training.id] = training.model_copy(update={"status": "live"})
            effect += f" with its training queue {training.id}"
        shares = self.allocations[queue.id].shares
        self.effects.append(effect + ": " + _split(shares))

    def shares(self, shares: dict[str, float]) -> bool:
        """Whether a change's shares name known teams and sum to 100 (else problems)."""
        before = len(self.problems)
        for tid in shares:
            if tid not in self.teams:
                self.unknown("team", tid, self.teams, "shares", tid)
        total = sum(shares.values())
        if abs(total - 100) > 1e-6:
            self.problem(CANNOT_APPLY, f"shares sum to {total:g}, not 100", "shares")
        return len(self.problems) == before

    def new_queue(self, change: pf.NewQueue) -> None:
        queue = change.queue
        before = len(self.problems)
        if queue.id in self.queues or self.org.defines("queue", queue.id):
            self.problem(
                CANNOT_APPLY,
                f"queue id {queue.id!r} is already defined in the organisation",
                "queue",
                "id",
                hint="a new queue has an id of its own; to launch a draft, use type: launch",
            )
        if queue.workflow not in self.org.workflows:
            self.unknown("workflow", queue.workflow, self.org.workflows, "queue", "workflow")
        profile = queue.forecast.profile if queue.forecast else None
        if profile is not None and profile not in self.org.profiles:
            self.unknown("profile", profile, self.org.profiles, "queue", "forecast", "profile")
        if queue.forecast is None:
            self.problem(
                CANNOT_APPLY,
                f"new queue {queue.id} has no forecast: the scenario cannot size it",
                "queue",
                hint="add forecast: {arrival, weekly_volume, aht_seconds}",
            )
        if not self.shares(change.shares) or len(self.problems) > before:
            return
        self.queues[queue.id] = queue.model_copy(update={"status": "live"})
        self.origins[("queue", queue.id)] = self.here("queue")
        self.allocations[queue.id] = m.Allocation.model_validate(
            {"queue": queue.id, "shares": dict(change.shares)}
        )
        self.origins[("allocation", queue.id)] = self.here()
        if change.target is not None:
            self.targets[queue.id] = m.Target(queue=queue.id, sla=change.target)
            self.origins[("target", queue.id)] = self.here("target")
        self.effects.append(f"new queue {queue.id} in {queue.workflow}: " + _split(change.shares))


def _split(shares: dict[str, float]) -> str:
    return ", ".join(f"{team} {share:g}%" for team, share in shares.items())


def _queues(count: int) -> str:
    from qplan.core.units import plural

    return plural(count, "queue")
