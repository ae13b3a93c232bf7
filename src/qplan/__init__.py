"""qplan: human content-moderation operations as code.

The package is a library first; the ``qplan`` command is a thin layer over it::

    from qplan import validate_repository
    result = validate_repository("path/to/repo")
    for diagnostic in result.report:
        print(diagnostic.render())

The pipeline runs in stages, one subpackage each, every stage importing only the ones
before it: ``core`` → ``load`` → ``model`` → ``sops`` → ``capacity`` → ``check`` →
``plan`` → ``views`` → ``report`` | ``site`` | ``edit`` (independent of each other); then
:mod:`qplan.app` holds the use cases, one module each, and ``cli`` is the command line over
them. The entry points below are imported on first use, so ``import qplan`` is cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Workspace": "qplan.app.workspace",
    "validate_repository": "qplan.app.workspace",
    "open_state": "qplan.app.workspace",
    "plan_repository": "qplan.app.plan",
    "rollback_plan": "qplan.app.plan",
    "assess_health": "qplan.app.health",
    "plan_recovery": "qplan.app.health",
    "allocate_organisation": "qplan.app.strategy",
    "evaluate_scenario": "qplan.app.strategy",
    "docs_project": "qplan.app.docs",
    "project_status": "qplan.app.projects",
    "ValidationResult": "qplan.check.semantics",
    "load_settings": "qplan.load.settings",
    "Settings": "qplan.load.settings",
    "erlang_a": "qplan.capacity.erlang",
    "erlang_b": "qplan.capacity.erlang",
    "erlang_c": "qplan.capacity.erlang",
    "agents_for_target": "qplan.capacity.erlang",
    "figures": "qplan.capacity.erlang",
    "scheduled_fte": "qplan.capacity.erlang",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from qplan.app.docs import docs_project as docs_project
    from qplan.app.health import assess_health as assess_health
    from qplan.app.health import plan_recovery as plan_recovery
    from qplan.app.plan import plan_repository as plan_repository
    from qplan.app.plan import rollback_plan as rollback_plan
    from qplan.app.projects import project_status as project_status
    from qplan.app.strategy import allocate_organisation as allocate_organisation
    from qplan.app.strategy import evaluate_scenario as evaluate_scenario
    from qplan.app.workspace import Workspace as Workspace
    from qplan.app.workspace import open_state as open_state
    from qplan.app.workspace import validate_repository as validate_repository
    from qplan.capacity.erlang import (
        agents_for_target as agents_for_target,
    )
    from qplan.capacity.erlang import (
        erlang_a as erlang_a,
    )
    from qplan.capacity.erlang import (
        erlang_b as erlang_b,
    )
    from qplan.capacity.erlang import (
        erlang_c as erlang_c,
    )
    from qplan.capacity.erlang import (
        figures as figures,
    )
    from qplan.capacity.erlang import (
        scheduled_fte as scheduled_fte,
    )
    from qplan.check.semantics import ValidationResult as ValidationResult
    from qplan.load.settings import Settings as Settings
    from qplan.load.settings import load_settings as load_settings


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qplan' has no attribute {name!r}")
    return getattr(import_module(module), name)
