"""The file format as typed models: workflows, policies, arrival profiles, teams, queues,
targets, allocations and guardrails.

Models are strict (``"40"`` is not a number), forbid unknown keys, and are frozen.
They describe one item each; rules that look across items live in
:mod:`qplan.check.semantics`.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from qplan.core.calendar import Weekday, clock_minutes
from qplan.core.durations import PATTERN as DURATION_PATTERN
from qplan.core.durations import Duration
from qplan.core.kinds import FILE_KINDS

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def invisible_characters(text: str) -> list[str]:
    """Names of the invisible or bidirectional control characters in ``text``."""
    found = []
    for char in text:
        if unicodedata.category(char) in ("Cf", "Cc", "Zl", "Zp") or (
            unicodedata.category(char) == "Zs" and char != " "
        ):
            name = unicodedata.name(char, "control character")
            found.append(f"U+{ord(char):04X} {name}")
    return found


def _check_id(value: str) -> str:
    if value and set(value) <= _ID_CHARS and value[0] != "-" and len(value) <= 63:
        return value
    hidden = invisible_characters(value)
    if hidden:
        raise PydanticCustomError(
            "invisible_character",
            "id {id} contains an invisible or bidirectional control character ({chars})",
            {"id": ascii(value), "chars": ", ".join(hidden)},
        )
    raise PydanticCustomError(
        "invalid_id",
        "id {id} must be lowercase letters, digits and '-', starting with a letter or digit",
        {"id": repr(value)},
    )


Identifier = Annotated[
    str,
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]


def _check_binding(value: str) -> str:
    name, sep, version = value.partition("@")
    if not sep or not version.isdigit() or version.startswith("0"):
        raise PydanticCustomError(
            "invalid_binding",
            "{value} must name a version, like hate-speech@7",
            {"value": repr(value)},
        )
    _check_id(name)
    return value


BINDING_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}@[1-9][0-9]*$"
VersionBinding = Annotated[
    str,
    AfterValidator(_check_binding),
    WithJsonSchema({"type": "string", "pattern": BINDING_PATTERN}),
]


def _duration(value: Any) -> Duration:
    try:
        return Duration.parse(value)
    except TypeError as exc:
        raise PydanticCustomError("duration_type", str(exc)) from None
    except ValueError as exc:
        raise PydanticCustomError("duration_format", str(exc)) from None


DurationField = Annotated[
    Duration,
    BeforeValidator(_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN}),
]


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "must be a date written as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError(
            "date_format", "{value} is not a date; write YYYY-MM-DD", {"value": repr(value)}
        ) from None


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _cased_tag(value: str) -> str:
    """A BCP 47 tag in its conventional case: es-MX, zh-Hant, sr-Latn-RS."""
    parts = value.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


@functools.lru_cache(maxsize=4096)
def _known_language_tag(value: str) -> bool:
    """Whether ``value`` is a valid BCP 47 tag (an organisation names few, many times)."""
    import langcodes

    return bool(langcodes.tag_is_valid(value))


def _language_tag(value: str) -> str:
    if len(value) > 35 or not _known_language_tag(value):
        raise PydanticCustomError(
            "language_tag",
            "{value} is not a BCP 47 language tag, like en or es-MX",
            {"value": repr(value)},
        )
    if value != _cased_tag(value):
        raise PydanticCustomError(
            "language_tag_case",
            "{value} is written {cased} in BCP 47",
            {"value": repr(value), "cased": _cased_tag(value)},
        )
    return value


Language = Annotated[
    str,
    AfterValidator(_language_tag),
    WithJsonSchema(
        {"type": "string", "pattern": r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
    ),
    Field(description="BCP 47 language tag, like en or es-MX"),
]


def speaks(spoken: Any, language: str) -> bool:
    """Whether a team speaking ``spoken`` covers ``language``: the same tag, or a more
    general one (a team that speaks es covers es-MX; one that speaks es-MX covers only it)."""
    return any(language == tag or language.startswith(tag + "-") for tag in spoken)


def _as_set(values: list[Any]) -> list[Any]:
    """Lists whose order carries no meaning are kept sorted: they compare as sets."""
    return sorted(values, key=str)


#: fields that are sets written as lists: their order never shows as a change
SET_FIELDS = frozenset({"languages", "markets", "clearances", "skills"})
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")]
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
EMAIL_PATTERN = r"^[^@\s#\x00-\x1f\x7f]+@[^@\s#\x00-\x1f\x7f]+\.[^@\s#\x00-\x1f\x7f]+$"
Email = Annotated[str, Field(pattern=EMAIL_PATTERN)]
Percent = Annotated[float, Field(gt=0, le=100)]
Fraction = Annotated[float, Field(ge=0, le=1)]


def _percent_not_fraction(value: float) -> float:
    if value <= 1:
        raise PydanticCustomError(
            "percent_as_fraction",
            "{value} is a percentage from 1 to 100, not a fraction",
            {"value": value},
        )
    return value


#: a target in percent (95 means 95 %): a value of 1 or less is refused as a likely fraction
TargetPercent = Annotated[float, Field(gt=0, le=100), AfterValidator(_percent_not_fraction)]

# Upper limits of the file format's numbers: far above any real organisation, low enough
# that every figure derived from them stays finite and every model runs in bounded time.
MAX_FTE = 100_000
MAX_HOURLY_COST = 100_000
MAX_WEEKLY_COST = 1_000_000_000
MAX_WEEKLY_VOLUME = 100_000_000
MAX_HANDLE_SECONDS = 86_400
#: the most traffic one real-time queue may carry (qplan.capacity.erlang has the same limit)
MAX_REALTIME_ERLANGS = 5_000
#: the most agents one queue may ask for (qplan.capacity.erlang has the same limit)
MAX_AGENTS = 20_000
#: the most a profile weight may be (weights are relative; they are normalised)
MAX_WEIGHT = 1_000_000
WEEK_SECONDS = 7 * 86_400
RuleCode = Annotated[str, Field(pattern=r"^QP[0-9]{3}$")]

DataClassification = Literal["public", "internal", "us_protected"]


class Item(BaseModel):
    """Common configuration of every model of the file format."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class Suppressible(Item):
    suppress: list[RuleCode] = Field(
        default_factory=list,
        description="rule codes not to report for this item (only rules that allow it)",
    )


class Workflow(Suppressible):
    id: Identifier
    name: str = Field(min_length=1)
    owner: Email
    description: str | None = None


class Policy(Suppressible):
    id: Identifier
    name: str = Field(min_length=1)
    versions: list[Annotated[int, Field(ge=1, le=1_000_000)]] = Field(min_length=1)
    decisions: list[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]] = Field(min_length=1)
    owner: Email | None = None
    description: str | None = None

    @field_validator("versions")
    @classmethod
    def _unique_versions(cls, versions: list[int]) -> list[int]:
        if len(set(versions)) != len(versions):
            raise PydanticCustomError("duplicate_version", "versions must not repeat")
        return versions


class Coverage(Item):
    """When a team works, in its own time zone."""

    days: list[Weekday] = Field(min_length=1)
    start: ClockTime
    end: ClockTime

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str, info: Any) -> str:
        start = info.data.get("start")
        if start is not None and end <= start:
            raise PydanticCustomError(
                "coverage_order",
                "end {end} must be after start {start}",
                {"end": end, "start": start},
            )
        return end

    @property
    def hours_per_day(self) -> float:
        return (clock_minutes(self.end) - clock_minutes(self.start)) / 60


class Shift(Item):
    """FTE on duty on some days from a start to an end time, in the team's time zone. A
    shift that ends at or before its start ends the next day (22:00 to 06:00)."""

    days: list[Weekday] = Field(min_length=1)
    start: ClockTime
    end: ClockTime
    fte: Annotated[float, Field(ge=0, le=MAX_FTE)]

    @field_validator("end")
    @classmethod
    def _not_empty(cls, end: str, info: Any) -> str:
        start = info.data.get("start")
        empty = start is not None and clock_minutes(end) % 1440 == clock_minutes(start) % 1440
        if empty and not (start == "00:00" and end == "24:00"):
            raise PydanticCustomError(
                "shift_length",
                "a shift from {start} to {end} has no hours",
                {"start": start, "end": end},
            )
        return end

    @property
    def hours(self) -> float:
        length = (clock_minutes(self.end) - clock_minutes(self.start)) % 1440
        return (length or 1440) / 60


def _check_timezone(value: str) -> str:
    if value not in _timezones():
        raise PydanticCustomError(
            "timezone",
            "{value} is not an IANA time zone, like Europe/Lisbon",
            {"value": repr(value)},
        )
    return value


_TZ_CACHE: set[str] = set()


def _timezones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(available_timezones())
        _TZ_CACHE.add("UTC")
    return _TZ_CACHE


TimeZone = Annotated[str, AfterValidator(_check_timezone)]


class Billing(Item):
    """How a team is paid: ``headcount`` (a fixed weekly cost: headcount × paid hours ×
    rate), ``per_productive_hour`` or ``per_item`` (a variable cost, with a contracted
    weekly minimum)."""

    model: Literal["headcount", "per_productive_hour", "per_item"]
    rate: Annotated[float, Field(ge=0, le=MAX_HOURLY_COST)] = Field(
        description="per paid hour (headcount), productive hour, or item"
    )
    minimum_weekly: Annotated[float, Field(ge=0, le=MAX_WEEKLY_COST)] = 0


class Team(Suppressible):
    id: Identifier
    name: str = Field(min_length=1)
    type: Literal["in_house", "bpo"]
    vendor: str | None = Field(default=None, validate_default=True)
    site: str | None = None
    country: Country
    languages: Annotated[list[Language], AfterValidator(_as_set)] = Field(min_length=1)
    skills: Annotated[list[Identifier], AfterValidator(_as_set)] = Field(default_factory=list)
    headcount_fte: Annotated[float, Field(ge=0, le=MAX_FTE)]
    shrinkage: Annotated[float, Field(ge=0, lt=1)]
    paid_hours_per_week: Annotated[float, Field(gt=0, le=84)] = 40
    occupancy_cap: Annotated[float, Field(gt=0, le=1)] = 0.85
    cost_per_hour: Annotated[float, Field(ge=0, le=MAX_HOURLY_COST)]
    billing: Billing | None = Field(
        default=None,
        description="how the team is paid; without it, its headcount at cost_per_hour",
    )
    clearances: Annotated[list[DataClassification], AfterValidator(_as_set)] = Field(
        default_factory=list
    )
    timezone: TimeZone
    coverage: Coverage
    shifts: list[Shift] = Field(
        default_factory=list,
        description="who is on duty when, in the team's time zone; without shifts, the "
        "headcount's paid hours are spread evenly over the coverage hours",
    )
    owner: Email | None = None

    @field_validator("shifts")
    @classmethod
    def _shifts_within_headcount(cls, shifts: list[Shift], info: Any) -> list[Shift]:
        headcount = info.data.get("headcount_fte")
        total = sum(s.fte for s in shifts)
        if headcount is not None and total > headcount + 1e-9:
            raise PydanticCustomError(
                "shift_headcount",
                "the shifts put {total} FTE on the roster, more than the headcount of {headcount}",
                {"total": f"{total:g}", "headcount": f"{headcount:g}"},
            )
        return shifts

    @field_validator("vendor")
    @classmethod
    def _vendor_matches_type(cls, vendor: str | None, info: Any) -> str | None:
        kind = info.data.get("type")
        if kind == "bpo" and not vendor:
            raise PydanticCustomError("vendor_required", "a bpo team names its vendor")
        if kind == "in_house" and vendor:
            raise PydanticCustomError("vendor_forbidden", "an in_house team has no vendor")
        return vendor

    def with_headcount(self, fte: float) -> Team:
        """The team with ``fte`` of headcount, its shifts scaled with it (the same share of
        its people on each shift) or, at no headcount, none left: on-duty agents come from
        the shifts, so a change that left them would leave the team working."""
        update: dict[str, object] = {"headcount_fte": fte}
        if self.shifts:
            if fte <= 0 or self.headcount_fte <= 0:
                update["shifts"] = [] if fte <= 0 else self.shifts
            else:
                ratio = fte / self.headcount_fte
                update["shifts"] = [
                    s.model_copy(update={"fte": s.fte * ratio}) for s in self.shifts
                ]
        return self.model_copy(update=update)


class QualityAssurance(Item):
    sample_rate: Annotated[float, Field(gt=0, le=1)]


class TrainingCases(Item):
    case_set: str = Field(pattern=r"^training/[^\s]+\.csv$")
    min_cases: Annotated[int, Field(ge=1, le=1_000_000)] = 200


class Forecast(Item):
    arrival: Literal["backlog", "realtime"]
    weekly_volume: Annotated[float, Field(ge=0, le=MAX_WEEKLY_VOLUME)]
    aht_seconds: Annotated[float, Field(gt=0, le=MAX_HANDLE_SECONDS)]
    patience: DurationField | None = Field(
        default=None, description="mean time an item waits before it is abandoned (realtime)"
    )
    profile: Identifier | None = Field(
        default=None,
        description="the arrival profile (profiles:) that spreads the week's volume over its "
        "intervals; without one, arrivals are flat over the 168 hours",
    )

    @model_validator(mode="after")
    def _traffic_within_limit(self) -> Forecast:
        traffic = self.weekly_volume * self.aht_seconds / WEEK_SECONDS
        if self.arrival == "realtime" and traffic > MAX_REALTIME_ERLANGS:
            raise PydanticCustomError(
                "traffic_too_high",
                "a real-time queue of {traffic} Erlangs is over the limit of {limit}; "
                "split it into several queues",
                {"traffic": f"{traffic:,.0f}", "limit": f"{MAX_REALTIME_ERLANGS:,}"},
            )
        return self


Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]
#: intraday weights a profile may give: half-hours or quarter-hours
INTRADAY_LENGTHS = (48, 96)


def _profile_shape(message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError("profile_shape", message, context)


class Profile(Suppressible):
    """When a queue's items arrive: weights per weekday and per interval of the day, in a
    time zone, or a forecast CSV under forecasts/. Weights are relative (normalised)."""

    id: Identifier
    name: str | None = None
    timezone: TimeZone
    days: list[Weight] | None = Field(default=None, description="seven weights, Monday to Sunday")
    intraday: list[Weight] | None = Field(
        default=None,
        description="48 half-hour (or 96 quarter-hour) weights from 00:00, the same every day",
    )
    csv: Annotated[str, Field(pattern=r"^forecasts/[^\s]+\.csv$")] | None = Field(
        default=None,
        description="a forecast CSV: interval_start (mon 18:00, or an ISO date-time), "
        "volume and optional aht_seconds",
    )
    description: str | None = None

    @field_validator("days")
    @classmethod
    def _seven_days(cls, days: list[float] | None) -> list[float] | None:
        if days is not None:
            if len(days) != 7:
                raise _profile_shape(
                    "days has {count} weights; it takes seven, Monday to Sunday", count=len(days)
                )
            if sum(days) <= 0:
                raise _profile_shape("days weights sum to zero: no item would ever arrive")
        return days

    @field_validator("intraday")
    @classmethod
    def _whole_day(cls, weights: list[float] | None) -> list[float] | None:
        if weights is not None:
            if len(weights) not in INTRADAY_LENGTHS:
                raise _profile_shape(
                    "intraday has {count} weights; it takes 48 (half-hours) or 96 "
                    "(quarter-hours) from 00:00",
                    count=len(weights),
                )
            if sum(weights) <= 0:
                raise _profile_shape("intraday weights sum to zero: no item would ever arrive")
        return weights

    @model_validator(mode="after")
    def _one_source(self) -> Profile:
        inline = self.days is not None or self.intraday is not None
        if inline == (self.csv is not None):
            raise _profile_shape(
                "a profile gives either days and intraday weights or a csv, not both or neither"
            )
        return self


QueueKind = Literal["production", "training", "escalation", "qa"]
Sensitivity = Literal["standard", "sensitive", "egregious"]
#: sensitivities from the least to the most harmful
SENSITIVITIES: tuple[Sensitivity, ...] = ("standard", "sensitive", "egregious")


def at_least(sensitivity: str | None, floor: str) -> bool:
    """Whether content of ``sensitivity`` (None: standard) is at or above ``floor``: what
    an exposure cap of ``floor`` counts."""
    return SENSITIVITIES.index(sensitivity or "standard") >= SENSITIVITIES.index(floor)


QueueStatus = Literal["draft", "ready", "live", "paused", "retired"]


class Queue(Suppressible):
    id: Identifier
    name: str = Field(min_length=1)
    workflow: Identifier
    kind: QueueKind
    status: QueueStatus
    policy: VersionBinding
    template: VersionBinding | None = None
    languages: Annotated[list[Language], AfterValidator(_as_set)] = Field(min_length=1)
    markets: Annotated[list[Country], AfterValidator(_as_set)] = Field(default_factory=list)
    data_classification: DataClassification = "public"
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    ttp_queue: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] | None = None
    training_queue: Identifier | None = None
    escalates_to: Identifier | None = None
    sop: Annotated[str, Field(pattern=r"^sops/[^\s]+\.md\.j2$")] | None = None
    qa: QualityAssurance | None = None
    training: TrainingCases | None = None
    forecast: Forecast | None = None
    sensitivity: Sensitivity | None = Field(
        default=None,
        description="how harmful the content is to review: standard (the default), "
        "sensitive or egregious; exposure_cap guardrails limit the hours on it",
    )
    min_agents: Annotated[int, Field(ge=1, le=MAX_AGENTS)] | None = Field(
        default=None, description="agents on duty whenever the queue is open (a profiled queue)"
    )
    migrate_to: Identifier | None = None
    owner: Email | None = None
    description: str | None = None

    @property
    def policy_id(self) -> str:
        return self.policy.partition("@")[0]

    @property
    def policy_version(self) -> int:
        return int(self.policy.partition("@")[2])

    @property
    def template_version(self) -> str | None:
        return self.template


class ServiceLevel(Item):
    percent: TargetPercent
    within: DurationField


class Quality(Item):
    min_accuracy: Fraction


class Productivity(Item):
    units_per_hour: Annotated[float, Field(gt=0, le=100_000)]


class Target(Suppressible):
    queue: Identifier | None = None
    workflow: Identifier | None = Field(
        default=None, description="a default for the workflow's queues without their own target"
    )
    sla: ServiceLevel
    quality: Quality | None = None
    productivity: Productivity | None = None
    max_occupancy: Annotated[float, Field(gt=0, le=1)] | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> Target:
        if (self.queue is None) == (self.workflow is None):
            raise PydanticCustomError(
                "target_subject", "a target applies to exactly one of `queue` or `workflow`"
            )
        return self

    @property
    def key(self) -> str:
        return f"workflow:{self.workflow}" if self.workflow else str(self.queue)


def team_order(shares: dict[str, float]) -> dict[str, float]:
    """Teams in id order, so that reordering the YAML is not a change."""
    return dict(sorted(shares.items()))


class RecoveryNote(Item):
    """What a backlog-recovery phase is for (``qplan recover --write`` sets it)."""

    backlog: Annotated[int, Field(ge=1, le=MAX_WEEKLY_VOLUME)]
    clear_by: IsoDate
    extra_fte: dict[Identifier, Annotated[float, Field(ge=0, le=MAX_FTE)]] = Field(
        default_factory=dict,
        description="the FTE of overtime and vendor surge each team adds until clear_by",
    )


class AllocationPhase(Item):
    """The shares in force from a date on: a vendor ramp-up or a site move, staged."""

    model_config = ConfigDict(populate_by_name=True)

    starts: IsoDate = Field(alias="from")
    shares: dict[Identifier, Percent] = Field(min_length=1)
    recovery: RecoveryNote | None = Field(
        default=None,
        description="a backlog-recovery phase: the backlog it clears and the day it is due",
    )

    _order = field_validator("shares")(team_order)


class Allocation(Suppressible):
    queue: Identifier
    shares: dict[Identifier, Percent] = Field(min_length=1)
    phases: list[AllocationPhase] = Field(
        default_factory=list,
        description="later shares, each in force from its date until the next phase",
    )

    _order = field_validator("shares")(team_order)

    @field_validator("phases")
    @classmethod
    def _phases_in_date_order(cls, phases: list[AllocationPhase]) -> list[AllocationPhase]:
        for earlier, later in itertools.pairwise(phases):
            if later.starts <= earlier.starts:
                raise PydanticCustomError(
                    "phase_order",
                    "phases must be in date order: {later} does not come after {earlier}",
                    {"later": later.starts.isoformat(), "earlier": earlier.starts.isoformat()},
                )
        return phases

    def phase_on(self, day: date | None) -> AllocationPhase | None:
        """The phase in force on ``day``: the last to start by then (None before the first,
        or when ``day`` is None)."""
        found = None
        if day is not None:
            for phase in self.phases:
                if phase.starts <= day:
                    found = phase
        return found

    def recovery_on(self, day: date | None) -> AllocationPhase | None:
        """The backlog-recovery phase in force on ``day``, until its ``clear_by``."""
        found = self.phase_on(day)
        if found is None or found.recovery is None or day is None:
            return None
        return found if day <= found.recovery.clear_by else None

    def shares_on(self, day: date | None) -> dict[str, float]:
        """The shares in force on ``day`` (the first shares when ``day`` is None)."""
        found = self.phase_on(day)
        return self.shares if found is None else found.shares


class _Guardrail(Suppressible):
    id: Identifier
    description: str | None = None


class ClearanceRequired(_Guardrail):
    type: Literal["clearance_required"]


class MaxVendorShare(_Guardrail):
    type: Literal["max_vendor_share"]
    max_percent: Percent


class MinTeamsPerLiveQueue(_Guardrail):
    type: Literal["min_teams_per_live_queue"]
    min_teams: Annotated[int, Field(ge=1, le=1_000)]


class MaxBpoShare(_Guardrail):
    type: Literal["max_bpo_share"]
    classification: DataClassification
    max_percent: Annotated[float, Field(ge=0, le=100)]


class MaxTeamUtilisation(_Guardrail):
    type: Literal["max_team_utilisation"]
    max_percent: Percent


class ExposureCap(_Guardrail):
    """Moderator wellness: the most hours an agent spends a day on queues at or above a
    sensitivity, and breaks that reduce the productive time of those who work them."""

    type: Literal["exposure_cap"]
    sensitivity: Literal["sensitive", "egregious"]
    max_hours_per_day: Annotated[float, Field(gt=0, le=24)]
    wellness_minutes_per_shift: Annotated[float, Field(ge=0, le=480)] = 0


Guardrail = Annotated[
    ClearanceRequired
    | MaxVendorShare
    | MinTeamsPerLiveQueue
    | MaxBpoShare
    | MaxTeamUtilisation
    | ExposureCap,
    Field(discriminator="type"),
]
GUARDRAIL_TYPES = (
    "clearance_required",
    "max_vendor_share",
    "min_teams_per_live_queue",
    "max_bpo_share",
    "max_team_utilisation",
    "exposure_cap",
)
#: the rule code of each guardrail type that has one: what it is reported under, and what a
#: queue, allocation, team or guardrail suppresses to waive it (the optimiser and recovery
#: honour the same waivers)
GUARDRAIL_CODES = {
    "max_vendor_share": "QP201",
    "min_teams_per_live_queue": "QP202",
    "max_bpo_share": "QP203",
    "max_team_utilisation": "QP204",
    "exposure_cap": "QP205",
}


class SopFrontMatter(Suppressible):
    title: str = Field(min_length=1)
    owner: Email
    queues: list[Identifier] = Field(min_length=1)
    review_every_days: Annotated[int, Field(ge=1, le=3_650)]
    last_reviewed: IsoDate


# --- scenarios: what-if overlays under scenarios/ that never change the organisation ---


# --- projects: launches, rollouts, intakes and recoveries under projects/ ---------------


#: the model of each kind of a workflows/ file, in the order of DESIGN.md
#: (:data:`qplan.core.kinds.FILE_KINDS` names them)
KINDS: dict[str, Any] = {str(k.plural): globals()[str(k.model)] for k in FILE_KINDS}


class WorkflowsFile(Item):
    """One file under workflows/ (used for the JSON Schema editors read)."""

    workflows: list[Workflow] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    profiles: list[Profile] = Field(default_factory=list)
    teams: list[Team] = Field(default_factory=list)
    queues: list[Queue] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    allocations: list[Allocation] = Field(default_factory=list)
    guardrails: list[Guardrail] = Field(default_factory=list)
