"""Actuals from other sources than CSV: Parquet files under actuals/ (read with DuckDB into
the same rows, rules and diagnostics as CSV)."""

from __future__ import annotations

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
