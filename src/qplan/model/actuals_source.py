"""The organisation's actuals, from where the settings say: every CSV and Parquet file
under actuals/, or the newest extract ``qplan actuals pull`` kept of a database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qplan.core.diagnostics import Diagnostic, Position, Report
from qplan.load.reader import LoadError
from qplan.load.settings import Settings

if TYPE_CHECKING:
    from qplan.model.organisation import Organisation


#: the folder of actuals CSVs, under the repository's root
ACTUALS_DIR = "actuals"


def load_actuals(org: Organisation, settings: Settings, report: Report) -> None:
    """Read every CSV and Parquet file under actuals/, when there is such a folder (row
    problems: QP107)."""
    from qplan.load.actuals import read_actuals
    from qplan.load.reader import input_files

    if settings.actuals.source == "postgresql":
        _load_extract(org, settings, report)
        return
    folder = settings.root / ACTUALS_DIR
    if not folder.is_dir():
        return
    try:
        files = list(
            input_files(folder, settings.root, (".csv", ".parquet"), max_files=settings.max_files)
        )
        found = read_actuals(settings.root, files, max_bytes=settings.max_file_bytes)
    except LoadError as exc:
        report.add(exc.diagnostic)
        return
    report.extend(found.problems)
    org.actuals = found  # the rows without problems, for the check stage's rules


def _load_extract(org: Organisation, settings: Settings, report: Report) -> None:
    """The newest extract ``qplan actuals pull`` kept of the database's actuals; a warning
    (QP024) when there is none yet."""
    from qplan.load.actuals import Actuals
    from qplan.load.actuals_extract import MAX_ROWS, latest_extract
    from qplan.load.actuals_parquet import read_parquet_file

    extract = latest_extract(settings)
    if extract is None:
        line = _section_line(settings)
        report.add(
            Diagnostic.at(
                Position("pyproject.toml", line, 1),
                "QP024",
                f"no extract of the actuals in PostgreSQL table {settings.actuals.table} yet: "
                "health and forecasts have none",
                f"run qplan actuals pull (with {settings.actuals.url_env} set)",
            )
        )
        return
    if not extract.intact():
        report.add(
            Diagnostic.at(
                Position("pyproject.toml", _section_line(settings), 1),
                "QP024",
                f"the extract of the actuals in PostgreSQL table {extract.table} is not what "
                "was pulled (its digest differs): health and forecasts have none",
                f"run qplan actuals pull (with {settings.actuals.url_env} set)",
            )
        )
        return
    found = Actuals()
    read_parquet_file(found, extract.name, extract.file, max_rows=MAX_ROWS)
    report.extend(found.problems)
    org.actuals = found
    org.actuals_extract = extract


def _section_line(settings: Settings) -> int:
    """The line of ``[tool.qplan.actuals]`` in pyproject.toml (1 when it cannot be read)."""
    try:
        text = (settings.root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 1
    lines = text.splitlines()
    return next((n for n, t in enumerate(lines, 1) if t.strip() == "[tool.qplan.actuals]"), 1)
