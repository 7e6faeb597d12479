"""Detection, notification, the venue's protective-action plan, and the security response."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import Field, NonNegativeInt, PositiveFloat

from simsoft.schema.common import Count, Duration, Fraction, Id, Strict
from simsoft.schema.distributions import Distribution, Lognormal
from simsoft.schema.ranges import ranges, rng_range, scaled

__all__ = [
    "Detection",
    "StaffDetection",
    "CctvDetection",
    "PublicCalls",
    "Relay",
    "ChannelKind",
    "Channel",
    "PlanStep",
    "Alerting",
    "Security",
    "Unit",
    "Search",
    "Response",
]


def _ln(median: float, p99: float) -> Lognormal:
    return Lognormal(distribution="lognormal", median=median, p99=p99)


class StaffDetection(Strict):
    """Staff at posts (``staff_post`` assets) who see and report an incident in or next to their zone."""

    delay: Distribution = Field(_ln(20.0, 120.0), json_schema_extra=ranges(
        scaled(0.5, 3.0, "judgement: planning value, no published distribution found")))
    """Time from the incident reaching a staffed zone to venue control knowing (default lognormal, median 20 s,
    p99 2 min; a configurable planning value, no published distribution found [verify])."""
    adjacent: bool = True
    """Whether staff also detect an incident in zones next to their post."""


class CctvDetection(Strict):
    """CCTV (``cctv`` assets) watched from a control room."""

    monitored: bool = False
    """Whether an operator watches the cameras live; unmonitored cameras only help locate the incident later."""
    delay: Distribution = Field(_ln(30.0, 180.0), json_schema_extra=ranges(
        scaled(0.5, 3.0, "judgement: planning value; operator attention varies")))
    """Time from the incident appearing on a monitored camera to venue control knowing (configurable default [verify])."""


class PublicCalls(Strict):
    """Emergency calls from occupants to police dispatch."""

    first_call: Distribution = Field(_ln(45.0, 180.0), json_schema_extra=ranges(
        scaled(0.25, 2.0, "Manchester Arena Inquiry vol. 2 (reference notes s.5): first 999 call within seconds; upper bound judgement")))
    """Time from the incident start to the first emergency call (default lognormal, median 45 s, p99 3 min;
    the Manchester Arena Inquiry records the first 999 call within seconds [verify for other incidents])."""
    needs_exposed: bool = True
    """Whether a call needs someone exposed to the incident (false: passers-by call too)."""


class Relay(Strict):
    """How information moves between venue control, police dispatch and EMS dispatch."""

    venue_to_police: Distribution = Field(_ln(60.0, 300.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: configurable default, no published distribution")))
    """Delay for venue control to call police once it knows (configurable default)."""
    police_to_ems: Distribution = Field(_ln(60.0, 240.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: configurable default, no published distribution")))
    """Delay for police dispatch to inform EMS dispatch (configurable default)."""
    police_to_venue: Distribution = Field(_ln(120.0, 600.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: configurable default, no published distribution")))
    """Delay for police dispatch to reach venue control when the first news came from a public call."""


class Detection(Strict):
    """Who learns of the incident, how, and when."""

    staff: StaffDetection = StaffDetection()
    """Detection by staff posts."""
    cctv: CctvDetection = CctvDetection()
    """Detection by CCTV."""
    public_calls: PublicCalls = PublicCalls()
    """Emergency calls from the public."""
    relay: Relay = Relay()
    """Relays between venue control, police and EMS dispatch."""


class ChannelKind(str, Enum):
    """Ways of telling occupants to act."""

    public_address = "public_address"
    voice_message = "voice_message"
    app = "app"
    sms = "sms"
    staff_radio = "staff_radio"
    siren = "siren"


class Channel(Strict):
    """A notification channel: how soon it sounds once venue control decides, whom it reaches, how fast they react."""

    kind: ChannelKind
    """public_address, voice_message, app, sms, staff_radio or siren."""
    zones: Literal["all", "pa_coverage"] | list[Id] = "all"
    """Zones it reaches: a list of ids, ``all`` (default), or ``pa_coverage`` (the zones holding a
    ``public_address`` asset of the venue)."""
    activation: Duration = Field(60.0, json_schema_extra=ranges(
        rng_range(0.5, 2.0, "judgement: channel activation time varies with staff practice", relative=True, log=True)))
    """Delay from venue control knowing to the message sounding."""
    reach: Annotated[float, Field(gt=0.0, le=1.0)] = 1.0
    """Share of the occupants of a reached zone who get the message (above 0: a channel that reaches
    nobody is a mistake; leave the channel out instead)."""
    pre_movement_factor: Annotated[float, Field(gt=0.0, le=100.0)] = Field(1.0, json_schema_extra=ranges(rng_range(
        0.7, 1.5, "judgement: the credit PD 7974-6 gives by alarm level is not quoted in the reference notes", relative=True, log=True)))
    """Multiplier of the pre-movement time of people it reaches. PD 7974-6:2019 and BS 5839-8 credit voice
    messages with shorter pre-movement than bells or sirens; 0.5 for voice and 1.0 for a siren are
    configurable defaults [verify against PD 7974-6 Table E.2 alarm levels A1-A3]."""


class PlanStep(Strict):
    """One rule of the venue's protective-action plan."""

    when: Literal["incident_known", "police_on_scene", "contained", "all_clear"] = "incident_known"
    """The trigger: venue control knows, police arrive, the incident is contained, or all clear."""
    zones: Literal["all", "affected", "adjacent", "others"] | list[Id] = "all"
    """Zones the rule applies to: a list of ids, ``affected`` (where the incident is when the rule fires),
    ``adjacent`` (zones next to them), ``others`` (the rest) or ``all``. Zones that another rule on the same
    trigger names in a list are left out of these generic selections."""
    action: Literal["evacuate", "shelter", "lockdown", "release"]
    """The protective action."""
    delay: Duration = 0.0
    """Time from the trigger to the action."""
    away_from_affected: bool = True
    """For evacuation: avoid exits and connections leading through affected zones."""


class Alerting(Strict):
    """Notification channels and the venue's plan."""

    channels: list[Channel] = Field(default_factory=list)
    """Channels venue control uses once it knows."""
    plan: list[PlanStep] = Field(default_factory=list)
    """The protective-action plan, applied automatically (teams may add or override actions)."""
    occupant_cue_delay: Distribution = Field(_ln(30.0, 120.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: configurable default, no published distribution")))
    """Time for occupants of an affected zone to notice it themselves; they react at once (no message needed)."""


class Security(Strict):
    """On-site security and stewards."""

    stewards: Count = 0
    """Number of stewards and security staff on duty."""
    training: Literal["none", "basic", "advanced"] = "basic"
    """Training level; advanced staff can contain some incidents themselves and direct crowds faster."""
    contain_probability: Fraction = 0.0
    """Probability that on-site security contains the incident before police arrive (advanced training only)."""
    contain_time: Distribution = _ln(180.0, 900.0)
    """Time for on-site security to contain it, when they can."""


class Unit(Strict):
    """A responding unit: police, fire and rescue, or EMS command."""

    id: Id
    """Unit id used by actions (``dispatch``)."""
    service: Literal["police", "fire", "ems"] = "police"
    """Which service."""
    dispatch: Distribution = Field(_ln(45.0, 240.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: around the default that reproduces the Blair, Martaindale & Nichols 2014 median")))
    """Delay from its dispatch centre knowing to the unit being sent."""
    travel: Distribution = Field(_ln(135.0, 600.0), json_schema_extra=ranges(scaled(
        0.5, 3.0, "Blair, Martaindale & Nichols, FBI LEB Jan 2014 (reference notes s.5): median 3 min after the report, spread about 1-12 min (secondary summary)")))
    """Travel time to the venue. The police defaults (dispatch median 45 s, travel median 2 min 15 s) give a median
    arrival near 3 min after the first call, the median in Blair, Martaindale & Nichols, FBI LEB Jan 2014."""
    auto_dispatch: bool = True
    """Whether it is sent automatically when its service learns of the incident (false: only by an action)."""
    can_contain: bool = True
    """Whether it can contain the incident (armed police and response teams)."""


class Search(Strict):
    """The police search of the venue from containment to the all clear.

    No published clearance rate for venues was found (police and military building-clearance planning
    rates are not public; after-action reviews give the all clear only for single cases, e.g. Boylston
    Street handed over after days, not a search rate). The rates are therefore judgements with wide ranges
    [verify]: time = sum over zones of (area / ``m2_per_team_min`` + ``minutes_per_zone``), each zone above or
    below ground multiplied by (1 + ``level_factor`` x |level|), divided among the search teams. A
    1,500 m2 place of worship with eight rooms takes about 30-45 min with two teams; a 60,000-seat
    stadium with a hundred zones takes hours.
    """

    m2_per_team_min: PositiveFloat = Field(100.0, json_schema_extra=ranges(rng_range(
        40.0, 250.0, "judgement: a team of four walking an open hall or room and checking hiding places; "
        "no published venue clearance rate found [verify]", log=True)))
    """Floor area one team searches per minute (default 100 m2/min, judgement [verify])."""
    minutes_per_zone: Annotated[float, Field(ge=0.0, le=600.0)] = Field(3.0, json_schema_extra=ranges(rng_range(
        1.0, 8.0, "judgement: doors, toilets, stores and voids of each zone checked; no published rate [verify]", log=True)))
    """Fixed minutes per zone on top of its area (doors, stores, toilets), judgement [verify]."""
    level_factor: Annotated[float, Field(ge=0.0, le=5.0)] = Field(0.2, json_schema_extra=ranges(rng_range(
        0.0, 0.5, "judgement: stairs and landings to clear for each level above or below ground [verify]")))
    """Extra share of a zone's search time per level above or below ground (stairs, landings), judgement [verify]."""
    teams_per_unit: Annotated[float, Field(gt=0.0, le=50.0)] = 1.0
    """Search teams each police unit on scene at containment provides (a unit of the model is a team)."""
    max_teams: Annotated[int, Field(ge=1, le=500)] = 20
    """Most teams that can search at once (command and coordination limit), judgement."""
    min_time: Duration = Field(600.0, json_schema_extra=ranges(rng_range(
        300.0, 1200.0, "judgement: the shortest sweep and all-clear declaration even for one room [verify]", log=True)))
    """Shortest time from containment to the all clear (default 10 min), judgement [verify]."""


class Response(Strict):
    """Security, police and other units."""

    security: Security = Security()
    """On-site security."""
    units: list[Unit] = Field(default_factory=list)
    """Responding units."""
    contain_after_arrival: Distribution = Field(_ln(120.0, 480.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: configurable default, no published distribution")))
    """Time from the first capable unit on scene to containment, with exact location known (configurable default)."""
    unknown_location_factor: Annotated[float, Field(gt=0.0, le=100.0)] = Field(2.0, json_schema_extra=ranges(
        rng_range(1.5, 3.0, "judgement: planning value for searching without a known location")))
    """Multiplier of ``contain_after_arrival`` when the incident's zone is not yet known precisely (no CCTV or staff report)."""
    mutual_aid: Unit | None = None
    """The unit template sent when a team requests mutual aid."""
    search: Search = Search()
    """The police search from containment to the all clear, scaled to the venue (used unless ``all_clear_after`` is set)."""
    all_clear_after: Duration | None = None
    """Search time from containment to the all clear, stated by the scenario; null (the default): derived from the
    venue's zones, floor area and levels and the police units on scene (``search``). An explicit value wins."""
