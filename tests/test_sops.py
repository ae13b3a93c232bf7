"""SOP templates render in a sandbox with bounded time, size and power."""

from __future__ import annotations

from pathlib import Path

import pytest

from qplan.sops.rendering import RenderError, duration, percent, render_text, team_list


def test_filters() -> None:
    assert duration("24h") == "24h"
    assert duration(86400) == "1d"
    assert percent(0.925, 1) == "92.5%"
    assert percent(95) == "95%"
    assert team_list({"us-austin": 40, "ph-manila": 60}) == "us-austin (40%), ph-manila (60%)"


def test_renders_plain_data() -> None:
    text = render_text("{% for q in queues %}{{ q.id }} {% endfor %}", {"queues": [{"id": "a"}]})
    assert text == "a "


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("ok\n{{ missing }}", "'missing' is undefined", 2),
        ("{{ ''.__class__.__mro__ }}", "not allowed in an SOP", 1),
        ("{{ queues.pop() }}", "not allowed in an SOP", 1),
        ("\n\n{% for i in range(100001) %}{% endfor %}", "range of 100,001 is over the limit", 3),
        ("{{ 'x' * 10**9 }}", "repetition builds more than", 1),
        ("{{ 'x' * 1000000 }}", "repetition builds more than 100,000 items", 1),
        ("{{ 9 ** 999999 }}", "power too large", 1),
        ("{% for x in y %}", "template syntax error", 1),
        ("{{ 'a' | format(1) }}", "No filter named 'format'", 1),
        ("{{ cycler }}", "'cycler' is undefined", 1),
        ("{% set ns = namespace(s='x') %}", "'namespace' is undefined", 1),
    ],
)
def test_sandbox_refusals(source: str, message: str, line: int) -> None:
    with pytest.raises(RenderError) as caught:
        render_text(source, {"queues": []}, "sops/t.md.j2")
    assert message in caught.value.message
    assert caught.value.line == line


def test_output_size_is_bounded() -> None:
    source = "{% for i in range(10000) %}{{ 'x' * 99999 }}{% endfor %}"
    with pytest.raises(RenderError) as caught:
        render_text(source, {}, "sops/t.md.j2")
    assert "output is over the limit" in caught.value.message


def test_rendering_time_is_bounded() -> None:
    source = "{% set l = [0] * 99999 %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}"
    with pytest.raises(RenderError) as caught:
        render_text(source, {}, "sops/t.md.j2")
    assert "rendering took longer than" in caught.value.message


def test_the_sop_stage_hands_its_texts_to_the_plan() -> None:
    """The SOPs are rendered once, by their own stage, and its typed result is what the plan's
    SOP resources are made from: nothing is left in the organisation for a later stage to
    find (a plan's SOP resources once depended on whether validation had rendered first)."""
    import json

    from qplan.app.workspace import validate_repository
    from qplan.load.settings import load_settings
    from qplan.plan.resources import desired_resources
    from qplan.sops.rendering import RenderedSops
    from tests.conftest import CASES

    result = validate_repository(settings=load_settings(CASES / "valid" / "minimal"))
    assert list(result.sops.texts) == ["sops/wf.md.j2"] and not result.sops.failures
    assert not hasattr(result.organisation.derived, "rendered_sops")
    with_texts = desired_resources(result.organisation, result.sops.texts)
    without = desired_resources(result.organisation, RenderedSops().texts)
    fields = json.loads(with_texts["sop.wf"].body)
    assert fields["rendered"] == result.sops.texts["sops/wf.md.j2"].text
    assert "rendered" not in json.loads(without["sop.wf"].body)


def test_a_reference_definition_the_site_cannot_have_is_qp144(tmp_path: Path) -> None:
    import shutil

    from tests.conftest import CASES, run_qplan

    repo = tmp_path / "repo"
    shutil.copytree(CASES / "valid" / "minimal", repo)
    sop = repo / "sops" / "wf.md.j2"
    sop.write_text(sop.read_text() + "\n[a][r] [b][s]\n\n[r]: wf.md\n  [s]: <https://ok.example>\n")
    result = run_qplan("validate", repo=repo)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "sops/wf.md.j2:16:6: QP144 SOP links to 'wf.md', which the documentation site does not have"
    )
