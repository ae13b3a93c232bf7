"""``qplan state``: what the state store holds, revision by revision."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qplan.core.errors import StateError

if TYPE_CHECKING:
    from qplan.plan.resources import Resource
    from qplan.plan.state import Revision as Revision
    from qplan.plan.state import StateStore


def revision_of(store: StateStore, serial: int | None = None) -> Revision:
    """Revision ``serial`` (default: the latest); the state must not be empty."""
    revision = store.revision(serial) if serial is not None else store.head()
    if revision is None:
        raise StateError("the state is empty: nothing has been applied yet")
    return revision


def resource_at(
    store: StateStore, address: str, serial: int | None = None
) -> tuple[Revision, Resource]:
    """The resource at ``address`` as revision ``serial`` (default: the latest) recorded it,
    checked to be one qplan could have written."""
    from qplan.plan.resources import body_problem

    revision = revision_of(store, serial)
    found = store.resources(revision.serial).get(address)
    if found is None:
        raise StateError(f"revision {revision.serial} has no resource {address}")
    problem = body_problem(found)
    if problem:
        raise StateError(f"the state's {address} at serial {revision.serial} is invalid: {problem}")
    return revision, found
