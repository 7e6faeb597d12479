"""The exercise file: HSEEP overview, objectives, teams, modules and the MSEL, as strict models.

An exercise names the scenario it plays (a path relative to the exercise file) and adds what HSEEP
asks of an exercise plan: objectives linked to core capabilities, capability targets and critical
tasks with time standards; teams with roles; the three modules (pre-incident, response, recovery)
with discussion questions; and the master scenario events list (MSEL) of injects. Cross-references
(teams, tasks, injects, zones, units) are checked by :mod:`facilitator.exercise.loader`, not here.

Durations are written with units in the file (``2 min``) and held in seconds.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, Discriminator, Field, Tag, model_validator

from simsoft.schema import Duration, Strict

__all__ = [
    "CORE_CAPABILITIES",
    "DELIVERY_METHODS",
    "EXERCISE_ID",
    "KNOWLEDGE_ROLES",
    "CriticalTask",
    "Objective",
    "Team",
    "Module",
    "Expect",
    "FirstEvent",
    "ZoneAbove",
    "InsideBelow",
    "CasualtiesAbove",
    "HospitalAtCapacity",
    "UnitsExhausted",
    "QueuedAbove",
    "REGION_TRIGGERS",
    "Trigger",
    "IfMissing",
    "Inject",
    "Overview",
    "Person",
    "Exercise",
]

EXERCISE_ID = r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$"
"""Exercise ids may also hold dots, as HSEEP task numbers do (``CT1.2``)."""

XId = Annotated[str, Field(pattern=EXERCISE_ID)]

CORE_CAPABILITIES = (
    "Planning",
    "Public Information and Warning",
    "Operational Coordination",
    "Forensics and Attribution",
    "Intelligence and Information Sharing",
    "Interdiction and Disruption",
    "Screening, Search, and Detection",
    "Access Control and Identity Verification",
    "Cybersecurity",
    "Physical Protective Measures",
    "Risk Management for Protection Programs and Activities",
    "Supply Chain Integrity and Security",
    "Community Resilience",
    "Long-term Vulnerability Reduction",
    "Risk and Disaster Resilience Assessment",
    "Threats and Hazards Identification",
    "Critical Transportation",
    "Environmental Response/Health and Safety",
    "Fatality Management Services",
    "Fire Management and Suppression",
    "Logistics and Supply Chain Management",
    "Mass Care Services",
    "Mass Search and Rescue Operations",
    "On-scene Security, Protection, and Law Enforcement",
    "Operational Communications",
    "Public Health, Healthcare, and Emergency Medical Services",
    "Situational Assessment",
    "Economic Recovery",
    "Health and Social Services",
    "Housing",
    "Infrastructure Systems",
    "Natural and Cultural Resources",
)
"""The 32 core capabilities of the National Preparedness Goal, 2nd edition (FEMA, 2015)."""

KNOWLEDGE_ROLES = ("venue_control", "police", "ems")
"""Whose knowledge a player team sees (``simsoft.models.incident.ROLES``)."""

DELIVERY_METHODS = ("in_person", "phone", "radio", "email", "text_message", "public_address",
                    "social_media", "news_media", "document")
"""How an inject reaches its recipients (the MSEL's *delivery method* column)."""


class TeamsDecide(Strict):
    """The scenario's ``automatic`` switches as the exercise plays them (``null``: as the scenario says)."""

    venue_plan: bool | None = False
    """Whether the venue's protective-action plan (``alerting.plan``) applies itself (default false: the venue team decides)."""
    police_cordon: bool | None = False
    """Whether containment sets the cordon itself (default false: the police team decides)."""


class Person(Strict):
    """Someone named in the exercise documents (an evaluator), with the organisation they belong to."""

    name: Annotated[str, Field(min_length=1)]
    """Name or post (``A. Khan`` or ``Lead evaluator``)."""
    organisation: Annotated[str, Field(min_length=1)]
    """The organisation the person represents."""


class Overview(Strict):
    """The exercise overview in HSEEP terms (the cover of the situation manual)."""

    name: str
    """Exercise name."""
    scenario: str | None = None
    """Scenario file the exercise plays, relative to the exercise file (or ``region``)."""
    region: str | None = None
    """Region file a city-wide exercise plays instead of one scenario, relative to the exercise file
    (:mod:`facilitator.exercise.regional`; ``variant`` is then a variant of the region)."""
    variant: str | None = None
    """Variant of the scenario to play (``variants:`` of the scenario file)."""
    seed: Annotated[int, Field(ge=0)] | None = None
    """Seed of the simulated world (``--seed`` overrides it); the simsoft default if absent."""
    type: Literal["seminar", "workshop", "tabletop", "game"] = "tabletop"
    """HSEEP discussion-based exercise type."""
    sponsor: str | None = None
    """Sponsoring organisation."""
    scope: str | None = None
    """Scope: duration, location, what play covers and what it does not."""
    mission_areas: list[Literal["prevention", "protection", "mitigation", "response", "recovery"]] = []
    """National Preparedness Goal mission areas exercised."""
    threat: str | None = None
    """Threat or hazard, in abstract terms (effects, not methods)."""
    organisations: list[str] = []
    """Participating organisations."""
    point_of_contact: str | None = None
    """Who to contact about the exercise."""
    date: _dt.date | None = None
    """Planned exercise date (ISO, ``2026-03-14``); the AAR shows the session's start date when absent."""
    location: str | None = None
    """Where the exercise is held (the room, not the scenario's venue)."""
    duration: Annotated[Duration, Field(gt=0)] | None = None
    """Planned length of the exercise as a duration with units (``2 h``); must be positive."""
    evaluators: list[Person] = []
    """Evaluators by name and organisation (the AAR adds the evaluation files' evaluators)."""
    handling: str | None = None
    """Handling marking printed at the top and bottom of every page of the documents
    (e.g. ``OFFICIAL - for exercise participants only``); none when absent."""
    ends_at: Duration | None = None
    """End of play: injects still waiting for a trigger are not waited for beyond it (default: the scenario's end)."""
    check_every: Duration = 10.0
    """How often (simulated time) state-triggered injects and contingency deadlines are checked."""
    automatic: "TeamsDecide" = Field(default_factory=lambda: TeamsDecide())
    """What the engine still does on its own in this exercise: the scenario's ``automatic`` switches, set here
    for play. By default an exercise leaves the venue's plan and police cordons to its teams (``false``), so
    the teams' orders are the only plan and the no-action comparison really is no action."""
    grace: Duration | None = None
    """Default grace after a time standard within which a late action still scores 1 of 2
    (see :mod:`facilitator.evaluation.scoring`); when no grace is stated anywhere it equals the standard."""

    @model_validator(mode="after")
    def _scenario_or_region(self) -> "Overview":
        if (self.scenario is None) == (self.region is None):
            raise ValueError("needs exactly one of scenario (one venue) and region (a city-wide exercise)")
        return self


class CriticalTask(Strict):
    """A critical task of a capability target, with its time standard where doctrine has one."""

    id: XId
    """Task id (``CT1.1``)."""
    text: str
    """What has to be done."""
    standard: Duration | None = None
    """Time standard, counted from the inject that calls for it (e.g. Rådestad et al. 2012)."""
    grace: Duration | None = None
    """Grace after the standard within which a late action scores 1 (the exercise's ``grace`` when absent)."""
    reference: str | None = None
    """The plan, SOP or doctrine the task comes from (shown as the *reference* of findings in the AAR)."""


class Objective(Strict):
    """An exercise objective linked to a core capability, its capability target and critical tasks."""

    id: XId
    """Objective id (``OBJ1``)."""
    text: str
    """The SMART objective."""
    capability: str
    """Core capability (National Preparedness Goal name)."""
    capability_target: str | None = None
    """The capability target from the organisation's plan."""
    critical_tasks: list[CriticalTask] = []
    """Critical tasks evaluated under this objective."""


class Team(Strict):
    """A group in the room: players decide; controllers, evaluators and observers do not."""

    id: XId
    """Team id used in the MSEL and decision files."""
    name: str
    """Display name."""
    role: Literal["player", "controller", "evaluator", "observer"] = "player"
    """What the team does in the exercise."""
    knows_as: Literal["venue_control", "police", "ems", "region"] | None = None
    """Whose knowledge the team sees in its situation reports (players only; others see ground truth);
    ``region`` (regional exercises only): the region's picture, sites, hospitals and units."""
    may: list[str] = []
    """Action verbs the team may decide (players only)."""
    report_delay: Duration = 60.0
    """How old the counts in the team's situation report are (reports lag the ground truth)."""

    @model_validator(mode="after")
    def _player_fields(self) -> "Team":
        if self.role == "player" and self.knows_as is None:
            raise ValueError("a player team needs knows_as (venue_control, police or ems), or region in a regional exercise")
        if self.role != "player" and self.may:
            raise ValueError(f"a {self.role} team takes no decisions: remove may")
        return self


class Module(Strict):
    """A module of the discussion: a scenario update and its questions."""

    id: XId
    """Module id (``M1``)."""
    name: str
    """Module title."""
    phase: Literal["pre_incident", "response", "recovery"]
    """Which part of the three-module structure the module is."""
    questions: list[str] = []
    """Discussion questions for the facilitator to ask."""


class Expect(Strict):
    """An action the inject should prompt, with its time standard and the critical task it shows."""

    team: XId
    """Team expected to act."""
    action: str
    """Action verb expected (``alert``, ``evacuate``, ...)."""
    within: Duration | None = None
    """Time standard from the inject's release; the task's standard when absent."""
    task: XId | None = None
    """Critical task the action demonstrates."""
    grace: Duration | None = None
    """Grace after the standard within which a late action scores 1 (the task's, then the exercise's, when absent)."""
    doctrine: dict[str, Any] = {}
    """Parameters of the action doctrine prescribes (``{zones: all}``), without ``do``: the doctrine run of
    :mod:`facilitator.evaluation.outcomes` takes it at the standard time. Absent: the team's own parameters."""
    match: list[str] | None = None
    """Doctrine parameters a decision must share to answer this expectation; default: those that name the
    action's target (zones, connection, unit, site, hospital, policy, what, phase, level), never amounts.
    ``[]``: any decision of the team with the verb answers it (see :mod:`facilitator.exercise.matching`)."""


class FirstEvent(Strict):
    """Released when the simulation first records an event of this kind (and subject)."""

    event: str
    """Event kind, e.g. ``response.on_scene`` or ``egress.queue``."""
    subject: str | None = None
    """Only events about this subject (a unit, zone, connection, exit or role)."""


class ZoneAbove(Strict):
    """Released when a zone holds more than ``above`` people."""

    zone: str
    """Zone id."""
    above: Annotated[int, Field(ge=0)]
    """Head count the zone must exceed."""


class InsideBelow(Strict):
    """Released when fewer than ``inside_below`` people remain inside the venue."""

    inside_below: Annotated[int, Field(ge=1)]
    """Head count the people inside must fall below."""


class CasualtiesAbove(Strict):
    """Released when more than ``casualties_above`` people have been hurt."""

    casualties_above: Annotated[int, Field(ge=0)]
    """Casualty count that must be exceeded."""


class HospitalAtCapacity(Strict):
    """Regional exercises: released when a shared hospital has every bed taken or promised to a patient on the way."""

    hospital_at_capacity: str
    """Hospital id of the region."""


class UnitsExhausted(Strict):
    """Regional exercises: released when the region has shared units of this kind and none is free."""

    units_exhausted: Literal["ambulance", "police"]
    """Kind of shared unit."""


class QueuedAbove(Strict):
    """Regional exercises: released when more than ``queued_above`` units of a kind are wanted by requests still waiting."""

    queued_above: Annotated[int, Field(ge=0)]
    """Number of units wanted that must be exceeded."""
    kind: Literal["ambulance", "police"] = "ambulance"
    """Kind of shared unit."""


REGION_TRIGGERS = (HospitalAtCapacity, UnitsExhausted, QueuedAbove)
"""Trigger kinds that read the region (:class:`simsoft.region.RegionView`), not one venue."""


def _trigger_kind(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        return {FirstEvent: "when[event]", ZoneAbove: "when[zone]", InsideBelow: "when[inside]",
                CasualtiesAbove: "when[casualties]", HospitalAtCapacity: "when[hospital]",
                UnitsExhausted: "when[units]", QueuedAbove: "when[queued]"}.get(type(value))
    if not isinstance(value, dict):
        return None
    for key, tag in (("event", "when[event]"), ("zone", "when[zone]"), ("inside_below", "when[inside]"),
                     ("casualties_above", "when[casualties]"), ("hospital_at_capacity", "when[hospital]"),
                     ("units_exhausted", "when[units]"), ("queued_above", "when[queued]")):
        if key in value:
            return tag
    return None


Trigger = Annotated[
    Union[
        Annotated[FirstEvent, Tag("when[event]")],
        Annotated[ZoneAbove, Tag("when[zone]")],
        Annotated[InsideBelow, Tag("when[inside]")],
        Annotated[CasualtiesAbove, Tag("when[casualties]")],
        Annotated[HospitalAtCapacity, Tag("when[hospital]")],
        Annotated[UnitsExhausted, Tag("when[units]")],
        Annotated[QueuedAbove, Tag("when[queued]")],
    ],
    Discriminator(
        _trigger_kind,
        custom_error_type="trigger",
        custom_error_message="must be one of {event: KIND}, {zone: ID, above: N}, {inside_below: N}, {casualties_above: N}"
                             " (regional exercises also {hospital_at_capacity: ID}, {units_exhausted: KIND},"
                             " {queued_above: N, kind: KIND})",
    ),
]
"""A condition on the simulated state, chosen by its key."""


class IfMissing(Strict):
    """Makes an inject a contingency: released if an expected action has not been taken in time."""

    inject: XId
    """The inject whose expected action is awaited."""
    action: str
    """The action verb awaited."""
    team: XId | None = None
    """The team awaited (any team when absent)."""
    after: Duration
    """How long after that inject's release the contingency is released if the action is missing."""


class Inject(Strict):
    """One MSEL row: a message to teams at a time, on a state trigger, or as a contingency."""

    id: XId
    """Inject id (``I1``)."""
    module: XId
    """Module the inject belongs to."""
    at: Duration | None = None
    """Scenario time of a scripted inject."""
    when: Trigger | None = None
    """State trigger: released the first time the condition holds."""
    site: XId | None = None
    """Regional exercises: the site the inject is about; its venue triggers (event, zone, inside, casualties) and
    its text's ``{placeholders}`` read that site (default: the region's first site with an incident)."""
    if_missing: IfMissing | None = None
    """Contingency: released when an expected action is missing by its deadline."""
    sender: str = "Controller"
    """Who the message is from (simulated originator)."""
    to: Annotated[list[XId], Field(min_length=1)]
    """Recipient teams."""
    method: Literal["in_person", "phone", "radio", "email", "text_message", "public_address",
                    "social_media", "news_media", "document"] = "in_person"
    """Delivery method."""
    text: str
    """Message text; ``{placeholders}`` show live values (``{t}``, ``{inside}``, ``{casualties}``, ...)."""
    expect: list[Expect] = []
    """Expected player actions with their time standards."""
    discussion_only: bool = False
    """The inject asks a question no action answers (a statement to the media, what to tell the trustees): the
    teams discuss it, nothing is expected of them in the simulation and nothing is scored. The loader warns about
    an inject to a player team with actions that has neither ``expect`` nor this mark."""
    notes: str | None = None
    """Controller and evaluator notes (never shown to players)."""

    @model_validator(mode="after")
    def _one_release_rule(self) -> "Inject":
        given = [k for k in ("at", "when", "if_missing") if getattr(self, k) is not None]
        if len(given) != 1:
            shown = ", ".join(given) if given else "none"
            raise ValueError(f"needs exactly one of at, when, if_missing (has {shown})")
        if self.discussion_only and self.expect:
            raise ValueError("a discussion-only inject expects no action: remove expect or discussion_only")
        return self


class Languages(Strict):
    """The languages of an exercise file's texts (:mod:`facilitator.exercise.languages`).

    Any text people read (the exercise name, objectives, capability targets, critical tasks, team and
    module names, questions, inject senders, texts and notes, and ``names``) may be a plain string in
    the fallback language or a mapping ``{en: ..., ar: ..., fr: ...}`` that includes it.
    """

    fallback: Annotated[str, Field(pattern=r"^[a-z]{2,3}$")] = "en"
    """The language of the plain strings, shown where a translation is missing (every mapping must give it)."""
    covers: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = []
    """Languages the file claims to cover completely; the loader names every text missing in one of them."""


class Exercise(Strict):
    """A whole exercise file."""

    languages: Languages = Languages()
    """The languages of the file's texts (default: English only)."""
    names: dict[str, str] = {}
    """Display names of the scenario's zones, exits, doors, units, hospitals and reunification sites by id,
    as pages show them (a text or a mapping of language to text); unnamed ones keep the scenario's name.
    Two keys name no place: ``venue`` (the venue's own name, on figures and printed maps) and ``scenario``
    (the scenario's title); their fallback-language text is not used, the scenario's own name is."""

    exercise: Overview
    """Overview and the scenario played."""
    objectives: Annotated[list[Objective], Field(min_length=1)]
    """Objectives, capabilities and critical tasks."""
    teams: Annotated[list[Team], Field(min_length=1)]
    """Teams in the room."""
    modules: Annotated[list[Module], Field(min_length=1)]
    """Modules in order of play."""
    msel: Annotated[list[Inject], Field(min_length=1)]
    """The master scenario events list."""

    def team(self, team_id: str) -> Team:
        """The team with id ``team_id`` (KeyError if none)."""
        for t in self.teams:
            if t.id == team_id:
                return t
        raise KeyError(team_id)

    def inject(self, inject_id: str) -> Inject:
        """The inject with id ``inject_id`` (KeyError if none)."""
        for i in self.msel:
            if i.id == inject_id:
                return i
        raise KeyError(inject_id)

    def task(self, task_id: str) -> CriticalTask:
        """The critical task with id ``task_id`` (KeyError if none)."""
        for o in self.objectives:
            for t in o.critical_tasks:
                if t.id == task_id:
                    return t
        raise KeyError(task_id)


# ---------------------------------------------------------------------------------- after the play
RATINGS = ("P", "S", "M", "U")
"""HSEEP core capability ratings: performed without challenges, with some, with major challenges, unable to be performed."""

RATING_NAMES = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}

CAPABILITY_ELEMENTS = ("planning", "organisation", "equipment", "training", "exercise")
"""The POETE capability elements a corrective action addresses (HSEEP AAR/IP, Appendix A)."""


class TeamHotwash(Strict):
    """One team's self-assessment at the hot wash."""

    team: XId
    """Team id."""
    strengths: list[str] = []
    """What went well, in the team's words."""
    improvements: list[str] = []
    """Areas for improvement, in the team's words."""


class Feedback(Strict):
    """One participant feedback form (CISA CTEP Participant Feedback Form, shortened)."""

    team: XId | None = None
    """The participant's team (anonymous forms leave it out)."""
    role: str | None = None
    """The participant's role or organisation."""
    ratings: dict[str, Annotated[int, Field(ge=1, le=5)]] = {}
    """Self-ratings 1 (strongly disagree) .. 5 (strongly agree), e.g. ``{realism: 4, objectives_met: 3}``."""
    strengths: list[str] = []
    """Top strengths seen."""
    gaps: list[str] = []
    """Top gaps or concerns."""
    recommendations: list[str] = []
    """Recommendations for the organisation."""
    design_comments: str | None = None
    """Comments on the exercise design and conduct."""


class Hotwash(Strict):
    """A hot wash file: teams' self-assessments and participant feedback forms."""

    exercise: str | None = None
    """The exercise file (``community-hall.yaml``) or exercise name this file was written for; checked."""
    decisions: str | None = None
    """The decision set the session played (``community-hall-late-decisions.yaml``); checked."""
    session: str | None = None
    """The session folder's name (its UTC time); checked."""
    teams: list[TeamHotwash] = []
    """Self-assessments, one per team."""
    feedback: list[Feedback] = []
    """Participant feedback forms."""


class RatingInput(Strict):
    """The evaluator's decision on a proposed rating: confirm it, or give another with a reason."""

    capability: str
    """Core capability (as named in the exercise's objectives)."""
    rating: str | None = None
    """P, S, M or U; absent: confirm the proposal."""
    reason: str | None = None
    """Why (required when the rating differs from the proposal, or when there is no proposal)."""


class Finding(Strict):
    """A strength or an area for improvement under an objective (AAR, Analysis of Core Capabilities)."""

    objective: XId
    """Objective id."""
    kind: Literal["strength", "improvement"]
    """Strength or area for improvement."""
    text: str
    """The observation."""
    reference: str | None = None
    """Plan, SOP or doctrine the observation is measured against."""
    analysis: str | None = None
    """Root cause and consequences."""


RelativeDate = Annotated[str, Field(pattern=r"^\+\s*\d{1,4}\s*(d|days?)$")]
"""Days after the exercise date, ``+14 d``: an Improvement Plan written before the exercise stays true."""


def relative_days(text: str) -> int:
    """The number of days of a :data:`RelativeDate` (``"+14 d"`` -> 14)."""
    return int("".join(ch for ch in text if ch.isdigit()))


class ImprovementItem(Strict):
    """One row of the Improvement Plan (HSEEP AAR/IP Appendix A)."""

    capability: str
    """Core capability."""
    issue: str
    """Issue or area for improvement."""
    corrective_action: str
    """What will be done."""
    element: Literal["planning", "organisation", "equipment", "training", "exercise"]
    """Capability element (POETE) the action addresses."""
    organisation: str
    """Primary responsible organisation."""
    poc: str
    """Organisation point of contact."""
    start: _dt.date | RelativeDate
    """Start date (ISO, ``2026-01-15``), or days after the exercise (``+14 d``); not before the exercise."""
    completion: _dt.date | RelativeDate
    """Completion date (ISO) or days after the exercise (``+90 d``), not before ``start``."""
    variant: str | None = None
    """A variant of the scenario that models the corrective action: the AAR predicts its effect."""

    @model_validator(mode="after")
    def _dates(self) -> "ImprovementItem":
        if isinstance(self.start, str) and isinstance(self.completion, str):
            if relative_days(self.completion) < relative_days(self.start):
                raise ValueError(f"completion {self.completion} is before start {self.start}")
        elif type(self.start) is type(self.completion) and self.completion < self.start:  # type: ignore[operator]
            raise ValueError(f"completion {self.completion} is before start {self.start}")
        return self


class Evaluation(Strict):
    """An evaluation file: ratings decisions, findings per objective and the Improvement Plan."""

    exercise: str | None = None
    """The exercise file (``community-hall.yaml``) or exercise name this file was written for; checked."""
    decisions: str | None = None
    """The decision set the session played (``community-hall-late-decisions.yaml``); checked."""
    session: str | None = None
    """The session folder's name (its UTC time); checked."""
    evaluator: str | None = None
    """Who evaluated (lead evaluator)."""
    ratings: list[RatingInput] = []
    """Confirmed or overridden ratings, one per capability."""
    findings: list[Finding] = []
    """Strengths and areas for improvement per objective."""
    improvement_plan: list[ImprovementItem] = []
    """Corrective actions."""
