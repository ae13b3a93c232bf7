"""*load*: a planning spreadsheet (xlsx, or CSV) as a table of cells with their places.

A spreadsheet comes from anyone: it is read through the guarded reader (size, regular
file), an xlsx's zip members are checked before any XML is parsed (a zip bomb is refused),
and rows, columns and cell text are bounded. Each cell keeps where it was, as a person
finds it: ``plan.xlsx:queues!C12`` or ``plan.csv:12:3``.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

#: the largest spreadsheet file read, and the most its zip members may expand to
MAX_SPREADSHEET_BYTES = 32 * 1024 * 1024
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: the most data rows, columns and characters in a cell
MAX_ROWS = 100_000
#: the highest row number read: a workbook names each row's number, and its reader makes
#: every empty row up to it (one row numbered 200,000,000 took minutes)
MAX_ROW_NUMBER = 2 * MAX_ROWS
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000


class SpreadsheetError(Exception):
    """The spreadsheet cannot be read as a table: where, and why."""

    def __init__(self, where: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message, self.hint = where, message, hint


@dataclass
class Table:
    """A header row and the data rows under it, each value with its place."""

    file: str
    sheet: str | None  # None for CSV
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, values)
    text_cells: bool  # CSV: every value is text

    def where(self, row: int, column: int) -> str:
        if self.sheet is None:
            return f"{self.file}:{row}:{column + 1}"
        return f"{self.file}:{self.sheet}!{column_letter(column)}{row}"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(
    path: Path,
    name: str,
    *,
    sheet: str | None = None,
    prefer: str | None = None,
    also: Sequence[str] = (),
) -> tuple[Table, list[Table]]:
    """The table in ``path`` (an .xlsx workbook's sheet ``sheet``, else the one named
    ``prefer``, else its first; or a .csv file), and the workbook's sheets named in ``also``
    that it has (other than that one); ``name`` is how the file is called in messages."""
    from qplan.load.reader import LoadError, read_bytes

    try:
        raw = read_bytes(path, path.parent, max_bytes=MAX_SPREADSHEET_BYTES)
    except LoadError as exc:
        raise SpreadsheetError(name, exc.diagnostic.message, exc.diagnostic.hint) from None
    if path.suffix.lower() == ".csv":
        return _csv(raw, name), []
    if path.suffix.lower() == ".xlsx":

        def choose(names: list[str]) -> list[str]:
            first = sheet if sheet is not None else prefer if prefer in names else names[0]
            return [first, *(n for n in also if n in names and n != first)]

        first, *others = _xlsx(raw, name, choose)
        return first, others
    raise SpreadsheetError(name, "is neither .xlsx nor .csv")


def _csv(raw: bytes, name: str) -> Table:
    import csv

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            name, "is not UTF-8 text", "save it as CSV UTF-8 (comma-delimited)"
        ) from None
    from qplan.load.reader import CsvHeaderProblem, csv_header

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = csv_header(reader)
    except CsvHeaderProblem as exc:
        raise SpreadsheetError(name, exc.message, exc.hint) from None
    if header is None:
        raise SpreadsheetError(name, "is empty: a header row names the columns")
    header = [column.strip() for column in header]
    _check_header(header, name)
    rows: list[tuple[int, list[Any]]] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            _bounded(values, name, reader.line_num, len(rows))
            rows.append((reader.line_num, [v if v.strip() else None for v in values]))
    except csv.Error as exc:
        raise SpreadsheetError(f"{name}:{reader.line_num}", f"is not CSV: {exc}") from None
    return Table(name, None, header, rows, text_cells=True)


def read_tables(path: Path, name: str, kinds: Sequence[str]) -> list[Table]:
    """Every sheet of the .xlsx workbook ``path`` named as one of ``kinds``, in that order
    (a workbook with none of them is an error)."""
    from qplan.load.reader import LoadError, read_bytes

    if path.suffix.lower() != ".xlsx":
        raise SpreadsheetError(
            name, "holds one kind of item: give --kind", f"kinds: {', '.join(kinds)}"
        )
    try:
        raw = read_bytes(path, path.parent, max_bytes=MAX_SPREADSHEET_BYTES)
    except LoadError as exc:
        raise SpreadsheetError(name, exc.diagnostic.message, exc.diagnostic.hint) from None

    def choose(names: list[str]) -> list[str]:
        found = [kind for kind in kinds if kind in names]
        if not found:
            raise SpreadsheetError(
                name,
                "has no sheet named as a kind of item",
                f"name sheets {', '.join(kinds)}, or give --kind and --sheet",
            )
        return found

    return _xlsx(raw, name, choose)


def _xlsx(raw: bytes, name: str, choose: Callable[[list[str]], list[str]]) -> list[Table]:
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SpreadsheetError(name, f"is not an xlsx workbook ({exc})") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            name, f"unpacks to {unpacked:,} bytes, over the limit of {MAX_UNPACKED_BYTES:,}"
        )
    _refuse_declarations(archive, name)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a malformed workbook
        raise SpreadsheetError(
            name, f"cannot be read as a workbook ({type(exc).__name__})"
        ) from None
    try:
        names = workbook.sheetnames
        tables = []
        for chosen in choose(names):
            if chosen not in names:
                raise SpreadsheetError(
                    name, f"has no sheet {chosen!r}", "sheets: " + ", ".join(names[:20])
                )
            tables.append(_sheet(workbook[chosen], name, chosen))
    finally:
        workbook.close()
    return tables


def _sheet(worksheet: Any, name: str, chosen: str) -> Table:
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROW_NUMBER:
            raise SpreadsheetError(
                f"{name}:{chosen}", f"has a row numbered above {MAX_ROW_NUMBER:,}"
            )
        cells = [_cell(v) for v in values[: MAX_COLUMNS + 1]]
        if header is None:
            if not any(c is not None for c in cells):
                continue
            header = ["" if c is None else str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            _check_header(header, f"{name}:{chosen}!A{number}")
            continue
        if not any(c is not None and str(c).strip() for c in cells):
            continue
        _bounded(cells, f"{name}:{chosen}", number, len(rows))
        rows.append((number, cells))
    if header is None:
        raise SpreadsheetError(f"{name}:{chosen}", "is empty: a header row names the columns")
    return Table(name, chosen, header, rows, text_cells=False)


#: what no workbook a spreadsheet program saves holds, and what an XML parser would act on
_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")


def _refuse_declarations(archive: Any, name: str) -> None:
    """Refuse a workbook whose XML parts declare a document type or entities (an entity
    expanded a billion times, or one that names a file), or are not in UTF-8, before any
    XML is parsed: each part is scanned as bytes, once."""
    for member in archive.infolist():
        with archive.open(member) as stream:
            tail = b""
            first = True
            while chunk := stream.read(1 << 20):
                if first and chunk[:2] in (b"\xff\xfe", b"\xfe\xff"):
                    raise SpreadsheetError(
                        name, f"has a part in UTF-16 ({member.filename[:80]}); qplan reads UTF-8"
                    )
                first = False
                window = tail + chunk
                if any(declared in window for declared in _DECLARATIONS):
                    raise SpreadsheetError(
                        name,
                        f"declares a document type or entities in {member.filename[:80]}",
                        "save it again from a spreadsheet program",
                    )
                tail = window[-16:]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, str):
        return value if value.strip() else None
    return value


def _check_header(header: list[str], where: str) -> None:
    if len(header) > MAX_COLUMNS:
        raise SpreadsheetError(where, f"has more than {MAX_COLUMNS} columns")
    seen = set()
    for column in header:
        if column and column in seen:
            raise SpreadsheetError(where, f"names the column {column[:80]!r} twice")
        seen.add(column)


def _bounded(values: list[Any], where: str, row: int, count: int) -> None:
    if count >= MAX_ROWS:
        raise SpreadsheetError(where, f"has more than {MAX_ROWS:,} rows")
    if len(values) > MAX_COLUMNS:
        raise SpreadsheetError(f"{where}:{row}", f"has more than {MAX_COLUMNS} columns")
    for value in values:
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise SpreadsheetError(
                f"{where}:{row}", f"has a cell of over {MAX_CELL_CHARS:,} characters"
            )
        if isinstance(value, float) and value != value:
            raise SpreadsheetError(f"{where}:{row}", "has a cell that is not a number (NaN)")


def is_day(value: Any) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)
