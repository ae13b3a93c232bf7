"""``qplan rules``: the table of rules as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence

from qplan.core.rules import Rule
from qplan.report.registry import Reporters


def as_json(rules: Sequence[Rule]) -> str:
    rows = [
        {
            "code": r.code,
            "severity": str(r.severity),
            "name": r.title,
            "suppressible": r.suppressible,
            "checks": r.checks,
            "where": r.where,
        }
        for r in rules
    ]
    return json.dumps({"format_version": "1", "rules": rows}, indent=2) + "\n"


def text(rules: Sequence[Rule]) -> str:
    """A line a rule (code, severity, name, whether it can be suppressed, where it is
    implemented), and under it what it checks, so that no line runs past the terminal."""
    width = max(len(r.title) for r in rules)
    out = [f"{'CODE':<6} {'SEVERITY':<8} {'NAME':<{width}} {'SUPPRESS':<8} WHERE"]
    for r in rules:
        flag = "yes" if r.suppressible else "no"
        out.append(f"{r.code:<6} {r.severity!s:<8} {r.title:<{width}} {flag:<8} {r.where}")
        out.append(f"       {r.checks}")
    return "\n".join(out) + "\n"


REPORTERS: Reporters[Sequence[Rule]] = Reporters("rules", text=text, json=as_json)
