"""The planner's Erlang table of one interval, as text or JSON."""

from __future__ import annotations

import json
import math

from qplan.capacity.erlang import ErlangTable
from qplan.core.units import plural
from qplan.report.registry import Reporters


def as_json(table: ErlangTable) -> str:
    document = {
        "format_version": "1",
        "traffic_erlangs": round(table.traffic, 6),
        "recommended_agents": table.recommended,
        "scheduled_fte": table.scheduled_fte,
        "rows": [
            {
                "agents": r.agents,
                "probability_of_wait": round(r.probability_of_wait, 6),
                "service_level": round(r.service_level, 6),
                "asa_seconds": round(r.asa_seconds, 3) if math.isfinite(r.asa_seconds) else None,
                "occupancy": round(r.occupancy, 6),
                "abandonment": None if r.abandonment is None else round(r.abandonment, 6),
            }
            for r in table.rows
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def text(table: ErlangTable) -> str:
    out = [f"Traffic: {table.traffic:.2f} Erlangs"]
    header = f"{'agents':>6}  {'P(wait)':>8}  {'service level':>13}  {'ASA':>9}  {'occupancy':>9}"
    if table.patience:
        header += f"  {'abandoned':>9}"
    out.append(header)
    for r in table.rows:
        asa = f"{r.asa_seconds:.1f} s" if math.isfinite(r.asa_seconds) else "unstable"
        line = (
            f"{r.agents:>6}  {r.probability_of_wait:>8.4f}  {r.service_level:>13.4f}  "
            f"{asa:>9}  {r.occupancy:>9.4f}"
        )
        if r.abandonment is not None:
            line += f"  {r.abandonment:>9.4f}"
        marker = "  <- recommended" if r.agents == table.recommended else ""
        out.append(line + marker)
    out.append(
        f"Recommended: {plural(table.recommended, 'agent')} for {table.target_percent:g}% "
        f"within {table.within}; {table.scheduled_fte:g} scheduled FTE at "
        f"{table.shrinkage:.0%} shrinkage."
    )
    return "\n".join(out) + "\n"


REPORTERS: Reporters[ErlangTable] = Reporters("erlang", text=text, json=as_json)
