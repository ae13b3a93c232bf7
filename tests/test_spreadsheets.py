"""``qplan export`` and ``qplan import``: the example organisation round-trips through a
workbook and through CSV without a change; edits come back as reviewable YAML changes;
bad cells are reported as file:sheet!A12."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import run_qplan
from tests.plan_scenario import apply_all
from tests.security.harness import snapshot

KINDS = (
    "workflows",
    "policies",
    "profiles",
    "teams",
    "guardrails",
    "queues",
    "targets",
    "allocations",
)
#: how many of each the example has
COUNTS = {
    "workflows": 6,
    "policies": 9,
    "profiles": 2,
    "teams": 9,
    "guardrails": 6,
    "queues": 43,
    "targets": 22,
    "allocations": 25,
}


def _plan_changes(repo: Path, state: str) -> list[str]:
    result = run_qplan("--state", state, "plan", "--format", "json", repo=repo)
    assert result.exit_code in (0, 2), result.output
    changes = json.loads(result.output)["resource_changes"]
    return [f"{c['action']} {c['address']}" for c in changes if c["action"] != "no-op"]


def test_export_then_import_changes_nothing(example_repo: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    before = snapshot(example_repo)
    book = tmp_path / "organisation.xlsx"
    result = run_qplan("export", "--out", str(book), repo=example_repo)
    assert result.exit_code == 0, result.output
    assert load_workbook(book).sheetnames == [
        *KINDS[:4],
        "shifts",
        *KINDS[4:],
        "phases",
        "cases",
    ]
    counts = COUNTS
    whole = run_qplan("import", str(book), repo=example_repo)
    assert whole.output == "".join(
        f"Imported {kind}: 0 new, 0 updated, {count} unchanged.\n"
        for kind, count in [*COUNTS.items(), ("cases", 17)]
    )
    for kind in KINDS:
        result = run_qplan("import", str(book), "--kind", kind, repo=example_repo)
        assert result.output == (
            f"Imported {kind}: 0 new, 0 updated, {counts[kind]} unchanged.\n"
        ), result.output
        csv_file = tmp_path / f"{kind}.csv"
        exported = run_qplan("export", "--format", "csv", "--kind", kind, "--out", str(csv_file),
                             repo=example_repo)  # fmt: skip
        assert exported.exit_code == 0
        result = run_qplan("import", str(csv_file), "--kind", kind, repo=example_repo)
        assert result.output.endswith(f"0 new, 0 updated, {counts[kind]} unchanged.\n")
    assert snapshot(example_repo) == before
    assert _plan_changes(example_repo, state) == []


def test_edited_and_new_rows_become_yaml_changes(example_repo: Path, tmp_path: Path) -> None:
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    workbook = load_workbook(book)
    sheet = workbook["queues"]
    head = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    rows["sv-hate-speech-en"][head.index("forecast.weekly_volume")].value = 90000
    allocations = workbook["allocations"]
    # a column per team: shares.in-hyderabad, shares.ph-manila …
    columns = [c.value for c in allocations[1]]
    assert columns[:3] == ["queue", "shares.co-bogota", "shares.de-berlin"]
    new: list[object] = [None] * len(columns)
    new[0] = "ls-safety-hi"
    new[columns.index("shares.in-hyderabad")] = 60
    new[columns.index("shares.ph-manila")] = 40
    allocations.append(new)
    workbook.save(book)
    result = run_qplan("import", str(book), "--kind", "queues", repo=example_repo)
    assert result.output == "Imported queues: 0 new, 1 updated, 42 unchanged.\n"
    text = (example_repo / "workflows" / "short-video.yaml").read_text(encoding="utf-8")
    assert "forecast: {arrival: backlog, weekly_volume: 90000, aht_seconds: 42}" in text
    assert "# " in text  # the file's comments are still there
    result = run_qplan(
        "import", str(book), "--kind", "allocations", "--into", "workflows/from-sheet.yaml",
        repo=example_repo,
    )  # fmt: skip
    assert result.output == "Imported allocations: 1 new, 0 updated, 25 unchanged.\n"
    assert (example_repo / "workflows" / "from-sheet.yaml").read_text(encoding="utf-8") == (
        "allocations:\n  - queue: ls-safety-hi\n    shares: {in-hyderabad: 60, ph-manila: 40}\n"
    )
    assert _plan_changes(example_repo, state) == [
        "create allocation.ls-safety-hi",
        "update sop.livestream",  # its queue table shows the new allocation
        "update queue.sv-hate-speech-en",
    ]


MAPPED = [
    "import", "plan.xlsx", "--kind", "queues", "--map", "Queue ID=id",
    "--map", "Weekly volume=forecast.weekly_volume", "--map", "colour=description",
]  # fmt: skip


def test_bad_cells_are_reported_at_their_place(
    example_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    book = tmp_path / "plan.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "teams"
    queues = workbook.create_sheet("queues")
    queues.append(
        ["Queue ID", "name", "workflow", "kind", "status", "policy", "languages",
         "Weekly volume", "forecast.aht_seconds", "forecast.arrival", "colour"]
    )  # fmt: skip
    queues.append(
        ["q-new", "New", "livestream", "production", "draft", "livestream-safety@7",
         "[es", "lots", 40, "backlog", "red"]
    )  # fmt: skip
    workbook.save(book)
    before = snapshot(example_repo)
    result = run_qplan("import", str(book), "--kind", "queues", repo=example_repo)
    assert (result.exit_code, result.output) == (
        1,
        "plan.xlsx:queues!A1: QP020 column 'Queue ID' is not a field of queue\n"
        "  hint: map it with --map COLUMN=field, or remove the column\n"
        "plan.xlsx:queues!H1: QP020 column 'Weekly volume' is not a field of queue\n"
        "  hint: map it with --map COLUMN=field, or remove the column\n"
        "plan.xlsx:queues!K1: QP020 column 'colour' is not a field of queue\n"
        "  hint: map it with --map COLUMN=field, or remove the column\n"
        "Nothing was imported: 3 bad cell(s).\n",
    )
    result = run_qplan(*MAPPED, repo=example_repo)
    assert (result.exit_code, result.output) == (
        1,
        "plan.xlsx:queues!G2: QP022 languages: YAML syntax error: did not find expected ',' or "
        "']' (while parsing a flow sequence)\n"
        "plan.xlsx:queues!H2: QP023 queue q-new: forecast.weekly_volume: input should be a "
        "valid number\n"
        "Nothing was imported: 2 bad cell(s).\n",
    )
    queues["G2"] = "[es]"
    workbook.save(book)
    result = run_qplan(*MAPPED, repo=example_repo)
    assert (result.exit_code, result.output) == (
        1,
        "plan.xlsx:queues!H2: QP023 queue q-new: forecast.weekly_volume: input should be a "
        "valid number\n"
        "Nothing was imported: 1 bad cell(s).\n",
    )
    assert snapshot(example_repo) == before


def test_the_result_must_validate(example_repo: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("queue,shares\nls-safety-hi,{nobody: 100}\n", encoding="utf-8")
    before = snapshot(example_repo)
    result = run_qplan("import", str(csv_file), "--kind", "allocations", repo=example_repo)
    assert result.exit_code == 1
    assert result.output.splitlines() == [  # the cell, not workflows/imported.yaml:3:14
        "a.csv:2:2: QP102 unknown team 'nobody'",
        "Nothing was imported: the result would not validate (1 error(s)).",
    ]
    assert snapshot(example_repo) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bomb.xlsx", "bomb", "bomb.xlsx: QP001 unpacks to 300,000,000 bytes, over the limit "
         "of 268,435,456"),
        ("junk.xlsx", b"not a zip", "junk.xlsx: QP001 is not an xlsx workbook (File is not a "
         "zip file)"),
        ("semi.csv", b"queue;shares\n", "semi.csv: QP001 separates its columns with ';'; "
         "qplan reads comma-separated CSV"),
        ("latin.csv", "queue,shares\nq\xe9,x\n".encode("latin-1"), "latin.csv: QP001 is not "
         "UTF-8 text"),
        ("notes.txt", b"x", "notes.txt: QP001 is neither .xlsx nor .csv"),
    ],
)  # fmt: skip
def test_hostile_spreadsheets_are_one_line(
    example_repo: Path, tmp_path: Path, name: str, content: str | bytes, message: str
) -> None:
    path = tmp_path / name
    if content == "bomb":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/sharedStrings.xml", b"\0" * 300_000_000)
        path.write_bytes(buffer.getvalue())
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    before = snapshot(example_repo)
    result = run_qplan("import", str(path), "--kind", "allocations", repo=example_repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(message), result.output
    assert result.output.splitlines()[-1] == "Nothing was imported."
    assert snapshot(example_repo) == before


def test_import_usage_errors(example_repo: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "a.csv"
    csv_file.write_text("queue,shares\n", encoding="utf-8")
    for args, message in [
        (["--into", "../outside.yaml"], "error: --into: '../outside.yaml' is not a "
         ".yaml/.yml file under workflows/\n"),
        (["--map", "nothing"], "error: --map: 'nothing' is not COLUMN=field\n"),
    ]:  # fmt: skip
        result = run_qplan("import", str(csv_file), "--kind", "allocations", *args,
                           repo=example_repo)  # fmt: skip
        assert (result.exit_code, result.output) == (64, message)
    result = run_qplan("import", str(tmp_path / "none.csv"), "--kind", "teams", repo=example_repo)
    assert (result.exit_code, result.output) == (64, f"error: no file '{tmp_path / 'none.csv'}'\n")
    result = run_qplan("export", "--format", "csv", repo=example_repo)
    assert (result.exit_code, result.output) == (
        64,
        "error: --format csv writes one kind: give --kind\n",
    )


def test_text_that_looks_like_a_formula_stays_text(example_repo: Path, tmp_path: Path) -> None:
    """A name a spreadsheet would run as a formula is text in the workbook, and carries a
    leading apostrophe in CSV; both come back in unchanged."""
    org = example_repo / "workflows" / "organisation.yaml"
    hostile = '=HYPERLINK("http://example.invalid","x")'
    org.write_text(
        org.read_text(encoding="utf-8").replace(
            "name: Northwind Review Services · Manila", f"name: '{hostile}'"
        ),
        encoding="utf-8",
    )
    assert run_qplan("validate", repo=example_repo).exit_code == 0
    before = snapshot(example_repo)
    book = tmp_path / "o.xlsx"
    assert run_qplan("export", "--out", str(book), repo=example_repo).exit_code == 0
    cells = [c for row in load_workbook(book)["teams"].iter_rows() for c in row]
    [cell] = [c for c in cells if c.value == hostile]
    assert cell.data_type == "s"
    csv_file = tmp_path / "teams.csv"
    run_qplan("export", "--format", "csv", "--kind", "teams", "--out", str(csv_file),
              repo=example_repo)  # fmt: skip
    assert ",\"'=HYPERLINK(" in csv_file.read_text(encoding="utf-8")
    for source in (book, csv_file):
        result = run_qplan("import", str(source), "--kind", "teams", repo=example_repo)
        assert result.output == "Imported teams: 0 new, 0 updated, 9 unchanged.\n", result.output
    assert snapshot(example_repo) == before


def test_a_csv_whose_first_line_is_blank_has_no_header(example_repo: Path, tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text('\nqueue,shares\nls-safety-hi,"{in-hyderabad: 100}"\n', encoding="utf-8")
    result = run_qplan("import", str(path), "--kind", "allocations", repo=example_repo)
    assert (result.exit_code, result.output) == (
        1,
        "blank.csv:2:1: QP021 row 2 names no queue\n"
        "blank.csv:3:1: QP021 row 3 names no queue\n"
        "Nothing was imported: 2 bad cell(s).\n",
    )


def test_a_new_repository_from_the_examples_workbook_plans_no_change(
    example_repo: Path, tmp_path: Path
) -> None:
    """`qplan init org && cd org && qplan import plan.xlsx && qplan validate && qplan plan`:
    against a state applied from the example, the plan changes no workflow, policy, profile,
    team, queue, target, allocation, guardrail or case set; only the SOPs, which a workbook
    does not hold, are stubs to write."""
    state = str(tmp_path / "state.db")
    apply_all(example_repo, state)
    book = tmp_path / "plan.xlsx"
    assert run_qplan("export", "--out", str(book), repo=example_repo).exit_code == 0
    assert run_qplan("init", "org", repo=tmp_path).exit_code == 0
    org = tmp_path / "org"
    result = run_qplan("import", str(book), repo=org)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:9] == [
        f"Imported {kind}: {count} new, 0 updated, 0 unchanged."
        for kind, count in [*COUNTS.items(), ("cases", 17)]
    ]
    assert "  made sops/minor-safety.md.j2 (an SOP stub to write: a new queue names it)" in lines
    assert lines[-1] == (
        "  removed the starter workflow moderation: the workbook's workflows replace it"
    )
    assert run_qplan("validate", repo=org).output == "Valid: no problems found.\n"
    assert _plan_changes(org, state) == [
        f"update sop.{name}"
        for name in (
            "appeals", "comments", "commerce", "livestream", "minor-safety", "short-video",
        )
    ]  # fmt: skip


def test_a_workbook_repairs_an_invalid_repository(example_repo: Path, tmp_path: Path) -> None:
    """The comment queues removed while their targets and allocations stay: the repository
    has errors, but the result of bringing the workbook in is valid, so it is written."""
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    path = example_repo / "workflows" / "comments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\nqueues:\n")] + text[text.index("\ntargets:\n") :])
    assert run_qplan("validate", repo=example_repo).exit_code == 1
    result = run_qplan("import", str(book), repo=example_repo)
    assert result.exit_code == 0, result.output
    assert "Imported queues: 8 new, 0 updated, 35 unchanged." in result.output.splitlines()
    assert run_qplan("validate", repo=example_repo).output == "Valid: no problems found.\n"


def test_a_workbook_that_changes_nothing_leaves_an_invalid_repository_refused(
    example_repo: Path, tmp_path: Path
) -> None:
    """Importing what is already there into an invalid repository: the result is the
    repository as it is, so it is refused with the repository's own errors."""
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    path = example_repo / "workflows" / "short-video.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "shares: {us-austin: 40, us-reno: 60}", "shares: {us-austin: 40, us-reno: 50}"
        ),
        encoding="utf-8",
    )
    before = snapshot(example_repo)
    result = run_qplan("import", str(book), "--kind", "teams", repo=example_repo)
    assert (result.exit_code, result.output.splitlines()[-1]) == (
        1,
        "Nothing was imported: the result would not validate (1 error(s)).",
    )
    assert "QP110 shares of sv-hate-speech-en sum to 90, not 100" in result.output
    assert snapshot(example_repo) == before


def test_a_bad_cell_on_any_sheet_refuses_the_whole_workbook(
    example_repo: Path, tmp_path: Path
) -> None:
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    workbook = load_workbook(book)
    sheet = workbook["guardrails"]
    head = [c.value for c in sheet[1]]
    column = head.index("max_percent")
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column + 1).value)
    sheet.cell(row, column + 1).value = 140
    workbook.save(book)
    before = snapshot(example_repo)
    result = run_qplan("import", str(book), repo=example_repo)
    assert result.exit_code == 1
    letter = chr(ord("A") + column)
    gid = sheet.cell(row, 1).value
    assert result.output.splitlines()[0].startswith(
        f"plan.xlsx:guardrails!{letter}{row}: QP023 guardrail {gid}: "
    )
    assert result.output.endswith("Nothing was imported: 1 bad cell(s).\n")
    assert snapshot(example_repo) == before


def test_a_refused_result_points_at_the_workbook_cells(example_repo: Path, tmp_path: Path) -> None:
    """A queue whose escalation names no queue: the result's problems are told at the
    cells that made them (the escalates_to cell, the status the gate is about), never at
    lines of a YAML file that was never written."""
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    workbook = load_workbook(book)
    sheet = workbook["queues"]
    head = [c.value for c in sheet[1]]
    escalates, status = head.index("escalates_to") + 1, head.index("status") + 1
    assert sheet.cell(2, 1).value == "ap-account-en" and sheet.cell(2, escalates).value
    sheet.cell(2, escalates).value = "nowhere"
    workbook.save(book)
    assert run_qplan("init", "org", repo=tmp_path).exit_code == 0
    org = tmp_path / "org"
    before = snapshot(org)
    result = run_qplan("import", str(book), repo=org)
    assert result.exit_code == 1
    col = {n: chr(ord("A") + n - 1) for n in (escalates, status)}
    assert result.output.splitlines() == [
        f"plan.xlsx:queues!{col[status]}2: QP170 live queue ap-account-en fails the gate "
        "'escalation path ends in a live queue': no escalation path",
        "  hint: set `escalates_to`",
        f"plan.xlsx:queues!{col[escalates]}2: QP102 unknown queue 'nowhere'",
        "Nothing was imported: the result would not validate (2 error(s)).",
    ]
    assert snapshot(org) == before


def _sheet_rows(book: Path, name: str) -> list[tuple[object, ...]]:
    return list(load_workbook(book)[name].iter_rows(values_only=True))


def test_shifts_and_phases_have_sheets_of_their_own(example_repo: Path, tmp_path: Path) -> None:
    """A team's shifts and an allocation's phases are a row each on their own sheets, not
    one cell of YAML: edited there, only the entries that changed change in the files."""
    book = tmp_path / "plan.xlsx"
    assert run_qplan("export", "--out", str(book), repo=example_repo).exit_code == 0
    assert "shifts" not in _sheet_rows(book, "teams")[0]
    shifts = _sheet_rows(book, "shifts")
    assert shifts[:3] == [
        ("team", "days", "start", "end", "fte"),
        ("ph-manila", "[mon, tue, wed, thu, fri]", "05:00", "14:00", 24),
        ("ph-manila", "[wed, thu, fri, sat, sun]", "06:00", "15:00", 16),
    ]
    teams = sorted({"co-bogota", "de-berlin", "in-hyderabad", "ph-cebu", "ph-manila"}
                   | {"pt-lisbon", "us-austin", "us-raleigh", "us-reno"})  # fmt: skip
    phases_head = ("queue", "from", *(f"shares.{t}" for t in teams))
    recovery = (
        "recovery.backlog",
        "recovery.clear_by",
        *(f"recovery.extra_fte.{t}" for t in teams),
    )
    assert _sheet_rows(book, "phases") == [(*phases_head, *recovery)]  # a column per team
    workbook = load_workbook(book)
    manila = next(
        r for r in range(2, workbook["shifts"].max_row + 1)
        if workbook["shifts"].cell(r, 1).value == "ph-manila"
    )  # fmt: skip
    workbook["shifts"].cell(manila, 5).value = 20
    phases = workbook["phases"]
    raleigh = 2 + phases_head.index("shares.us-raleigh")
    for row, (day, austin, us_raleigh) in enumerate(
        [("2026-12-13", 25, 15), ("2027-01-04", 10, 30)], start=2
    ):
        phases.cell(row, 1).value = "sv-hate-speech-es"
        phases.cell(row, 2).value = day
        phases.cell(row, 2 + phases_head.index("shares.co-bogota") - 1).value = 60
        phases.cell(row, 2 + phases_head.index("shares.us-austin") - 1).value = austin
        phases.cell(row, raleigh - 1).value = us_raleigh
    workbook.save(book)
    organisation = (example_repo / "workflows" / "organisation.yaml").read_text("utf-8")
    result = run_qplan("import", str(book), repo=example_repo)
    assert result.exit_code == 0, result.output
    assert "Imported teams: 0 new, 1 updated, 8 unchanged." in result.output.splitlines()
    assert "Imported allocations: 0 new, 1 updated, 24 unchanged." in result.output.splitlines()
    after = (example_repo / "workflows" / "organisation.yaml").read_text("utf-8")
    assert after == organisation.replace(
        '      - {days: [mon, tue, wed, thu, fri], start: "05:00", end: "14:00", fte: 24}',
        '      - {days: [mon, tue, wed, thu, fri], start: "05:00", end: "14:00", fte: 20}',
    )
    assert (
        "  - queue: sv-hate-speech-es\n"
        "    shares: {co-bogota: 60, us-austin: 40}\n"
        "    phases:\n"
        "      - {from: 2026-12-13, shares: {co-bogota: 60, us-austin: 25, us-raleigh: 15}}\n"
        "      - {from: 2027-01-04, shares: {co-bogota: 60, us-austin: 10, us-raleigh: 30}}\n"
    ) in (example_repo / "workflows" / "short-video.yaml").read_text("utf-8")
    assert run_qplan("validate", repo=example_repo).exit_code == 0
    # and back: the phases exported as they were imported, and imported again unchanged
    again = tmp_path / "again.xlsx"
    assert run_qplan("export", "--out", str(again), repo=example_repo).exit_code == 0
    assert _sheet_rows(again, "phases")[1] == (
        "sv-hate-speech-es", "2026-12-13", 60, 25, 15
    )  # fmt: skip
    unchanged = run_qplan("import", str(again), "--kind", "allocations", repo=example_repo)
    assert unchanged.output == "Imported allocations: 0 new, 0 updated, 25 unchanged.\n"


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "told"),
    [
        ("shifts", "C", "25:00", "QP023 team ph-manila: shifts.0.start: string should match"),
        (
            "shifts",
            "A",
            "nowhere",
            "QP021 shifts of team 'nowhere', which no row of the teams sheet has",
        ),
    ],
    ids=["bad-time", "unknown-team"],
)
def test_a_bad_row_of_a_list_sheet_is_told_at_its_cell(
    example_repo: Path, tmp_path: Path, sheet: str, cell: str, value: str, told: str
) -> None:
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    workbook = load_workbook(book)
    workbook[sheet][f"{cell}2"].value = value
    workbook.save(book)
    before = snapshot(example_repo)
    for args in ([], ["--kind", "teams"]):
        result = run_qplan("import", str(book), *args, repo=example_repo)
        assert result.exit_code == 1
        lines = result.output.splitlines()
        assert lines[0].startswith(f"plan.xlsx:{sheet}!{cell}2: {told}"), lines
        assert lines[-1].startswith("Nothing was imported: ")
    assert snapshot(example_repo) == before


def test_a_refused_phase_is_told_at_its_row_of_the_phases_sheet(
    example_repo: Path, tmp_path: Path
) -> None:
    """A phase that gives a vendor more than its guardrail allows: the result's problem is
    told at the phase's row on the phases sheet (it is about the phase's shares, which are
    several cells)."""
    book = tmp_path / "plan.xlsx"
    run_qplan("export", "--out", str(book), repo=example_repo)
    workbook = load_workbook(book)
    phases = workbook["phases"]
    head = [c.value for c in phases[1]]
    phases.cell(2, 1).value = "sv-hate-speech-es"
    phases.cell(2, 2).value = "2027-01-04"
    phases.cell(2, head.index("shares.co-bogota") + 1).value = 80
    phases.cell(2, head.index("shares.us-raleigh") + 1).value = 20
    workbook.save(book)
    before = snapshot(example_repo)
    result = run_qplan("import", str(book), repo=example_repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        "plan.xlsx:phases!A2: QP201 vendor Helix Trust Partners takes 80% of "
        "sv-hate-speech-es from 2027-01-04, over the 60% of guardrail vendor-concentration",
        "  hint: spread the volume over more vendors or in-house teams",
    ]
    assert result.output.endswith(
        "\nNothing was imported: the result would not validate (1 error(s)).\n"
    )
    assert snapshot(example_repo) == before


def test_an_export_is_dated_by_the_planning_day_not_the_clock(
    example_repo: Path, tmp_path: Path
) -> None:
    """The same organisation on the same day exports the same bytes: every entry of the
    workbook's zip, and its properties, carry the day (QPLAN_TODAY), not the time of the
    export."""
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run_qplan("export", "--out", str(first), repo=example_repo).exit_code == 0
    assert run_qplan("export", "--out", str(second), repo=example_repo).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(2026, 12, 7, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-12-07T00:00:00Z' in core
