"""The layout holds: one registry of kinds and of rules, reporters by format, modules of
bounded size, and import contracts that fail when a change breaks them."""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src" / "qplan"


def _code_sites() -> dict[str, set[str]]:
    """Rule code → the modules that write it as a literal."""
    sites: dict[str, set[str]] = defaultdict(set)
    for path in sorted(SRC.rglob("*.py")):
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        if module == "qplan.core.rules":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            if re.fullmatch(r"QP\d{3}", node.value):
                sites[node.value].add(module)
    return sites


#: codes still written in a second module: the spreadsheet import reports a cell under the
#: code the loader would give its YAML; the loader and the organisation each find a file
#: problem of their own (QP014, QP104); retirement is checked in validate and at plan time
SECOND_SITES = {
    "QP014": {"qplan.load.reader", "qplan.model.organisation"},
    "QP020": {"qplan.model.organisation", "qplan.edit.spreadsheets"},
    "QP021": {"qplan.model.organisation", "qplan.edit.spreadsheets"},
    "QP022": {"qplan.model.organisation", "qplan.edit.spreadsheets"},
    "QP023": {"qplan.model.organisation", "qplan.edit.spreadsheets", "qplan.check.semantics"},
    "QP101": {"qplan.check.semantics", "qplan.edit.spreadsheets"},
    "QP104": {"qplan.check.semantics", "qplan.model.organisation"},
    "QP191": {"qplan.check.semantics", "qplan.plan.lifecycle"},
}


def test_every_rule_code_is_written_in_one_module() -> None:
    """A code is declared once: other modules use the owner's constant (the plan's impact
    warnings use the capacity rule's QP160–QP162, the optimiser the guardrails' codes)."""
    from qplan.core.rules import RULES

    sites = _code_sites()
    assert set(sites) <= set(RULES), set(sites) - set(RULES)
    many = {code: found for code, found in sites.items() if len(found) > 1}
    assert many == SECOND_SITES
    assert set(RULES) == set(sites), set(RULES) - set(sites)


def test_every_rule_says_where_it_is_implemented() -> None:
    from qplan.core.rules import RULES

    sites = _code_sites()
    for code, rule in RULES.items():
        module, _, function = rule.where.partition(":")
        found = importlib.import_module(module)
        if function:
            assert callable(getattr(found, function)), code
        source = Path(str(found.__file__)).read_text(encoding="utf-8")
        # it writes the code, or imports the module that declares it
        assert module in sites[code] or any(site in source for site in sites[code]), code


def test_rules_prints_where_each_rule_is_implemented() -> None:
    from tests.conftest import run_qplan

    lines = run_qplan("rules").output.splitlines()
    assert lines[0].split() == ["CODE", "SEVERITY", "NAME", "SUPPRESS", "WHERE"]
    row = next(line for line in lines if line.startswith("QP160"))
    assert row.split()[:5] == [
        "QP160",
        "warning",
        "team-over-cap",
        "yes",
        "qplan.check.capacity_rules:capacity",
    ]


def test_the_kinds_are_one_registry() -> None:
    """Every place that lists kinds takes them from qplan.core.kinds."""
    from qplan.cli.projects import _KINDS
    from qplan.core.kinds import FILE_KINDS, FILE_ORDER, PLAN_ORDER, TABULAR
    from qplan.edit.fmt import _field_orders
    from qplan.edit.spreadsheets import SHEETS
    from qplan.model import format as m
    from qplan.model.tabular import TABULAR_KINDS
    from qplan.plan.resources import KIND_ORDER

    assert list(m.KINDS) == list(FILE_ORDER) == [k.plural for k in FILE_KINDS]
    assert list(m.WorkflowsFile.model_fields) == list(FILE_ORDER)
    assert all(m.KINDS[str(k.plural)] is getattr(m, str(k.model)) for k in FILE_KINDS)
    assert KIND_ORDER == PLAN_ORDER
    assert list(TABULAR_KINDS) == list(SHEETS) == list(TABULAR) == list(_KINDS.choices)
    assert set(FILE_ORDER) <= set(_field_orders())


@pytest.mark.parametrize(
    ("command", "reporters"),
    [
        (["capacity"], "qplan.report.capacity:REPORTERS"),
        (["health"], "qplan.report.health:REPORTERS"),
        (["recover"], "qplan.report.recovery:REPORTERS"),
        (["status"], "qplan.report.status:REPORTERS"),
        (["readiness"], "qplan.report.readiness:REPORTERS"),
        (["erlang"], "qplan.report.erlang:REPORTERS"),
        (["scenario"], "qplan.report.strategy:scenario_reporters"),
        (["allocate"], "qplan.report.strategy:allocation_reporters"),
        (["rules"], "qplan.report.rules:REPORTERS"),
        (["state", "history"], "qplan.report.state:HISTORY"),
        (["state", "show"], "qplan.report.state:REVISION"),
        (["state", "show"], "qplan.report.state:RESOURCE"),
    ],
)
def test_each_command_offers_the_formats_its_report_has(command: list[str], reporters: str) -> None:
    import click

    from qplan.cli import cli

    module, _, name = reporters.partition(":")
    found = getattr(importlib.import_module(module), name)
    formats = found.formats if hasattr(found, "formats") else found().formats
    found_command: click.Command = cli
    for name in command:
        assert isinstance(found_command, click.Group)
        found_command = found_command.commands[name]
    option = next(p for p in found_command.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert sorted(option.type.choices) == sorted(formats)


def test_no_module_is_over_800_lines_and_no_folder_over_a_fifth() -> None:
    sizes = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in SRC.rglob("*.py")}
    total = sum(sizes.values())
    assert {p.relative_to(SRC).as_posix(): n for p, n in sizes.items() if n > 800} == {}
    folders: dict[str, int] = defaultdict(int)
    for path, lines in sizes.items():
        parts = path.relative_to(SRC).parts
        if len(parts) > 1:
            folders[parts[0]] += lines
    assert {f: n for f, n in folders.items() if n > total / 5} == {}


#: one breach of each contract: (module to change, the import it gains, the contract broken)
BREACHES = [
    ("report/plan.py", "import qplan.site.pages", "Stages import only the stages before them"),
    ("site/links.py", "import qplan.edit.fmt", "Stages import only the stages before them"),
    ("core/text.py", "import qplan.load.reader", "Stages import only the stages before them"),
    ("app/git.py", "import qplan.cli.common", "Stages import only the stages before them"),
    (
        "cli/tidy.py",
        "import qplan.model.format",
        "The command line imports only the use cases, the reports and core",
    ),
    (
        "plan/state/sqlite.py",
        "import qplan.plan.state.postgres",
        "The SQLite state backend does not import the PostgreSQL one",
    ),
    (
        "plan/state/postgres.py",
        "import qplan.plan.state.sqlite",
        "The PostgreSQL state backend does not import the SQLite one",
    ),
]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(script), str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_import_contracts_hold_and_each_breaks_when_breached(tmp_path: Path) -> None:
    """lint-imports passes on the package, and fails, naming the contract, on a copy of it
    with one forbidden import added, for every contract."""
    tree = tmp_path / "tree"
    shutil.copytree(SRC, tree / "src" / "qplan", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    done = _lint_imports(tree)
    assert done.returncode == 0, done.stdout
    for module, line, contract in BREACHES:
        target = tree / "src" / "qplan" / module
        kept = target.read_text(encoding="utf-8")
        target.write_text(kept + f"\n{line}  # noqa\n", encoding="utf-8")
        try:
            done = _lint_imports(tree)
        finally:
            target.write_text(kept, encoding="utf-8")
        assert done.returncode == 1, (module, done.stdout)
        broken = done.stdout.split("Broken contracts", 1)[1]
        assert f"{contract}\n" in broken, (module, done.stdout)


def test_one_module_forks() -> None:
    """Every helper process comes from qplan.core.forked.spawn (the parsing helper, the SOP
    renderer under its limits, the docs build's page helper)."""
    forking = sorted(
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        if "os.fork(" in path.read_text(encoding="utf-8")
    )
    assert forking == ["core/forked.py"]


def test_a_spawned_child_leaves_with_its_status_and_never_returns(tmp_path: Path) -> None:
    import os

    from qplan.core.forked import spawn

    mark = tmp_path / "ran"

    def work() -> None:
        mark.write_text("yes")

    def fails() -> None:
        raise RuntimeError("in the child")

    done = [os.waitpid(spawn(job), 0)[1] for job in (work, fails)]
    assert [os.WEXITSTATUS(status) for status in done] == [0, 1]
    assert mark.read_text() == "yes"
