"""What changed inside a resource: the field-by-field difference of two bodies, with lists of
items matched by id, in the order the repository writes them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qplan.model.format import SET_FIELDS


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field; ``path`` is dotted (``forecast.weekly_volume``, ``shares.us-reno``)."""

    path: str
    before: Any
    after: Any


def field_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FieldChange]:
    """The fields that differ, nested mappings by path, lists of items by item id.

    DeepDiff compares the two bodies once they are put in a canonical form: lists of
    items with ids become mappings by id, set-like lists (languages, markets, clearances,
    skills) are sorted, and ``null`` fields are dropped (absent and ``null`` are the same).
    A change inside a list of plain values (versions, days) is reported as the whole
    list, one field. Fields come in the order they are written (before's, then after's
    new ones).
    """
    from deepdiff import DeepDiff

    old, new = _canonical(before), _canonical(after)
    found = DeepDiff(old, new, view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    paths: set[tuple[str, ...]] = set()
    for levels in found.values():
        for level in levels:
            path: list[str] = []
            for step in level.path(output_format="list"):
                if not isinstance(step, str):
                    break  # into a list of plain values: the list is the field
                path.append(step)
            paths.add(tuple(path))
    ordered = sorted(paths, key=lambda p: _written_order(old, new, p))
    return [
        FieldChange(".".join(p), _original(before, p), _original(after, p)) for p in ordered if p
    ]


def _canonical(value: Any, key: str = "") -> Any:
    if isinstance(value, Mapping):
        return {k: _canonical(v, k) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        if _with_ids(value):
            return {item["id"]: _canonical(item) for item in value}
        if key in SET_FIELDS:
            return sorted(value, key=str)
        return [_canonical(v) for v in value]
    return value


def _written_order(
    old: Mapping[str, Any], new: Mapping[str, Any], path: tuple[str, ...]
) -> tuple[int, ...]:
    """Where each step of ``path`` is written: before's keys first, then after's new ones."""
    rank = []
    for step in path:
        keys = list(old) + [k for k in new if k not in old]
        rank.append(keys.index(step) if step in keys else len(keys))
        below_old, below_new = old.get(step), new.get(step)
        old = below_old if isinstance(below_old, Mapping) else {}
        new = below_new if isinstance(below_new, Mapping) else {}
    return tuple(rank)


def _original(body: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The value at ``path`` as the body has it (lists of items looked up by id)."""
    value: Any = body
    for step in path:
        if isinstance(value, list) and _with_ids(value):
            value = _by_id(value)
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def _with_ids(value: list[Any]) -> bool:
    return (
        bool(value)
        and all(isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)
        and len({v["id"] for v in value}) == len(value)
    )


def _by_id(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {item["id"]: item for item in items}
