"""Edits qplan makes to the organisation's YAML for a person to review: comments, layout
and every other item are kept (ruamel.yaml round-trip), only the edited item changes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from qplan.core.errors import QplanError
from qplan.load.settings import Settings


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def add_allocation_phases(
    settings: Settings, file: str, index: int, queue: str, phases: list[dict[str, Any]]
) -> Path:
    """Add ``phases`` (``{"from": date, "shares": {…}, "recovery": {…}}``) to the allocation
    of ``queue``, item ``index`` of the ``allocations`` list in ``file``, in date order with
    the phases it has. Returns the file written."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from qplan.core.output import write_file
    from qplan.load.reader import read_text
    from qplan.render.fmt import _yaml

    path = settings.root / file
    text = read_text(path, settings.root, max_bytes=settings.max_file_bytes)
    yaml = _yaml()
    document = yaml.load(text)
    try:
        item = document["allocations"][index]
        found = item["queue"]
    except (KeyError, IndexError, TypeError):
        found = None
    if found != queue:
        raise QplanError(f"{file} changed while qplan read it: no allocation of {queue} there")
    existing = item.get("phases")
    if existing is None:
        existing = CommentedSeq()
        item["phases"] = existing
    for phase in phases:
        entry = CommentedMap()
        entry["from"] = phase["from"]
        shares = CommentedMap((t, _number(p)) for t, p in phase["shares"].items())
        shares.fa.set_flow_style()
        entry["shares"] = shares
        if phase.get("recovery"):
            note = CommentedMap(phase["recovery"].items())
            note.fa.set_flow_style()
            entry["recovery"] = note
        at = sum(1 for p in existing if _day(p.get("from")) < phase["from"])
        existing.insert(at, entry)
    out = io.StringIO()
    yaml.dump(document, out)
    write_file(path, out.getvalue())
    return path


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return date.max
