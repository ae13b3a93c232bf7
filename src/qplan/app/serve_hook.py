"""The `qplan docs serve` hook: regenerate the MkDocs pages before each rebuild."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: what `qplan docs serve` serves, set in its process before the builder starts: the
#: repository, the project folder and the state URL (kept in memory, never in a file)
_served: tuple[Path, Path, str | None] | None = None
#: told the host and port the server listens on, once it is bound
_listening: list[Callable[[str, int], None]] = []


def serve(
    root: Path,
    project: Path,
    state: str | None,
    listening: Callable[[str, int], None] = lambda host, port: None,
) -> None:
    """Tell the hook what it regenerates, and whom to tell where the server listens."""
    global _served
    _served = (root, project, state)
    _listening[:] = [listening]


def serving(server: Any) -> Any:
    """MkDocs' ``on_serve``: once the server has bound its socket, tell ``listening`` its
    host and port (port 0 in ``--dev-addr`` asks the system for a free one, so a caller
    learns the port here, not by guessing one that another process may take first)."""
    bind = server.server_bind

    def bind_and_tell() -> None:
        bind()
        host, port = server.server_address[:2]
        for tell in _listening:
            tell(str(host), int(port))

    server.server_bind = bind_and_tell
    return server


def regenerate() -> None:
    """Write the pages for the repository as it is now; on errors keep the last good ones."""
    from qplan.app.docs import docs_project
    from qplan.load.settings import load_settings
    from qplan.report.reporters import write_text
    from qplan.site.build import write_project

    if _served is None:
        raise RuntimeError("qplan's serve hook runs only under `qplan docs serve`")
    from qplan.core.money import use_currency

    root, project, state = _served
    settings = load_settings(str(root))
    use_currency(settings.currency)  # this runs in the server's thread, a context of its own
    validation, files = docs_project(settings, state)
    if files is None:
        write_text(validation.report, sys.stderr, color=False)
        print("The site shows the last valid state of the repository.", file=sys.stderr)
        return
    write_project(files, project)
