"""The repository's own example organisation: valid, and as rich as the issue promises."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from qplan.app.workspace import validate_repository
from qplan.load.settings import load_settings
from tests.conftest import ROOT


def test_example_is_valid_with_no_warnings() -> None:
    result = validate_repository(settings=load_settings(ROOT))
    assert [d.render() for d in result.report] == []


@pytest.mark.parametrize("ahead", [0, 180], ids=["today", "in 180 days"])
def test_example_does_not_decay(monkeypatch: pytest.MonkeyPatch, ahead: int) -> None:
    """The example is what every newcomer runs: on the real calendar, today and half a year
    from now, no review falls due and no milestone passes. When this fails, the example's
    dates need renewing (SOP reviews are yearly; milestones are done or far ahead)."""
    day = date.today() + timedelta(days=ahead)
    monkeypatch.setenv("QPLAN_TODAY", day.isoformat())
    result = validate_repository(settings=load_settings(ROOT))
    assert [d.render() for d in result.report] == [], f"the example decays by {day}"


def test_example_is_rich_enough() -> None:
    org = validate_repository(settings=load_settings(ROOT)).organisation
    assert set(org.workflows) >= {
        "short-video",
        "livestream",
        "comments",
        "appeals",
        "commerce",
        "minor-safety",
    }
    assert len(org.queues) >= 40
    kinds = Counter(q.kind for q in org.queues.values())
    assert kinds["production"] >= 10 and kinds["training"] >= 10
    assert kinds["escalation"] >= 4 and kinds["qa"] >= 2
    assert {q.forecast.arrival for q in org.queues.values() if q.forecast} == {
        "backlog",
        "realtime",
    }
    assert any(q.data_classification == "us_protected" for q in org.queues.values())
    assert len({lang for q in org.queues.values() for lang in q.languages}) >= 5
    in_house_us = [t for t in org.teams.values() if t.type == "in_house" and t.country == "US"]
    bpo = [t for t in org.teams.values() if t.type == "bpo"]
    assert len(in_house_us) >= 3 and len(bpo) >= 5
    assert len({t.vendor for t in bpo}) >= 3 and len({t.country for t in bpo}) >= 3
    for queue in org.queues.values():
        if queue.status == "live":
            assert org.target_for(queue) is not None, queue.id
    sop_workflows = {org.queues[q].workflow for sop in org.sops.values() for q in sop.front.queues}
    assert sop_workflows == set(org.workflows)


def test_example_says_it_is_fictional() -> None:
    header = (ROOT / "workflows" / "organisation.yaml").read_text(encoding="utf-8")[:600]
    assert "FICTIONAL" in header
