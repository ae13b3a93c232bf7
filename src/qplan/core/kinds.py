"""The kinds of the organisation's files, and of the resources a plan addresses: one entry
each, which every other place iterates (the loader, ``fmt``, the plan's order, spreadsheets,
the command line's choices).

Adding a kind is one entry here and its model in :mod:`qplan.model.format` (named by
``model``); the tests check that every place agrees.

>>> from qplan.core.kinds import FILE_KINDS, by_plural
>>> [k.plural for k in FILE_KINDS][:3]
['workflows', 'policies', 'profiles']
>>> by_plural("allocations").key_field
'queue'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Kind:
    #: the resource address prefix (``queue.sv-hate-speech-en``)
    singular: str
    #: the key of a workflows/ file that lists items of this kind; None: a resource the
    #: plan derives from other files (a forecast CSV, a case set, an SOP)
    plural: str | None
    #: the Pydantic model of an item, by its name in :mod:`qplan.model.format`
    model: str | None
    #: the field of an item that names it (``id``, or the queue a target or allocation is
    #: of); a target's key is its queue or ``workflow:<id>``
    key_field: str | None
    #: whether a workbook has a sheet of this kind (``qplan export``/``import``)
    tabular: bool = False
    #: what a plan groups it under: its own id (a workflow), its workflow (a queue), its
    #: queue's workflow (a target, an allocation), or the organisation
    grouped_by: Literal["self", "workflow", "queue", "organisation"] = "organisation"


#: every kind, in the order a plan lists its changes
KINDS: tuple[Kind, ...] = (
    Kind("workflow", "workflows", "Workflow", "id", tabular=True, grouped_by="self"),
    Kind("policy", "policies", "Policy", "id", tabular=True),
    Kind("profile", "profiles", "Profile", "id", tabular=True),
    Kind("forecast", None, None, None),
    Kind("team", "teams", "Team", "id", tabular=True),
    Kind("guardrail", "guardrails", "Guardrail", "id", tabular=True),
    Kind("queue", "queues", "Queue", "id", tabular=True, grouped_by="workflow"),
    Kind("target", "targets", "Target", "queue", tabular=True, grouped_by="queue"),
    Kind("allocation", "allocations", "Allocation", "queue", tabular=True, grouped_by="queue"),
    Kind("cases", None, None, None),
    Kind("sop", None, None, None),
)

#: the order a workflows/ file lists its kinds in (as DESIGN.md does; ``fmt`` keeps it)
FILE_ORDER = (
    "workflows",
    "policies",
    "profiles",
    "teams",
    "queues",
    "targets",
    "allocations",
    "guardrails",
)

#: the kinds of workflows/ files, in :data:`FILE_ORDER`
FILE_KINDS: tuple[Kind, ...] = tuple(
    next(k for k in KINDS if k.plural == plural) for plural in FILE_ORDER
)

#: the resource kinds in plan order (``queue``, ``cases`` …)
PLAN_ORDER: tuple[str, ...] = tuple(k.singular for k in KINDS)

#: the kinds a workbook holds a sheet of, in the order of its sheets
TABULAR: tuple[str, ...] = tuple(k.plural for k in KINDS if k.tabular and k.plural)

#: plural → singular, for the kinds of files
SINGULAR: dict[str, str] = {k.plural: k.singular for k in FILE_KINDS if k.plural}


def by_plural(plural: str) -> Kind:
    """The kind a workflows/ file lists under ``plural``; KeyError when there is none."""
    for kind in FILE_KINDS:
        if kind.plural == plural:
            return kind
    raise KeyError(plural)
