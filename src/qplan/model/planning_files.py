"""The format of the files under ``scenarios/`` (what-if changes laid over the organisation)
and ``projects/`` (launches, rollouts and recoveries with milestones, risks and decisions)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from qplan.model.format import (
    MAX_FTE,
    MAX_HANDLE_SECONDS,
    Email,
    Identifier,
    IsoDate,
    Item,
    Percent,
    Queue,
    ServiceLevel,
    Suppressible,
    team_order,
)

#: the largest factor a scenario may multiply a volume, handle time or headcount by
MAX_SCENARIO_FACTOR = 100


class _QueueSelector(Item):
    """A scenario change that applies to one queue or to every queue of a workflow."""

    queue: Identifier | None = None
    workflow: Identifier | None = None

    @model_validator(mode="after")
    def _one_subject(self) -> _QueueSelector:
        if (self.queue is None) == (self.workflow is None):
            raise PydanticCustomError(
                "scenario_subject", "a change applies to exactly one of `queue` or `workflow`"
            )
        return self


class VolumeChange(_QueueSelector):
    """Weekly volume multiplied (1.3 is 30 % more)."""

    type: Literal["volume"]
    multiply: Annotated[float, Field(ge=0, le=MAX_SCENARIO_FACTOR)]


class HandleTimeChange(_QueueSelector):
    """Average handle time multiplied, or set in seconds."""

    type: Literal["aht"]
    multiply: Annotated[float, Field(gt=0, le=MAX_SCENARIO_FACTOR)] | None = None
    seconds: Annotated[float, Field(gt=0, le=MAX_HANDLE_SECONDS)] | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> HandleTimeChange:
        if (self.multiply is None) == (self.seconds is None):
            raise PydanticCustomError(
                "scenario_amount", "an aht change gives exactly one of `multiply` or `seconds`"
            )
        return self


class HeadcountChange(Item):
    """A team's headcount set, moved by some FTE, or multiplied."""

    type: Literal["headcount"]
    team: Identifier
    fte: Annotated[float, Field(ge=0, le=MAX_FTE)] | None = Field(
        default=None, description="the team's headcount in the scenario"
    )
    add_fte: Annotated[float, Field(ge=-MAX_FTE, le=MAX_FTE)] | None = Field(
        default=None, description="FTE added (negative: taken away)"
    )
    multiply: Annotated[float, Field(ge=0, le=MAX_SCENARIO_FACTOR)] | None = None

    @model_validator(mode="after")
    def _one_amount(self) -> HeadcountChange:
        if sum(v is not None for v in (self.fte, self.add_fte, self.multiply)) != 1:
            raise PydanticCustomError(
                "scenario_amount",
                "a headcount change gives exactly one of `fte`, `add_fte` or `multiply`",
            )
        return self


class CloseSite(Item):
    """Every team at a site (the teams' `site`) down to no headcount; its shares stay,
    so the figures show the work left without anyone to do it (add --allocate to move it)."""

    type: Literal["close_site"]
    site: str = Field(min_length=1, max_length=200)


class LaunchQueue(Item):
    """A draft queue (and its draft training queue) counted as launched: its load falls on
    its teams, those of its allocation or the shares given here."""

    type: Literal["launch"]
    queue: Identifier
    shares: dict[Identifier, Percent] | None = Field(
        default=None, description="its split, in place of its allocation's (or when it has none)"
    )

    _order = field_validator("shares")(team_order)


class NewQueue(Item):
    """A queue that does not exist yet, with its forecast, split and target."""

    type: Literal["new_queue"]
    queue: Queue
    shares: dict[Identifier, Percent] = Field(min_length=1)
    target: ServiceLevel | None = Field(
        default=None, description="its SLA; without one, the workflow's target applies"
    )

    _order = field_validator("shares")(team_order)


ScenarioChange = Annotated[
    VolumeChange | HandleTimeChange | HeadcountChange | CloseSite | LaunchQueue | NewQueue,
    Field(discriminator="type"),
]


SCENARIO_CHANGE_TYPES = ("volume", "aht", "headcount", "close_site", "launch", "new_queue")


#: the most changes one scenario holds
MAX_SCENARIO_CHANGES = 500


class Scenario(Suppressible):
    """One file under scenarios/: changes laid over the organisation for a what-if question."""

    id: Identifier
    title: str = Field(min_length=1, max_length=200)
    owner: Email | None = None
    description: str | None = Field(default=None, max_length=10_000)
    as_of: IsoDate | None = Field(
        default=None,
        description="the day the figures are for (phases in force then); default today",
    )
    changes: list[ScenarioChange] = Field(min_length=1, max_length=MAX_SCENARIO_CHANGES)
    event: bool = Field(
        default=False,
        description="its volume changes are expected from `as_of` on: `qplan forecast` "
        "applies them to the weeks from that day",
    )

    @field_validator("event")
    @classmethod
    def _event_has_a_day(cls, event: bool, info: ValidationInfo) -> bool:
        if event and "as_of" in info.data and info.data["as_of"] is None:
            raise PydanticCustomError(
                "scenario_event", "an event scenario gives `as_of`: the day its changes start"
            )
        return event


ProjectKind = Literal["launch", "policy_rollout", "intake", "recovery", "normalisation"]


PROJECT_STATUSES = ("intake", "planning", "in_progress", "launched", "closed", "blocked")


ProjectStatus = Literal["intake", "planning", "in_progress", "launched", "closed", "blocked"]


ShortText = Annotated[str, Field(min_length=1, max_length=2_000)]


class Stakeholder(Item):
    name: str = Field(min_length=1, max_length=200)
    role: Literal["responsible", "accountable", "consulted", "informed"]
    email: Email | None = None
    team: str | None = Field(default=None, max_length=200)


class Milestone(Item):
    name: str = Field(min_length=1, max_length=200)
    due: IsoDate
    done: IsoDate | None = Field(default=None, description="the day it was reached")
    launch: bool = Field(
        default=False,
        description="the project's queues go live on this date: they must pass readiness",
    )


class Risk(Item):
    description: ShortText
    severity: Literal["low", "medium", "high", "critical"]
    owner: Email | None = None
    mitigation: ShortText | None = None
    status: Literal["open", "mitigated", "accepted", "closed"] = "open"

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class Decision(Item):
    day: IsoDate = Field(alias="date")
    what: ShortText
    who: str = Field(min_length=1, max_length=200)

    model_config = ConfigDict(populate_by_name=True)


class Update(Item):
    day: IsoDate = Field(alias="date")
    summary: ShortText
    author: str | None = Field(default=None, max_length=200)

    model_config = ConfigDict(populate_by_name=True)


#: a policy as a project names it: its id, or a version of it (hate-speech@8)
PolicyRef = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}(@[1-9][0-9]*)?$")]


class Project(Suppressible):
    """One file under projects/: a launch, policy rollout, intake, recovery or
    normalisation, tied to the queues, workflows and policies it changes."""

    id: Identifier
    kind: ProjectKind
    title: str = Field(min_length=1, max_length=200)
    owner: Email
    requested_by: str | None = Field(
        default=None, max_length=200, description="the partner team that asked for it"
    )
    status: ProjectStatus
    description: str | None = Field(default=None, max_length=10_000)
    stakeholders: list[Stakeholder] = Field(default_factory=list, max_length=500)
    milestones: list[Milestone] = Field(default_factory=list, max_length=500)
    queues: list[Identifier] = Field(default_factory=list, max_length=5_000)
    workflows: list[Identifier] = Field(default_factory=list, max_length=500)
    policies: list[PolicyRef] = Field(default_factory=list, max_length=500)
    risks: list[Risk] = Field(default_factory=list, max_length=500)
    decisions: list[Decision] = Field(default_factory=list, max_length=1_000)
    updates: list[Update] = Field(default_factory=list, max_length=1_000)
