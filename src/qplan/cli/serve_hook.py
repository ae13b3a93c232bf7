"""The `qplan docs serve` hook: regenerate the MkDocs pages before each rebuild."""

from __future__ import annotations

import sys
from pathlib import Path


def regenerate(root: str, project: str, state: str | None) -> None:
    """Write the pages for the repository as it is now; on errors keep the last good ones."""
    from qplan.load.settings import load_settings
    from qplan.render.reporters import write_text
    from qplan.render.site import write_project
    from qplan.repository import docs_project

    validation, files = docs_project(load_settings(root), state)
    if files is None:
        write_text(validation.report, sys.stderr, color=False)
        print("The site shows the last valid state of the repository.", file=sys.stderr)
        return
    write_project(files, Path(project))
