"""Fuzzing: whatever the files say, load → validate and SOP rendering never raise.

CI runs a bounded number of examples; for a longer run:

    QPLAN_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/security/test_fuzz.py
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qplan.app.workspace import validate_repository
from qplan.load.settings import load_settings
from qplan.sops.rendering import RenderError, SopRenderer
from tests.security.harness import MINIMAL

EXAMPLES = int(os.environ.get("QPLAN_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

YAML_PIECES = [
    "queues:",
    "teams:",
    "workflows:",
    "allocations:",
    "targets:",
    "guardrails:",
    "policies:",
    "\n  - ",
    "\n    ",
    "id: q",
    "name: ",
    "weekly_volume: ",
    "aht_seconds: ",
    "shares: {",
    "}",
    "[",
    "]",
    ": ",
    "&a ",
    "*a",
    "<<: *a",
    "!!python/object ",
    "%YAML 1.1\n",
    "---\n",
    "1e308",
    ".inf",
    ".nan",
    "-0",
    "0x1F",
    "'",
    '"',
    "\t",
    "\r\n",
    "\0",
    "\u202e",
    "é",
    "~",
    "null",
    "yes",
    "2026-02-30",
    "24h",
    "999999999999999999999d",
    "@",
    "#",
    "|\n  x",
    ">-\n  y",
]
SOP_PIECES = [
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "for q in queues",
    "endfor",
    "if ",
    "endif",
    "q.name",
    "sop.title",
    "teams",
    "| length",
    "| join(',')",
    "| percent",
    "| duration",
    "'a' * 99",
    "range(100)",
    "~",
    "+",
    "*",
    "%",
    "**",
    "(",
    ")",
    "[",
    "]",
    ".",
    "__class__",
    "x",
    "macro m(a)",
    "endmacro",
    "m(1)",
    "'{:9}'.format(1)",
    ".ljust(9)",
    "\n",
    "{#",
    "#}",
]


def _repo() -> Path:
    target = Path(tempfile.mkdtemp(prefix="qplan-fuzz-")) / "repo"
    shutil.copytree(MINIMAL, target)
    return target


@FUZZ
@given(st.lists(st.sampled_from(YAML_PIECES) | st.text(max_size=12), max_size=60).map("".join))
def test_validate_never_raises(text: str) -> None:
    repo = _repo()
    try:
        (repo / "workflows" / "fuzz.yaml").write_text(text, encoding="utf-8", errors="replace")
        result = validate_repository(settings=load_settings(repo))
        for diagnostic in result.report:
            assert "\n" not in diagnostic.render()
    finally:
        shutil.rmtree(repo.parent)


@FUZZ
@given(st.lists(st.sampled_from(SOP_PIECES) | st.text(max_size=8), max_size=40).map("".join))
def test_sop_rendering_never_raises_anything_but_a_render_error(body: str) -> None:
    context = {
        "queues": [{"name": "Q", "targets": None}],
        "sop": {"title": "T"},
        "teams": {},
        "workflow": None,
    }
    try:
        SopRenderer().render(body, context, "fuzz.md.j2")
    except RenderError as exc:
        assert exc.message
