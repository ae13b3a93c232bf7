"""``qplan actuals pull`` and ``import``: the newest extract of the actuals from the team's
database, and exports turned into Parquet files under actuals/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qplan.core.diagnostics import Report
from qplan.load.settings import Settings

if TYPE_CHECKING:
    from qplan.edit.actuals_import import Imported
    from qplan.load.actuals_extract import Extract


def pull_actuals(settings: Settings) -> tuple[Extract | None, Report]:
    """Read the configured table for the days the settings give up to today and keep it
    as the newest extract: the extract, or None and the rows' problems (nothing kept).
    Raises :class:`UsageError` when the actuals come from files, :class:`ConfigError` when
    the database cannot be read."""
    from qplan.core.errors import UsageError
    from qplan.load.actuals_extract import pull

    if settings.actuals.source != "postgresql":
        raise UsageError(
            "the actuals come from the files under actuals/: there is nothing to pull "
            '(set [tool.qplan.actuals] source = "postgresql" and its table)'
        )
    extract, found = pull(settings, settings.today)
    report = Report()
    report.extend(found.problems)
    return extract, report


def import_actuals(
    settings: Settings, exports: list[str], *, skip_bad_rows: bool = False
) -> list[Imported]:
    """``qplan actuals import``: see :func:`qplan.edit.actuals_import.import_exports`."""
    from qplan.edit.actuals_import import import_exports

    return import_exports(settings, exports, skip_bad_rows=skip_bad_rows)
