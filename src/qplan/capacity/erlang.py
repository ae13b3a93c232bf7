"""Erlang C and Erlang A for real-time queues (SLA in seconds or minutes).

Pure functions of traffic (Erlangs), agents, handle time and the answer-time
target. Erlang C goes through the Erlang B recursion, which stays finite for
thousands of agents; Erlang A (M/M/n+M, callers who abandon after a mean
patience) solves the birth-death chain in log space.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


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
    if traffic <= 0:
        return QueueFigures(agents, 0.0, 1.0, 0.0, 0.0)
    if agents <= traffic:  # unstable: the queue grows without bound
        return QueueFigures(agents, 1.0, 0.0, math.inf, 1.0)
    blocking = erlang_b(traffic, agents)
    wait = agents * blocking / (agents - traffic * (1 - blocking))
    service_level = 1 - wait * math.exp(-(agents - traffic) * within_seconds / aht_seconds)
    asa = wait * aht_seconds / (agents - traffic)
    return QueueFigures(agents, wait, service_level, asa, traffic / agents)


def _reach_server_within(rates: list[float], seconds: float) -> float:
    """P(a chain of exponential stages with these rates finishes within ``seconds``),
    by uniformization (stable for any number of stages)."""
    uniform = max(rates)
    mean = uniform * seconds
    stages = len(rates)
    state = [1.0] + [0.0] * stages  # probability of being at each stage after k jumps
    total = 0.0
    weight = math.exp(-mean)
    k = 0
    cumulative = 0.0
    while cumulative < 1 - 1e-12 and k < 100_000:
        total += weight * state[stages]
        cumulative += weight
        nxt = [0.0] * (stages + 1)
        nxt[stages] = state[stages]
        for i, rate in enumerate(rates):
            move = rate / uniform
            nxt[i] += state[i] * (1 - move)
            nxt[i + 1] += state[i] * move
        state = nxt
        k += 1
        weight *= mean / k
    return total


def erlang_a(
    traffic: float, agents: int, aht_seconds: float, within_seconds: float, patience_seconds: float
) -> QueueFigures:
    """M/M/n+M: items abandon after an exponential patience with the given mean.

    The service level is the share of all arrivals that reach a reviewer within
    the target (those who abandon first count as missed).
    """
    if traffic <= 0:
        return QueueFigures(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    mu = 1 / aht_seconds
    arrival = traffic * mu
    theta = 1 / patience_seconds
    log_p = [0.0]
    k = 0
    while True:
        k += 1
        rate = mu * min(k, agents) + theta * max(k - agents, 0)
        log_p.append(log_p[-1] + math.log(arrival) - math.log(rate))
        if k > agents and log_p[-1] < max(log_p) - 50:
            break
    top = max(log_p)
    weights = [math.exp(v - top) for v in log_p]
    norm = sum(weights)
    p = [w / norm for w in weights]
    waiting = sum(p[agents:])
    queue_length = sum((state - agents) * p[state] for state in range(agents, len(p)))
    abandonment = theta * queue_length / arrival
    service_level = sum(p[:agents])
    served_wait = 0.0
    for ahead in range(len(p) - agents):
        share = p[agents + ahead]
        if share < 1e-15:
            continue
        rates = [agents * mu + i * theta for i in range(ahead, -1, -1)]
        reach = math.prod(r / (r + theta) for r in rates)
        service_level += (
            share * reach * _reach_server_within([r + theta for r in rates], within_seconds)
        )
        served_wait += share * reach * sum(1 / (r + theta) for r in rates)
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


def agents_for_target(
    traffic: float,
    aht_seconds: float,
    within_seconds: float,
    target: float,
    patience_seconds: float | None = None,
    max_occupancy: float = 1.0,
) -> int:
    """The fewest agents whose service level reaches ``target`` (0–1) within the
    occupancy cap."""
    if traffic <= 0:
        return 0
    agents = max(1, math.floor(traffic) if patience_seconds is None else 1)
    while True:
        result = figures(traffic, agents, aht_seconds, within_seconds, patience_seconds)
        if result.service_level >= target and result.occupancy <= max_occupancy:
            return agents
        agents += 1


def scheduled_fte(agents: int, shrinkage: float) -> int:
    """Agents on the phones ÷ (1 − shrinkage), rounded up: who must be scheduled."""
    return math.ceil(agents / (1 - shrinkage) - 1e-9)
