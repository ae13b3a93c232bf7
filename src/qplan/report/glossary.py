"""``qplan glossary``: the terms of qplan's figures (:mod:`qplan.views.glossary`) as text
or JSON."""

from __future__ import annotations

import json

from qplan.report.registry import Reporters
from qplan.views.glossary import TERMS, definition, glossary_text


def as_json(terms: list[str] | None) -> str:
    chosen = [t for t in TERMS if terms is None or definition(t) in map(definition, terms)]
    rows = [{"term": t, "definition": TERMS[t]} for t in chosen]
    return json.dumps({"format_version": "1", "terms": rows}, indent=2) + "\n"


def unknown_terms(terms: list[str]) -> list[str]:
    """The terms of ``terms`` the glossary does not define."""
    return [t for t in terms if definition(t) is None]


#: every term, in the glossary's order
NAMES = tuple(TERMS)

REPORTERS: Reporters[list[str] | None] = Reporters("glossary", text=glossary_text, json=as_json)
