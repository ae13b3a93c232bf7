"""Erlang C and Erlang A for real-time queues (SLA in seconds or minutes).

Pure functions of traffic (Erlangs), agents, handle time and the answer-time
target. Erlang C goes through the Erlang B recursion, which stays finite for
thousands of agents; Erlang A (M/M/n+M, callers who abandon after a mean
patience) solves the birth-death chain in log space.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: limits of what these routines accept, so that each call is bounded in time: one
#: real-time queue of 5,000 Erlangs needs about 5,000 agents (a very large contact centre)
MAX_TRAFFIC_ERLANGS = 5_000.0
MAX_AGENTS = 20_000
#: handle times, answer targets and patience: at most 30 days
MAX_SECONDS = 30 * 86_400.0
#: Erlang A: the most work (jumps × states) done by uniformization before the closed form
#: of the virtual waiting time (one integral, SciPy imported only then) takes over
UNIFORMIZATION_WORK = 200_000
#: ... and the most jumps (each one step of a Python loop)
UNIFORMIZATION_STEPS = 4_000
#: Erlang A: the most waiting states the birth-death chain may need (far more only when
#: there are far too few agents for the load, which cannot meet a target anyway)
MAX_QUEUE_STATES = 5_000


def check_inputs(
    traffic: float,
    aht_seconds: float,
    within_seconds: float,
    patience_seconds: float | None = None,
    agents: int | None = None,
) -> None:
    """Refuse (``ValueError``) what the routines cannot answer in bounded time."""
    for name, value in (
        ("traffic", traffic),
        ("handle time", aht_seconds),
        ("answer target", within_seconds),
    ):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, not {value!r}")
    if traffic > MAX_TRAFFIC_ERLANGS:
        raise ValueError(
            f"traffic of {traffic:,.1f} Erlangs is over the limit of {MAX_TRAFFIC_ERLANGS:,.0f} "
            "for one queue; split the queue"
        )
    if aht_seconds <= 0 or aht_seconds > MAX_SECONDS:
        raise ValueError(f"handle time must be over 0 and at most {MAX_SECONDS:,.0f} s")
    if within_seconds > MAX_SECONDS:
        raise ValueError(f"answer target must be at most {MAX_SECONDS:,.0f} s")
    if patience_seconds is not None and not (0 < patience_seconds <= MAX_SECONDS):
        raise ValueError(f"patience must be over 0 and at most {MAX_SECONDS:,.0f} s")
    if agents is not None and not 0 <= agents <= MAX_AGENTS:
        raise ValueError(f"agents must be between 0 and {MAX_AGENTS:,}")


@dataclass(frozen=True, slots=True)
class QueueFigures:
    agents: int
    probability_of_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float
    abandonment: float | None = None


def erlang_b(traffic: float, agents: int) -> float:
    """Blocking probability, by the recursion B(n) = A·B(n−1) / (n + A·B(n−1))."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(
    traffic: float, agents: int, aht_seconds: float, within_seconds: float
) -> QueueFigures:
    """Probability of waiting, service level and ASA of an M/M/n queue."""
    check_inputs(traffic, aht_seconds, within_seconds, None, agents)
    if traffic <= 0:
        return QueueFigures(agents, 0.0, 1.0, 0.0, 0.0)
    if agents <= traffic:  # unstable: the queue grows without bound
        return QueueFigures(agents, 1.0, 0.0, math.inf, 1.0)
    blocking = erlang_b(traffic, agents)
    wait = agents * blocking / (agents - traffic * (1 - blocking))
    service_level = 1 - wait * math.exp(-(agents - traffic) * within_seconds / aht_seconds)
    asa = wait * aht_seconds / (agents - traffic)
    return QueueFigures(agents, wait, service_level, asa, traffic / agents)


def _served_within(
    shares: list[float],
    forward: list[float],
    theta: float,
    seconds: float,
    eventually: float,
    arrival: float,
) -> float:
    """P(an item that waits is reviewed within ``seconds``), over the states it may find.

    The tagged item's chain (items ahead, then reviewed or abandoned) is solved once for
    all starting states: when even the slowest path (every stage at the lowest rate) is
    over by ``seconds`` all but surely, the answer is the probability of being reviewed at
    all; otherwise by uniformization while that is cheap (the usual, short targets), and
    past ``UNIFORMIZATION_WORK`` by the closed form of the virtual waiting time
    (:func:`_served_within_closed_form`), whose cost grows with neither the volume, the
    patience nor the target.
    """
    if seconds <= 0 or eventually <= 0:
        return 0.0
    slowest = (forward[0] + theta) * seconds
    if _poisson_below(len(forward), slowest) < 1e-13:
        return eventually
    import numpy as np

    size = len(forward)
    leave = np.asarray(forward, dtype=float) + theta
    uniform = float(leave.max())
    mean = uniform * seconds
    steps = math.ceil(mean + 12 * math.sqrt(mean) + 60)
    if steps > UNIFORMIZATION_STEPS or steps * size > UNIFORMIZATION_WORK:
        served = _served_within_closed_form(math.fsum(shares), forward[0], arrival, theta, seconds)
        return min(max(served, 0.0), eventually)
    # Uniformization: a Poisson number of jumps of a discrete chain; cheap when the
    # target is short next to the stage times, which is the usual case.
    stay = 1.0 - leave / uniform
    ahead = np.asarray(forward[1:], dtype=float) / uniform
    state = np.asarray(shares, dtype=float)
    reviewed = 0.0
    total = 0.0
    for k in range(steps + 1):
        total += _poisson(k, mean) * reviewed
        reviewed += float(state[0]) * forward[0] / uniform
        moved = state * stay
        moved[:-1] += state[1:] * ahead
        state = moved
    return min(max(total, 0.0), eventually)


def _served_within_closed_form(
    waiting: float, serving: float, arrival: float, theta: float, seconds: float
) -> float:
    """:func:`_served_within` from the virtual waiting time ``V`` of M/M/n+M (the wait of
    an item that would never abandon): on ``V > 0`` its density is proportional to
    ``exp(g(x))`` with ``g(x) = λ(1 − e^(−θx))/θ − nμx`` (Mandelbaum & Zeltyn's M/M/n+G
    result with exponential patience), and its mass is the share that waits. An item of
    patience ``θ`` is reviewed within ``t`` when ``V ≤ t`` and it is still there, so

        P = P(wait) · ∫₀ᵗ exp(g(x) − θx) dx / ∫₀^∞ exp(g(x)) dx,

    two integrals of smooth functions: ``waiting`` is P(wait), ``serving`` the rate ``nμ``
    at which reviews end when every agent is busy. Each integral is split where ``g`` peaks
    and some fifty widths of the peak either side, so that no quadrature misses the mass
    however long the patience. Tested against the chain (uniformization) to 1e-12.
    """
    import warnings

    from scipy.integrate import IntegrationWarning, quad

    def g(x: float) -> float:
        return -arrival * math.expm1(-theta * x) / theta - serving * x

    peak = math.log(arrival / serving) / theta if arrival > serving else 0.0
    top = g(peak)
    width = 1.0 / math.sqrt(theta * serving)  # where g falls by 1/2 around its peak
    marks = sorted({0.0, max(0.0, peak - 50 * width), peak, peak + 50 * width})

    def area(function: Any, end: float) -> float:
        """∫₀^end of ``function``, piece by piece between the marks."""
        total = 0.0
        bounds = [m for m in marks if m < end] + [end]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IntegrationWarning)  # the best answer is kept
            for start, stop in itertools.pairwise(bounds):
                total += quad(function, start, stop, limit=200, epsabs=0.0, epsrel=1e-12)[0]
        return total

    def density(x: float) -> float:
        return math.exp(g(x) - top)

    def reviewed(x: float) -> float:
        return math.exp(g(x) - top - theta * x)

    whole = area(density, math.inf)
    part = area(reviewed, seconds)
    return waiting * part / whole if whole > 0 else 0.0


def _poisson_below(count: int, mean: float) -> float:
    """P(Poisson(mean) < count): a Gamma(count) chain not finished by then."""
    if mean <= 0:
        return 1.0
    spread = 12 * math.sqrt(mean) + 60
    if count < mean - spread:
        return 0.0  # below 1e-30
    if count > mean + spread:
        return 1.0
    return min(1.0, sum(_poisson(j, mean) for j in range(count)))


def _poisson(k: int, mean: float) -> float:
    """P(Poisson(mean) = k), in log space so that a large mean cannot underflow it early."""
    if mean <= 0:
        return 1.0 if k == 0 else 0.0
    log_weight = -mean + k * math.log(mean) - math.lgamma(k + 1)
    return math.exp(log_weight) if log_weight > -745 else 0.0


def erlang_a(
    traffic: float, agents: int, aht_seconds: float, within_seconds: float, patience_seconds: float
) -> QueueFigures:
    """M/M/n+M: items abandon after an exponential patience with the given mean.

    The service level is the share of all arrivals that reach a reviewer within
    the target (those who abandon first count as missed).
    """
    check_inputs(traffic, aht_seconds, within_seconds, patience_seconds, agents)
    if traffic <= 0:
        return QueueFigures(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    mu = 1 / aht_seconds
    arrival = traffic * mu
    theta = 1 / patience_seconds
    log_arrival = math.log(arrival)
    log_p = [0.0]
    top = 0.0
    k = 0
    while True:
        k += 1
        rate = mu * min(k, agents) + theta * max(k - agents, 0)
        log_p.append(log_p[-1] + log_arrival - math.log(rate))
        top = max(top, log_p[-1])
        if k > agents and log_p[-1] < top - 50:
            break
        if k > agents + MAX_QUEUE_STATES:
            raise ValueError(
                f"Erlang A needs more than {MAX_QUEUE_STATES:,} waiting states here: "
                f"{agents:,} agents are far too few for the load"
            )
    weights = [math.exp(v - top) for v in log_p]
    norm = sum(weights)
    p = [w / norm for w in weights]
    waiting = sum(p[agents:])
    queue_length = sum((state - agents) * p[state] for state in range(agents, len(p)))
    abandonment = theta * queue_length / arrival
    service_level = sum(p[:agents])
    # An item that finds `ahead` items waiting reaches a reviewer after ahead + 1 stages:
    # in the stage with i items ahead, a review ends (n·mu) or one of them abandons (i·theta),
    # moving it forward, or it abandons itself (theta).
    shares = p[agents:]
    forward = [agents * mu + i * theta for i in range(len(shares))]
    reach = 1.0  # P(it does not abandon before it reaches a reviewer)
    mean_wait = 0.0  # its expected wait, given that it does not abandon
    served_wait = 0.0
    served_eventually = 0.0
    for i, rate in enumerate(forward):
        reach *= rate / (rate + theta)
        mean_wait += 1 / (rate + theta)
        served_eventually += shares[i] * reach
        served_wait += shares[i] * reach * mean_wait
    service_level += _served_within(
        shares, forward, theta, within_seconds, served_eventually, arrival
    )
    served = 1 - abandonment
    asa = served_wait / served if served > 0 else math.inf
    occupancy = traffic * served / agents
    return QueueFigures(agents, waiting, service_level, asa, min(occupancy, 1.0), abandonment)


def figures(
    traffic: float,
    agents: int,
    aht_seconds: float,
    within_seconds: float,
    patience_seconds: float | None = None,
) -> QueueFigures:
    if patience_seconds is None:
        return erlang_c(traffic, agents, aht_seconds, within_seconds)
    return erlang_a(traffic, agents, aht_seconds, within_seconds, patience_seconds)


def meets_target(
    traffic: float,
    agents: int,
    aht_seconds: float,
    within_seconds: float,
    target: float,
    patience_seconds: float | None = None,
    max_occupancy: float = 1.0,
) -> bool:
    """Whether ``agents`` reach the service-level ``target`` (0–1) within the occupancy cap."""
    if traffic <= 0:
        return True
    try:
        result = figures(traffic, agents, aht_seconds, within_seconds, patience_seconds)
    except ValueError:  # far too few agents for Erlang A's chain: not enough
        return False
    return result.service_level >= target and result.occupancy <= max_occupancy


def agents_for_target(
    traffic: float,
    aht_seconds: float,
    within_seconds: float,
    target: float,
    patience_seconds: float | None = None,
    max_occupancy: float = 1.0,
) -> int:
    """The fewest agents whose service level reaches ``target`` (0–1) within the
    occupancy cap.

    Service level rises and occupancy falls with every agent added, so the answer is
    found by doubling and then bisection: a few dozen evaluations at most.
    """
    check_inputs(traffic, aht_seconds, within_seconds, patience_seconds)
    if traffic <= 0:
        return 0

    def enough(agents: int) -> bool:
        return meets_target(
            traffic, agents, aht_seconds, within_seconds, target, patience_seconds, max_occupancy
        )

    # Erlang C needs more agents than traffic; with abandonment, the share reviewed (which
    # bounds the service level) is at most agents / traffic, so fewer than target × traffic
    # agents can never do.
    low = max(1, math.floor(traffic) if patience_seconds is None else math.floor(target * traffic))
    if enough(low):
        return low
    step = max(1, math.ceil(math.sqrt(traffic)))
    high = low + step
    while not enough(high):
        if high >= MAX_AGENTS:
            raise ValueError(f"no staffing of up to {MAX_AGENTS:,} agents reaches the target")
        low, step = high, step * 2
        high = min(MAX_AGENTS, high + step)
    while high - low > 1:  # enough(high), not enough(low)
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle
    return high


def bounded(within_seconds: float, patience_seconds: float | None) -> tuple[float, float | None]:
    """Past these routines' limit (30 days) a longer target or patience changes nothing."""
    patience = None if patience_seconds is None else min(patience_seconds, MAX_SECONDS)
    return min(within_seconds, MAX_SECONDS), patience


@lru_cache(maxsize=65536)
def fewest_agents(
    traffic: float,
    aht_seconds: float,
    within_seconds: float,
    target: float,
    patience_seconds: float | None,
    max_occupancy: float,
) -> int:
    """:func:`agents_for_target` with the target and patience bounded, remembered: the
    capacity model asks the same question for many queues and intervals."""
    within, patience = bounded(within_seconds, patience_seconds)
    return agents_for_target(traffic, aht_seconds, within, target, patience, max_occupancy)


@lru_cache(maxsize=65536)
def service_level(
    traffic: float,
    agents: int,
    aht_seconds: float,
    within_seconds: float,
    patience_seconds: float | None,
) -> float:
    """The service level (0–1) of ``agents`` on ``traffic``, bounded and remembered; 0 when
    there are no agents, or far too few for the load."""
    if agents <= 0:
        return 0.0
    if patience_seconds is None and agents <= traffic:
        return 0.0
    within, patience = bounded(within_seconds, patience_seconds)
    try:
        return figures(traffic, agents, aht_seconds, within, patience).service_level
    except ValueError:  # far too few agents for the load
        return 0.0


def scheduled_fte(agents: int, shrinkage: float) -> int:
    """Agents on the phones ÷ (1 − shrinkage), rounded up: who must be scheduled."""
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


@dataclass(frozen=True)
class ErlangTable:
    """The planner's table for one interval: each agent count's figures around the one
    that meets the target."""

    traffic: float
    target_percent: float
    within: str
    shrinkage: float
    recommended: int
    scheduled_fte: float
    rows: list[QueueFigures]
    patience: bool


def table(
    *,
    volume: float,
    interval_seconds: float,
    aht_seconds: float,
    within_seconds: float,
    within: str,
    target_percent: float,
    agents: int | None = None,
    patience_seconds: float | None = None,
    shrinkage: float = 0.0,
) -> ErlangTable:
    """Erlang C (or, with a patience, Erlang A) for one interval. Raises ``ValueError``
    for inputs the model cannot take."""
    traffic = volume * aht_seconds / interval_seconds
    check_inputs(traffic, aht_seconds, within_seconds, patience_seconds, agents)
    recommended = agents_for_target(
        traffic, aht_seconds, within_seconds, target_percent / 100, patience_seconds
    )
    first = math.floor(traffic) + 1 if patience_seconds is None else max(1, math.floor(traffic) - 2)
    counts = set(range(max(1, first), max(recommended, first) + 4))
    if agents:
        counts.add(agents)
    rows: list[QueueFigures] = []
    for n in sorted(counts):
        try:
            rows.append(figures(traffic, n, aht_seconds, within_seconds, patience_seconds))
        except ValueError:  # far too few agents for Erlang A's chain: no row for them
            continue
    return ErlangTable(
        traffic,
        target_percent,
        within,
        shrinkage,
        recommended,
        scheduled_fte(recommended, shrinkage),
        rows,
        patience_seconds is not None,
    )
