"""The table of rules: every diagnostic qplan can emit, with a stable code.

Codes never change meaning once released. ``QP0xx`` are about reading files,
``QP02x`` about the file format (schema), ``QP1xx`` are semantic rules of the
organisation, ``QP2xx`` are guardrails. ``qplan rules`` prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title: str
    checks: str
    suppressible: bool = False
    #: the module (and function) that emits it, from :data:`WHERE`
    where: str = ""


_E = Severity.ERROR
_W = Severity.WARNING

_TABLE: tuple[Rule, ...] = (
    # --- loading -----------------------------------------------------------------
    Rule("QP001", _E, "yaml-syntax", "The file is well-formed YAML."),
    Rule("QP002", _E, "duplicate-key", "No mapping repeats a key."),
    Rule(
        "QP003",
        _E,
        "alias-expansion",
        "Anchors and aliases neither recurse nor expand far beyond the file (alias bombs).",
    ),
    Rule("QP004", _E, "nesting-too-deep", "Nesting stays within the configured depth."),
    Rule("QP005", _E, "file-too-large", "The file is within the size limit (max_file_bytes)."),
    Rule(
        "QP006",
        _E,
        "forbidden-yaml-feature",
        "No %YAML/%TAG directives and no tags outside YAML's core schema.",
    ),
    Rule("QP007", _E, "encoding", "The file is UTF-8 text."),
    Rule("QP008", _E, "tab-indentation", "Indentation uses spaces, not tabs."),
    Rule("QP009", _E, "outside-repository", "Files (and symlinks) stay inside the repository."),
    Rule(
        "QP010",
        _E,
        "file-structure",
        "A file is a mapping of known kinds (workflows, policies, teams, queues, targets, "
        "allocations, guardrails), each a list.",
    ),
    Rule(
        "QP011",
        _E,
        "invisible-character",
        "Identifiers contain no invisible or bidirectional control characters.",
    ),
    Rule(
        "QP012",
        _E,
        "unsafe-file-name",
        'File names hold no control characters, newlines or characters (\\ " < > | * ? `) '
        "that generated files cannot carry.",
    ),
    Rule(
        "QP013",
        _E,
        "not-a-regular-file",
        "Input files are regular files, not directories, FIFOs, devices or symlink loops.",
    ),
    Rule("QP014", _E, "too-many-files", "A folder holds no more input files than max_files."),
    Rule(
        "QP015",
        _E,
        "empty-organisation",
        "The repository has a workflows/ folder that defines workflows, teams or queues.",
    ),
    # --- schema ------------------------------------------------------------------
    Rule("QP020", _E, "unknown-field", "Every key is a field of its kind (typos get a hint)."),
    Rule("QP021", _E, "missing-field", "Every required field is present."),
    Rule("QP022", _E, "wrong-type", "Values have the field's type; nothing is coerced."),
    Rule("QP023", _E, "invalid-value", "Values are in range and well-formed (ids, durations …)."),
    Rule(
        "QP024",
        _W,
        "actuals-extract-missing",
        'With actuals from a database ([tool.qplan.actuals] source = "postgresql"), an '
        "extract has been pulled (qplan actuals pull): until then health and forecasts have "
        "no actuals.",
    ),
    # --- identity and references -------------------------------------------------
    Rule("QP101", _E, "duplicate-id", "Ids are unique per kind across all files."),
    Rule("QP102", _E, "unknown-reference", "References (workflow, team, queue …) resolve."),
    Rule(
        "QP103",
        _E,
        "unpublished-version",
        "A queue binds a policy version that the policy publishes.",
    ),
    Rule(
        "QP104",
        _E,
        "missing-file",
        "Referenced SOPs, training case sets and forecast CSVs exist.",
    ),
    Rule(
        "QP105",
        _E,
        "duplicate-binding",
        "At most one target and one allocation per queue.",
    ),
    Rule(
        "QP106",
        _E,
        "profile-malformed",
        "An arrival profile has seven day weights and 48 or 96 intraday weights that do not "
        "sum to zero, or a forecast CSV of interval_start,volume(,aht_seconds) rows.",
    ),
    Rule(
        "QP107",
        _E,
        "actuals-malformed",
        "Actuals CSVs have the expected columns; every row has a date in the past, whole "
        "counts whose parts do not exceed their wholes, and is given once.",
    ),
    Rule(
        "QP108",
        _W,
        "actuals-gap",
        "A queue's actuals at a team leave out no day between their first and last.",
    ),
    Rule(
        "QP109",
        _W,
        "actuals-unknown-name",
        "Actuals name queues and teams the organisation has (history may name deleted ones: "
        "a warning, and their rows are left out of health).",
    ),
    # --- allocation ----------------------------------------------------------------
    Rule("QP110", _E, "shares-sum", "Allocation shares sum to 100."),
    Rule(
        "QP111",
        _E,
        "language-coverage",
        "Every queue language is spoken by at least one allocated team.",
        suppressible=True,
    ),
    Rule(
        "QP112",
        _E,
        "clearance",
        "us_protected (and other restricted) queues go only to teams cleared for them.",
    ),
    Rule(
        "QP113",
        _W,
        "allocation-to-inactive-queue",
        "Retired queues carry no allocation.",
        suppressible=True,
    ),
    # --- queue graph ---------------------------------------------------------------
    Rule("QP120", _E, "escalation-cycle", "The escalation graph has no cycle."),
    Rule(
        "QP121",
        _E,
        "training-pair",
        "A training queue is of kind `training` and binds its production queue's policy "
        "and template versions.",
    ),
    Rule(
        "QP122",
        _E,
        "escalation-target",
        "A queue escalates to an escalation queue, never to itself.",
        suppressible=True,
    ),
    Rule(
        "QP123",
        _W,
        "escalation-languages",
        "An escalation queue reviews every language of the queues that escalate to it.",
        suppressible=True,
    ),
    # --- readiness of live queues ----------------------------------------------------
    Rule(
        "QP130",
        _E,
        "live-queue-incomplete",
        "A live production queue has targets, an allocation, a training queue, a TTP "
        "logical queue and an SOP.",
    ),
    Rule("QP131", _E, "duplicate-ttp-queue", "TTP logical queue ids are unique across queues."),
    # --- SOPs ------------------------------------------------------------------------
    Rule("QP140", _E, "sop-front-matter", "SOP front matter is present and well-formed."),
    Rule(
        "QP141",
        _W,
        "sop-review-overdue",
        "last_reviewed + review_every_days is not in the past.",
        suppressible=True,
    ),
    Rule(
        "QP142",
        _E,
        "sop-queue-mismatch",
        "An SOP governs the queues that name it, and names only existing queues.",
        suppressible=True,
    ),
    Rule("QP143", _E, "sop-render", "The SOP template renders in the sandbox."),
    Rule(
        "QP144",
        _E,
        "sop-site-link",
        "An SOP's links and images have full addresses (the site has no files beside it).",
    ),
    # --- suppression ---------------------------------------------------------------
    Rule(
        "QP150",
        _E,
        "invalid-suppression",
        "`suppress` lists known codes of rules that may be suppressed.",
    ),
    # --- guardrails ----------------------------------------------------------------
    Rule(
        "QP201",
        _E,
        "guardrail-vendor-share",
        "max_vendor_share: no vendor takes more than max_percent of a queue.",
        suppressible=True,
    ),
    Rule(
        "QP202",
        _E,
        "guardrail-min-teams",
        "min_teams_per_live_queue: every live production queue is worked by enough teams.",
        suppressible=True,
    ),
    Rule(
        "QP203",
        _E,
        "guardrail-bpo-share",
        "max_bpo_share: BPO teams take at most max_percent of queues of a classification.",
        suppressible=True,
    ),
    Rule(
        "QP170",
        _E,
        "queue-not-ready",
        "A ready or live queue passes its launch gates: template set, training case set "
        "named, escalation path ending in a live queue, QA sampling for production.",
        suppressible=True,
    ),
    Rule("QP171", _E, "case-set-format", "A training case set is CSV with the expected columns."),
    Rule(
        "QP172",
        _E,
        "case-set-row",
        "Case ids are unique; decisions are the policy's; the policy version is the queue's.",
    ),
    Rule(
        "QP173",
        _E,
        "case-set-size",
        "A training case set has at least min_cases cases (once its queue is past draft; "
        "readiness shows a draft's).",
    ),
    # --- lifecycle (checked by `qplan plan`, against the state) ------------------------
    # --- scenarios -----------------------------------------------------------------
    Rule(
        "QP180",
        _W,
        "scenario-cannot-apply",
        "Each change of a scenario applies to today's organisation: the names it gives exist, "
        "its shares sum to 100, its result stays within the file format's limits, a new queue "
        "is new and has a forecast. A warning for validate (the organisation may move on "
        "without its scenarios); qplan scenario refuses such a scenario.",
        suppressible=True,
    ),
    Rule(
        "QP181",
        _W,
        "scenario-no-effect",
        "Each change of a scenario changes something (a workflow's queues have forecasts, a "
        "launched queue is a draft or gets new shares).",
        suppressible=True,
    ),
    # --- projects ------------------------------------------------------------------
    Rule(
        "QP182",
        _W,
        "milestone-overdue",
        "A project that is not closed has no milestone past its due date without a done date.",
        suppressible=True,
    ),
    Rule(
        "QP183",
        _W,
        "launch-not-ready",
        "The queues of a project's launch milestone due within launch_notice_days (a setting, "
        "14 by default) pass their readiness gates.",
        suppressible=True,
    ),
    Rule(
        "QP184",
        _W,
        "risk-without-owner",
        "Every risk of a project that is not closed has an owner.",
        suppressible=True,
    ),
    Rule(
        "QP185",
        _W,
        "closed-project-open-risks",
        "A closed project has no open risk.",
        suppressible=True,
    ),
    Rule(
        "QP186",
        Severity.INFO,
        "launch-without-project",
        "A queue that a plan makes live is linked from a project (checked by plan).",
    ),
    Rule(
        "QP190",
        _E,
        "status-transition",
        "Status moves draft → ready → live ⇄ paused, or to retired; new queues start as "
        "draft or ready.",
    ),
    Rule(
        "QP191",
        _E,
        "retirement-without-migration",
        "A queue retired with forecast volume or an allocation names migrate_to; only "
        "retired queues are deleted.",
    ),
    Rule(
        "QP192",
        _E,
        "incompatible-migration",
        "migrate_to is a live queue with the same policy, languages and data classification.",
    ),
    # --- capacity ------------------------------------------------------------------
    Rule(
        "QP160",
        _W,
        "team-over-cap",
        "A team's queues need no more FTE than its headcount at its occupancy cap.",
        suppressible=True,
    ),
    Rule(
        "QP161",
        _W,
        "sla-below-target",
        "A queue's projected SLA (coverage hours and staffing included) meets its target.",
        suppressible=True,
    ),
    Rule(
        "QP162",
        _W,
        "unstable-queue",
        "A queue's teams can handle its arrivals; otherwise its backlog grows without bound.",
        suppressible=True,
    ),
    Rule(
        "QP164",
        _W,
        "sla-horizon",
        "A backlog queue's SLA is in hours or more, a real-time queue's in seconds or minutes.",
        suppressible=True,
    ),
    Rule(
        "QP165",
        _W,
        "interval-understaffed",
        "A profiled queue has the agents its SLA needs on duty in every interval.",
        suppressible=True,
    ),
    Rule(
        "QP166",
        _W,
        "min-agents-not-met",
        "A queue with min_agents has at least that many agents on duty whenever it is open.",
        suppressible=True,
    ),
    Rule(
        "QP163",
        _E,
        "team-without-hours",
        "An allocation gives no share to a team with no productive hours (headcount 0).",
    ),
    Rule(
        "QP204",
        _E,
        "guardrail-team-utilisation",
        "max_team_utilisation: no team's workload exceeds max_percent of its available FTE.",
        suppressible=True,
    ),
    Rule(
        "QP205",
        _E,
        "guardrail-exposure-cap",
        "exposure_cap: a team's headcount can share its work on queues at or above the "
        "sensitivity without anyone spending more than max_hours_per_day on it.",
        suppressible=True,
    ),
)


#: where each rule is implemented: the module (and, where one function decides it, the
#: function) that emits its code; ``qplan rules`` prints it, and a test holds each code to
#: the one place that writes it
WHERE: dict[str, str] = {
    "QP001": "qplan.load.reader",
    "QP002": "qplan.load.reader:_Converter",
    "QP003": "qplan.load.reader:_check_aliases",
    "QP004": "qplan.load.reader",
    "QP005": "qplan.load.reader:read_bytes",
    "QP006": "qplan.load.reader",
    "QP007": "qplan.load.reader",
    "QP008": "qplan.load.reader:_precheck_text",
    "QP009": "qplan.load.reader:read_bytes",
    "QP010": "qplan.model.organisation",
    "QP011": "qplan.model.organisation:schema_diagnostics",
    "QP012": "qplan.load.reader:name_problem",
    "QP013": "qplan.load.reader:read_bytes",
    "QP014": "qplan.load.reader",
    "QP015": "qplan.model.organisation:load_organisation",
    "QP020": "qplan.model.organisation",
    "QP021": "qplan.model.organisation",
    "QP022": "qplan.model.organisation",
    "QP023": "qplan.model.organisation",
    "QP024": "qplan.model.actuals_source:_load_extract",
    "QP101": "qplan.check.semantics:unique_ids",
    "QP102": "qplan.check.semantics:_ref",
    "QP103": "qplan.check.semantics:_policy_binding",
    "QP104": "qplan.check.semantics:references",
    "QP105": "qplan.check.semantics:unique_ids",
    "QP106": "qplan.load.forecasts",
    "QP107": "qplan.load.actuals",
    "QP108": "qplan.check.semantics:actuals",
    "QP109": "qplan.check.semantics:actuals",
    "QP110": "qplan.check.semantics:allocation_shares",
    "QP111": "qplan.check.semantics:languages_and_clearances",
    "QP112": "qplan.check.semantics:languages_and_clearances",
    "QP113": "qplan.check.semantics:allocation_shares",
    "QP120": "qplan.check.semantics:escalation_graph",
    "QP121": "qplan.check.semantics:training_pairs",
    "QP122": "qplan.check.semantics:escalation_graph",
    "QP123": "qplan.check.semantics:escalation_graph",
    "QP130": "qplan.check.semantics:live_queue_readiness",
    "QP131": "qplan.check.semantics:live_queue_readiness",
    "QP140": "qplan.model.organisation:load_sops",
    "QP141": "qplan.check.semantics:sop_front_matter",
    "QP142": "qplan.check.semantics:sop_front_matter",
    "QP143": "qplan.sops.rendering:sop_diagnostics",
    "QP144": "qplan.sops.rendering:site_links",
    "QP150": "qplan.check.semantics:_suppression_problems",
    "QP201": "qplan.check.capacity_rules:guardrails",
    "QP202": "qplan.check.capacity_rules:guardrails",
    "QP203": "qplan.check.capacity_rules:guardrails",
    "QP170": "qplan.check.semantics:readiness",
    "QP171": "qplan.load.case_sets:_problem",
    "QP172": "qplan.check.readiness:_case_set_problems",
    "QP173": "qplan.check.readiness:_case_set_problems",
    "QP180": "qplan.model.scenario",
    "QP181": "qplan.model.scenario",
    "QP182": "qplan.check.semantics:projects",
    "QP183": "qplan.check.semantics:_launch_readiness",
    "QP184": "qplan.check.semantics:projects",
    "QP185": "qplan.check.semantics:projects",
    "QP186": "qplan.plan.lifecycle:transition_problems",
    "QP190": "qplan.plan.lifecycle:transition_problems",
    "QP191": "qplan.plan.lifecycle:transition_problems",
    "QP192": "qplan.plan.lifecycle:_retirement",
    "QP160": "qplan.check.capacity_rules:capacity",
    "QP161": "qplan.check.capacity_rules:capacity",
    "QP162": "qplan.check.capacity_rules:capacity",
    "QP164": "qplan.check.capacity_rules:sla_horizon",
    "QP165": "qplan.check.capacity_rules:intervals",
    "QP166": "qplan.check.capacity_rules:intervals",
    "QP163": "qplan.check.capacity_rules:capacity",
    "QP204": "qplan.check.capacity_rules:guardrails",
    "QP205": "qplan.check.capacity_rules:intervals",
}

#: every rule by code, in the table's order
RULES: dict[str, Rule] = {rule.code: replace(rule, where=WHERE[rule.code]) for rule in _TABLE}
