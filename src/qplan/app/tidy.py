"""``qplan fmt``, ``owners`` and ``schema``: the repository's files kept in shape."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qplan.check.semantics import ValidationResult
from qplan.edit.fmt import FormatResult
from qplan.load.settings import Settings

__all__ = ["CodeOwners", "FormatResult", "codeowners_of", "format_repository", "schemas"]


def format_repository(
    settings: Settings, paths: Sequence[str] = (), *, write: bool = True
) -> FormatResult:
    """Format the YAML canonically, keeping comments (default: every workflows/ file)."""
    from qplan.edit.fmt import format_files, yaml_paths

    return format_files(settings, yaml_paths(settings, paths), write=write)


@dataclass(frozen=True)
class CodeOwners:
    """The CODEOWNERS file the owner fields make, and what the repository has now."""

    path: str
    wanted: str
    current: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.wanted


def codeowners_of(validation: ValidationResult) -> CodeOwners:
    """``.github/CODEOWNERS`` from the owner fields of workflows, teams, policies and SOPs,
    with the file as it is (read through the guarded reader: a committed symlink to a
    secret is never shown in a diff)."""
    from qplan.core.errors import OutputError
    from qplan.edit.owners import PATH, codeowners
    from qplan.load.reader import LoadError, read_text

    settings = validation.settings
    target = settings.root / PATH
    current = None
    if target.exists() or target.is_symlink():
        try:
            current = read_text(target, settings.root, max_bytes=settings.max_file_bytes)
        except LoadError as exc:
            raise OutputError(f"{PATH} cannot be read: {exc.diagnostic.message}") from None
    return CodeOwners(PATH, codeowners(validation.organisation), current)


def schemas(folder: Path, *, write: bool) -> list[str]:
    """The JSON Schemas of the file format in ``folder``: those written (``write``) or
    those out of date."""
    from qplan.edit import schema

    return schema.write(folder) if write else schema.stale_files(folder)
