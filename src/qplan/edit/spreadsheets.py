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

from qplan.core.errors import UsageError
from qplan.core.kinds import SINGULAR, TABULAR, by_plural
from qplan.edit.documents import commented, entry_lines, is_entries
from qplan.load.settings import Settings
from qplan.load.spreadsheet import Table
from qplan.model.organisation import Organisation
from qplan.model.tabular import (
    TABULAR_KINDS,
    CellProblem,
    cell_value,
    columns,
    entry_model,
    field_order,
    flatten,
    flatten_entry,
    item_key,
    model_columns,
    number_mapping,
    shape,
    unflatten,
)

#: the kinds a workbook holds, one sheet each, in this order
SHEETS = TABULAR

#: the lists of items a workbook gives a sheet of their own, a row an entry, after their
#: kind's sheet: sheet → (kind, the column that names the item, the list's field)
LIST_SHEETS: dict[str, tuple[str, str, str]] = {
    "shifts": ("teams", "team", "shifts"),
    "phases": ("allocations", "queue", "phases"),
}


def list_sheets_of(kind: str) -> list[str]:
    """The list sheets (:data:`LIST_SHEETS`) of a kind's items."""
    return [name for name, (of, _, _) in LIST_SHEETS.items() if of == kind]


def table_of(
    org: Organisation, kind: str, *, without: tuple[str, ...] = ()
) -> tuple[list[str], list[list[Any]]]:
    """The columns of a kind (but those in ``without``) and a row of cells (None where
    empty) per item, in id order."""
    table: dict[str, Any] = getattr(org, kind)
    rows = [flatten(kind, item) for _, item in sorted(table.items())]
    head = [c for c in columns(kind, rows) if c not in without]
    return head, [[row.get(c) for c in head] for row in rows]


def list_table(org: Organisation, sheet: str) -> tuple[list[str], list[list[Any]]]:
    """A list sheet (:data:`LIST_SHEETS`): the column naming the item, then the entry's
    columns; a row per entry, the items in id order and their entries as listed."""
    kind, key, field_name = LIST_SHEETS[sheet]
    model = entry_model(kind, field_name)
    table: dict[str, Any] = getattr(org, kind)
    rows = [
        {key: item_id, **flatten_entry(model, entry)}
        for item_id, item in sorted(table.items())
        for entry in getattr(item, _attribute(kind, field_name))
    ]
    if rows:
        head = [key, *model_columns(model, rows)]
    else:  # the columns to fill in; shares (a mapping of numbers) a column per team
        head = [key]
        for column in field_order(model):
            if number_mapping(model, column.split(".")):
                head += [f"{column}.{team}" for team in sorted(org.teams)]
            else:
                head.append(column)
    return head, [[row.get(c) for c in head] for row in rows]


def _attribute(kind: str, field_name: str) -> str:
    """The model attribute of a field as the file names it."""
    model = TABULAR_KINDS[kind]
    return next(
        name for name, info in model.model_fields.items() if (info.alias or name) == field_name
    )


def workbook_sheets(org: Organisation) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The sheets of the organisation's workbook: (name, columns, rows), each kind's with
    its list sheets after it, then the cases."""
    sheets: list[tuple[str, list[str], list[list[Any]]]] = []
    for kind in SHEETS:
        lists = list_sheets_of(kind)
        held = tuple(LIST_SHEETS[name][2] for name in lists)
        sheets.append((kind, *table_of(org, kind, without=held)))
        sheets += [(name, *list_table(org, name)) for name in lists]
    sheets.append((CASES_SHEET, CASE_COLUMNS, case_rows(org)))
    return sheets


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


#: the sheet of training cases: one row a case, named by its case set
CASES_SHEET = "cases"
CASE_COLUMNS = ["case_set", "item_id", "expected_decision", "policy_version", "note"]


def case_rows(org: Organisation) -> list[list[Any]]:
    """Every training case of the organisation's case sets, a row each."""
    return [
        [path, case.item_id, case.decision, case.policy_version, case.note or None]
        for path, found in sorted(org.case_sets.items())
        if found is not None
        for case in found.cases
    ]


def export_workbook(org: Organisation, today: date) -> bytes:
    """The organisation as an xlsx workbook: a sheet per kind (workflows, policies, profiles,
    teams, guardrails, queues, targets, allocations), the teams' shifts and the allocations'
    phases on sheets of their own, and the training cases."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    stamp = datetime(today.year, today.month, today.day)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    workbook.properties.creator = "qplan"
    bold = Font(bold=True)
    for kind, head, rows in workbook_sheets(org):
        sheet = workbook.create_sheet(kind)
        for column, name in enumerate(head, start=1):
            sheet.cell(row=1, column=column, value=name).font = bold
        # cell by cell, not sheet[row]: that measures the whole sheet each time it is asked
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text: "=…" is not made a formula
        sheet.freeze_panes = "B2"
    return _dated(workbook, stamp)


def _dated(workbook: Any, stamp: datetime) -> bytes:
    """The workbook's bytes, the same for the same organisation and day: its properties
    and every entry of its zip dated ``stamp`` (openpyxl's ``save`` dates them now)."""
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    dated = io.BytesIO()
    with (
        zipfile.ZipFile(written) as source,
        zipfile.ZipFile(dated, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = entry.external_attr
            target.writestr(info, source.read(entry))
    return dated.getvalue()


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
    #: per kind imported: (new, updated, unchanged)
    counts: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    #: the items appended, as (kind, data)
    new_items: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: the files made for new queues that named files not there (SOP stubs, case sets)
    made: list[str] = field(default_factory=list)
    #: the placeholder workflow of ``qplan init``, when the workbook's workflows replace it
    removed: list[str] = field(default_factory=list)
    #: where each item written came from: (singular, key) → (its row, column → its cell)
    places: dict[tuple[str, str], tuple[str, dict[str, str]]] = field(default_factory=dict)


def import_workbook(
    settings: Settings, org: Organisation, tables: list[tuple[str, Table]], into: str
) -> ImportResult:
    """Bring every sheet of a workbook (kind, table), in the order given (the kinds an item
    refers to first), into the organisation's files: one result, texts only when no cell of
    any sheet is bad."""
    from qplan.edit.scaffold import _Files

    files = _Files(settings)
    total = ImportResult()
    entries: dict[str, Entries] = {}
    for sheet, table in tables:
        if sheet in LIST_SHEETS:
            kind, _, field_name = LIST_SHEETS[sheet]
            found_entries = list_entries(settings, sheet, table, total.problems)
            entries.setdefault(kind, {})[field_name] = found_entries
    for kind, table in tables:
        if kind in LIST_SHEETS:
            continue
        if kind == CASES_SHEET:
            total.problems += _import_cases(settings, table, files, total)
            continue
        found = import_table(
            settings, org, kind, table, {}, into, files=files, entries=entries.get(kind)
        )
        total.created += found.created
        total.updated += found.updated
        total.unchanged += found.unchanged
        total.problems += found.problems
        total.counts[kind] = (len(found.created), len(found.updated), found.unchanged)
        total.new_items += found.new_items
        total.places.update(found.places)
    total.problems += entries_of_no_row(entries)
    if not total.problems:
        total.made = _files_new_queues_name(settings, org, total.new_items, files)
        if any(kind == "workflows" for kind, _ in tables):
            _drop_the_starter_workflow(org, files, total)
        total.texts = files.texts()
    return total


def entries_of_no_row(entries: dict[str, Entries]) -> list[ImportProblem]:
    """A problem for each entry of a list sheet whose item no row of its kind's sheet has
    (what :func:`import_table` took is gone from ``entries``)."""
    problems = []
    for kind, by_field in entries.items():
        for field_name, by_item in by_field.items():
            sheet = _list_sheet(kind, field_name)
            for item, given in by_item.items():
                for _, places in given:
                    problems.append(
                        ImportProblem(
                            places[""],
                            "QP021",
                            f"{sheet} of {SINGULAR[kind]} {item[:80]!r}, which no row of the "
                            f"{kind} sheet has",
                            f"add its row to the {kind} sheet, or remove this one",
                        )
                    )
    return problems


def _drop_the_starter_workflow(org: Organisation, files: Any, total: ImportResult) -> None:
    """A workbook's workflows replace the placeholder ``qplan init`` writes, when nothing
    else names it."""
    from qplan.edit.new_repository import STARTER_WORKFLOW

    wid = STARTER_WORKFLOW["id"]
    starter = org.workflows.get(wid)
    if starter is None or starter.model_dump(exclude_unset=True) != STARTER_WORKFLOW:
        return
    named = {q.workflow for q in org.queues.values()} | {
        str(d.get("workflow")) for _, d in total.new_items
    }
    if wid in named or wid in total.created:
        return
    origin = org.origin("workflow", wid)
    document = files.document(str(origin.document.path))
    del document["workflows"][origin.index]
    total.removed.append(wid)


def _import_cases(
    settings: Settings, table: Table, files: Any, total: ImportResult
) -> list[ImportProblem]:
    """The cases sheet as case-set files: each case set not in the repository is written
    (one a CSV file under training/, its rows in the sheet's order); one that is there is
    left as it is. Returns the bad cells."""
    import csv

    from qplan.edit.scaffold import check_path

    problems: list[ImportProblem] = []
    where_of = {name: index for index, name in enumerate(table.header)}
    missing = [c for c in CASE_COLUMNS[:4] if c not in where_of]
    if missing:
        return [
            ImportProblem(
                _head(table, len(table.header)),
                "QP020",
                f"the cases sheet has no column {missing[0]!r}",
                f"its columns: {', '.join(CASE_COLUMNS)}",
            )
        ]
    rows: dict[str, list[list[str]]] = {}
    for number, values in table.rows:
        cells = []
        for column in CASE_COLUMNS:
            index = where_of.get(column)
            value = values[index] if index is not None and index < len(values) else None
            cells.append("" if value is None else str(value))
        try:
            path = check_path(settings, cells[0], "training", (".csv",), "case_set")
        except UsageError as exc:
            problems.append(ImportProblem(table.where(number, where_of["case_set"]), "QP022",
                                          f"case_set: {exc}"))  # fmt: skip
            continue
        rows.setdefault(path, []).append(cells[1:])
    made = 0
    for path, cases in sorted(rows.items()):
        if files.holds(path):
            total.unchanged += 1
            continue
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CASE_COLUMNS[1:])
        writer.writerows(cases)
        files.create(path, buffer.getvalue())
        made += 1
    total.counts[CASES_SHEET] = (made, 0, len(rows) - made)
    return problems


def _files_new_queues_name(
    settings: Settings, org: Organisation, items: list[tuple[str, dict[str, Any]]], files: Any
) -> list[str]:
    """For new queues that name an SOP or a training case set not in the repository, what
    ``qplan new queue`` would make: an SOP stub (for every queue that names it) and a case
    set's header. Returns the files made."""
    from qplan.edit.scaffold import CASE_SET_HEADER, sop_stub

    owners = {wid: w.owner for wid, w in org.workflows.items()}
    owners.update(
        {d["id"]: d.get("owner") for kind, d in items if kind == "workflows" and "id" in d}
    )
    sops: dict[str, list[dict[str, Any]]] = {}
    case_sets: set[str] = set()
    for kind, data in items:
        if kind != "queues":
            continue
        sop = data.get("sop")
        if isinstance(sop, str) and not files.holds(sop):
            sops.setdefault(sop, []).append(data)
        training = data.get("training")
        case_set = training.get("case_set") if isinstance(training, dict) else None
        if isinstance(case_set, str) and not files.holds(case_set):
            case_sets.add(case_set)
    made = []
    for sop, queues in sorted(sops.items()):
        first = queues[0]
        title = str(first.get("name") or first["id"]).split(" · ")[0]
        owner = owners.get(str(first.get("workflow")))
        files.create(sop, sop_stub(title, str(owner), [q["id"] for q in queues], settings.today))
        made.append(sop)
    for case_set in sorted(case_sets):
        files.create(case_set, CASE_SET_HEADER)
        made.append(case_set)
    return made


#: a list sheet's entries by the item that names them: each entry's data, and where each
#: of its columns is in the workbook (``""``: its row)
ListEntries = dict[str, list[tuple[dict[str, Any], dict[str, str]]]]
#: a kind's lists from their own sheets: list field → its entries
Entries = dict[str, ListEntries]


def import_table(
    settings: Settings,
    org: Organisation,
    kind: str,
    table: Table,
    mapping: dict[str, str],
    into: str,
    files: Any = None,
    entries: Entries | None = None,
) -> ImportResult:
    """Bring the rows of ``table`` into the organisation's files as items of ``kind``;
    ``mapping`` renames columns (sheet column → field, dotted for nested ones). ``files``:
    the files being edited, when several sheets are brought in together (their texts are
    then the caller's to take). ``entries``: the kind's lists from their own sheets (list
    field → item → entries; see :func:`list_entries`); what an item is given there is its
    list, and what no row of ``table`` takes is left in it for the caller to report."""
    from qplan.edit.scaffold import _Files
    from qplan.model.organisation import _item_adapter

    result = ImportResult()
    model = TABULAR_KINDS[kind]
    fields = _header_fields(model, SINGULAR[kind], table, mapping, result.problems)
    if result.problems:
        return result
    shared = files is not None
    files = files if shared else _Files(settings)
    seen: dict[str, str] = {}
    for number, values in table.rows:
        cells, places, unreadable = _row_cells(
            settings, model, table, number, values, fields, result.problems
        )
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
        for field_name, by_item in (entries or {}).items():
            given = by_item.pop(key, None)
            if given is None:
                continue
            if field_name in data:
                result.problems.append(
                    ImportProblem(
                        places.get(field_name, row_where),
                        "QP022",
                        f"{SINGULAR[kind]} {key}: {field_name} are given here and on the "
                        f"{_list_sheet(kind, field_name)} sheet",
                        "keep one of them",
                    )
                )
                unreadable.add(field_name)
                continue
            data[field_name] = [entry for entry, _ in given]
            for index, (_, entry_places) in enumerate(given):
                places.update(
                    {f"{field_name}.{index}.{c}": w for c, w in entry_places.items() if c}
                )
                places[f"{field_name}.{index}"] = entry_places[""]
            places.setdefault(field_name, given[0][1][""])
        try:
            item = _item_adapter(kind).validate_python(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = error["loc"]
                if loc and loc[0] == data.get("type"):  # a guardrail's type names its model
                    loc = loc[1:]
                path = ".".join(str(p) for p in loc)
                if any(path == c or path.startswith(c + ".") for c in unreadable):
                    continue  # already said: the cell could not be read
                where = next(
                    (
                        places[c]
                        for c in sorted(places, key=len, reverse=True)
                        if path == c or path.startswith(c + ".")
                    ),
                    row_where,
                )
                message = error["msg"][:1].lower() + error["msg"][1:]
                result.problems.append(
                    ImportProblem(
                        where, "QP023", f"{SINGULAR[kind]} {key}: {path or 'row'}: {message}"
                    )
                )
            continue
        singular = SINGULAR[kind]
        existing = org.item(singular, key)
        if existing is not None and existing == item:
            result.unchanged += 1
            continue
        if (singular, key) in org.origins:
            origin = org.origin(singular, key)
            document = files.document(str(origin.document.path))
            _update(document[kind][origin.index], data)
            result.updated.append(key)
            result.places[(singular, key)] = (row_where, dict(places))
        else:
            files.document(into, create=True)
            files.append(into, kind, commented(data))
            result.created.append(key)
            result.new_items.append((kind, data))
            result.places[(singular, key)] = (row_where, dict(places))
    if not result.problems and not shared:
        result.texts = files.texts()
    return result


def import_table_with_lists(
    settings: Settings,
    org: Organisation,
    kind: str,
    table: Table,
    lists: list[Table],
    mapping: dict[str, str],
    into: str,
) -> ImportResult:
    """:func:`import_table` of one kind's sheet, with its list sheets of the same workbook
    (a team's shifts): one result, texts only when no cell of any of them is bad."""
    problems: list[ImportProblem] = []
    entries = {
        LIST_SHEETS[str(t.sheet)][2]: list_entries(settings, str(t.sheet), t, problems)
        for t in lists
    }
    result = import_table(settings, org, kind, table, mapping, into, entries=entries)
    result.problems = problems + result.problems + entries_of_no_row({kind: entries})
    if result.problems:
        result.texts = {}
    return result


def _list_sheet(kind: str, field_name: str) -> str:
    return next(n for n, (k, _, f) in LIST_SHEETS.items() if (k, f) == (kind, field_name))


def _header_fields(
    model: type[Any], what: str, table: Table, mapping: dict[str, str], problems: list[Any]
) -> list[str | None]:
    """The field of each column of ``table`` (None for a column without a name); a column
    that is no field of ``model`` is a problem."""
    fields: list[str | None] = []
    for index, name in enumerate(table.header):
        target = mapping.get(name, name)
        if not name:
            fields.append(None)
            continue
        try:
            shape(model, target.split("."))
        except KeyError:
            problems.append(
                ImportProblem(
                    table.where(1, index) if table.sheet is None else _head(table, index),
                    "QP020",
                    f"column {name[:80]!r} is not a field of {what}",
                    "map it with --map COLUMN=field, or remove the column",
                )
            )
            fields.append(None)
            continue
        fields.append(target)
    return fields


def _row_cells(
    settings: Settings,
    model: type[Any],
    table: Table,
    number: int,
    values: list[Any],
    fields: list[str | None],
    problems: list[Any],
) -> tuple[dict[str, Any], dict[str, str], set[str]]:
    """A row's cells as field → value, where each is in the workbook, and the fields whose
    cell could not be read (each a problem)."""
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
            problems.append(ImportProblem(where, "QP022", f"{column}: {exc}"))
            unreadable.add(column)
    return cells, places, unreadable


def list_entries(settings: Settings, sheet: str, table: Table, problems: list[Any]) -> ListEntries:
    """The rows of a list sheet (:data:`LIST_SHEETS`) as entries by the item that names
    them, in the sheet's order: each entry's data, and where its columns are (``""``: its
    row). Bad cells are added to ``problems``."""
    kind, key, field_name = LIST_SHEETS[sheet]
    model = entry_model(kind, field_name)
    what = f"a {SINGULAR[kind]}'s {field_name[:-1]}"
    at = table.header.index(key) if key in table.header else None
    if at is None:
        problems.append(
            ImportProblem(
                _head(table, len(table.header)),
                "QP020",
                f"the {sheet} sheet has no column {key!r}",
                f"name the {SINGULAR[kind]} of each row in a column {key!r}",
            )
        )
        return {}
    header = Table(
        table.file,
        table.sheet,
        [c if i != at else "" for i, c in enumerate(table.header)],
        table.rows,
        table.text_cells,
    )
    fields = _header_fields(model, what, header, {}, problems)
    found: ListEntries = {}
    for number, values in table.rows:
        named = values[at] if at < len(values) else None
        cells, places, _ = _row_cells(settings, model, table, number, values, fields, problems)
        if not isinstance(named, str) or not named.strip():
            problems.append(
                ImportProblem(table.where(number, at), "QP021", f"row {number} names no {key}")
            )
            continue
        places[""] = table.where(number, 0)
        found.setdefault(named.strip(), []).append((unflatten(cells), places))
    return found


def _head(table: Table, index: int) -> str:
    from qplan.load.spreadsheet import column_letter

    return f"{table.file}:{table.sheet}!{column_letter(index)}1"


def _key_name(kind: str) -> str:
    if kind == "targets":
        return "queue or workflow"
    return str(by_plural(kind).key_field)


def _update(item: Any, data: dict[str, Any]) -> None:
    """Make ``item`` (a round-trip mapping) say ``data``, touching only what differs: in a
    list of mappings of the same length (a team's shifts), only the entries that differ."""
    for key in [k for k in item if k not in data]:
        del item[key]
    for key, value in data.items():
        if key in item and _plain(item[key]) == _plain(value):
            continue
        current = item.get(key)
        if is_entries(current) and is_entries(value) and len(current) == len(value):
            for entry, wanted in zip(current, value, strict=True):
                _update(entry, wanted)
        elif is_entries(value) and not item.fa.flow_style():
            item[key] = entry_lines(value)
        else:
            item[key] = commented(value, block=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def in_the_workbook(result: ImportResult, problems: list[Any]) -> list[str | None]:
    """Where in the workbook each problem the result's validation found comes from (a
    diagnostic at a line of a file the import wrote): the cell of the field at that line,
    or the row of the item; None when no row of the workbook made that line. Each file
    written is read once, however many problems it has."""
    items: dict[str, list[tuple[int, str, Any]]] = {}
    return [_place(result, problem, items) for problem in problems]


def _place(result: ImportResult, problem: Any, items: dict[str, Any]) -> str | None:
    if problem.file not in items:
        items[problem.file] = _items_by_line(result.texts.get(problem.file), problem.file)
    found = [entry for entry in items[problem.file] if entry[0] <= problem.line]
    if not found:
        return None
    _, kind, item = found[-1]
    key = item_key(kind, _plain(dict(item)))
    place = result.places.get((SINGULAR[kind], key or ""))
    if place is None:
        return None
    row, cells = place
    column = _field_at(item, problem.line, problem.column)
    while column:
        if column in cells:
            return cells[column]
        column = column.rpartition(".")[0]
    return row


def _items_by_line(text: str | None, file: str) -> list[tuple[int, str, Any]]:
    """The items of a YAML file the import wrote, each with the line it starts on, in order."""
    if text is None or not file.endswith((".yaml", ".yml")):
        return []
    from qplan.edit.documents import document_of

    document = document_of(text)
    if not isinstance(document, dict):
        return []
    starts: list[tuple[int, str, Any]] = []
    for kind in TABULAR:
        for item in document.get(kind) or ():
            mapping: Any = item  # a round-trip mapping: it knows its line
            if isinstance(item, dict):
                starts.append((mapping.lc.line + 1, kind, mapping))
    return sorted(starts, key=lambda s: s[0])


def _field_at(item: Any, line: int, column: int) -> str:
    """The dotted field of ``item`` (a round-trip mapping) written last at or before
    ``line``:``column`` (both from 1) on that line; an entry of a list is named by its
    place (``shifts.2``, ``shifts.2.start``)."""
    marks: list[tuple[tuple[int, int], str]] = []
    _marks(item, "", marks)
    on_line = [(at, name) for at, name in marks if at[0] == line]
    before = [(at, name) for at, name in on_line if at <= (line, column)]
    if before:
        return max(before, key=lambda m: (m[0], len(m[1])))[1]
    return min(on_line, key=lambda m: (m[0], -len(m[1])))[1] if on_line else ""


def _marks(node: Any, prefix: str, marks: list[tuple[tuple[int, int], str]]) -> None:
    """Where each key of a round-trip mapping, and each entry of its lists, is written:
    ((line, column) from 1, dotted name)."""
    for name in node:
        line, column = node.lc.key(name)
        marks.append(((line + 1, column + 1), prefix + str(name)))
        value = node[name]
        if isinstance(value, dict) and hasattr(value, "lc"):
            _marks(value, f"{prefix}{name}.", marks)
        elif isinstance(value, list) and hasattr(value, "lc"):
            for index, entry in enumerate(value):
                line, column = value.lc.item(index)
                marks.append(((line + 1, column + 1), f"{prefix}{name}.{index}"))
                if isinstance(entry, dict) and hasattr(entry, "lc"):
                    _marks(entry, f"{prefix}{name}.{index}.", marks)
