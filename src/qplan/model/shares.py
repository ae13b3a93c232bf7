"""*model*: an allocation's shares as the guardrails weigh them: per vendor, and to BPO
teams, and which shares they weigh. The check that enforces the guardrails and the page that
shows where each queue stands against them take their figures from here, so they cannot
disagree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping

from qplan.model.format import Team
from qplan.model.organisation import Organisation

#: the statuses of the queues whose shares the guardrails weigh
STAFFED = ("ready", "live", "paused")


def staffed(org: Organisation, qid: str, shares: Mapping[str, float]) -> bool:
    """Whether these shares of queue ``qid`` are weighed by the guardrails: the queue is
    staffed (ready, live or paused) and every team they name exists."""
    queue = org.queues.get(qid)
    return queue is not None and queue.status in STAFFED and all(t in org.teams for t in shares)


def staffed_shares(org: Organisation) -> Iterator[tuple[str, dict[str, float]]]:
    """Each allocation the guardrails weigh (:func:`staffed`), in queue order: (queue, its
    shares in force)."""
    for qid, allocation in sorted(org.allocations.items()):
        if staffed(org, qid, allocation.shares):
            yield qid, dict(allocation.shares)


def vendor_shares(teams: Mapping[str, Team], shares: Mapping[str, float]) -> dict[str, float]:
    """The share of a queue each vendor takes (its BPO teams' shares summed), by vendor."""
    by_vendor: dict[str, float] = defaultdict(float)
    for team, share in shares.items():
        vendor = teams[team].vendor
        if vendor:
            by_vendor[vendor] += share
    return dict(sorted(by_vendor.items()))


def bpo_share(teams: Mapping[str, Team], shares: Mapping[str, float]) -> float:
    """The share of a queue that BPO teams take."""
    return float(sum(s for t, s in shares.items() if teams[t].type == "bpo"))


def vendor_caps(org: Organisation, queues: Collection[str] | None = None) -> tuple[int, int]:
    """How many vendor shares of staffed queues (of ``queues``, else all) sit at a
    ``max_vendor_share`` cap, and how many over one, in the shares in force."""
    at = over = 0
    for guardrail in org.guardrails.values():
        if guardrail.type != "max_vendor_share":
            continue
        for qid, shares in staffed_shares(org):
            if queues is not None and qid not in queues:
                continue
            for share in vendor_shares(org.teams, shares).values():
                at += abs(share - guardrail.max_percent) <= 1e-9
                over += share > guardrail.max_percent + 1e-9
    return at, over


def vendor_caps_summary(org: Organisation, queues: Collection[str] | None = None) -> str | None:
    """The vendor caps in a line (None when no share sits at or over one)."""
    at, over = vendor_caps(org, queues)
    if not at and not over:
        return None
    return f"{at} vendor share(s) at a vendor cap, {over} over one."
