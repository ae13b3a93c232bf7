"""A resource of the state as a person reads it: its fields, as a plan shows a creation."""

from __future__ import annotations

from qplan.plan.plan import ResourceChange
from qplan.plan.resources import Resource
from qplan.report.plan import change_lines


def resource_lines(address: str, resource: Resource) -> list[str]:
    as_created = ResourceChange(address, resource.group, "create", None, resource.fields())
    return change_lines(as_created)
