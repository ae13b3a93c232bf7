"""The `qplan docs serve` hook: regenerate the MkDocs pages before each rebuild."""

from __future__ import annotations

import sys
from pathlib import Path


def regenerate(root: str, project: str, state: str | None) -> None:
    """Write the pages for the repository as it is now; on errors keep the last good ones."""
    from qplan.config import load_settings
    from qplan.docs import write_project
    from qplan.project import docs_project
    from qplan.reporters import write_text

    validation, files = docs_project(load_settings(root), state)
    if files is None:
        write_text(validation.report, sys.stderr, color=False)
        print("The site shows the last valid state of the repository.", file=sys.stderr)
        return
    write_project(files, Path(project))
