"""The suite's own rules: expected output is rewritten only on request, and never proves
itself; CI refuses the request."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tests.conftest as conftest
from tests.conftest import ROOT, expect_golden


def test_a_rewritten_golden_fails_its_test_and_an_equal_one_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    golden = tmp_path / "expected.txt"
    golden.write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        expect_golden(golden, "new\n")  # without the option: a difference fails
    assert golden.read_text(encoding="utf-8") == "old\n"
    monkeypatch.setattr(conftest, "_UPDATING", [True])
    with pytest.raises(pytest.fail.Exception, match=r"rewrote .*expected\.txt: review the diff"):
        expect_golden(golden, "new\n")
    assert golden.read_text(encoding="utf-8") == "new\n"
    expect_golden(golden, "new\n")  # nothing to rewrite: the test passes


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"QPLAN_REQUIRE_BROWSER": "1"},
            "ERROR: --update-goldens is refused where QPLAN_REQUIRE_BROWSER is set (CI)",
        ),
        ({"QPLAN_UPDATE_EXPECTED": "1"}, "ERROR: QPLAN_UPDATE_EXPECTED is gone"),
    ],
    ids=["in-ci", "the-old-variable"],
)
def test_ci_refuses_to_rewrite_expected_output(env: dict[str, str], message: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QPLAN_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "0",
         "--update-goldens", "tests/test_suite.py", "-k", "equal_one"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 4, done.stdout + done.stderr
    assert message in done.stderr


def test_one_policy_for_tests_that_need_a_helper_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On one CPU a forked helper cannot run: its tests skip, unless CI requires them."""
    import qplan.core.forked as forked
    from tests.conftest import need_a_helper_process

    monkeypatch.setattr(forked, "cpus", lambda: 1)
    monkeypatch.delenv("QPLAN_REQUIRE_FORK", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"1 CPU\(s\) usable"):
        need_a_helper_process()
    monkeypatch.setenv("QPLAN_REQUIRE_FORK", "1")
    with pytest.raises(pytest.fail.Exception, match="QPLAN_REQUIRE_FORK is set but"):
        need_a_helper_process()
