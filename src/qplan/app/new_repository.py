"""``qplan init``: start an organisation's repository in a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from qplan.core.errors import UsageError

#: the example organisation's folders, copied by ``init --example``
EXAMPLE_FOLDERS = ("workflows", "sops", "training", "forecasts", "actuals", "projects", "scenarios")
#: what may already be in a folder ``init`` is given without ``--force``
_HARMLESS = {".git", ".gitattributes", "LICENSE", "LICENSE.md"}


def example_root() -> Path | None:
    """The example organisation of the qplan checkout this code runs from (it is not part of
    an installed release)."""
    root = Path(__file__).resolve().parents[3]
    marker = root / "projects" / "hindi-livestream-launch.yaml"
    return root if marker.is_file() and (root / "workflows").is_dir() else None


def init_repository(
    folder: Path, *, example: bool = False, force: bool = False, shown: str | None = None
) -> list[str]:
    """Write a new organisation's repository into ``folder`` (made if missing) and return
    the files written, relative to it. Refuses a folder with files in it unless ``force``
    (and never overwrites a file that is there: those are left out). ``shown`` is how the
    folder is named in messages (as the user gave it)."""
    from qplan import __version__ as release
    from qplan.app.tidy import codeowners_of
    from qplan.app.workspace import validate_repository
    from qplan.core.output import write_file
    from qplan.edit import schema
    from qplan.edit.new_repository import starter_files

    shown = shown or str(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{shown!r} is a file, not a folder")
    present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if [name for name in present if name not in _HARMLESS] and not force:
        raise UsageError(
            f"{shown!r} is not empty ({', '.join(present[:5])}"
            f"{', …' if len(present) > 5 else ''}): give an empty folder, or --force to add "
            "the files that are missing"
        )
    source = example_root() if example else None
    if example and source is None:
        raise UsageError(
            "the example organisation comes with qplan's source: clone qplan's repository "
            "and run `qplan init --example` from its checkout"
        )
    name = folder.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "Org"
    files = starter_files(name, release)
    if source is not None:  # the example's own files stand in for the starter's
        for placeholder in ("workflows/organisation.yaml", "sops/README.md", "training/README.md"):
            del files[placeholder]
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for relative, text in sorted(files.items()):
        target = folder / relative
        if target.exists():
            continue
        write_file(target, text)
        written.append(relative)
    if source is not None:
        for sub in EXAMPLE_FOLDERS:
            if not (source / sub).is_dir():
                continue
            for path in sorted((source / sub).rglob("*")):
                target = folder / path.relative_to(source)
                if path.is_file() and not path.is_symlink() and not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, target)
                    written.append(str(path.relative_to(source)))
    written += [f"schemas/{name}" for name in schema.write(folder / "schemas")]
    owners = codeowners_of(validate_repository(folder))
    if owners.current is None:
        write_file(folder / owners.path, owners.wanted)
        written.append(str(owners.path))
    return sorted(written)
