"""Erlang C and Erlang A against published reference values."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qplan.capacity.erlang import agents_for_target, erlang_a, erlang_b, erlang_c, scheduled_fte
from tests.conftest import run_qplan


@pytest.mark.parametrize(
    ("agents", "wait", "service_level"),
    [
        (11, 0.6821, 0.3896),
        (12, 0.4494, 0.6402),
        (13, 0.2853, 0.7956),
        (14, 0.1741, 0.8884),
        (15, 0.1020, 0.9415),
    ],
)
def test_erlang_c_reference_table(agents: int, wait: float, service_level: float) -> None:
    # 100 calls per 30 minutes, 180 s handle time: 10 Erlangs; answer within 20 s.
    result = erlang_c(10, agents, 180, 20)
    assert round(result.probability_of_wait, 4) == pytest.approx(wait, abs=1e-4)
    assert round(result.service_level, 4) == pytest.approx(service_level, abs=1e-4)


def test_erlang_c_recommendation_and_shrinkage() -> None:
    assert agents_for_target(10, 180, 20, 0.80) == 14
    assert round(erlang_c(10, 14, 180, 20).asa_seconds, 1) == 7.8
    assert scheduled_fte(14, 0.30) == 20


def test_erlang_c_48_erlangs() -> None:
    result = erlang_c(48, 55, 240, 15)
    assert round(result.probability_of_wait, 3) == 0.239
    assert round(result.asa_seconds, 1) == 8.2
    assert round(result.service_level, 3) == 0.846


def test_erlang_a_reference() -> None:
    result = erlang_a(10, 14, 180, 20, 60)
    assert round(result.probability_of_wait, 4) == 0.1115
    assert result.abandonment is not None
    assert round(result.abandonment, 4) == 0.0303
    assert round(result.service_level, 3) == 0.944


def test_monotone_in_agents() -> None:
    levels = [erlang_c(10, n, 180, 20).service_level for n in range(11, 30)]
    waits = [erlang_c(10, n, 180, 20).probability_of_wait for n in range(11, 30)]
    assert levels == sorted(levels)
    assert waits == sorted(waits, reverse=True)


def test_edge_cases() -> None:
    assert erlang_c(0, 1, 180, 20).service_level == 1.0
    unstable = erlang_c(10, 10, 180, 20)
    assert unstable.service_level == 0.0 and math.isinf(unstable.asa_seconds)
    one = erlang_c(0.5, 1, 60, 10)
    assert one.probability_of_wait == pytest.approx(0.5)
    big = erlang_c(950, 1000, 180, 20)
    assert 0 < big.probability_of_wait < 1 and math.isfinite(big.asa_seconds)
    assert 0 < erlang_b(950, 1000) < 1
    assert agents_for_target(0, 180, 20, 0.8) == 0


def test_erlang_command_json_contract() -> None:
    result = run_qplan(
        "erlang",
        *("--volume", "100", "--interval", "30m", "--aht", "180s", "--within", "20s"),
        *("--target", "80", "--shrinkage", "0.3", "--agents", "20", "--format", "json"),
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["format_version"] == "1"
    assert document["traffic_erlangs"] == 10.0
    assert document["recommended_agents"] == 14
    assert document["scheduled_fte"] == 20
    assert [r["agents"] for r in document["rows"]] == [11, 12, 13, 14, 15, 16, 17, 20]
    assert document["rows"][3] == {
        "agents": 14,
        "probability_of_wait": 0.174132,
        "service_level": 0.88835,
        "asa_seconds": 7.836,
        "occupancy": 0.714286,
        "abandonment": None,
    }


def test_erlang_command_rejects_bad_duration() -> None:
    result = run_qplan("erlang", "--volume", "1", "--aht", "3 minutes", "--within", "20s")
    assert result.exit_code == 64
    assert "--aht" in result.output


# --- service level is monotone (issue: Erlang A collapsed for long answer targets) ---------


_TRAFFIC = st.floats(min_value=0.05, max_value=60.0)
_AHT = st.sampled_from([20.0, 50.0, 180.0, 600.0])
_PATIENCE = st.sampled_from([None, 30.0, 180.0, 3600.0])


@settings(max_examples=60, deadline=None)
@given(_TRAFFIC, _AHT, _PATIENCE, st.integers(min_value=0, max_value=8))
def test_service_level_never_falls_as_the_answer_target_grows(
    traffic: float, aht: float, patience: float | None, extra: int
) -> None:
    from qplan.capacity.erlang import figures

    agents = max(1, math.floor(traffic) + extra - (2 if patience else 0))
    if patience is None and agents <= traffic:
        agents = math.floor(traffic) + 1
    targets = [10.0, 90.0, 600.0, 3600.0, 4 * 3600.0, 24 * 3600.0, 7 * 86400.0]
    levels = [figures(traffic, agents, aht, t, patience).service_level for t in targets]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(levels)), levels
    assert all(0.0 <= level <= 1.0 + 1e-9 for level in levels)


@settings(max_examples=60, deadline=None)
@given(_TRAFFIC, _AHT, _PATIENCE, st.sampled_from([20.0, 90.0, 3600.0, 86400.0]))
def test_service_level_never_falls_as_agents_are_added(
    traffic: float, aht: float, patience: float | None, within: float
) -> None:
    from qplan.capacity.erlang import figures

    first = max(1, math.floor(0.8 * traffic)) if patience else math.floor(traffic) + 1
    levels = [
        figures(traffic, n, aht, within, patience).service_level for n in range(first, first + 12)
    ]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(levels)), levels


def test_a_long_answer_target_never_needs_more_agents_than_a_short_one() -> None:
    """The reported case: 29 an hour, AHT 50 s, patience 3 min, one agent."""
    levels = {
        within: erlang_a(29 * 50 / 3600, 1, 50, within, 180).service_level
        for within in (90, 2 * 3600, 24 * 3600)
    }
    assert levels[90] <= levels[7200] <= levels[86400]
    assert round(levels[86400], 4) == round(levels[7200], 4) == 0.9029
    assert agents_for_target(40, 50, 24 * 3600, 0.9, 180) <= agents_for_target(40, 50, 90, 0.9, 180)


@pytest.mark.parametrize(
    "case",
    [
        (2.2, 3, 50, 20, 180),
        (10, 12, 180, 20, 60),
        (30, 28, 20, 90, 3600),
        (5, 5, 50, 600, 3600),
        (100, 95, 60, 30, 1200),
        # 1,000,000 items a week, 30 s each, an hour's patience, answered within an hour
        (1_000_000 / 604_800 * 30, 48, 30, 3600, 3600),
    ],
)
def test_erlang_a_solvers_agree(
    case: tuple[float, int, float, float, float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uniformization of the chain (the reference) and the closed form of the virtual
    waiting time (used when the chain would be long to walk) give one answer."""
    from qplan.capacity import erlang

    monkeypatch.setattr(erlang, "UNIFORMIZATION_WORK", 10**9)
    monkeypatch.setattr(erlang, "UNIFORMIZATION_STEPS", 10**9)
    by_uniformization = erlang.erlang_a(*case).service_level
    monkeypatch.setattr(erlang, "UNIFORMIZATION_WORK", 0)
    by_closed_form = erlang.erlang_a(*case).service_level
    assert abs(by_uniformization - by_closed_form) < 1e-12


def test_the_file_format_and_the_erlang_routines_share_one_traffic_limit() -> None:
    """Kept in two places so that `qplan erlang` need not import the models; equal."""
    from qplan.capacity import erlang
    from qplan.model import format as m

    assert m.MAX_REALTIME_ERLANGS == erlang.MAX_TRAFFIC_ERLANGS


def _chain(traffic: float, agents: int, aht: float, patience: float) -> tuple[list[float], float]:
    """M/M/n+M by its birth-death chain, written here: the probability of each number of
    items in the system, and the share that abandons (θ × E[waiting] / λ)."""
    mu, theta = 1 / aht, 1 / patience
    arrival = traffic * mu
    weights = [1.0]
    for k in range(1, 400):
        rate = mu * min(k, agents) + theta * max(k - agents, 0)
        weights.append(weights[-1] * arrival / rate)
    p = [w / sum(weights) for w in weights]
    waiting = sum((k - agents) * p[k] for k in range(agents, len(p)))
    return p, theta * waiting / arrival


def test_erlang_a_occupancy_is_the_served_load_per_agent() -> None:
    """M/M/n+M by its birth-death chain, written here: 8 Erlangs on 9 agents, 120 s handle
    time, a mean patience of 60 s. Abandonment is θ × E[waiting] / λ; the agents are busy
    with the items that stay, so occupancy is A × (1 − P(abandon)) / n."""
    from qplan.capacity.erlang import erlang_a

    traffic, agents, aht, patience = 8.0, 9, 120.0, 60.0
    _, abandon = _chain(traffic, agents, aht, patience)
    found = erlang_a(traffic, agents, aht, 20.0, patience)
    assert found.abandonment == pytest.approx(abandon, rel=1e-9)
    assert found.occupancy == pytest.approx(traffic * (1 - abandon) / agents, rel=1e-9)
    assert found.occupancy < traffic / agents  # not the offered load: some leave unserved


def test_erlang_a_at_its_edges_against_its_birth_death_chain() -> None:
    """The same chain as above: nobody waits for a reply within 0 s unless a reviewer is
    free, so the service level within 0 s is P(no wait); given a day, everyone who does not
    abandon is served, so it is 1 − P(abandon). No traffic: nobody waits; a patience of 0
    or past the bound is refused."""
    from qplan.capacity.erlang import MAX_SECONDS, QueueFigures

    traffic, agents, aht, patience = 8.0, 9, 120.0, 60.0
    p, abandon = _chain(traffic, agents, aht, patience)
    waits = sum(p[agents:])
    at_once = erlang_a(traffic, agents, aht, 0.0, patience)
    assert at_once.probability_of_wait == pytest.approx(waits, rel=1e-9)
    assert at_once.service_level == pytest.approx(1 - waits, rel=1e-9)
    a_day = erlang_a(traffic, agents, aht, 86_400.0, patience)
    assert a_day.service_level == pytest.approx(1 - abandon, rel=1e-9)
    assert 0 < at_once.asa_seconds == a_day.asa_seconds < patience
    assert erlang_a(0, 3, 180, 20, 60) == QueueFigures(3, 0.0, 1.0, 0.0, 0.0, 0.0)
    for bad in (0.0, -1.0, MAX_SECONDS * 2, math.inf):
        with pytest.raises(ValueError, match="patience must be over 0"):
            erlang_a(5, 6, 180, 20, bad)
