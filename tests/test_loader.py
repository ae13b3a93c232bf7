"""The load stage: YAML 1.2 scalars, positions, and hostile input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qplan.core.forked import Forked
from qplan.load.reader import LoadError, load_folder, parse_text, resolve_scalar
from tests.conftest import need_a_helper_process, run_qplan


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", "yes"),
        ("NO", "NO"),
        ("on", "on"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("40", 40),
        ("-7", -7),
        ("0o17", 15),
        ("0x1F", 31),
        ("1e3", 1000.0),
        ("0.32", 0.32),
        (".inf", float("inf")),
        ("2026-01-01", "2026-01-01"),
        ("24:00", "24:00"),
        ("1_000", "1_000"),
    ],
)
def test_scalars_follow_yaml_1_2_core_schema(text: str, value: object) -> None:
    document, _ = parse_text(f"key: {text}\n", "f.yaml", max_depth=10)
    assert document.data == {"key": value}


def test_quoted_scalars_stay_strings() -> None:
    document, _ = parse_text("a: \"40\"\nb: 'true'\n", "f.yaml", max_depth=10)
    assert document.data == {"a": "40", "b": "true"}


def test_positions_of_values_keys_and_missing_paths() -> None:
    text = "queues:\n  - id: a\n    forecast:\n      weekly_volume: 5\n"
    document, _ = parse_text(text, "w/q.yaml", max_depth=10)
    assert document.position(("queues", 0, "forecast", "weekly_volume")).line == 4
    assert document.position(("queues", 0, "forecast", "weekly_volume")).column == 22
    assert document.position(("queues", 0, "forecast"), key=True).column == 5
    missing = document.position(("queues", 0, "forecast", "aht_seconds"))
    assert (missing.line, missing.column) == (4, 7)


def test_merge_keys_merge_and_keep_positions() -> None:
    text = "base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n"
    document, _ = parse_text(text, "f.yaml", max_depth=10)
    assert document.data["item"] == {"x": 1, "y": 3}
    assert document.position(("item", "x")).line == 1


def test_billion_laughs_is_refused_without_expanding() -> None:
    # 20 levels of 10: expanding would mean 10**20 values; this must return at once.
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 20):
        lines.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 10) + "]")
    with pytest.raises(LoadError) as caught:
        parse_text("\n".join(lines) + "\n", "bomb.yaml", max_depth=50)
    assert caught.value.diagnostic.code == "QP003"


def test_deep_flow_nesting_beyond_libyaml_limit() -> None:
    with pytest.raises(LoadError) as caught:
        parse_text("a: " + "[" * 20000 + "]" * 20000 + "\n", "deep.yaml", max_depth=20)
    assert caught.value.diagnostic.code in ("QP001", "QP004")


def test_symlink_pointing_outside_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("workflows: []\n")
    repo = tmp_path / "repo"
    (repo / "workflows").mkdir(parents=True)
    os.symlink(outside, repo / "workflows" / "escape.yaml")
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "workflows/escape.yaml:1:1: QP009 file points outside the repository"
    )


def test_symlink_inside_is_read(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "workflows").mkdir(parents=True)
    (repo / "shared.yml").write_text("workflows:\n  - {id: wf, name: W, owner: o@example.com}\n")
    os.symlink(repo / "shared.yml", repo / "workflows" / "link.yaml")
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 0, result.output


def test_one_broken_file_does_not_hide_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "a.yaml").write_text("a: [\n")
    (folder / "b.yaml").write_text("b: 1\nb: 2\n")
    (folder / "c.yaml").write_text("workflows: []\n")
    result = load_folder(folder, tmp_path, max_bytes=10_000, max_depth=10)
    assert [d.code for d in result.diagnostics] == ["QP001", "QP002"]
    assert [d.path for d in result.documents] == ["workflows/b.yaml", "workflows/c.yaml"]


def test_a_helper_process_loads_the_later_files_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qplan.load import reader

    folder = tmp_path / "workflows"
    folder.mkdir()
    for index in range(8):
        (folder / f"{index}.yaml").write_text(f"queues:\n  - id: q{index}\n    name: Q {index}\n")
    (folder / "1.yaml").write_text("a: [\n")
    (folder / "6.yaml").write_text("b: 1\nb: 2\n")
    (folder / "7.yaml").write_text("c: !!python/object x\n")
    alone = load_folder(folder, tmp_path, max_bytes=10_000, max_depth=10)
    monkeypatch.setattr(reader, "PARALLEL_FROM_BYTES", 0)
    files = sorted(folder.iterdir())
    need_a_helper_process()
    assert reader._split(files) == 5  # 55 % of the bytes here, the rest on the helper
    shared = load_folder(folder, tmp_path, max_bytes=10_000, max_depth=10)
    assert [(d.path, d.text, d.data) for d in shared.documents] == [
        (d.path, d.text, d.data) for d in alone.documents
    ]
    assert shared.diagnostics == alone.diagnostics
    assert [(d.code, d.file) for d in shared.diagnostics] == [
        ("QP001", "workflows/1.yaml"),
        ("QP002", "workflows/6.yaml"),
        ("QP006", "workflows/7.yaml"),
    ]


def test_a_helper_that_fails_gives_no_result() -> None:
    need_a_helper_process()
    assert Forked(os.getpid).result() not in (None, os.getpid())
    assert Forked(lambda: 1 // 0).result() is None
    assert Forked(lambda: os._exit(0)).result() is None  # finished without sending anything


yaml_text = st.text(
    alphabet=st.sampled_from(list("ab:-[]{}&*!%#'\"|>\n\t ,.01?@`~\\")), max_size=80
)


@settings(max_examples=400, deadline=None)
@given(yaml_text)
def test_parsing_arbitrary_text_never_raises_anything_else(text: str) -> None:
    try:
        parse_text(text, "fuzz.yaml", max_depth=20)
    except LoadError as exc:
        assert exc.diagnostic.code.startswith("QP0")


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(st.sampled_from(["queues", "id", "teams", "name", "x"]), inner)
        ),
        max_leaves=20,
    )
)
def test_validating_arbitrary_yaml_never_raises(value: object) -> None:
    import json

    from qplan.core.diagnostics import Report
    from qplan.model.organisation import build_organisation

    try:
        document, _ = parse_text(json.dumps(value, ensure_ascii=False), "w.yaml", max_depth=50)
    except LoadError:
        return  # text libyaml refuses (control characters) is the loader's business
    report = Report()
    build_organisation([document], report)
    assert all(d.code.startswith("QP0") for d in report.diagnostics)


def test_resolve_scalar_plain_text() -> None:
    assert resolve_scalar("sv-hate-speech-en") == "sv-hate-speech-en"


def test_the_byte_limit_holds_a_file_of_exactly_the_limit(tmp_path: Path) -> None:
    from qplan.load.reader import read_bytes

    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"x" * 100)
    assert read_bytes(exact, tmp_path, max_bytes=100) == b"x" * 100
    over = tmp_path / "over.yaml"
    over.write_bytes(b"x" * 101)
    with pytest.raises(LoadError) as raised:
        read_bytes(over, tmp_path, max_bytes=100)
    told = raised.value.diagnostic
    assert (told.code, told.file, told.message) == (
        "QP005",
        "over.yaml",
        "file is 101 bytes, over the limit of 100",
    )
