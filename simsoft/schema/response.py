"""Detection, notification, the venue's protective-action plan, and the security response."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import Field, PositiveFloat

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
    "AdjacentCue",
    "Protection",
    "Alerting",
    "Security",
    "Unit",
    "Search",
    "Response",
]


def _ln(median: float, p99: float) -> Lognormal:
    return Lognormal(distribution="lognormal", median=median, p99=p99)


class StaffDetection(Strict):
    """Staff at posts (``staff_post`` assets) who see and report an incident in or next to their zone.

    Whether staff report is drawn each time the incident reaches a zone (stream ``detection.staff_notice``),
    apart from the delay (stream ``detection.staff``), so variants keep common random numbers."""

    delay: Distribution = Field(_ln(20.0, 120.0), json_schema_extra=ranges(
        scaled(0.5, 3.0, "judgement: planning value, no published distribution found")))
    """Time from the incident reaching a staffed zone to venue control knowing (default lognormal, median 20 s,
    p99 2 min; a configurable planning value, no published distribution found [verify])."""
    adjacent: bool = True
    """Whether staff also detect an incident in zones next to their post."""
    probability: Fraction = Field(0.9, json_schema_extra=ranges(rng_range(
        0.7, 1.0, "judgement: staff posted in the zone see the incident but may be caught up in it, injured or "
        "busy helping people before they report; no published rate found")))
    """Probability that staff posted in the affected zone report it to venue control (default 0.9; judgement,
    range 0.7-1.0: no published rate was found [verify])."""
    adjacent_probability: Fraction = Field(0.6, json_schema_extra=ranges(rng_range(
        0.3, 0.9, "judgement: staff next door hear or see it less surely (cue ambiguity: Kinateder, Kuligowski, "
        "Reneke & Peacock, Fire Sci Rev 4:1, 2015); no published rate found")))
    """Probability that staff posted only next to the affected zone notice and report it (default 0.6; judgement,
    range 0.3-0.9 [verify])."""


class CctvDetection(Strict):
    """CCTV (``cctv`` assets) watched from a control room.

    An operator watching many screens misses events: whether the operator sees the incident on a monitored
    camera is drawn each time it reaches a covered zone (stream ``detection.cctv_attention``)."""

    monitored: bool = False
    """Whether an operator watches the cameras live; unmonitored cameras only help locate the incident later."""
    attention: Fraction = Field(0.7, json_schema_extra=ranges(rng_range(
        0.5, 0.9, "UK Police Scientific Development Branch (J. Aldridge), as reported by C. Donald, Hi-Tech Security "
        "Solutions: observers detected a target on 1, 4, 6 and 9 monitors in 85, 74, 58 and 53 % of trials "
        "[verify against the PSDB report]; an incident is more salient than that target, control rooms show more screens")))
    """Probability that the operator of a monitored camera notices the incident in its zone (default 0.7; range
    0.5-0.9 after the PSDB monitor-count trials, 85 % with one monitor falling to 53 % with nine, as reported
    by C. Donald, Hi-Tech Security Solutions [verify against the PSDB report])."""
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


class AdjacentCue(Strict):
    """Occupants of zones next to an affected zone, who may hear or see it and react without a message.

    Drawn per adjacent zone each time the incident reaches a zone (streams ``alerting.adjacent_cue`` and
    ``alerting.adjacent_cue_delay``); farther zones react only to messages and the plan. Environmental and
    social cues (sounds, people running) start protective action without an official warning (Lindell &
    Perry, Risk Anal 32(4):616, 2012, the Protective Action Decision Model), but ambiguous cues are often
    misread at first (Kinateder, Kuligowski, Reneke & Peacock, Fire Sci Rev 4:1, 2015) and people take
    their lead from those around them (Shipman, Majumdar, Boyce & Lovreglio, Transp Res C 2024). No published
    probability or delay for venue zones was found: the defaults are judgements with ranges [verify]."""

    probability: Fraction = Field(0.5, json_schema_extra=ranges(rng_range(
        0.2, 0.8, "judgement: depends on walls, noise and sight lines; cues are often ambiguous "
        "(Kinateder, Kuligowski, Reneke & Peacock, Fire Sci Rev 2015)")))
    """Probability that the occupants of one adjacent zone notice the incident by sound or sight (default 0.5;
    judgement, range 0.2-0.8 [verify])."""
    delay: Distribution = Field(_ln(30.0, 180.0), json_schema_extra=ranges(
        scaled(0.5, 2.0, "judgement: interpreting indirect cues takes tens of seconds (Kinateder et al. 2015); no published distribution")))
    """Time from the incident reaching the zone next door to its occupants noticing (default lognormal, median 30 s,
    p99 3 min; judgement [verify])."""
    pre_movement_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(0.5, json_schema_extra=ranges(rng_range(
        0.3, 1.0, "judgement: a perceived threat shortens pre-movement (Kuligowski, NIST TN 1632, 2009: cues raise "
        "perceived risk); by how much is not published for this setting")))
    """Multiplier of the pre-movement of occupants who notice it next door (default 0.5; judgement, range 0.3-1.0
    [verify]). They leave, or hide where the venue's plan shelters or locks down their zone; an order already
    given to their zone is kept."""


class Protection(Strict):
    """How reliably the venue's protective measures keep the incident out (they are the venue's, not the threat's).

    Each measure succeeds or fails once per run, drawn from its own stream, so variants compare distributions
    of outcomes rather than a certain effect. The incident script itself is never sampled."""

    vehicle_barrier: Fraction = Field(0.9, json_schema_extra=ranges(rng_range(
        0.75, 0.99, "judgement: barriers rated to PAS 68 / IWA 14-1 / ASTM F2656 are crash-tested to stop their "
        "test vehicle, but in service a gate may be open or a barrier not deployed; no published in-service rate found")))
    """Probability that a rated vehicle barrier (``vehicle_barrier`` asset with ``rated: true``) stops a ``vehicle``
    incident at its zone or connection (default 0.9; judgement, range 0.75-0.99 [verify]). An asset's own
    ``effectiveness`` overrides it."""
    vehicle_barrier_unrated: Fraction = Field(0.4, json_schema_extra=ranges(rng_range(
        0.1, 0.7, "judgement: temporary barriers not tested to PAS 68 / IWA 14-1 / ASTM F2656 (water-filled "
        "barriers, planters) give far less assurance; no published rate found")))
    """Probability that an unrated barrier (``rated: false``) stops a ``vehicle`` incident (default 0.4; judgement,
    range 0.1-0.7 [verify])."""
    lockdown_integrity: Fraction = Field(0.8, json_schema_extra=ranges(rng_range(
        0.5, 0.95, "judgement: doors that do not lock, are propped open or are opened to let people in; the Sandy "
        "Hook Advisory Commission (final report, 2015) asked for classroom doors lockable from inside [verify]")))
    """Probability that a zone in lockdown, with every way in lockable, actually keeps the incident out (default 0.8;
    judgement, range 0.5-0.95 [verify]); drawn once per zone and run (stream ``incident.lockdown_integrity``)."""
    access_control: Fraction = Field(0.6, json_schema_extra=ranges(rng_range(
        0.3, 0.9, "judgement: screening and locked inner doors keep most but not all people out; no published rate found")))
    """Probability that access control keeps the incident out of the zones behind it, used when an
    ``incident.access_control`` measure gives no ``keep_out_probability`` of its own (default 0.6; judgement,
    range 0.3-0.9 [verify]). Set here rather than under ``incident`` so that it can be sampled."""


class Alerting(Strict):
    """Notification channels, the venue's plan, occupants' own reactions and the reliability of protective measures."""

    channels: list[Channel] = Field(default_factory=list)
    """Channels venue control uses once it knows."""
    plan: list[PlanStep] = Field(default_factory=list)
    """The protective-action plan, applied automatically (teams may add or override actions)."""
    occupant_cue_delay: Distribution = Field(_ln(5.0, 30.0), json_schema_extra=ranges(
        scaled(0.5, 3.0, "judgement: people close to a violent incident perceive it within seconds and run from it "
               "(Bernardini & Quagliarini, Saf Sci 143:105405, 2021, video analysis of attacks in Europe); no published distribution")))
    """Time for occupants of an affected zone to perceive the incident themselves (default lognormal, median 5 s,
    p99 30 s; judgement [verify]). They flee at once, whatever they were told (recorded as ``occupants.self_evacuate``)."""
    occupant_pre_movement_factor: Annotated[float, Field(gt=0.0, le=1.0)] = Field(0.1, json_schema_extra=ranges(rng_range(
        0.05, 0.3, "judgement: people who perceive the threat directly do not go through a fire-drill pre-movement "
        "(Bernardini & Quagliarini 2021: they run from the trigger); the size is not published", log=True)))
    """Multiplier of the pre-movement of occupants who perceive the incident in their own zone (default 0.1: a fire-drill
    median of 45-90 s becomes 5-9 s; judgement, range 0.05-0.3 [verify])."""
    harm_detour: Duration = Field(300.0, json_schema_extra=ranges(rng_range(
        60.0, 1800.0, "judgement: people run away from the trigger of an attack, not through it (Bernardini & "
        "Quagliarini, Saf Sci 143:105405, 2021); the size of the detour they accept is not published", log=True)))
    """People on their way out go round a zone where harm is happening: a route through it counts this much longer
    (default 5 min, judgement, range 1-30 min [verify]), so they pass through only when every other way is much
    longer. Staff directing people (``via``) choose exits; this chooses the way to them."""
    adjacent_cue: AdjacentCue = AdjacentCue()
    """Occupants of zones next to an affected zone, who may notice it by sound or sight."""
    protection: Protection = Protection()
    """How reliably vehicle barriers, lockdown and access control keep the incident out."""


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
