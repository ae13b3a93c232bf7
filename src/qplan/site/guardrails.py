"""The site's guardrails page: each guardrail, and where the organisation stands against
it today — vendor and BPO shares of each queue against their caps, teams per live queue,
team utilisation and exposure against theirs — so that "which vendor is over its share?"
is answered by a table, not by reading every queue page. The shares come from
:mod:`qplan.model.shares`, as the check that enforces the guardrails takes them."""

from __future__ import annotations

from typing import Any

from qplan.capacity.figures import Capacity
from qplan.model.format import GUARDRAIL_CODES
from qplan.model.organisation import Organisation
from qplan.model.shares import bpo_share, staffed_shares, vendor_caps_summary, vendor_shares
from qplan.site.links import Links
from qplan.views.markdown import code, pct, table, text


def _standing(share: float, cap: float, unit: str = "points", accepted: bool = False) -> str:
    """A figure against its cap, in words with a glyph (never the glyph alone)."""
    if share > cap + 1e-9:
        return "❌ over, accepted (suppressed on the allocation)" if accepted else "❌ over"
    if share == 0:
        return "✅ none"
    if share > cap - 1e-9:
        return "⚠️ at the cap"
    return f"✅ {cap - share:.1f} {unit} below"


def guardrails_page(org: Organisation, capacity: Capacity | None, links: Links) -> str:
    """The guardrails page (``docs/guardrails.md``)."""
    lines = [
        "# Guardrails",
        "",
        "Each guardrail of the organisation and where it stands today: the shares in force "
        "of every staffed queue (a queue's later phases are on its page), and the teams' "
        "figures from the capacity model. `qplan validate` refuses what goes over a cap.",
        "",
    ]
    for gid, guardrail in sorted(org.guardrails.items()):
        lines += [f"## {code(gid)}", ""]
        if guardrail.description:
            lines += [text(guardrail.description), ""]
        lines += _section(org, capacity, links, guardrail)
    return "\n".join(lines)


def _section(
    org: Organisation, capacity: Capacity | None, links: Links, guardrail: Any
) -> list[str]:
    kind = guardrail.type
    if kind == "max_vendor_share":
        cap = guardrail.max_percent
        code_of = GUARDRAIL_CODES["max_vendor_share"]
        pairs = sorted(
            (-share, qid, vendor)
            for qid, shares in staffed_shares(org)
            for vendor, share in vendor_shares(org.teams, shares).items()
        )
        rows = [
            [
                links.queue(qid, up=False),
                text(vendor),
                f"{pct(-negative, 0)}: "
                + _standing(-negative, cap, accepted=code_of in org.allocations[qid].suppress),
            ]
            for negative, qid, vendor in pairs
        ]
        return [
            f"At most {cap:g}% of a queue to one vendor. Every queue a vendor works, the "
            "closest to the cap first:",
            "",
            *table(["Queue", "Vendor", "Share against the cap"], rows),
        ]
    if kind == "max_bpo_share":
        cap = guardrail.max_percent
        found = [
            (qid, bpo_share(org.teams, shares))
            for qid, shares in staffed_shares(org)
            if org.queues[qid].data_classification == guardrail.classification
        ]
        return [
            f"At most {cap:g}% of a {code(guardrail.classification)} queue to BPO teams.",
            "",
            *table(
                ["Queue", "BPO share", "Against the cap"],
                (
                    [links.queue(qid, up=False), pct(share, 0), _standing(share, cap)]
                    for qid, share in sorted(found, key=lambda f: (-f[1], f[0]))
                ),
            ),
        ]
    if kind == "min_teams_per_live_queue":
        least = guardrail.min_teams
        live = [
            (qid, len(shares))
            for qid, shares in staffed_shares(org)
            if org.queues[qid].status == "live" and org.queues[qid].kind == "production"
        ]
        # a line a queue: a paragraph of hundreds of links converts in time in their square
        at_least = [f"- {links.queue(q, up=False)} ({n})" for q, n in live if n <= least]
        return [
            f"Every live production queue is worked by at least {least} teams. "
            + ("At the minimum:" if at_least else "Every one has more."),
            "",
            *([*at_least, ""] if at_least else []),
        ]
    if kind == "max_team_utilisation" and capacity is not None:
        cap = guardrail.max_percent
        return [
            f"No team planned above {cap:g}% utilisation.",
            "",
            *table(
                ["Team", "Utilisation", "Against the cap"],
                (
                    [
                        links.team(tid, up=False),
                        pct(t.utilisation_percent),
                        _standing(t.utilisation_percent, cap),
                    ]
                    for tid, t in sorted(
                        capacity.teams.items(), key=lambda i: (-i[1].utilisation_percent, i[0])
                    )
                ),
            ),
        ]
    if kind == "exposure_cap" and capacity is not None:
        rows = [
            [
                links.team(tid, up=False),
                f"{e.hours_per_agent_day:.2f} h",
                _standing(e.hours_per_agent_day, e.cap_hours, "hours"),
                f"{e.extra_fte:.1f}",
            ]
            for tid, t in sorted(capacity.teams.items())
            for e in t.exposure
            if e.guardrail == guardrail.id
        ]
        return [
            f"At most {guardrail.max_hours_per_day:g} hours an agent-day on "
            f"{guardrail.sensitivity} queues"
            + (
                f", with {guardrail.wellness_minutes_per_shift:g} minutes of wellness breaks a "
                "shift."
                if guardrail.wellness_minutes_per_shift
                else "."
            ),
            "",
            *(
                table(["Team", "Hours per agent-day", "Against the cap", "FTE it adds"], rows)
                if rows
                else ["No team works such a queue.", ""]
            ),
        ]
    if kind == "clearance_required":
        return ["A queue's data classification needs a team cleared for it.", ""]
    return []


def guardrails_line(org: Organisation) -> str | None:
    """The home page's line on the guardrails: how many vendor shares sit at or over a
    vendor-share cap (None when none does)."""
    found = vendor_caps_summary(org)
    return None if found is None else f"**Guardrails:** {found} [Guardrails](guardrails.md)"


def exposure_line(capacity: Capacity) -> str | None:
    """The home page's line on exposure caps (None when no team works under a cap)."""
    from qplan.views.verdicts import exposure_summary

    found = exposure_summary(capacity)
    return None if found is None else f"**Exposure:** {found} [Guardrails](guardrails.md)"
