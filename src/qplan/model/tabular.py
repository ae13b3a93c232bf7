"""*model*: the file format's items as spreadsheet rows, and back.

A row has one column per field; a nested item (a queue's ``forecast``, a target's ``sla``)
spreads over dotted columns (``forecast.weekly_volume``), a mapping of names to numbers (an
allocation's shares) has a column per name (``shares.us-reno``), and another list or mapping
(languages, a team's shifts) is one cell written in YAML's flow style (``[en, es]``), so
that a sheet exported by qplan comes back in unchanged. A workbook gives a list of items
(a team's shifts, an allocation's phases) a sheet of its own, a row an entry
(:func:`entry_model`).
"""

from __future__ import annotations

import io
import types
import typing
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

from qplan.core.kinds import TABULAR
from qplan.model import format as m

Shape = Literal["model", "collection", "text", "scalar"]


def _unwrap(annotation: Any) -> Any:
    """The type under Annotated[...] and Optional[...]."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                return annotation
            annotation = rest[0]
        else:
            return annotation


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    """Field name as written in the file (its alias) → annotation."""
    return {(info.alias or name): info.annotation for name, info in model.model_fields.items()}


def _one_row_of_each(name: str, union: Any) -> type[BaseModel]:
    """A model with every field of the models of ``union`` (a guardrail of any type), for
    the columns of a sheet whose rows are of several types; the items are validated as the
    union."""
    from pydantic import create_model

    fields: dict[str, Any] = {}
    for member in typing.get_args(_unwrap(union)):
        for field_name, info in member.model_fields.items():
            if field_name not in fields:
                annotation = str if field_name == "type" else info.annotation
                fields[field_name] = (annotation | None, None)
    model: type[BaseModel] = create_model(name, **fields)
    return model


#: the kinds a spreadsheet may carry, and the model of a row of each
TABULAR_KINDS: dict[str, type[BaseModel]] = {
    plural: (
        m.KINDS[plural]
        if isinstance(m.KINDS[plural], type)
        else _one_row_of_each(f"{plural}_row", m.KINDS[plural])
    )
    for plural in TABULAR
}


def number_mapping(model: type[BaseModel], path: list[str]) -> bool:
    """Whether the field at ``path`` maps names to numbers (an allocation's ``shares``): a
    sheet gives it a column per name (``shares.us-reno``) instead of one flow cell."""
    try:
        found, inner = shape(model, path)
    except KeyError:
        return False
    if found != "collection" or typing.get_origin(inner) is not dict:
        return False
    value = _unwrap(typing.get_args(inner)[1])
    return value in (int, float)


def shape(model: type[BaseModel], path: list[str]) -> tuple[Shape, Any]:
    """What a (dotted) column of ``model`` holds, and the type there; the column of one
    name of a mapping of numbers (``shares.us-reno``) holds a number."""
    if len(path) > 1 and number_mapping(model, path[:-1]):
        return "scalar", float
    annotation: Any = model
    for step in path:
        inner = _unwrap(annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise KeyError(step)
        fields = _fields(inner)
        if step not in fields:
            raise KeyError(step)
        annotation = fields[step]
    inner = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return "model", inner
    if typing.get_origin(inner) in (list, dict) or inner in (list, dict):
        return "collection", inner
    if inner is str or (
        typing.get_origin(inner) is Literal
        and all(isinstance(a, str) for a in typing.get_args(inner))
    ):
        return "text", inner
    return "scalar", inner


def field_order(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every column of ``model`` in the file format's order, nested items spread out (and
    ``suppress`` last: it is the least read)."""
    out = []
    named = _fields(model)
    for name, annotation in sorted(named.items(), key=lambda f: f[0] == "suppress"):
        inner = _unwrap(annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += field_order(inner, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def flatten(kind: str, item: BaseModel) -> dict[str, Any]:
    """An item as a row: column → cell value (what was written in the file only)."""
    return flatten_entry(TABULAR_KINDS[kind], item)


def flatten_entry(model: type[BaseModel], item: BaseModel) -> dict[str, Any]:
    """An item of ``model`` (a kind's, or an entry of one of its lists, like a team's
    shift) as a row: column → cell value (what was written in the file only)."""
    data = item.model_dump(mode="json", by_alias=True, exclude_unset=True)
    row: dict[str, Any] = {}
    _spread(model, data, [], row)
    return row


def entry_model(kind: str, field: str) -> type[BaseModel]:
    """The model of an entry of the list ``field`` of ``kind`` (a team's shifts: Shift)."""
    found, inner = shape(TABULAR_KINDS[kind], [field])
    entry = _unwrap(typing.get_args(inner)[0]) if found == "collection" else None
    if typing.get_origin(inner) is not list or not (
        isinstance(entry, type) and issubclass(entry, BaseModel)
    ):
        raise KeyError(field)
    return entry


def _spread(
    model: type[BaseModel], data: dict[str, Any], path: list[str], row: dict[str, Any]
) -> None:
    for key, value in data.items():
        here = [*path, key]
        kind, _ = shape(model, here)
        if kind == "model" and isinstance(value, dict):
            _spread(model, value, here, row)
        elif isinstance(value, dict) and value and number_mapping(model, here):
            for name, number in value.items():
                row[".".join([*here, str(name)])] = _whole(number)
        elif isinstance(value, list | dict):
            row[".".join(here)] = flow_text(value)
        else:
            row[".".join(here)] = _whole(value)


def _whole(value: Any) -> Any:
    """14000, as the file says, not 14000.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def flow_text(value: Any) -> str:
    """A list or mapping in YAML's flow style, on one line."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = True
    yaml.width = 1_000_000
    buffer = io.StringIO()
    yaml.dump(value, buffer)
    return buffer.getvalue().strip()


def columns(kind: str, rows: Iterable[dict[str, Any]]) -> list[str]:
    """The columns these rows use, in the file format's order."""
    return model_columns(TABULAR_KINDS[kind], rows)


def model_columns(model: type[BaseModel], rows: Iterable[dict[str, Any]]) -> list[str]:
    """The columns these rows of ``model`` use, in the file format's order."""
    used = set().union(*(row.keys() for row in rows))
    out = []
    for column in field_order(model):
        if column in used:
            out.append(column)
        # a column per name of a mapping of numbers, in name order, where the field is
        out += sorted(c for c in used if c.startswith(column + ".") and c not in out)
    return out


class CellProblem(Exception):
    """A cell's value cannot be read for its column."""


def cell_value(
    model: type[BaseModel], column: str, value: Any, *, text_cell: bool, where: str, depth: int
) -> Any:
    """A cell as the value the file format expects in ``column``."""
    from qplan.load.reader import LoadError, parse_text, resolve_scalar

    kind, inner = shape(model, column.split("."))
    if inner is date:  # a date, so that the file says 2027-01-04 as it would, unquoted
        return _date_or_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if kind == "collection":
        if not isinstance(value, str):
            raise CellProblem(f"must be a list or mapping, like [en, es], not {value!r}")
        try:
            document, _ = parse_text(value, where, max_depth=depth)
        except LoadError as exc:
            raise CellProblem(exc.diagnostic.message) from None
        return document.data
    if kind == "text":
        return value if isinstance(value, str) else str(value)
    if isinstance(value, str) and text_cell:
        return resolve_scalar(value.strip())
    return value


def _date_or_text(value: Any) -> Any:
    """A date cell (a spreadsheet's date, or ISO text) as a date; anything else as it is,
    for the file format's check to refuse."""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


def unflatten(cells: dict[str, Any]) -> dict[str, Any]:
    """Dotted columns → the nested mapping of an item."""
    data: dict[str, Any] = {}
    for column, value in cells.items():
        *parents, last = column.split(".")
        node = data
        for step in parents:
            node = node.setdefault(step, {})
        node[last] = value
    return data


def item_key(kind: str, data: dict[str, Any]) -> str | None:
    """The key an item is known by: its id, its queue, or ``workflow:<id>`` for a workflow's
    target."""
    if kind not in ("targets", "allocations"):
        key = data.get("id")
    elif kind == "allocations":
        key = data.get("queue")
    else:
        key = data.get("queue") or (
            f"workflow:{data['workflow']}" if isinstance(data.get("workflow"), str) else None
        )
    return key if isinstance(key, str) else None
