"""`qplan fmt`: one canonical layout for the YAML, keeping comments and blank lines.

Round-trips each file through ruamel.yaml, so comments, blank-line grouping, quoting and
flow style (``{arrival: backlog, …}``) survive. Canonical means: the kinds in the order of
the file format (workflows, policies, teams, queues, targets, allocations, guardrails),
the keys of each item in the order of its model (the order DESIGN.md shows), two-space
indentation with list dashes indented under their key, and lists of ids whose order
carries no meaning (languages, markets, clearances, skills, coverage days, published
versions, team shares, suppressions) sorted. Lists of items keep the author's order.

A file is first read by qplan's own loader, so a file that is not well-formed, or is
hostile (an alias bomb, a tag, too deep), is reported and left untouched.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qplan.core.calendar import WEEKDAYS
from qplan.core.diagnostics import Diagnostic
from qplan.core.kinds import FILE_KINDS, FILE_ORDER
from qplan.load.settings import Settings

#: lists whose order carries no meaning, by key
_SORTED_LISTS = {"languages", "markets", "clearances", "skills", "suppress", "versions"}


def _field_orders() -> dict[str, tuple[str, ...]]:
    """Key order of every item and nested mapping, from the models."""
    from qplan.model import format as m

    def keys(cls: Any) -> tuple[str, ...]:
        names = [k for k in cls.model_fields if k != "suppress"]
        return (*names, "suppress") if "suppress" in cls.model_fields else tuple(names)

    guardrail_keys: list[str] = ["id", "type", "description"]
    for cls in (
        m.ClearanceRequired,
        m.MaxVendorShare,
        m.MinTeamsPerLiveQueue,
        m.MaxBpoShare,
        m.MaxTeamUtilisation,
        m.ExposureCap,
    ):
        guardrail_keys += [k for k in keys(cls) if k not in guardrail_keys and k != "suppress"]
    models = {str(k.plural): m.KINDS[str(k.plural)] for k in FILE_KINDS}
    items = {plural: keys(model) for plural, model in models.items() if isinstance(model, type)}
    return items | {
        # a guardrail is one of several models: every one's keys, in the order they come
        "guardrails": (*guardrail_keys, "suppress"),
        "coverage": keys(m.Coverage),
        "billing": keys(m.Billing),
        "shifts": keys(m.Shift),
        "forecast": keys(m.Forecast),
        "sla": keys(m.ServiceLevel),
        "qa": keys(m.QualityAssurance),
        "training": keys(m.TrainingCases),
        "quality": keys(m.Quality),
        "productivity": keys(m.Productivity),
    }


def _reorder(mapping: Any, order: Iterable[str], column: int = 0, item: bool = False) -> None:
    """Put ``mapping``'s keys in ``order`` (unknown keys after, as they were), in place.

    Each comment stays with the key it was written on: a comment at the end of a key's
    line stays on that line, and own-line comments (and blank lines) above a key move with
    it, re-indented to ``column``, the column the keys are written at (an ``item`` of a
    list has its dash two columns before). What follows the last entry belongs to the
    mapping's end.
    """
    wanted = [k for k in order if k in mapping]
    wanted += [k for k in mapping if k not in wanted]
    current = list(mapping)
    if current == wanted:
        return
    comments = mapping.ca.items
    ends: dict[Any, tuple[Any, str]] = {}  # key → (its token, the end of its own line)
    above: dict[Any, str] = {}  # key → the own-line comments and blank lines above it
    tail = ""
    for index, key in enumerate(current):
        slot = comments.get(key)
        token = slot[2] if slot and len(slot) > 2 else None
        if token is None:
            continue
        value = token.value
        first, newline, rest = value.partition("\n")
        ends[key] = (token, first + newline)
        if index + 1 < len(current):
            above[current[index + 1]] = rest
        else:
            tail = rest
    for key in wanted:
        mapping.move_to_end(key)
    lead = [line.strip() for line in above.get(wanted[0], "").split("\n") if line.strip()]
    if lead and wanted[0] != current[0]:
        # comments above a key that is now the first: above the mapping (the item) itself
        mapping.yaml_set_start_comment(
            "\n".join(line.lstrip("#").removeprefix(" ") for line in lead),
            indent=column - 2 if item else column,
        )
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    for index, key in enumerate(wanted):
        following = above.get(wanted[index + 1], "") if index + 1 < len(wanted) else tail
        token, line_end = ends.get(key, (None, ""))
        text = (line_end or "\n") + _indented(following, column)
        slot = comments.setdefault(key, [None, None, None, None])
        if text == "\n" and (token is None or not line_end.strip()):
            slot[2] = None
        elif token is not None:
            token.value = text
            slot[2] = token
        else:
            slot[2] = CommentToken(text, CommentMark(column), None)


def _indented(text: str, column: int) -> str:
    """Own-line comments at ``column``; blank lines stay blank."""
    lines = text.split("\n")
    return "\n".join(" " * column + line.lstrip() if line.strip() else "" for line in lines)


def _sort_list(seq: Any, key: Any = None) -> None:
    items = list(seq)
    if all(isinstance(i, str | int | float) for i in items):
        ordered = sorted(items, key=key)
        for index, value in enumerate(ordered):
            if seq[index] != value:
                seq[index] = value


def _canonical(document: Any, orders: dict[str, tuple[str, ...]]) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(document, CommentedMap):
        return
    _reorder(document, FILE_ORDER, 0)
    for kind in FILE_ORDER:
        items = document.get(kind)
        if not isinstance(items, CommentedSeq):
            continue
        for item in items:
            if not isinstance(item, CommentedMap):
                continue
            _reorder(item, orders[kind], 4, item=True)
            for key, value in item.items():
                if isinstance(value, CommentedMap):
                    if key in orders:
                        _reorder(value, orders[key], 6)
                    if key == "coverage" and isinstance(value.get("days"), CommentedSeq):
                        days = value["days"]
                        _sort_list(days, key=lambda d: WEEKDAYS.index(d) if d in WEEKDAYS else 9)
                    if key == "shares":
                        _reorder(value, sorted(str(k) for k in value), 6)
                elif isinstance(value, CommentedSeq) and key in _SORTED_LISTS:
                    _sort_list(value)
                elif isinstance(value, CommentedSeq) and key == "shifts":
                    for shift in value:
                        if isinstance(shift, CommentedMap):
                            _reorder(shift, orders["shifts"], 8)


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def format_text(text: str) -> str:
    """The canonical form of one YAML text (already known to be safe to parse)."""
    yaml = _yaml()
    document = yaml.load(text)
    _canonical(document, _field_orders())
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


@dataclass
class FormatResult:
    changed: list[str]  # paths (relative to the root) whose text is not canonical
    problems: list[Diagnostic]


def format_files(settings: Settings, paths: Iterable[Path], *, write: bool) -> FormatResult:
    """Format (or, with ``write=False``, only check) each YAML file."""
    from qplan.load.reader import LoadError, parse_text, read_text, relative_name

    result = FormatResult([], [])
    for file in paths:
        rel = relative_name(file, settings.root)
        try:
            text = read_text(file, settings.root, max_bytes=settings.max_file_bytes)
            _, found = parse_text(text, rel, max_depth=settings.max_depth)
        except LoadError as exc:
            result.problems.append(exc.diagnostic)
            continue
        if found:  # duplicate keys: formatting would silently drop one of them
            result.problems.extend(found)
            continue
        crlf = "\r\n" in text
        formatted = format_text(text.replace("\r\n", "\n") if crlf else text)
        if crlf and settings.line_endings == "keep":
            formatted = formatted.replace("\n", "\r\n")
        if formatted != text:
            result.changed.append(rel)
            if write:
                from qplan.core.output import write_file

                write_file(file, formatted)
    return result


def yaml_paths(settings: Settings, given: Iterable[str]) -> list[Path]:
    """The files to format: those given (files or folders), else every workflow YAML file."""
    from qplan.load.reader import yaml_files

    chosen = list(given)
    if not chosen:
        return list(
            yaml_files(settings.workflows_path, settings.root, max_files=settings.max_files)
        )
    paths: list[Path] = []
    for name in chosen:
        path = Path(name)
        if not path.is_absolute():
            path = Path.cwd() / path
        paths.extend(
            yaml_files(path, settings.root, max_files=settings.max_files)
            if path.is_dir()
            else [path]
        )
    return paths
