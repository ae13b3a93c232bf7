"""Writing files qplan produces: whole or not at all, with a one-line error."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qplan.core.errors import OutputError


def write_file(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, creating its folder; never a half-written file."""
    target = Path(path)
    for folder in (target.parent, *target.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"cannot write {path}: {folder} is not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
