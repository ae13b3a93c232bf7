"""*plan*: the desired resources against a state revision, as a :class:`Plan`.

A plan knows the revision it was made against (lineage and serial), every
resource change with its field-level differences, the risky changes and whose
approval they need, the validation warnings, and a checksum over all of it. It
saves itself to a file that ``apply`` verifies before using, and it knows
whether it is too large to apply without an explicit override
(:meth:`Plan.raise_if_unsafe`). Rendering for people lives in
:mod:`qplan.report.plan`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import itertools
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from qplan.capacity.figures import Capacity
from qplan.core.diagnostics import Diagnostic, Severity
from qplan.core.errors import PlanRefused
from qplan.core.output import write_file
from qplan.core.text import one_line
from qplan.plan.fields import FieldChange, field_changes
from qplan.plan.impact import plan_impact
from qplan.plan.resources import (
    ORGANISATION_GROUP,
    Resource,
    digest,
    snapshot_from_json,
    snapshot_to_json,
    sort_key,
    split_address,
)

FORMAT_VERSION = "1"
ACTIONS = ("create", "update", "delete")


@dataclass(frozen=True)
class ResourceChange:
    address: str
    group: str
    action: str  # create | update | delete
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    fields: tuple[FieldChange, ...] = ()

    # worked out once: a plan of every resource asks each change for them many times
    @functools.cached_property
    def kind(self) -> str:
        return split_address(self.address)[0]

    @functools.cached_property
    def id(self) -> str:
        return split_address(self.address)[1]

    def contract(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "id": self.id,
            "group": self.group,
            "action": self.action,
            "before": self.before,
            "after": self.after,
            "changed_fields": [f.path for f in self.fields],
        }


@dataclass(frozen=True)
class Risk:
    """A change a reviewer must look at twice, and who has to approve it."""

    code: str
    address: str
    message: str
    approvers: tuple[str, ...]

    def contract(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "address": self.address,
            "message": self.message,
            "approvers": list(self.approvers),
        }


@dataclass(frozen=True)
class Base:
    """The state revision a plan was made against."""

    lineage: str | None
    serial: int
    resources: int  # how many resources that revision holds


@dataclass
class Plan:
    base: Base
    desired: dict[str, Resource]
    changes: list[ResourceChange]
    risks: list[Risk] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    origin: str = "repository"  # or "rollback to N"
    impact: dict[str, Any] = field(default_factory=dict)
    #: digest of the files the plan was made from; lets apply skip re-validating them
    sources_digest: str | None = None
    #: who must approve, each with why: {"approver": …, "reasons": […]}
    approvals: list[dict[str, Any]] = field(default_factory=list)
    #: how the queues it changes did against their targets, from the actuals (when there
    #: are any): {"queue": …, "missed": bool, "summary": …}
    health: list[dict[str, Any]] = field(default_factory=list)
    #: the extract of a database's actuals the figures were made from (its contract:
    #: source, table, from, to, rows, digest), when the actuals come from one
    actuals: dict[str, Any] | None = None
    #: True when the plan was loaded from a file whose signature verified
    signed: bool = False
    _checksum: str | None = None

    # --- what it holds -----------------------------------------------------------------
    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for change in self.changes:
            counts[change.action] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def summary_line(self) -> str:
        if not self.changes:
            return "No changes. The state matches the repository."
        s = self.summary
        return f"Plan: {s['create']} to create, {s['update']} to update, {s['delete']} to delete."

    def groups(self) -> dict[str, list[ResourceChange]]:
        """Changes by workflow, workflows in id order, organisation-wide items first."""
        grouped: dict[str, list[ResourceChange]] = {}
        for change in self.changes:
            grouped.setdefault(change.group, []).append(change)
        return dict(sorted(grouped.items(), key=lambda kv: (kv[0] != ORGANISATION_GROUP, kv[0])))

    # --- safety ------------------------------------------------------------------------
    def unsafe_reason(self, max_change_percent: float, min_existing: int) -> str | None:
        """Why this plan is too large to apply without an override, or None (as octoDNS)."""
        existing = self.base.resources
        touched = self.summary["update"] + self.summary["delete"]
        if existing < min_existing or touched * 100 <= max_change_percent * existing:
            return None
        return (
            f"plan updates or deletes {touched} of {existing} existing resources "
            f"({touched * 100 / existing:.1f} %), more than the {max_change_percent:g} % allowed; "
            "review it and apply with --allow-large-change"
        )

    def raise_if_unsafe(self, max_change_percent: float, min_existing: int) -> None:
        reason = self.unsafe_reason(max_change_percent, min_existing)
        if reason:
            raise PlanRefused(reason)

    # --- serialisation -----------------------------------------------------------------
    def contract(self) -> dict[str, Any]:
        """The JSON contract of DESIGN.md (``plan --format json`` and ``show``)."""
        body = self._content()
        if self._checksum is None:  # from the content just made, not made a second time
            self._checksum = _checksum_of(body)
        body["checksum"] = self._checksum
        order = ("format_version", "origin", "base", "checksum", "summary")
        return {k: body[k] for k in order} | {k: v for k, v in body.items() if k not in order}

    def _content(self) -> dict[str, Any]:
        found = {
            "format_version": FORMAT_VERSION,
            "origin": self.origin,
            "base": {
                "lineage": self.base.lineage,
                "serial": self.base.serial,
                "resources": self.base.resources,
            },
            "summary": self.summary,
            "resource_changes": [c.contract() for c in self.changes],
            "risks": [r.contract() for r in self.risks],
            "approvals": self.approvals,
            "impact": self.impact,
            "diagnostics": [d.as_json() for d in self.diagnostics],
            "desired_digest": self.desired_digest,
            "sources_digest": self.sources_digest,
        }
        if self.health:  # only then, so plans made before it keep their checksum
            found["health"] = self.health
        if self.actuals is not None:  # the same
            found["actuals"] = self.actuals
        return found

    @property
    def desired_digest(self) -> str:
        return digest(self.desired.values())

    @property
    def checksum(self) -> str:
        if self._checksum is None:
            self._checksum = _checksum_of(self._content())
        return self._checksum

    def save(self, path: str | Path, key: bytes | None = None) -> None:
        """Write the plan file; with ``key`` (``QPLAN_PLAN_KEY``), sign it."""
        document = self.contract()
        if key:
            document["signature"] = sign(self.checksum, key)
        document["desired"] = snapshot_to_json(self.desired)
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        write_file(path, text + "\n")

    @classmethod
    def load(cls, path: str | Path, key: bytes | None = None) -> Plan:
        """Read a saved plan; refuse one that is not a plan or does not match its checksum.

        With ``key``, the plan must carry a signature made with that key, and ``signed`` is
        set. Without, a plan is only as good as the checks apply makes of it again.
        """
        name = str(path)
        document = _read_plan_document(Path(path), name)
        try:
            plan = _from_document(document)
        except KeyError as exc:
            raise PlanRefused(f"{name} is not a qplan plan file (no {exc.args[0]!r})") from None
        except (TypeError, ValueError, AttributeError, RecursionError, OverflowError) as exc:
            raise PlanRefused(f"{name} is not a qplan plan file (bad {exc})") from None
        if (
            plan.checksum != document.get("checksum")
            or plan.desired_digest != document["desired_digest"]
        ):
            raise PlanRefused(
                f"plan file {name} does not match its checksum: it was changed after it was "
                "made; make a new plan"
            )
        if key:
            signature = document.get("signature")
            if not isinstance(signature, str):
                raise PlanRefused(
                    f"plan file {name} is not signed, and QPLAN_PLAN_KEY is set: only plans "
                    "made with the key are applied"
                )
            if not hmac.compare_digest(signature, sign(plan.checksum, key)):
                raise PlanRefused(
                    f"plan file {name} has a signature that does not verify with "
                    "QPLAN_PLAN_KEY: it was changed, or made with another key"
                )
            plan.signed = True
        return plan


#: the largest plan file read: a 10,000-queue organisation's plan is about 20 MB
MAX_PLAN_BYTES = 256 * 1024 * 1024
KEY_ENV = "QPLAN_PLAN_KEY"


def _checksum_of(content: Mapping[str, Any]) -> str:
    """The digest of a plan's content (its contract without the checksum)."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def plan_key() -> bytes | None:
    """The key plans are signed and verified with (``QPLAN_PLAN_KEY``), if set."""
    value = os.environ.get(KEY_ENV, "")
    return value.encode() if value else None


def plan_case_sets(plan: Plan) -> list[str]:
    """The training case set files a plan's desired resources were read from."""
    paths = set()
    for resource in plan.desired.values():
        if resource.kind == "cases":
            path = resource.fields().get("path")
            if isinstance(path, str):
                paths.add(path)
    return sorted(paths)


def sign(checksum: str, key: bytes) -> str:
    return hmac.new(key, f"qplan-plan-v1:{checksum}".encode(), hashlib.sha256).hexdigest()


def _read_plan_document(path: Path, name: str) -> dict[str, Any]:
    """Read and parse a plan file with a size cap; one clear refusal for anything else."""
    import stat

    try:
        with path.open("rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise PlanRefused(f"{name} is not a regular file")
            raw = stream.read(MAX_PLAN_BYTES + 1)
    except FileNotFoundError:
        raise PlanRefused(f"plan file {name} does not exist") from None
    except IsADirectoryError:
        raise PlanRefused(f"{name} is not a regular file") from None
    except OSError as exc:
        raise PlanRefused(f"cannot read plan file {name}: {exc.strerror}") from None
    if len(raw) > MAX_PLAN_BYTES:
        raise PlanRefused(f"{name} is over {MAX_PLAN_BYTES:,} bytes: not a plan qplan made")
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlanRefused(f"{name} is not a qplan plan file: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise PlanRefused(f"{name} is not a qplan plan file: {exc}") from None
    except RecursionError:
        raise PlanRefused(f"{name} is not a qplan plan file: nested too deeply") from None
    if not isinstance(document, dict):
        raise PlanRefused(f"{name} is not a qplan plan file: not a JSON object")
    return document


def _from_document(document: dict[str, Any]) -> Plan:
    if document["format_version"] != FORMAT_VERSION:
        raise ValueError(f"format_version {document['format_version']!r}")
    base = document["base"]
    changes = []
    for c in document["resource_changes"]:
        if c["action"] not in ACTIONS:
            raise ValueError(f"action {c['action']!r}")
        _line(c["address"], "resource change address")
        _line(c["group"], "resource change group")
        before, after = c["before"], c["after"]
        for body in (before, after):  # values may be texts of many lines (an SOP); keys not
            if body is not None and not isinstance(body, dict):
                raise ValueError("resource change body")
            for key in body or {}:
                _line(key, "resource change field")
        fields = field_changes(before or {}, after or {}) if c["action"] == "update" else []
        changes.append(
            ResourceChange(c["address"], c["group"], c["action"], before, after, tuple(fields))
        )
    plan = Plan(
        base=Base(_lineage(base["lineage"]), _count(base["serial"]), _count(base["resources"])),
        desired=snapshot_from_json(document["desired"]),
        changes=changes,
        risks=[
            Risk(
                _line(r["code"], "risk"),
                _line(r["address"], "risk"),
                _line(r["message"], "risk"),
                tuple(_line(a, "risk approver") for a in r["approvers"]),
            )
            for r in document["risks"]
        ],
        diagnostics=[_diagnostic(d) for d in document["diagnostics"]],
        origin=_line(document["origin"], "origin"),
        impact=_lines_only(dict(document["impact"]), "impact"),
        sources_digest=_digest(document.get("sources_digest")),
        approvals=_lines_only(list(document.get("approvals", [])), "approvals"),
        health=[_health_note(h) for h in document.get("health", [])],
        actuals=_actuals_note(document.get("actuals")),
    )
    return plan


def _actuals_note(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("actuals")
    return {
        "source": _line(value["source"], "actuals"),
        "table": _line(value["table"], "actuals"),
        "from": _line(value["from"], "actuals"),
        "to": _line(value["to"], "actuals"),
        "rows": _count(value["rows"]),
        "digest": _digest(value["digest"]),
    }


def _health_note(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("health note")
    queue, missed, summary = value["queue"], value["missed"], value["summary"]
    _line(queue, "health note")
    _line(summary, "health note")
    if not isinstance(missed, bool):
        raise ValueError("health note")
    return {"queue": queue, "missed": missed, "summary": summary}


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise ValueError(f"count {str(value)[:40]!r}")
    return value


_LINEAGE = re.compile(r"[0-9A-Za-z-]{1,64}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _lineage(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and _LINEAGE.fullmatch(value)):
        raise ValueError("lineage")
    return value


def _line(value: Any, what: str) -> str:
    """A text of the plan file that is shown as it is (on terminals, in logs, where a line
    of its own can be a CI workflow command, and in pull-request comments): one line, no
    control or invisible characters."""
    if not isinstance(value, str) or len(value) > 4000 or not one_line(value):
        raise ValueError(f"{what}: not one line of text")
    return value


def _lines_only(value: Any, what: str) -> Any:
    """``value`` (JSON), refused when one of the texts in it is not :func:`_line`."""
    if isinstance(value, str):
        _line(value, what)
    elif isinstance(value, dict):
        for key, item in value.items():
            _line(key, what)
            _lines_only(item, what)
    elif isinstance(value, list):
        for item in value:
            _lines_only(item, what)
    return value


def _digest(value: Any) -> str | None:
    if value is not None and not (isinstance(value, str) and _HEX_DIGEST.fullmatch(value)):
        raise ValueError("sources_digest")
    return value


def _diagnostic(d: dict[str, Any]) -> Diagnostic:
    hint = d["hint"]
    return Diagnostic(
        _line(d["code"], "diagnostic"),
        Severity(d["severity"]),
        _line(d["file"], "diagnostic"),
        _count(d["line"]),
        _count(d["column"]),
        _line(d["message"], "diagnostic"),
        None if hint is None else _line(hint, "diagnostic"),
    )


# --- making a plan -------------------------------------------------------------------------


def diff(desired: Mapping[str, Resource], current: Mapping[str, Resource]) -> list[ResourceChange]:
    """Resource changes from ``current`` to ``desired``, in a fixed order; no-ops omitted."""
    changes = []
    for address, want in desired.items():
        have = current.get(address)
        if have is None:
            changes.append(ResourceChange(address, want.group, "create", None, want.fields()))
        elif have.body != want.body or have.group != want.group:
            before, after = have.fields(), want.fields()
            fields = field_changes(before, after)
            if fields:
                changes.append(
                    ResourceChange(address, want.group, "update", before, after, tuple(fields))
                )
    for address, have in current.items():
        if address not in desired:
            changes.append(ResourceChange(address, have.group, "delete", have.fields(), None))
    changes.sort(key=lambda c: (*sort_key(c.address, c.group), ACTIONS.index(c.action)))
    return changes


@dataclass(frozen=True)
class Owners:
    """Who approves what: owners of workflows, teams and policies, from desired and current."""

    workflows: dict[str, str]
    teams: dict[str, str]
    policies: dict[str, str]
    sops: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, *snapshots: Mapping[str, Resource]) -> Owners:
        tables: dict[str, dict[str, str]] = {"workflow": {}, "team": {}, "policy": {}, "sop": {}}
        for snapshot in reversed(snapshots):  # the first snapshot wins
            for resource in snapshot.values():
                table = tables.get(resource.kind)
                if table is not None and '"owner"' in resource.body:
                    owner = resource.fields().get("owner")
                    if owner:
                        table[resource.id] = owner
        return cls(tables["workflow"], tables["team"], tables["policy"], tables["sop"])


def find_risks(
    changes: Iterable[ResourceChange],
    owners: Owners,
    queue_workflows: Mapping[str, str],
    queue_teams: Mapping[str, Mapping[str, float]],
    max_share_move: float,
    protected: frozenset[str] = frozenset(),
) -> list[Risk]:
    """Changes a reviewer must not miss: volume dropped, a live queue stopped, big share
    moves, policy downgrades, the allocation of a us_protected queue, a guardrail; each
    with the owners whose approval it needs. ``protected``: ids of us_protected queues."""
    risks: list[Risk] = []
    for change in changes:
        before, after = change.before or {}, change.after or {}
        if change.kind == "queue":
            teams = queue_teams.get(change.id, {})
            risks.extend(_queue_risks(change, before, after, owners, teams))
        elif change.kind == "guardrail":
            verb = {"create": "added", "update": "changed", "delete": "removed"}[change.action]
            risks.append(Risk("guardrail-change", change.address, f"is {verb}", ()))
        if change.kind == "allocation" and change.id in protected:
            workflow = queue_workflows.get(change.id, change.group)
            teams = {**before.get("shares", {}), **after.get("shares", {})}
            verb = {"create": "added", "update": "changed", "delete": "removed"}[change.action]
            risks.append(
                Risk(
                    "us-protected-allocation",
                    change.address,
                    f"of a us_protected queue is {verb}",
                    _approvers(owners.workflows.get(workflow), owners, teams),
                )
            )
        if change.kind == "allocation" and change.action != "delete":
            workflow_owner = owners.workflows.get(queue_workflows.get(change.id, change.group))
            moves = _new_phase_moves(before, after)
            if change.action == "update":
                moves.insert(0, ("", before.get("shares", {}), after.get("shares", {})))
            for start, old, new in moves:
                risk = _share_move(change.address, start, old, new, max_share_move)
                if risk is not None:
                    message, moved = risk
                    approvers = _approvers(workflow_owner, owners, moved)
                    risks.append(Risk("allocation-move", change.address, message, approvers))
    return risks


def _share_move(
    address: str,
    start: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    max_share_move: float,
) -> tuple[str, dict[str, float]] | None:
    """The message and the moves of a share change past ``max_share_move`` points, or None;
    ``start`` is the date a phase takes effect ("" for today's shares)."""
    moves = {t: new.get(t, 0) - old.get(t, 0) for t in sorted(set(old) | set(new))}
    biggest = max((abs(m) for m in moves.values()), default=0)
    if biggest <= max_share_move:
        return None
    detail = ", ".join(f"{t} {old.get(t, 0):g} → {new.get(t, 0):g}" for t, m in moves.items() if m)
    when = f"from {start} " if start else ""
    return f"{when}moves {biggest:g} points of share ({detail})", moves


def _schedule(fields: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """An allocation's shares over time: today's, then each phase by its date."""
    phases = sorted(
        ((str(p.get("from")), dict(p.get("shares") or {})) for p in fields.get("phases") or []),
        key=lambda item: item[0],
    )
    return [("now", dict(fields.get("shares") or {})), *phases]


def _new_phase_moves(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Each phase the change adds or alters, with the shares it moves from and to."""
    known = {start: shares for start, shares in _schedule(before)[1:]}
    schedule = _schedule(after)
    found = []
    for (_, previous), (start, shares) in itertools.pairwise(schedule):
        if known.get(start) != shares:
            found.append((start, previous, shares))
    return found


def _queue_risks(
    change: ResourceChange,
    before: dict[str, Any],
    after: dict[str, Any],
    owners: Owners,
    teams: Mapping[str, float],
) -> list[Risk]:
    found = []
    workflow = (after or before).get("workflow", change.group)
    approvers = _approvers(owners.workflows.get(workflow), owners, teams)
    volume = (before.get("forecast") or {}).get("weekly_volume", 0)
    removed = change.action == "delete" or (
        after.get("status") == "retired" and before.get("status") != "retired"
    )
    if before and removed and volume > 0:
        how = "deleted" if change.action == "delete" else "retired"
        found.append(
            Risk(
                "queue-removed-with-volume",
                change.address,
                f"is {how} with {volume:g} items a week of forecast volume",
                approvers,
            )
        )
    if before.get("status") == "live" and after.get("status") != "live":
        how = "deleted" if change.action == "delete" else f"live → {after.get('status')}"
        found.append(Risk("queue-leaves-live", change.address, f"leaves live ({how})", approvers))
    old_policy, new_policy = before.get("policy", ""), after.get("policy", "")
    old_id, _, old_version = old_policy.partition("@")
    new_id, _, new_version = new_policy.partition("@")
    if old_id and old_id == new_id and int(new_version) < int(old_version):
        policy_owner = owners.policies.get(old_id)
        found.append(
            Risk(
                "policy-downgrade",
                change.address,
                f"binds an older policy version ({old_policy} → {new_policy})",
                tuple(sorted({*approvers, *([policy_owner] if policy_owner else [])})),
            )
        )
    return found


def _approvers(
    workflow_owner: str | None, owners: Owners, teams: Mapping[str, float]
) -> tuple[str, ...]:
    found = {workflow_owner} if workflow_owner else set()
    found.update(owners.teams[t] for t in teams if t in owners.teams)
    return tuple(sorted(found))


def make_plan(
    desired: dict[str, Resource],
    current: Mapping[str, Resource],
    base: Base,
    *,
    diagnostics: Iterable[Diagnostic] = (),
    max_share_move: float = 20.0,
    origin: str = "repository",
    sources_digest: str | None = None,
    capacity_after: Capacity | None = None,
    extra_approvers: Mapping[str, Sequence[str]] | None = None,
    on: date | None = None,
    known_items: Mapping[str, tuple[str, Any]] | None = None,
) -> Plan:
    """Compare, name the risks and the capacity impact; nothing here reads files or the state.

    ``capacity_after`` saves deriving the desired figures again when the caller has them.
    """
    changes = diff(desired, current)
    owners = Owners.of(desired, current)
    queue_workflows: dict[str, str] = {}
    queue_teams: dict[str, dict[str, float]] = {}
    for snapshot in (current, desired):
        for resource in snapshot.values():
            if resource.kind == "queue":
                queue_workflows[resource.id] = resource.group
    for change in changes:  # the teams of allocations whose queue changes
        if change.kind == "queue":
            for snapshot in (current, desired):
                allocation = snapshot.get(f"allocation.{change.id}")
                if allocation is not None:
                    queue_teams.setdefault(change.id, {}).update(allocation.fields()["shares"])
    protected = frozenset(
        r.id
        for snapshot in (current, desired)
        for r in snapshot.values()
        if r.kind == "queue" and '"data_classification":"us_protected"' in r.body
    )
    risks = find_risks(changes, owners, queue_workflows, queue_teams, max_share_move, protected)
    if extra_approvers:
        risks = [
            replace(r, approvers=tuple(sorted({*r.approvers, *extra_approvers.get(r.code, ())})))
            for r in risks
        ]
    return Plan(
        base=base,
        desired=desired,
        changes=changes,
        risks=risks,
        diagnostics=list(diagnostics),
        origin=origin,
        sources_digest=sources_digest,
        impact=plan_impact(
            desired,
            current,
            [(c.kind, c.id) for c in changes],
            capacity_after,
            on,
            known_items,
        ),
        approvals=approvals(changes, risks, owners),
    )


def _teams_whose_share_moves(change: ResourceChange) -> list[str]:
    """The teams an allocation change gives work to or takes it from, in any phase."""

    def shares(fields: Mapping[str, Any] | None) -> dict[tuple[str, str], Any]:
        schedule = _schedule(fields or {})
        return {(start, team): s for start, table in schedule for team, s in table.items()}

    before, after = shares(change.before), shares(change.after)
    moved = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
    return sorted({team for _, team in moved})


def approvals(
    changes: Iterable[ResourceChange], risks: Iterable[Risk], owners: Owners
) -> list[dict[str, Any]]:
    """Who must approve the plan and why: the owners of the changed workflows and SOPs,
    and everyone a risky change names."""
    reasons: dict[str, list[str]] = {}

    def need(who: str | None, why: str) -> None:
        if who and why not in reasons.setdefault(who, []):
            reasons[who].append(why)

    for change in changes:
        if change.group and change.group in owners.workflows:
            need(owners.workflows[change.group], f"owner of workflow {change.group}")
        if change.kind == "sop":
            need(owners.sops.get(change.id), f"owner of SOP {change.id}")
        if change.kind == "policy":
            need(owners.policies.get(change.id), f"owner of policy {change.id}")
        if change.kind == "team":
            need(owners.teams.get(change.id), f"owner of team {change.id}")
        if change.kind == "queue" and change.action != "delete":
            policy = str((change.after or {}).get("policy", "")).partition("@")[0]
            before = str((change.before or {}).get("policy", "")).partition("@")[0]
            if change.action == "create" or "policy" in {f.path for f in change.fields}:
                need(owners.policies.get(policy), f"owner of policy {policy}")
                if before and before != policy:
                    need(owners.policies.get(before), f"owner of policy {before}")
        if change.kind == "allocation":
            for team in _teams_whose_share_moves(change):
                need(owners.teams.get(team), f"owner of team {team}")
    for risk in risks:
        for who in risk.approvers:
            need(who, f"{risk.code} on {risk.address}")
    return [{"approver": who, "reasons": why} for who, why in sorted(reasons.items())]
