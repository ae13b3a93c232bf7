"""qplan: human content-moderation operations as code.

The package is a library first; the ``qplan`` command is a thin layer over it::

    from qplan import validate_repository
    result = validate_repository("path/to/repo")
    for diagnostic in result.report:
        print(diagnostic.render())

The pipeline runs in stages, one subpackage each, every stage importing only the ones
before it: ``core`` → ``load`` → ``model`` → ``sops`` → ``capacity`` → ``check`` →
``plan`` → ``render``; then :mod:`qplan.repository` runs them for one repository and ``cli`` is the
command line. The entry points below are imported on first use, so ``import qplan`` is cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "validate_repository": "qplan.repository",
    "plan_repository": "qplan.repository",
    "rollback_plan": "qplan.repository",
    "open_state": "qplan.repository",
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
    from qplan.repository import (
        open_state as open_state,
    )
    from qplan.repository import (
        plan_repository as plan_repository,
    )
    from qplan.repository import (
        rollback_plan as rollback_plan,
    )
    from qplan.repository import (
        validate_repository as validate_repository,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'qplan' has no attribute {name!r}")
    return getattr(import_module(module), name)
