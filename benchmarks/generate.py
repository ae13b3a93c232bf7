"""Write a synthetic organisation: N queues (production and training pairs) with teams,
targets and allocations, about 50 queues per file plus the file's escalation queue
(10,000 queues is about 5.5 MB of YAML).

    python -m benchmarks.generate 10000 /tmp/org10k
"""

from __future__ import annotations

import random
import sys
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


def generate(queues: int, out: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    folder = out / "workflows"
    folder.mkdir(parents=True, exist_ok=True)
    teams = max(10, queues // 20)
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
    per_file = 50
    (out / "sops").mkdir(parents=True, exist_ok=True)
    for start in range(0, queues, per_file):
        workflow = f"wf-{start // per_file:04d}"
        parts = [
            f"workflows:\n  - id: {workflow}\n    name: Workflow {workflow}\n"
            f"    owner: {workflow}@example.com\n",
            "queues:\n",
        ]
        targets, allocations = ["targets:\n"], ["allocations:\n"]
        # one escalation queue per workflow, where its production queues escalate
        parts.append(
            f"  - id: esc-{workflow}\n    name: Escalations of {workflow}\n"
            f"    workflow: {workflow}\n    kind: escalation\n    status: live\n"
            f"    policy: policy-0@2\n    template: review@3\n    languages: [{', '.join(LANGS)}]\n"
            f"    ttp_queue: ttp-esc-{workflow}\n"
            "    forecast: {arrival: backlog, weekly_volume: 50, aht_seconds: 300}\n"
        )
        targets.append(f"  - queue: esc-{workflow}\n    sla: {{percent: 90, within: 48h}}\n")
        allocations.append(f"  - queue: esc-{workflow}\n    shares: {{team-0: 100}}\n")
        for index in range(start, min(start + per_file, queues)):
            queue, target, allocation = queue_yaml(index, workflow, teams, rng)
            parts.append(queue)
            targets.append(target)
            allocations.append(allocation)
        text = "".join(parts + targets + allocations)
        (folder / f"{workflow}.yaml").write_text(text, encoding="utf-8")
        governed = ", ".join(f"q-{i:05d}" for i in range(start, min(start + per_file, queues), 2))
        (out / "sops" / f"{workflow}.md.j2").write_text(
            SOP.format(queues=governed), encoding="utf-8"
        )


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
