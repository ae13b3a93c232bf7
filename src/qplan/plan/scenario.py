"""What a scenario does to staffing, cost and SLA: the organisation's capacity figures
against those of the organisation the scenario describes, compared as a plan's impact is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from qplan.capacity.staffing import derive_organisation
from qplan.plan.impact import impact

if TYPE_CHECKING:
    from qplan.capacity.allocation import AllocationResult
    from qplan.core.diagnostics import Diagnostic
    from qplan.model.organisation import Organisation
    from qplan.model.planning_files import Scenario
    from qplan.model.scenario import Overlay

#: the version of the ``qplan scenario --format json`` contract
FORMAT_VERSION = "1"


@dataclass
class ScenarioResult:
    """A scenario's figures: what its changes did and the capacity impact."""

    scenario: Scenario
    path: str
    as_of: date
    effects: list[str]
    #: queues and teams whose figures move, totals and warnings (a plan's impact section)
    impact: dict[str, Any]
    #: the optimiser's answer under the scenario (``--allocate``)
    allocation: AllocationResult | None = None
    #: problems of the organisation the scenario describes that today's does not have
    #: (a guardrail broken, a team over its cap …), at the file and line of their cause
    problems: list[Diagnostic] = field(default_factory=list)

    def contract(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "file": self.path,
            "as_of": self.as_of.isoformat(),
            "changes": self.effects,
            "impact": self.impact or {"queues": [], "teams": [], "warnings": []},
            "problems": [d.as_json() for d in self.problems],
        }
        if self.allocation is not None:
            out["allocation"] = self.allocation.contract()
        return out


def evaluate(
    organisation: Organisation,
    laid: Overlay,
    scenario: Scenario,
    path: str,
    on: date,
    found_on: Iterable[Diagnostic] | None = None,
) -> ScenarioResult:
    """Compare the figures of ``organisation`` and of the organisation the scenario
    describes (``laid``, its overlay) on the scenario's day (``on`` when it names none).
    ``found_on``: what validate already found on ``on``, so the rules need not run again."""
    day = scenario.as_of or on
    before = derive_organisation(organisation, day)
    after = derive_organisation(laid.organisation, day)
    result = ScenarioResult(scenario, path, day, list(laid.effects), impact(before, after))
    known = found_on if day == on else None
    result.problems = new_problems(organisation, laid.organisation, day, known)
    return result


def new_problems(
    organisation: Organisation,
    described: Organisation,
    day: date,
    found: Iterable[Diagnostic] | None = None,
) -> list[Any]:
    """The rules' findings on the organisation a scenario describes that today's does not
    have (``found``, when the caller has them): what the scenario would break (guardrails,
    caps, coverage …)."""
    from qplan.check.semantics import check

    def key(d: Any) -> tuple[str, str]:
        return d.code, d.message

    findings = organisation.derived.findings  # the same for every scenario of the same day
    if day not in findings:
        base = check(organisation, day) if found is None else found
        findings[day] = frozenset(key(d) for d in base)
    today = findings[day]
    return sorted(
        (d for d in check(described, day) if key(d) not in today),
        key=lambda d: d.sort_key,
    )
