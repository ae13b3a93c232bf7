"""`allocate --write` and `recover --write` edit one allocation: never through a YAML
anchor or merge key, which would change every item that shares it while the diff shows
one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qplan.core.errors import QplanError
from qplan.edit.documents import add_allocation_phases, set_allocation_shares
from qplan.load.settings import load_settings

ALLOCATIONS = """allocations:
  - queue: a
    shares: &even {x: 50, y: 50}
  - queue: b
    shares: *even
  - &base
    queue: c
    shares: {x: 100}
  - <<: *base
    queue: d
  - queue: e
    shares: {x: 60, y: 40}
"""


@pytest.mark.parametrize(
    ("index", "queue", "message"),
    [
        (0, "a", "the shares of a's allocation is the YAML anchor &even"),
        (1, "b", "the shares of b's allocation is the YAML anchor &even"),
        (2, "c", "the allocation of c is the YAML anchor &base"),
        (3, "d", "the shares of d's allocation comes from a merge key (<<)"),
    ],
)
def test_no_edit_goes_through_an_anchor_or_a_merge_key(
    tmp_path: Path, index: int, queue: str, message: str
) -> None:
    (tmp_path / "org.yaml").write_text(ALLOCATIONS)
    settings = load_settings(tmp_path)
    told = (
        f"org.yaml: {message}, which other items may share; qplan does not write through it: "
        "write it out in full, then run again"
    )
    with pytest.raises(QplanError) as shares:
        set_allocation_shares(settings, "org.yaml", {index: (queue, {"x": 70, "y": 30})})
    assert str(shares.value) == told
    assert (tmp_path / "org.yaml").read_text() == ALLOCATIONS  # nothing written


PHASED = """allocations:
  - &base
    queue: c
    shares: {x: 100}
    phases: [{from: 2026-11-01, shares: {x: 100}}]
  - <<: *base
    queue: d
"""


@pytest.mark.parametrize(
    ("index", "queue", "message"),
    [
        (0, "c", "the allocation of c is the YAML anchor &base"),
        (1, "d", "the phases of d's allocation comes from a merge key (<<)"),
    ],
)
def test_no_phase_is_added_through_an_anchor_or_a_merge_key(
    tmp_path: Path, index: int, queue: str, message: str
) -> None:
    (tmp_path / "org.yaml").write_text(PHASED)
    phases = [{"from": date(2026, 12, 1), "shares": {"x": 100}}]
    with pytest.raises(QplanError) as phased:
        add_allocation_phases(load_settings(tmp_path), "org.yaml", index, queue, phases)
    assert str(phased.value) == (
        f"org.yaml: {message}, which other items may share; qplan does not write through it: "
        "write it out in full, then run again"
    )
    assert (tmp_path / "org.yaml").read_text() == PHASED


def test_an_allocation_of_its_own_is_edited(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(ALLOCATIONS)
    set_allocation_shares(load_settings(tmp_path), "org.yaml", {4: ("e", {"x": 70, "y": 30})})
    assert (tmp_path / "org.yaml").read_text() == ALLOCATIONS.replace(
        "{x: 60, y: 40}", "{x: 70, y: 30}"
    )
