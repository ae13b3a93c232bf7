"""The `qplan docs serve` hook: regenerate the MkDocs pages before each rebuild."""

from __future__ import annotations

import sys
from pathlib import Path

#: what `qplan docs serve` serves, set in its process before the builder starts: the
#: repository, the project folder and the state URL (kept in memory, never in a file)
_served: tuple[Path, Path, str | None] | None = None


def serve(root: Path, project: Path, state: str | None) -> None:
    """Tell the hook what it regenerates."""
    global _served
    _served = (root, project, state)


def regenerate() -> None:
    """Write the pages for the repository as it is now; on errors keep the last good ones."""
    from qplan.app.docs import docs_project
    from qplan.load.settings import load_settings
    from qplan.report.reporters import write_text
    from qplan.site.build import write_project

    if _served is None:
        raise RuntimeError("qplan's serve hook runs only under `qplan docs serve`")
    root, project, state = _served
    validation, files = docs_project(load_settings(str(root)), state)
    if files is None:
        write_text(validation.report, sys.stderr, color=False)
        print("The site shows the last valid state of the repository.", file=sys.stderr)
        return
    write_project(files, project)
