"""The pipeline up to *check*, for one repository: what ``qplan validate`` runs.

>>> from qplan.project import validate_repository
>>> result = validate_repository("examples/org")      # doctest: +SKIP
>>> result.valid, len(result.report.errors)            # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from qplan.checks import check
from qplan.config import Settings, load_settings
from qplan.diagnostics import Report
from qplan.validate import Organisation, load_organisation


@dataclass
class ValidationResult:
    settings: Settings
    organisation: Organisation
    report: Report

    @property
    def valid(self) -> bool:
        return not self.report.has_errors


def validate_repository(
    root: str | os.PathLike[str] = ".", settings: Settings | None = None
) -> ValidationResult:
    """Load, validate and check a repository; every problem ends up in ``report``."""
    settings = settings or load_settings(root)
    report = Report()
    organisation = load_organisation(settings, report)
    report.extend(check(organisation, settings.today))
    from qplan.sops import render_diagnostics

    report.extend(render_diagnostics(organisation, settings))
    return ValidationResult(settings, organisation, report)
