"""A repository as one command sees it: its settings, its validation (run once) and its
state store (opened once), and the files every stage reads.

>>> from qplan.app.workspace import Workspace
>>> with Workspace.open("examples/org") as workspace:   # doctest: +SKIP
...     workspace.validation.valid
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from qplan.check.semantics import ValidationResult, check
from qplan.core.diagnostics import Report
from qplan.load.settings import Settings as Settings
from qplan.load.settings import load_settings
from qplan.model.organisation import Organisation, load_organisation

if TYPE_CHECKING:
    from qplan.plan.state import StateStore


class Workspace:
    """One command's repository: settings loaded once, the repository validated once (when
    first asked for), and the state store opened once and closed with the workspace."""

    def __init__(self, settings: Settings, state_url: str | None = None) -> None:
        self.settings = settings
        #: the state URL given on the command line, else the settings' (``QPLAN_STATE``)
        self.state_url = state_url
        self._validation: ValidationResult | None = None
        self._store: StateStore | None = None

    @classmethod
    def open(cls, root: str | os.PathLike[str] = ".", state_url: str | None = None) -> Workspace:
        from qplan.core.money import use_currency
        from qplan.core.output import guard_repository

        settings = load_settings(root)
        guard_repository(settings.root)  # no write inside it goes through a symlink
        use_currency(settings.currency)
        return cls(settings, state_url)

    @property
    def validation(self) -> ValidationResult:
        """The repository loaded, validated and checked; every problem is in its report."""
        if self._validation is None:
            self._validation = validate_repository(settings=self.settings)
        return self._validation

    def revalidate(self) -> ValidationResult:
        """Validate again, after this command changed the repository's files."""
        self._validation = None
        return self.validation

    @property
    def store(self) -> StateStore:
        """The state store, opened on first use."""
        if self._store is None:
            self._store = open_state(self.settings, self.state_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def validate_repository(
    root: str | os.PathLike[str] = ".", settings: Settings | None = None
) -> ValidationResult:
    """Load, validate and check a repository; every problem ends up in ``report``."""
    settings = settings or load_settings(root)
    report = Report()
    organisation = load_organisation(settings, report)
    from qplan.sops.rendering import SopRendering, render_sops, sop_diagnostics

    rendering = SopRendering(organisation)  # the SOPs render in a child during the checks
    report.extend(check(organisation, settings.today))
    sops = render_sops(organisation, rendering)
    report.extend(sop_diagnostics(organisation, sops))
    return ValidationResult(settings, organisation, report, sops)


#: the folders of inputs besides workflows/ and sops/, and the files each stage reads there
_READ_FOLDERS = (
    ("training", (".csv",)),
    ("forecasts", (".csv",)),
    ("actuals", (".csv",)),
    ("projects", (".yaml", ".yml")),
    ("scenarios", (".yaml", ".yml")),
)


def sources_digest(settings: Settings, case_sets: Iterable[str] = ()) -> str | None:
    """A digest of every file any stage reads (None if one is unreadable).

    The files are pyproject.toml, the workflow YAML, the SOP templates, the training case
    sets the organisation names and every file under the folders of case sets, forecasts,
    actuals, projects and scenarios, read through the same guarded reader as validation.
    Equal digests mean the repository still says what it said when a plan was made.
    """
    import hashlib

    from qplan.load.reader import LoadError, input_files, read_bytes, yaml_files

    sha = hashlib.sha256()
    try:
        files = [
            settings.root / "pyproject.toml",
            *yaml_files(settings.workflows_path, settings.root, max_files=settings.max_files),
            *input_files(
                settings.sops_path, settings.root, (".md.j2",), max_files=settings.max_files
            ),
            *(settings.root / path for path in sorted(set(case_sets))),
        ]
        for folder, suffixes in _READ_FOLDERS:
            files += input_files(
                settings.root / folder, settings.root, suffixes, max_files=settings.max_files
            )
        for file in files:
            sha.update(file.relative_to(settings.root).as_posix().encode() + b"\0")
            if file.exists() or file.is_symlink():
                content = read_bytes(file, settings.root, max_bytes=settings.max_file_bytes)
            else:
                content = b"(none)"
            sha.update(len(content).to_bytes(8, "big") + content)
    except (LoadError, OSError, ValueError):
        return None
    return sha.hexdigest()


def input_paths(settings: Settings) -> list[Path]:
    """What qplan reads or keeps in a repository: no output folder may hold or be in these."""
    root = settings.root
    paths = [settings.workflows_path, settings.sops_path, root / "pyproject.toml", root / ".git"]
    paths += [root / folder for folder, _ in _READ_FOLDERS]
    return paths


def case_set_paths(organisation: Organisation) -> list[str]:
    """The training case set files the organisation's queues name."""
    return sorted(
        {q.training.case_set for q in organisation.queues.values() if q.training is not None}
    )


def open_state(settings: Settings, url: str | None = None) -> StateStore:
    """The store named by ``url``, else the settings (``QPLAN_STATE``, ``[tool.qplan] state``)."""
    from qplan.plan.state import open_store

    return open_store(url or settings.state, settings.root)


def enqueued_case_sets(settings: Settings, state_url: str | None = None) -> dict[str, Any]:
    """What the state says was enqueued, by case set path: {path: Enqueued}."""
    import json

    from qplan.check.readiness import Enqueued

    store = open_state(settings, state_url)
    try:
        found = {}
        for resource in store.resources().values():
            if resource.kind == "cases":
                fields = json.loads(resource.body)
                found[fields["path"]] = Enqueued(fields["checksum"], int(fields["count"]))
        return found
    finally:
        store.close()


def write_checked(
    settings: Settings, texts: dict[str, str], *, as_it_is: Report | None = None
) -> Report:
    """Write these files (path → new text) and validate the repository; when it has
    errors, put every file back as it was (or remove it) and return the report.
    ``as_it_is`` is the report of the repository as it is: when no text differs from its
    file, that is the result's report, and nothing is written or validated again."""
    from qplan.core.output import write_file
    from qplan.load.reader import read_bytes

    before: dict[Path, bytes | None] = {}
    for file in texts:
        path = settings.root / file
        exists = path.exists() or path.is_symlink()
        before[path] = (
            read_bytes(path, settings.root, max_bytes=settings.max_file_bytes) if exists else None
        )
    if as_it_is is not None and all(
        before[settings.root / file] == text.encode("utf-8") for file, text in texts.items()
    ):
        return as_it_is
    try:
        for file, text in sorted(texts.items()):
            write_file(settings.root / file, text)
        report = validate_repository(settings=settings).report
    except BaseException:
        _restore(before)
        raise
    if report.has_errors:
        _restore(before)
    return report


def _restore(before: dict[Path, bytes | None]) -> None:
    from qplan.core.output import write_file

    for path, content in before.items():
        if content is None:
            path.unlink(missing_ok=True)
        else:
            write_file(path, content.decode("utf-8"))
