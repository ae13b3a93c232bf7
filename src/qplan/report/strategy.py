"""The optimiser's proposal and a scenario's figures, by format (their text and Markdown are
:mod:`qplan.views`, which the site shares)."""

from __future__ import annotations

from qplan.capacity.allocation import AllocationResult
from qplan.plan.scenario import ScenarioResult
from qplan.report.registry import Reporters
from qplan.views import allocation, scenario


def allocation_reporters(*, explain: bool = False) -> Reporters[AllocationResult]:
    return Reporters(
        "allocation",
        text=lambda result: allocation.text(result, explain=explain),
        json=allocation.as_json,
    )


def scenario_reporters(*, explain: bool = False) -> Reporters[ScenarioResult]:
    return Reporters(
        "scenario",
        text=lambda result: scenario.text(result, explain=explain),
        markdown=scenario.markdown,
        json=scenario.as_json,
    )
