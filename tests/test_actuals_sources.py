"""Actuals from other sources than CSV: Parquet files under actuals/ (read with DuckDB into
the same rows, rules and diagnostics as CSV)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_qplan


def _to_parquet(csv: Path, select: str = "*") -> Path:
    """``csv`` as a Parquet file beside it (DuckDB's own types: DATE, BIGINT, DOUBLE),
    the CSV removed."""
    import duckdb

    target = csv.with_suffix(".parquet")
    with duckdb.connect() as connection:
        connection.execute(
            f"COPY (SELECT {select} FROM read_csv(?, header = true)) TO '{target}' "
            "(FORMAT parquet)",
            [str(csv)],
        )
    csv.unlink()
    return target


def test_parquet_actuals_give_the_figures_of_the_same_csv(example_repo: Path) -> None:
    before = run_qplan("health", "--format", "json", repo=example_repo)
    assert before.exit_code == 0, before.output
    _to_parquet(example_repo / "actuals" / "livestream.csv")
    # counts as doubles, as a data frame with a gap in it keeps them: still whole numbers
    _to_parquet(
        example_repo / "actuals" / "comments.csv",
        "* REPLACE (arrived::DOUBLE AS arrived, handled::DOUBLE AS handled)",
    )
    after = run_qplan("health", "--format", "json", repo=example_repo)
    assert (after.exit_code, after.output) == (before.exit_code, before.output)
    assert run_qplan("validate", repo=example_repo).output == "Valid: no problems found.\n"


def test_a_bad_parquet_row_is_one_line_at_its_row_and_column(example_repo: Path) -> None:
    csv = example_repo / "actuals" / "livestream.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[5] = str(int(cells[4]) + 1)  # handled_within_sla over handled
    lines[3] = ",".join(cells)
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _to_parquet(csv)
    found = run_qplan("validate", repo=example_repo)
    assert found.exit_code == 1
    assert found.output.splitlines()[0] == (
        f"actuals/livestream.parquet:3:6: QP107 actuals handled_within_sla ({int(cells[5]):,}) is "
        f"more than handled ({int(cells[4]):,})"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PAR1 not really", "is not a Parquet file qplan can read: "),
        (b"", "is not a Parquet file qplan can read: "),
    ],
)
def test_a_file_that_is_not_parquet_is_one_line(
    example_repo: Path, content: bytes, message: str
) -> None:
    (example_repo / "actuals" / "broken.parquet").write_bytes(content)
    found = run_qplan("validate", repo=example_repo)
    assert found.exit_code == 1
    first = found.output.splitlines()[0]
    assert first.startswith(f"actuals/broken.parquet:1:1: QP107 actuals {message}"), first
    assert "Traceback" not in found.output


def test_a_parquet_file_of_more_rows_than_its_size_allows_is_refused_unread(
    example_repo: Path,
) -> None:
    """Parquet compresses: 100,000 identical rows take a few kilobytes. A file may hold no
    more rows than a CSV of the size limit could (the limit over 30 bytes a row)."""
    import duckdb

    target = example_repo / "actuals" / "many.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            "COPY (SELECT DATE '2026-11-02' AS date, 'ls-safety-en' AS queue, 'us-reno' AS team, "
            "0 AS arrived, 0 AS handled, 0 AS handled_within_sla, 0 AS backlog_end, "
            "0 AS aht_seconds, 0 AS qa_sampled, 0 AS qa_correct FROM range(100000)) "
            f"TO '{target}' (FORMAT parquet)"
        )
    size = target.stat().st_size
    assert size < 30_000
    settings = example_repo / "pyproject.toml"
    text = settings.read_text().replace("max_file_bytes = 1048576", "max_file_bytes = 600000")
    settings.write_text(text)
    found = run_qplan("validate", repo=example_repo)
    assert found.output.splitlines()[0] == (
        "actuals/many.parquet:1:1: QP107 actuals has 100,000 rows, more than a CSV of the "
        "size limit could hold (20,000): split it into smaller files"
    )


def _export(repo: Path, name: str = "export.csv") -> tuple[Path, list[str]]:
    """The example's livestream rows of 2026-11-22 dated a day later, their columns in
    another order (as a review tool's export may give them), outside the repository."""
    lines = (repo / "actuals" / "livestream.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    order = [header.index(c) for c in reversed(header)]
    rows = [line.split(",") for line in lines[1:] if line.startswith("2026-11-22,")]
    for row in rows:
        row[0] = "2026-11-23"
    text = [",".join(header[i] for i in order)] + [",".join(r[i] for i in order) for r in rows]
    export = repo.parent / name
    export.write_text("\n".join(text) + "\n", encoding="utf-8")
    return export, [",".join(r) for r in rows]


def test_an_export_in_any_column_order_becomes_typed_parquet_with_the_same_figures(
    example_repo: Path,
) -> None:
    import duckdb

    export, rows = _export(example_repo)
    found = run_qplan("--wide", "actuals", "import", str(export), repo=example_repo)
    assert (found.exit_code, found.output) == (
        0,
        f"{export.as_posix()}: {len(rows)} row(s) kept (actuals/export-2026-11.parquet), "
        "0 rejected.\n",
    )
    written = example_repo / "actuals" / "export-2026-11.parquet"
    with duckdb.connect() as connection:
        kinds = connection.sql("SELECT * FROM read_parquet(?)", params=[str(written)]).types
    assert [str(k) for k in kinds] == [
        "DATE", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT",
        "BIGINT", "DOUBLE", "DOUBLE",
    ]  # fmt: skip
    health = run_qplan("health", "--format", "json", repo=example_repo).output
    again = written.read_bytes()
    assert run_qplan("actuals", "import", str(export), repo=example_repo).exit_code == 0
    assert written.read_bytes() == again  # the same export writes the same file
    written.unlink()  # the same rows as CSV: the same figures
    header = (example_repo / "actuals" / "livestream.csv").read_text().splitlines()[0]
    (example_repo / "actuals" / "export.csv").write_text("\n".join([header, *rows]) + "\n")
    assert run_qplan("health", "--format", "json", repo=example_repo).output == health


def test_an_export_with_bad_rows_writes_nothing_unless_told(example_repo: Path) -> None:
    export, rows = _export(example_repo, "bad.csv")
    lines = export.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[-4] = "lots"  # arrived, fourth from the end in the reversed order
    lines[2] = ",".join(cells)
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    column = 1 + sum(len(c) + 1 for c in cells[:-4])
    refused = run_qplan("--wide", "actuals", "import", str(export), repo=example_repo)
    assert (refused.exit_code, refused.output.splitlines()) == (
        1,
        [
            f"{export.as_posix()}: 0 row(s) kept (nothing written), 1 rejected.",
            f"  {export.as_posix()}:3:{column}: QP107 actuals arrived 'lots' is not a whole "
            "number from 0 to 1,000,000,000",
            "Nothing was imported: fix the problems above, or pass --skip-bad-rows to import the "
            "others.",
        ],
    )
    assert not list((example_repo / "actuals").glob("*.parquet"))
    told = run_qplan(
        "actuals", "import", "--skip-bad-rows", str(export), "--format", "json", repo=example_repo
    )
    assert told.exit_code == 0, told.output
    document = json.loads(told.output)
    assert document["imported"] is True
    assert [(e["kept"], e["rejected"], e["written"]) for e in document["exports"]] == [
        (len(rows) - 1, 1, ["actuals/bad-2026-11.parquet"])
    ]
    assert run_qplan("validate", repo=example_repo).exit_code == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "1:1: QP013 cannot read file: No such file or directory"),
        (b"a;b\n1;2\n", "1:1: QP107 actuals separates its columns with ';'; qplan reads "
         "comma-separated CSV"),
        (b"date,queue\n\xff\xfe", "2:1: QP007 not valid UTF-8 (byte 0xff)"),
    ],
)  # fmt: skip
def test_an_export_that_cannot_be_read_is_one_line_and_nothing_written(
    example_repo: Path, tmp_path: Path, content: bytes | None, problem: str
) -> None:
    export = tmp_path / "odd.csv"
    if content is not None:
        export.write_bytes(content)
    found = run_qplan("--wide", "actuals", "import", str(export), repo=example_repo)
    assert (found.exit_code, found.output.splitlines()[1]) == (1, f"  {export}:{problem}")
    assert not list((example_repo / "actuals").glob("*.parquet"))


def _parquet(repo: Path, name: str, select: str) -> None:
    import duckdb

    target = repo / "actuals" / name
    with duckdb.connect() as connection:
        connection.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")


_ROW = (
    "'us-reno' AS team, 0 AS arrived, 0 AS handled, 0 AS handled_within_sla, 0 AS backlog_end, "
    "0 AS aht_seconds, 0 AS qa_sampled, 0 AS qa_correct"
)


def test_a_parquet_bomb_of_long_cells_is_read_cut_short(example_repo: Path) -> None:
    """30,000 rows of a 100,000-character queue name take 3 kB: each cell is read cut to
    256 characters, and every message shortens the name."""
    _parquet(
        example_repo,
        "long.parquet",
        f"SELECT DATE '2026-11-02' AS date, repeat('q', 100000) AS queue, {_ROW} FROM range(30000)",
    )
    found = run_qplan("validate", repo=example_repo)
    assert found.exit_code == 1
    assert max(len(line) for line in found.output.splitlines()) < 300
    assert found.output.splitlines()[0] == (
        f"actuals/long.parquet:1:2: QP109 actuals name an unknown queue '{'q' * 80}'"
    )


@pytest.mark.parametrize(
    ("select", "message"),
    [
        (
            "SELECT TIMESTAMPTZ '2026-11-02 18:00:00+00' AS interval_start, "
            f"'ls-safety-en' AS queue, {_ROW}",
            "column 'interval_start' holds times with a time zone: keep each team's local "
            "time without one, as an actuals CSV does",
        ),
        (
            "SELECT " + ", ".join(f"{i} AS c{i}" for i in range(65)),
            "has 65 columns; actuals have at most 64",
        ),
    ],
)
def test_parquet_that_cannot_be_actuals_is_refused_unread(
    example_repo: Path, select: str, message: str
) -> None:
    _parquet(example_repo, "odd.parquet", select)
    found = run_qplan("validate", repo=example_repo)
    assert found.output.splitlines()[0] == f"actuals/odd.parquet:1:1: QP107 actuals {message}"


def test_exports_that_would_write_the_same_file_are_refused(
    example_repo: Path, tmp_path: Path
) -> None:
    first, _ = _export(example_repo)
    (tmp_path / "other").mkdir()
    second = tmp_path / "other" / "export.csv"
    second.write_text(first.read_text(encoding="utf-8").replace(",2026-11-23", ",2026-11-24"))
    found = run_qplan("--wide", "actuals", "import", str(first), str(second), repo=example_repo)
    assert (found.exit_code, found.output) == (
        1,
        f"error: {second.as_posix()} and {first.as_posix()} would both be written to "
        "actuals/export-2026-11.parquet: rename one of them\n",
    )
    assert not list((example_repo / "actuals").glob("*.parquet"))


def test_rows_dated_after_today_are_rejected_on_import(example_repo: Path) -> None:
    export, _ = _export(example_repo)
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace(",2026-11-23", ",2026-12-23", 1), encoding="utf-8")
    found = run_qplan("--wide", "actuals", "import", str(export), repo=example_repo)
    assert found.exit_code == 1
    assert found.output.splitlines()[0] == (
        f"{export.as_posix()}: 0 row(s) kept (nothing written), 1 rejected."
    )
    assert "are dated 2026-12-23, after today (2026-12-07)" in found.output.splitlines()[1]
