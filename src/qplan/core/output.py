"""Writing files qplan produces: whole or not at all, with a one-line error."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from qplan.core.errors import OutputError

#: the repository whose files a pull request may have committed (set by the command line
#: once it knows it): no path qplan writes or removes inside it may pass through a symlink
_repository: Path | None = None


def cache_root() -> Path:
    """qplan's cache folder, outside every repository: ``QPLAN_CACHE_DIR``, else the user's
    cache folder (``XDG_CACHE_HOME``, else ``~/.cache``) under ``qplan``."""
    base = os.environ.get("QPLAN_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "qplan" if xdg else Path.home() / ".cache" / "qplan"


def guard_repository(root: Path | None) -> None:
    """Make every later write check ``root``'s symlinks (see :func:`refuse_links`)."""
    global _repository
    _repository = None if root is None else Path(os.path.abspath(root))


def refuse_links(path: str | Path, root: Path | None = None) -> None:
    """Raise :class:`OutputError` when ``path`` lies inside the repository (``root``, else
    the one :func:`guard_repository` set) and one of its parts below the repository,
    itself included, is a symlink.

    A pull request may commit symlinks anywhere, under ignored folders too (``site``,
    ``.qplan``, ``schemas``): following one would write, or delete, outside the
    repository. The path is looked at as written (not resolved); a path outside the
    repository is the caller's own choice and is not looked at.
    """
    base = _repository if root is None else Path(os.path.abspath(root))
    if base is None:
        return
    absolute = Path(os.path.abspath(path))
    if not absolute.is_relative_to(base) or absolute == base:
        return
    current = base
    for part in absolute.relative_to(base).parts:
        current = current / part
        try:
            mode = current.lstat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            return  # nothing below it exists: qplan makes it a folder, or says it cannot
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        if stat.S_ISLNK(mode):
            shown = current.relative_to(base).as_posix()
            raise OutputError(
                f"cannot write {path}: {shown} in the repository is a symlink; "
                "qplan never writes or deletes through one (remove it)"
            )


def write_file(path: str | Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) to ``path`` atomically, creating its folder; never a
    half-written file, and never through a symlink inside the repository."""
    target = Path(path)
    refuse_links(target)
    for folder in (target.parent, *target.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"cannot write {path}: {folder} is not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            if isinstance(text, bytes):
                with os.fdopen(handle, "wb") as binary:
                    binary.write(text)
            else:
                with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                    stream.write(text)
            os.chmod(temporary, 0o666 & ~_umask())  # as open() would make it, not 0600
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: the file that marks a folder as one qplan generated (and may therefore empty)
MARKER = ".qplan-generated"


def claim_output_folder(
    folder: Path,
    root: Path,
    inputs: list[Path],
    what: str,
    shown: str | None = None,
    *,
    mark: bool = True,
) -> Path:
    """Check that qplan may fill (and empty) ``folder``, mark it as qplan's, return it.

    Refused: the repository itself or a folder above it, a folder that holds one of the
    repository's inputs or lies inside one, and a folder that is not empty and was not
    made by qplan. Nothing is deleted here; the marker lets a later run replace it.
    """
    folder_name = shown if shown is not None else str(folder)
    try:
        refuse_links(folder, root)
    except OutputError:
        raise OutputError(
            f"{what} {folder_name} is, or lies under, a symlink in the repository; "
            "qplan writes only into real folders (remove the symlink)"
        ) from None
    target = folder.resolve()
    root = root.resolve()
    if target == root or root.is_relative_to(target):
        raise OutputError(
            f"{what} {folder_name} is the repository or holds it; choose a new folder"
        )
    for source in inputs:
        source = source.resolve()
        if source.is_relative_to(target) or target.is_relative_to(source):
            raise OutputError(
                f"{what} {folder_name} would mix with the repository's {source.relative_to(root)}; "
                "choose a folder of its own"
            )
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"{what} {folder_name} is not a folder")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise OutputError(
                f"{what} {folder_name} is not empty and was not made by qplan; "
                "choose an empty or new folder (qplan empties the folders it made)"
            )
    if mark:
        mark_output_folder(target)
    return target


def mark_output_folder(folder: Path) -> None:
    """Mark ``folder`` as qplan's (checked first with :func:`claim_output_folder`)."""
    write_file(folder / MARKER, "This folder is generated by qplan and emptied on rebuild.\n")


def remove_links(folder: Path) -> None:
    """Remove every symlink under ``folder`` without following any (a folder qplan fills
    may hold what a pull request committed)."""
    for here, folders, names in os.walk(folder):  # never descends into a linked folder
        for name in (*folders, *names):
            path = Path(here) / name
            if path.is_symlink():
                path.unlink()


def remove_hidden(folder: Path) -> None:
    """Remove the hidden entries at the top of ``folder`` (a site folder qplan fills, which
    MkDocs never empties of them), all but qplan's marker; no symlink is followed."""
    import shutil

    if not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        if not entry.name.startswith(".") or entry.name == MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
