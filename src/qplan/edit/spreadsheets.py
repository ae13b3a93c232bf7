"""``qplan export`` and ``qplan import``: the organisation as a workbook for people who plan
in spreadsheets, and a planning sheet brought back into the YAML.

Import changes the files as review expects: an item that exists is updated where it is
(only the fields whose value differs; comments and layout kept), a new one is appended to
``--into``; an item whose values are the same is not touched, so exporting and importing
again changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from qplan.core.kinds import TABULAR, by_plural
from qplan.edit.documents import commented
from qplan.load.settings import Settings
from qplan.load.spreadsheet import Table
from qplan.model.organisation import Organisation
from qplan.model.tabular import (
    TABULAR_KINDS,
    CellProblem,
    cell_value,
    columns,
    flatten,
    item_key,
    shape,
    unflatten,
)

#: the kinds a workbook holds, one sheet each, in this order
SHEETS = TABULAR


def table_of(org: Organisation, kind: str) -> tuple[list[str], list[list[Any]]]:
    """The columns of a kind and a row of cells (None where empty) per item, in id order."""
    table: dict[str, Any] = getattr(org, kind)
    rows = [flatten(kind, item) for _, item in sorted(table.items())]
    head = columns(kind, rows)
    return head, [[row.get(c) for c in head] for row in rows]


def export_csv(org: Organisation, kind: str) -> str:
    """One kind as CSV text (formula-like text guarded, see :func:`csv_cell`)."""
    import csv

    head, rows = table_of(org, kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(head)
    for row in rows:
        writer.writerow(["" if value is None else csv_cell(value) for value in row])
    return buffer.getvalue()


def export_workbook(org: Organisation, today: date) -> bytes:
    """Every team, queue, target and allocation as an xlsx workbook (a sheet per kind)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    stamp = datetime(today.year, today.month, today.day)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "qplan"
    for kind in SHEETS:
        head, rows = table_of(org, kind)
        sheet = workbook.create_sheet(kind)
        sheet.append(head)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: "=…" is not made a formula
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: the first characters that make a spreadsheet read a CSV cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell that a spreadsheet will not run as a formula: text starting
    with one of FORMULA_STARTS (and not a number) gets a leading apostrophe, which
    :func:`from_csv_cell` takes off again."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _number(value):
        return "'" + value
    return value


def from_csv_cell(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) and not _number(value[1:]):
        return value[1:]
    return value


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass
class ImportProblem:
    where: str
    code: str
    message: str
    hint: str | None = None

    def line(self) -> str:
        text = f"{self.where}: {self.code} {self.message}"
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


@dataclass
class ImportResult:
    texts: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


def import_table(
    settings: Settings,
    org: Organisation,
    kind: str,
    table: Table,
    mapping: dict[str, str],
    into: str,
) -> ImportResult:
    """Bring the rows of ``table`` into the organisation's files as items of ``kind``;
    ``mapping`` renames columns (sheet column → field, dotted for nested ones)."""
    from qplan.edit.scaffold import _Files
    from qplan.model.organisation import _item_adapter

    result = ImportResult()
    model = TABULAR_KINDS[kind]
    fields: list[str | None] = []
    for index, name in enumerate(table.header):
        target = mapping.get(name, name)
        if not name:
            fields.append(None)
            continue
        try:
            shape(model, target.split("."))
        except KeyError:
            result.problems.append(
                ImportProblem(
                    table.where(1, index) if table.sheet is None else _head(table, index),
                    "QP020",
                    f"column {name[:80]!r} is not a field of {kind[:-1]}",
                    "map it with --map COLUMN=field, or remove the column",
                )
            )
            fields.append(None)
            continue
        fields.append(target)
    if result.problems:
        return result
    files = _Files(settings)
    seen: dict[str, str] = {}
    for number, values in table.rows:
        unreadable: set[str] = set()
        cells: dict[str, Any] = {}
        places: dict[str, str] = {}
        for index, column in enumerate(fields):
            value = values[index] if index < len(values) else None
            if column is None or value is None:
                continue
            where = table.where(number, index)
            places[column] = where
            if table.text_cells and isinstance(value, str):
                value = from_csv_cell(value)
            try:
                cells[column] = cell_value(
                    model,
                    column,
                    value,
                    text_cell=table.text_cells,
                    where=where,
                    depth=settings.max_depth,
                )
            except CellProblem as exc:
                result.problems.append(ImportProblem(where, "QP022", f"{column}: {exc}"))
                unreadable.add(column)
        data = unflatten(cells)
        row_where = table.where(number, 0)
        key = item_key(kind, data)
        if key is None:
            result.problems.append(
                ImportProblem(row_where, "QP021", f"row {number} names no {_key_name(kind)}")
            )
            continue
        if key in seen:
            result.problems.append(
                ImportProblem(row_where, "QP101", f"{key} is already in row {seen[key]}")
            )
            continue
        seen[key] = str(number)
        try:
            item = _item_adapter(kind).validate_python(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                path = ".".join(str(p) for p in error["loc"])
                if any(path == c or path.startswith(c + ".") for c in unreadable):
                    continue  # already said: the cell could not be read
                where = next(
                    (
                        places[c]
                        for c in sorted(places, key=len, reverse=True)
                        if path.startswith(c)
                    ),
                    row_where,
                )
                message = error["msg"][:1].lower() + error["msg"][1:]
                result.problems.append(
                    ImportProblem(where, "QP023", f"{kind[:-1]} {key}: {path or 'row'}: {message}")
                )
            continue
        singular = kind[:-1]
        existing = org.item(singular, key)
        if existing is not None and existing == item:
            result.unchanged += 1
            continue
        if (singular, key) in org.origins:
            origin = org.origin(singular, key)
            document = files.document(str(origin.document.path))
            position = origin.path[1]
            assert isinstance(position, int)
            _update(document[kind][position], data)
            result.updated.append(key)
        else:
            files.document(into, create=True)
            files.append(into, kind, commented(data))
            result.created.append(key)
    if not result.problems:
        result.texts = files.texts()
    return result


def _head(table: Table, index: int) -> str:
    from qplan.load.spreadsheet import column_letter

    return f"{table.file}:{table.sheet}!{column_letter(index)}1"


def _key_name(kind: str) -> str:
    if kind == "targets":
        return "queue or workflow"
    return str(by_plural(kind).key_field)


def _update(item: Any, data: dict[str, Any]) -> None:
    """Make ``item`` (a round-trip mapping) say ``data``, touching only what differs."""
    for key in [k for k in item if k not in data]:
        del item[key]
    for key, value in data.items():
        if key not in item or _plain(item[key]) != value:
            item[key] = commented(value, block=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
