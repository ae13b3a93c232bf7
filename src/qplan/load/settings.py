"""Repository settings: ``[tool.qplan]`` in the repository's ``pyproject.toml``.

Every key is optional. Environment variables override the file where noted.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from qplan.core.errors import ConfigError
from qplan.core.money import CURRENCY_CODE

DEFAULT_MAX_FILE_BYTES = 1024 * 1024
DEFAULT_MAX_DEPTH = 20
DEFAULT_MAX_FILES = 10_000
#: hard ceilings: a repository may raise its limits, never past these
CEILINGS = {
    "max_file_bytes": 64 * 1024 * 1024,
    "max_depth": 100,
    "max_files": 100_000,
    "launch_notice_days": 3_650,
    "max_queue_sections": 1_000,
    "max_scenarios": 500,
    "max_projects": 2_000,
}
#: the largest pyproject.toml read for settings
MAX_PYPROJECT_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """What a repository may configure about qplan."""

    root: Path
    #: largest YAML or SOP file read, in bytes
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    #: deepest nesting of mappings and lists in a YAML file
    max_depth: int = DEFAULT_MAX_DEPTH
    #: most input files (YAML, SOPs) under one folder
    max_files: int = DEFAULT_MAX_FILES
    #: where the state lives (a path or ``postgresql://`` URL); ``QPLAN_STATE`` overrides
    state: str = ".qplan/state.db"
    #: the day "today" is for review-date checks (``QPLAN_TODAY`` overrides; for reproducible CI)
    today: date = field(default_factory=date.today)
    #: folders, relative to the root
    workflows_dir: str = "workflows"
    sops_dir: str = "sops"
    #: the title of the documentation site
    site_name: str = "Moderation operations"
    #: the currency costs are in (``cost_per_hour``, billing), an ISO 4217 code such as
    #: ``EUR``; reports write it after amounts ("12,346 EUR"); empty writes none
    currency: str = ""
    #: ``qplan fmt``: ``keep`` a file's CRLF line endings, or make every file ``lf``
    line_endings: str = "keep"
    #: ``[tool.qplan.approvers]``: extra approvers per risk class, added to every plan
    #: that has a risky change of that class
    approvers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: ``[tool.qplan.safety]``: apply refuses a plan that updates or deletes more than
    #: ``max_change_percent`` of the existing resources once there are ``min_existing``
    max_change_percent: float = 30.0
    min_existing: int = 10
    #: an allocation whose share for one team moves by more than this many points is risky
    max_share_move: float = 20.0
    #: ``qplan forecast --write`` writes a forecast only where its backtest MASE is this
    #: many percent below both seasonal naive's and the files' forecast's
    forecast_margin_percent: float = 5.0
    #: a project's launch milestone this many days ahead or fewer checks its queues' readiness
    launch_notice_days: int = 14
    #: the docs site gives each queue a page up to this many queues; above, each workflow's
    #: page holds its queues as sections
    max_queue_pages: int = 500
    #: ...and a workflow page holds up to this many queue sections; a workflow of more
    #: queues lists them in parts of this many, a page each
    max_queue_sections: int = 50
    #: most scenario files (each is a whole capacity model run) and project files
    max_scenarios: int = 50
    max_projects: int = 500
    #: ``[tool.qplan.actuals]``: where the actuals come from (files under actuals/ unless
    #: it names a database)
    actuals: ActualsSource = field(default_factory=lambda: ActualsSource())

    @property
    def workflows_path(self) -> Path:
        return self.root / self.workflows_dir

    @property
    def sops_path(self) -> Path:
        return self.root / self.sops_dir


#: a table or view's name, optionally with its schema: letters, digits and _
_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
#: the most days an extract reaches back
MAX_ACTUALS_DAYS = 3_650


@dataclass(frozen=True)
class ActualsSource:
    """``[tool.qplan.actuals]``: ``files`` (every CSV and Parquet file under actuals/) or
    ``postgresql`` (a table or view, read by ``qplan actuals pull`` into an extract kept
    outside the repository, which every other command reads)."""

    source: str = "files"
    #: the environment variable that holds the database's URL (never the repository)
    url_env: str = "QPLAN_ACTUALS_URL"
    #: the table or view with the documented columns (``schema.name`` or ``name``)
    table: str = ""
    #: how many days up to today an extract holds
    days: int = 730


def _actuals_source(table: Any) -> ActualsSource:
    where = "pyproject.toml: [tool.qplan.actuals]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    known = {f.name for f in fields(ActualsSource)}
    for key in table:
        if key not in known:
            raise ConfigError(f"{where} has no key {key!r} ({', '.join(sorted(known))})")
    source = ActualsSource(**table)
    if source.source not in ("files", "postgresql"):
        raise ConfigError(f"{where} source must be files or postgresql, not {source.source!r}")
    if not isinstance(source.url_env, str) or not _ENV_NAME.fullmatch(source.url_env):
        raise ConfigError(
            f"{where} url_env must name an environment variable, like QPLAN_ACTUALS_URL"
        )
    if not isinstance(source.table, str) or (source.table and not _TABLE.fullmatch(source.table)):
        raise ConfigError(
            f"{where} table must be a name like ops.actuals_daily (letters, digits, _)"
        )
    if source.source == "postgresql" and not source.table:
        raise ConfigError(f'{where} source = "postgresql" needs a table (like ops.actuals_daily)')
    if (
        isinstance(source.days, bool)
        or not isinstance(source.days, int)
        or not 1 <= source.days <= MAX_ACTUALS_DAYS
    ):
        raise ConfigError(f"{where} days must be a whole number from 1 to {MAX_ACTUALS_DAYS:,}")
    return source


_INT_KEYS = {
    "max_file_bytes",
    "max_depth",
    "max_files",
    "launch_notice_days",
    "max_queue_pages",
    "max_queue_sections",
    "max_scenarios",
    "max_projects",
}
_STR_KEYS = {"state", "workflows_dir", "sops_dir", "site_name", "line_endings", "currency"}
#: settings in percent: a number from 0 to below 100
_PERCENT_KEYS = {"forecast_margin_percent"}


#: the classes of risky change a plan names (``[tool.qplan.approvers]`` keys)
RISK_CLASSES = (
    "queue-removed-with-volume",
    "queue-leaves-live",
    "allocation-move",
    "policy-downgrade",
    "us-protected-allocation",
    "guardrail-change",
)


def _approvers(table: Any) -> dict[str, tuple[str, ...]]:
    """``[tool.qplan.approvers]``: risk class → list of approvers."""
    if not isinstance(table, dict):
        raise ConfigError("pyproject.toml: [tool.qplan.approvers] must be a table")
    found: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        if key not in RISK_CLASSES:
            raise ConfigError(
                f"pyproject.toml: [tool.qplan.approvers] has no risk class {key!r} "
                f"({', '.join(RISK_CLASSES)})"
            )
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(
                f"pyproject.toml: [tool.qplan.approvers] {key} must be a list of approvers"
            )
        found[key] = tuple(value)
    return found


_SAFETY_KEYS = {"max_change_percent": float, "min_existing": int, "max_share_move": float}


def _safety(table: Any) -> dict[str, Any]:
    """``[tool.qplan.safety]``: thresholds, each a positive number."""
    if not isinstance(table, dict):
        raise ConfigError("pyproject.toml: [tool.qplan.safety] must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        wanted = _SAFETY_KEYS.get(key)
        if wanted is None:
            names = ", ".join(sorted(_SAFETY_KEYS))
            raise ConfigError(f"pyproject.toml: [tool.qplan.safety] has no key {key!r} ({names})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"pyproject.toml: [tool.qplan.safety] {key} must be a number >= 0")
        if wanted is int and not isinstance(value, int):
            raise ConfigError(f"pyproject.toml: [tool.qplan.safety] {key} must be a whole number")
        values[key] = wanted(value)
    return values


def load_settings(root: str | os.PathLike[str] = ".") -> Settings:
    """Read ``[tool.qplan]`` from ``root/pyproject.toml`` (if any) and the environment."""
    root_path = Path(root).resolve()
    if not root_path.is_dir():
        raise ConfigError(f"repository folder {root} does not exist")
    values: dict[str, Any] = {}
    pyproject = root_path / "pyproject.toml"
    if pyproject.is_file():
        try:
            with pyproject.open("rb") as stream:
                raw = stream.read(MAX_PYPROJECT_BYTES + 1)
            if len(raw) > MAX_PYPROJECT_BYTES:
                raise ConfigError(f"pyproject.toml is over {MAX_PYPROJECT_BYTES:,} bytes")
            table = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise ConfigError(f"pyproject.toml: cannot read [tool.qplan]: {exc}") from exc
        section = table.get("tool", {}).get("qplan", {})
        known = {f.name for f in fields(Settings)} - {"root"}
        values.update(_safety(section.get("safety", {})))
        values["approvers"] = _approvers(section.get("approvers", {}))
        values["actuals"] = _actuals_source(section.get("actuals", {}))
        for key, value in section.items():
            if key not in known or key in _SAFETY_KEYS or key in ("approvers", "actuals"):
                continue  # later stages own their keys (e.g. safety thresholds)
            if key in _INT_KEYS and (
                isinstance(value, bool) or not isinstance(value, int) or value <= 0
            ):
                raise ConfigError(f"pyproject.toml: [tool.qplan] {key} must be a positive integer")
            if key in CEILINGS and value > CEILINGS[key]:
                raise ConfigError(
                    f"pyproject.toml: [tool.qplan] {key} = {value:,} is over qplan's ceiling "
                    f"of {CEILINGS[key]:,}"
                )
            if key in _PERCENT_KEYS and (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value < 100
            ):
                raise ConfigError(
                    f"pyproject.toml: [tool.qplan] {key} must be a number from 0 to below 100"
                )
            if key in _STR_KEYS and not isinstance(value, str):
                raise ConfigError(f"pyproject.toml: [tool.qplan] {key} must be a string")
            if key == "today":
                continue
            if key == "line_endings" and value not in ("keep", "lf"):
                raise ConfigError("pyproject.toml: [tool.qplan] line_endings must be keep or lf")
            if key == "currency" and not CURRENCY_CODE.fullmatch(value):
                raise ConfigError(
                    f"pyproject.toml: [tool.qplan] currency {value[:20]!r} is not a "
                    "three-letter ISO 4217 code (hint: EUR, USD, INR)"
                )
            values[key] = value
    if os.environ.get("QPLAN_STATE"):
        values["state"] = os.environ["QPLAN_STATE"]
    today_text = os.environ.get("QPLAN_TODAY")
    if today_text:
        try:
            values["today"] = date.fromisoformat(today_text)
        except ValueError as exc:
            raise ConfigError(
                f"QPLAN_TODAY must be a date like 2026-11-25, not {today_text!r}"
            ) from exc
    return Settings(root=root_path, **values)
