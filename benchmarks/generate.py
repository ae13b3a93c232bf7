"""Write a synthetic organisation of N queues, in one of three shapes.

``pairs`` (the first shape): production and training pairs with teams, targets and
allocations to two sites, about 50 queues per file plus the file's escalation queue
(10,000 queues is about 5.5 MB of YAML). ``sites`` (the second, made to differ from the
first): files of 10 to 150 queues, each production queue shared by three to five sites in
six time zones, half the teams on shifts, a third of the queues real-time and half of all
production queues on arrival profiles (inline and from a forecast CSV), staged rollouts on
a fifth of the allocations, min_agents, egregious queues under an exposure cap, and one
case set shared by every training queue. ``large`` (the third): few, large workflows, see
:func:`generate_large`.

    python -m benchmarks.generate 10000 /tmp/org10k [pairs|sites|large]
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

ALWAYS = '{days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00"}'
LANGS = ["en", "es", "pt", "de", "fr", "hi", "tl"]


def team_yaml(index: int) -> str:
    bpo = index % 3 != 0
    vendor = f"    vendor: Vendor {index % 7}\n" if bpo else ""
    return (
        f"  - id: team-{index}\n"
        f"    name: Team {index}\n"
        f"    type: {'bpo' if bpo else 'in_house'}\n"
        f"{vendor}"
        f"    country: {'PH' if bpo else 'US'}\n"
        f"    languages: [{', '.join(LANGS)}]\n"
        f"    headcount_fte: 400\n"
        f"    shrinkage: 0.3\n"
        f"    paid_hours_per_week: 40\n"
        f"    occupancy_cap: 0.85\n"
        f"    cost_per_hour: {20 + index % 40}.5\n"
        f"    clearances: [internal{', us_protected' if not bpo else ''}]\n"
        f"    timezone: UTC\n"
        f"    coverage: {ALWAYS}\n"
    )


def queue_yaml(index: int, workflow: str, teams: int, rng: random.Random) -> tuple[str, str, str]:
    """A production queue (even index) or the training queue of the one before it."""
    qid = f"q-{index:05d}"
    lang = LANGS[(index // 2) % len(LANGS)]
    if index % 2:
        training = (
            f"  - id: {qid}\n"
            f"    name: Queue {index} · {lang} · training\n"
            f"    workflow: {workflow}\n"
            f"    kind: training\n"
            f"    status: live\n"
            f"    policy: policy-{(index - 1) % 20}@2\n"
            f"    template: review@3\n"
            f"    languages: [{lang}]\n"
            f"    ttp_queue: ttp-{qid}\n"
            f"    training: {{case_set: training/shared.csv, min_cases: 3}}\n"
            f"    forecast: {{arrival: backlog, weekly_volume: 100, aht_seconds: 90}}\n"
        )
        return training, "", ""
    realtime = index % 10 == 0
    queue = (
        f"  - id: {qid}\n"
        f"    name: Queue {index} · {lang}\n"
        f"    workflow: {workflow}\n"
        f"    kind: production\n"
        f"    status: live\n"
        f"    policy: policy-{index % 20}@2\n"
        f"    template: review@3\n"
        f"    languages: [{lang}]\n"
        f"    markets: [US, PH]\n"
        f"    data_classification: internal\n"
        f"    priority: {1 + index % 5}\n"
        f"    ttp_queue: ttp-{qid}\n"
        f"    training_queue: q-{index + 1:05d}\n"
        f"    escalates_to: esc-{workflow}\n"
        f"    sop: sops/{workflow}.md.j2\n"
        f"    qa: {{sample_rate: 0.05}}\n"
        f"    forecast: {{arrival: {'realtime' if realtime else 'backlog'}, "
        f"weekly_volume: {rng.randint(200, 3000)}, aht_seconds: {rng.randint(10, 120)}}}\n"
    )
    sla = "{percent: 90, within: 60s}" if realtime else "{percent: 95, within: 24h}"
    target = f"  - queue: {qid}\n    sla: {sla}\n    quality: {{min_accuracy: 0.9}}\n"
    a, b = rng.sample(range(teams), 2)
    allocation = f"  - queue: {qid}\n    shares: {{team-{a}: 60, team-{b}: 40}}\n"
    return queue, target, allocation


SOP = """---
title: Synthetic SOP
owner: ops@example.com
queues: [{queues}]
review_every_days: 3650
last_reviewed: 2026-11-01
---
# {{{{ sop.title }}}}
{{% for q in queues %}}
## {{{{ q.name }}}}
SLA {{{{ q.targets.sla.percent | percent }}}} within {{{{ q.targets.sla.within | duration }}}};
teams {{{{ q.allocation | team_list }}}}.
{{% endfor %}}
"""


def _shared_files(out: Path, teams: int) -> None:
    """The policies and teams (``workflows/organisation.yaml``) and the shared case set."""
    folder = out / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    shared = ["# Synthetic benchmark organisation (generated, fictional).\npolicies:\n"]
    for p in range(20):
        shared.append(
            f"  - id: policy-{p}\n    name: Policy {p}\n    versions: [1, 2]\n"
            "    decisions: [approve, remove, escalate]\n"
        )
    shared.append("teams:\n")
    shared.extend(team_yaml(t) for t in range(teams))
    (folder / "organisation.yaml").write_text("".join(shared), encoding="utf-8")
    (out / "training").mkdir(parents=True, exist_ok=True)
    (out / "training" / "shared.csv").write_text(
        "item_id,expected_decision,policy_version,note\n"
        "c-1,approve,2,\nc-2,remove,2,\nc-3,escalate,2,\n",
        encoding="utf-8",
    )
    (out / "sops").mkdir(parents=True, exist_ok=True)


def _workflow_head(workflow: str) -> tuple[list[str], list[str], list[str]]:
    """A workflow's declaration and its escalation queue (where its production queues
    escalate), target and allocation: the starts of its file's three lists."""
    parts = [
        f"workflows:\n  - id: {workflow}\n    name: Workflow {workflow}\n"
        f"    owner: {workflow}@example.com\n",
        "queues:\n",
        f"  - id: esc-{workflow}\n    name: Escalations of {workflow}\n"
        f"    workflow: {workflow}\n    kind: escalation\n    status: live\n"
        f"    policy: policy-0@2\n    template: review@3\n    languages: [{', '.join(LANGS)}]\n"
        f"    ttp_queue: ttp-esc-{workflow}\n"
        "    forecast: {arrival: backlog, weekly_volume: 50, aht_seconds: 300}\n",
    ]
    targets = ["targets:\n", f"  - queue: esc-{workflow}\n    sla: {{percent: 90, within: 48h}}\n"]
    allocations = ["allocations:\n", f"  - queue: esc-{workflow}\n    shares: {{team-0: 100}}\n"]
    return parts, targets, allocations


def _write_queues(
    path: Path,
    lists: tuple[list[str], list[str], list[str]],
    items: Iterator[tuple[str, str, str]],
) -> None:
    """A workflow file: its queues, targets and allocations lists (started by ``lists``)
    with each (queue, target, allocation) of ``items`` appended."""
    parts, targets, allocations = lists
    for queue, target, allocation in items:
        parts.append(queue)
        targets.append(target)
        allocations.append(allocation)
    path.write_text("".join(parts + targets + allocations), encoding="utf-8")


def _write_sop(out: Path, workflow: str, first: int, last: int) -> None:
    """The workflow's SOP, naming its production queues (the even ones) from first to last."""
    governed = ", ".join(f"q-{i:05d}" for i in range(first, last, 2))
    (out / "sops" / f"{workflow}.md.j2").write_text(SOP.format(queues=governed), encoding="utf-8")


def generate(queues: int, out: Path, seed: int = 7, teams: int | None = None) -> None:
    rng = random.Random(seed)
    folder = out / "workflows"
    teams = teams or max(10, queues // 20)
    _shared_files(out, teams)
    per_file = 50
    for start in range(0, queues, per_file):
        workflow = f"wf-{start // per_file:04d}"
        end = min(start + per_file, queues)
        _write_queues(
            folder / f"{workflow}.yaml",
            _workflow_head(workflow),
            (queue_yaml(index, workflow, teams, rng) for index in range(start, end)),
        )
        _write_sop(out, workflow, start, end)


ZONES = [
    "UTC",
    "America/Chicago",
    "Asia/Manila",
    "Europe/Berlin",
    "Asia/Kolkata",
    "America/Bogota",
]
SPLITS = [[40, 30, 30], [25, 25, 25, 25], [30, 20, 20, 15, 15], [50, 30, 20]]
SHIFTS = (
    '      - {days: [mon, tue, wed, thu, fri], start: "06:00", end: "14:00", fte: 130}\n'
    '      - {days: [mon, tue, wed, thu, fri], start: "14:00", end: "22:00", fte: 120}\n'
    '      - {days: [fri, sat, sun, mon], start: "08:00", end: "18:00", fte: 50}\n'
    '      - {days: [fri, sat, sun, mon], start: "14:00", end: "24:00", fte: 30}\n'
    '      - {days: [sun, mon, tue, wed, thu], start: "22:00", end: "06:00", fte: 40}\n'
    '      - {days: [tue, wed, thu, fri, sat], start: "22:00", end: "08:00", fte: 30}\n'
)


def _profiles() -> str:
    out = ["profiles:\n"]
    for index, zone in enumerate(ZONES):
        peak = 34 + index  # evenings, a little later in each
        intraday = [2 + (8 if abs(slot - peak) < 6 else 0) for slot in range(48)]
        days = [1, 1, 1, 1, 1.1 + index / 20, 1.3, 1.2]
        out.append(
            f"  - id: profile-{index}\n    timezone: {zone}\n"
            f"    days: [{', '.join(f'{d:g}' for d in days)}]\n"
            f"    intraday: [{', '.join(str(w) for w in intraday)}]\n"
        )
    out.append("  - id: profile-csv\n    timezone: Europe/Berlin\n    csv: forecasts/history.csv\n")
    return "".join(out)


def _history_csv() -> str:
    """Four weeks of dated half-hourly history, folded by qplan into one week."""
    rows = ["interval_start,volume,aht_seconds"]
    for day in range(28):
        for slot in range(48):
            volume = 20 + (60 if 36 <= slot < 44 else 0) + (day % 7) * 3
            rows.append(
                f"2026-11-{2 + day:02d}T{slot // 2:02d}:{30 * (slot % 2):02d}" if day < 29 else "",
            )
            rows[-1] += f",{volume},{40 + slot % 5}"
    return "\n".join(rows) + "\n"


def _sites_team(index: int) -> str:
    bpo = index % 3 != 0
    vendor = f"    vendor: Vendor {index % 11}\n" if bpo else ""
    shifts = f"    shifts:\n{SHIFTS}" if index % 2 else ""
    return (
        f"  - id: team-{index}\n    name: Site {index}\n    type: {'bpo' if bpo else 'in_house'}\n"
        f"{vendor}    country: {'PH' if bpo else 'US'}\n    languages: [{', '.join(LANGS)}]\n"
        "    headcount_fte: 400\n    shrinkage: 0.3\n    paid_hours_per_week: 40\n"
        f"    occupancy_cap: 0.85\n    cost_per_hour: {18 + index % 45}.25\n"
        "    clearances: [internal]\n"
        f"    timezone: {ZONES[index % len(ZONES)]}\n    coverage: {ALWAYS}\n{shifts}"
    )


def _sites_queue(index: int, workflow: str, teams: int, rng: random.Random) -> tuple[str, str, str]:
    qid = f"q-{index:05d}"
    lang = LANGS[(index // 2) % len(LANGS)]
    if index % 2:
        queue = (
            f"  - id: {qid}\n    name: Queue {index} · training\n    workflow: {workflow}\n"
            f"    kind: training\n    status: live\n    policy: policy-{(index - 1) % 20}@2\n"
            f"    template: review@3\n    languages: [{lang}]\n    ttp_queue: ttp-{qid}\n"
            "    training: {case_set: training/shared.csv, min_cases: 3}\n"
            "    forecast: {arrival: backlog, weekly_volume: 100, aht_seconds: 90}\n"
        )
        return queue, "", ""
    realtime = index % 6 == 0
    profiled = realtime or index % 4 == 0
    profile = "profile-csv" if index % 40 == 0 else f"profile-{(index // 2) % len(ZONES)}"
    extra = f", profile: {profile}" if profiled else ""
    volume = rng.randint(300, 6000) if realtime else rng.randint(500, 20000)
    queue = (
        f"  - id: {qid}\n    name: Queue {index} · {lang}\n    workflow: {workflow}\n"
        f"    kind: production\n    status: live\n    policy: policy-{index % 20}@2\n"
        f"    template: review@3\n    languages: [{lang}]\n    markets: [BR, DE, IN, PH, US]\n"
        f"    data_classification: internal\n    ttp_queue: ttp-{qid}\n"
        f"    training_queue: q-{index + 1:05d}\n    escalates_to: esc-{workflow}\n"
        f"    sop: sops/{workflow}.md.j2\n    qa: {{sample_rate: 0.05}}\n"
        f"    forecast: {{arrival: {'realtime' if realtime else 'backlog'}, "
        f"weekly_volume: {volume}, aht_seconds: {rng.randint(15, 150)}{extra}}}\n"
        + ("    min_agents: 2\n" if realtime else "")
        + ("    sensitivity: egregious\n" if index % 20 == 2 else "")
    )
    sla = "{percent: 85, within: 90s}" if realtime else "{percent: 90, within: 48h}"
    target = f"  - queue: {qid}\n    sla: {sla}\n"
    split = SPLITS[index % len(SPLITS)]
    chosen = rng.sample(range(teams), len(split))
    shares = ", ".join(f"team-{t}: {p}" for t, p in zip(chosen, split, strict=True))
    allocation = f"  - queue: {qid}\n    shares: {{{shares}}}\n"
    if index % 10 == 4:
        moved = rng.sample(range(teams), len(split))
        later = ", ".join(f"team-{t}: {p}" for t, p in zip(moved, split, strict=True))
        allocation += f"    phases:\n      - {{from: 2027-03-01, shares: {{{later}}}}}\n"
    return queue, target, allocation


def generate_sites(queues: int, out: Path, seed: int = 11) -> None:
    """The second shape (see the module's docstring)."""
    rng = random.Random(seed)
    folder = out / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    teams = max(12, queues // 12)
    shared = ["# Synthetic benchmark organisation, second shape (generated, fictional).\n"]
    shared.append("policies:\n")
    for p in range(20):
        shared.append(
            f"  - id: policy-{p}\n    name: Policy {p}\n    versions: [1, 2]\n"
            "    decisions: [approve, remove, escalate]\n"
        )
    shared.append(_profiles())
    shared.append("teams:\n")
    shared.extend(_sites_team(t) for t in range(teams))
    shared.append(
        "guardrails:\n  - id: egregious-hours\n    type: exposure_cap\n"
        "    sensitivity: egregious\n    max_hours_per_day: 4\n"
        "    wellness_minutes_per_shift: 20\n"
    )
    (folder / "organisation.yaml").write_text("".join(shared), encoding="utf-8")
    for name, text in (
        (
            "training/shared.csv",
            "item_id,expected_decision,policy_version,note\n"
            "c-1,approve,2,\nc-2,remove,2,\nc-3,escalate,2,\n",
        ),
        ("forecasts/history.csv", _history_csv()),
    ):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    (out / "sops").mkdir(parents=True, exist_ok=True)
    start = 0
    while start < queues:
        size = rng.randint(5, 75) * 2
        workflow = f"wf-{start:05d}"
        parts = [
            f"workflows:\n  - id: {workflow}\n    name: Workflow {workflow}\n"
            f"    owner: {workflow}@example.com\nqueues:\n",
            f"  - id: esc-{workflow}\n    name: Escalations of {workflow}\n"
            f"    workflow: {workflow}\n    kind: escalation\n    status: live\n"
            f"    policy: policy-0@2\n    template: review@3\n    languages: [{', '.join(LANGS)}]\n"
            f"    ttp_queue: ttp-esc-{workflow}\n"
            "    forecast: {arrival: backlog, weekly_volume: 60, aht_seconds: 300}\n",
        ]
        targets = [
            "targets:\n",
            f"  - workflow: {workflow}\n    sla: {{percent: 90, within: 48h}}\n",
        ]
        allocations = [
            "allocations:\n",
            f"  - queue: esc-{workflow}\n    shares: {{team-0: 50, team-3: 50}}\n",
        ]
        end = min(start + size, queues)
        _write_queues(
            folder / f"{workflow}.yaml",
            (parts, targets, allocations),
            (_sites_queue(index, workflow, teams, rng) for index in range(start, end)),
        )
        _write_sop(out, workflow, start, end)
        start = end


def generate_large(queues: int, out: Path, seed: int = 13) -> None:
    """``large``, the third shape (an organisation the first two were not made like): 20
    workflows of queues/20 queues each, every production queue with its training pair, a
    workflow's queues over files of 50 (its first file declares it and its escalation
    queue), one SOP a workflow naming all its production queues, and queues/100 teams
    (at least 10), each working a hundred or more queues at 10,000."""
    rng = random.Random(seed)
    folder = out / "workflows"
    teams = max(10, queues // 100)
    _shared_files(out, teams)
    per_workflow = max(2, -(-queues // 20) // 2 * 2)  # even: a pair stays in its workflow
    for number, first in enumerate(range(0, queues, per_workflow)):
        workflow = f"wf-{number:02d}"
        last = min(first + per_workflow, queues)
        for part, start in enumerate(range(first, last, 50)):
            heads = (["queues:\n"], ["targets:\n"], ["allocations:\n"])
            _write_queues(
                folder / f"{workflow}-{part:03d}.yaml",
                _workflow_head(workflow) if part == 0 else heads,
                (queue_yaml(i, workflow, teams, rng) for i in range(start, min(start + 50, last))),
            )
        _write_sop(out, workflow, first, last)


SHAPES = {"pairs": generate, "sites": generate_sites, "large": generate_large}


def generate_shape(shape: str, queues: int, out: Path, seed: int | None = None) -> None:
    if shape not in SHAPES:
        raise SystemExit(f"unknown shape {shape!r}; one of: {', '.join(SHAPES)}")
    if seed is None:
        SHAPES[shape](queues, out)
    else:
        SHAPES[shape](queues, out, seed)


if __name__ == "__main__":
    generate_shape(
        sys.argv[3] if len(sys.argv) > 3 else "pairs", int(sys.argv[1]), Path(sys.argv[2])
    )
