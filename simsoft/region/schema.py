"""The region language: sites (venue scenarios) on a road graph with shared hospitals, ambulances and police.

Every model is :class:`~simsoft.schema.common.Strict` (unknown keys rejected, frozen); each field's
docstring is its reference text. Times in files carry their unit (``6 min``); inside, seconds.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from simsoft.schema.common import Count, Duration, Id, PositiveCount, Strict
from simsoft.schema.medical import Hospital

__all__ = ["Region", "RegionAction", "AssignUnits", "ReleaseUnits", "ReassignUnits", "RegionMutualAid",
           "RegionDistribution", "Divert", "Posture", "RegionPublicInformation", "SiteAction", "Transfer",
           "TRANSFER_LOAD_S", "TRANSFER_HANDOVER_S",
           "MUTUAL_AID_DELAY_S", "INFO_REACH_MAX", "INFO_REACH_TAU_S", "Site", "Location", "RoadNode", "Road", "Congestion", "Roads", "RegionHospital",
           "AmbulanceBase", "PoliceStation", "RegionLanguages", "Coordination", "Team", "RegionVariant", "REGION_SCHEMA_VERSION",
           "ACCESS_SPEED_KM_H", "time_of_day_s"]

REGION_SCHEMA_VERSION = "1"
"""Version of the region language; written into every regional run's manifest."""

ACCESS_SPEED_KM_H = 30.0
"""Speed from a site or unit given by coordinates to its nearest road node (straight line): 30 km/h,
judgement (range 15-50 km/h: urban emergency driving off the main roads)."""

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def time_of_day_s(text: str) -> float:
    """``'17:30'`` -> 63000.0 seconds after midnight.

    >>> time_of_day_s("07:45")
    27900.0
    """
    m = _CLOCK.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not a time of day like '17:30'")
    return float(int(m.group(1)) * 3600 + int(m.group(2)) * 60)


Clock = Annotated[str, Field(pattern=r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")]
"""A time of day, ``HH:MM`` (24 h)."""


class Location(Strict):
    """Where something is: a road node, or coordinates joined to the nearest road node."""

    node: Id | None = None
    """A node of ``roads`` (with a GeoJSON extract: a named point of it)."""
    x_km: float | None = None
    """East coordinate (km), with ``y_km``, instead of ``node``: the place is joined to its nearest road node
    by a straight line at :data:`ACCESS_SPEED_KM_H`. With a GeoJSON extract in projected metres: its
    coordinates divided by 1000."""
    y_km: float | None = None
    """North coordinate (km)."""
    lon: Annotated[float, Field(ge=-180.0, le=180.0)] | None = None
    """Longitude (degrees, WGS 84), with ``lat``: only with roads from a GeoJSON extract in lon/lat; the
    place is joined to its nearest junction like coordinates in km."""
    lat: Annotated[float, Field(ge=-90.0, le=90.0)] | None = None
    """Latitude (degrees, WGS 84)."""

    @model_validator(mode="after")
    def _one_way(self) -> Self:
        given = [self.node is not None, self.x_km is not None or self.y_km is not None,
                 self.lon is not None or self.lat is not None]
        if sum(given) != 1:
            raise ValueError("give one of: a road node (node), coordinates (x_km, y_km) or lon/lat (lon, lat)")
        if given[1] and (self.x_km is None or self.y_km is None):
            raise ValueError("give both coordinates (x_km, y_km)")
        if given[2] and (self.lon is None or self.lat is None):
            raise ValueError("give both lon and lat")
        return self


class Site(Strict):
    """A venue of the region: one scenario, simulated with the others in the same simulated time."""

    id: Id
    """Site id used in records, metrics and actions."""
    name: str | None = None
    """Name shown to people (default: the scenario's name)."""
    scenario: str
    """The venue scenario: a path relative to the region file (``../stadium.yaml``) or the name of a shipped
    scenario (``stadium``, see ``simsoft scenarios``)."""
    location: Location
    """Where the venue is."""
    start_offset: Duration = 0.0
    """When the site's scenario clock starts on the region's clock: its incident, scripted actions and
    duration are shifted by this much (its crowd is in the venue from the region's start)."""
    incident: bool = True
    """``false``: the venue is open with its crowd and no incident (the scenario's incident, medical and
    recovery blocks are left out): a soft target elsewhere in the city."""


class RoadNode(Strict):
    """A junction or place of the road graph."""

    id: Id
    """Node id."""
    x_km: float
    """East coordinate (km), for maps and for joining coordinates to the graph."""
    y_km: float
    """North coordinate (km)."""


class Road(Strict):
    """A road between two nodes, driven both ways unless ``one_way``."""

    from_: Id = Field(alias="from")
    """One end."""
    to: Id
    """The other end."""
    minutes: Annotated[float, Field(gt=0.0, le=600.0)]
    """Emergency-vehicle driving time without congestion (minutes)."""
    one_way: bool = False
    """Only from ``from`` to ``to``."""


class Congestion(Strict):
    """A time-of-day window in which driving times are multiplied by ``factor``."""

    start: Clock
    """Start of the window (``HH:MM``)."""
    end: Clock
    """End of the window (``HH:MM``; before ``start``: the window runs over midnight)."""
    factor: Annotated[float, Field(ge=1.0, le=5.0)]
    """Travel time multiplier in the window (1 = free flow). Peak-hour emergency response is about 1.2-1.6 times
    off-peak in large cities (judgement from urban travel-time indices; give the local figure)."""


class Roads(Strict):
    """The road network: a networkx graph given in the file, or built from a local GeoJSON road extract."""

    nodes: list[RoadNode] = Field(default_factory=list)
    """Junctions and places (not with ``geojson``)."""
    edges: list[Road] = Field(default_factory=list)
    """Roads with their driving times (not with ``geojson``)."""
    geojson: str | None = None
    """A GeoJSON road extract (path relative to the region file; read locally, never downloaded) instead of
    ``nodes`` and ``edges``: ``LineString``/``MultiLineString`` roads with ``speed_kmh``, ``maxspeed`` or a
    ``highway`` class, joined where they share coordinates; ``Point`` features with an ``id`` name junctions.
    Driving time is length / speed (see :mod:`simsoft.region.geojson`)."""
    coordinates: Literal["lonlat", "metres"] = "lonlat"
    """``geojson`` only: the extract's coordinates, longitude/latitude (WGS 84, as RFC 7946 requires) or
    projected metres (a local grid; locations then give ``x_km``/``y_km`` in it)."""
    speeds: dict[str, Annotated[float, Field(gt=0.0, le=200.0)]] = Field(default_factory=dict)
    """``geojson`` only: driving speed (km/h) by OSM ``highway`` class, replacing the defaults
    (:data:`simsoft.region.geojson.CLASS_SPEED_KMH`, OSRM's car profile) for roads without ``maxspeed``."""
    clock_start: Clock = "12:00"
    """Time of day at the region's t = 0 (sets which congestion window applies)."""
    congestion: list[Congestion] = Field(default_factory=list)
    """Time-of-day congestion factors; where windows overlap the largest factor applies."""

    @model_validator(mode="after")
    def _graph_or_extract(self) -> Self:
        if self.geojson is None and not self.nodes:
            raise ValueError("give the road graph (nodes, edges) or a GeoJSON road extract (geojson)")
        if self.geojson is None and ("coordinates" in self.model_fields_set or self.speeds):
            raise ValueError("coordinates and speeds describe a GeoJSON extract: give geojson, or leave them out")
        return self


class RegionHospital(Hospital):
    """A hospital shared by the region's sites, at a road node; its surge capacity and beds are those of
    :class:`simsoft.schema.medical.Hospital` (trauma level, ED beds, explicit values) and hold region-wide.
    Its ``travel`` is not given: the road network gives it from each site."""

    travel: Duration = 0.0
    """Not used in a region (travel comes from the road network): leave it out."""
    location: Location
    """Where the hospital is."""

    @model_validator(mode="after")
    def _no_travel(self) -> Self:
        if "travel" in self.model_fields_set:
            raise ValueError("travel comes from the road network in a region: remove 'travel' and give 'location'")
        return self


class AmbulanceBase(Strict):
    """An ambulance station with its vehicles."""

    id: Id
    """Base id; its vehicles are ``<id>-1``, ``<id>-2``..."""
    name: str | None = None
    """Name shown to people."""
    location: Location
    """Where the base is."""
    vehicles: Count
    """Ambulances available at the start."""
    mobilise: Duration = 60.0
    """Time from a unit being assigned to it leaving the base (default 1 min: NHS England ambulance
    response programme, call to allocation and mobilisation [verify]; range 30 s - 3 min, judgement)."""


class PoliceStation(Strict):
    """A police station (or patrol area) with its units."""

    id: Id
    """Station id; its units are ``<id>-1``, ``<id>-2``..."""
    name: str | None = None
    """Name shown to people."""
    location: Location
    """Where its units are at the start."""
    units: PositiveCount
    """Units available."""
    armed: bool = True
    """Whether its units can contain an incident (armed response); unarmed units cordon and search."""
    mobilise: Duration = 60.0
    """Time from being assigned to driving off (default 1 min, judgement: range 20 s - 4 min, as the scenarios'
    police ``dispatch`` distributions)."""


class Team(Strict):
    """A team of the regional exercise (data only for now: decisions come in a later version)."""

    id: Id
    """Team id."""
    name: str
    """Name shown to people."""
    role: Literal["coordination", "police_command", "health_authority", "ambulance_control", "public_information",
                  "other"] = "other"
    """What the team does in the exercise."""


class Coordination(Strict):
    """The regional coordination centre and the teams of a regional exercise."""

    name: str
    """The coordination centre's name."""
    teams: list[Team] = Field(default_factory=list)
    """Teams taking part."""


class RegionVariant(Strict):
    """A named set of overrides of the region (a response or resource option to compare).

    Like scenario variants it compares the response only: it may change the shared resources, the road
    network's congestion, the distribution policy and the coordination block, and each site's response
    through ``sites``; it may never change which venues there are, where, when, or their incident scripts.
    """

    description: str | None = None
    """What the variant changes and why it is worth comparing."""
    set: dict[str, Any] = Field(default_factory=dict)
    """Overrides of the region by field path, e.g. ``ambulance_bases[0].vehicles: 10`` or ``distribution: balanced``."""
    sites: dict[Id, dict[str, Any]] = Field(default_factory=dict)
    """Overrides of a site's scenario by field path (``response.security.stewards: 20``), under the scope guard
    of scenario variants (never the incident script)."""

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.set and not self.sites:
            raise ValueError("a variant changes something: give 'set' or 'sites'")
        return self


MUTUAL_AID_DELAY_S = 1800.0
"""Default time from a mutual-aid request to the units joining the region's pool: 30 min, judgement (range
20-60 min: neighbouring services' vehicles driving in from 15-50 km away after their own mobilisation; give
the local mutual-aid agreement's figure)."""

INFO_REACH_MAX = 0.6
"""Share of the public a public information message reaches in the end: 0.6, judgement (range 0.4-0.9).
Surveys after emergency alerts report that a majority, not all, received or heard of the message within the
first hours (e.g. Bean et al. 2015, Wireless Emergency Alerts; Sutton & Kuligowski 2019) [verify]."""

INFO_REACH_TAU_S = 900.0
"""Time constant of the reach: ``reach(t) = max * (1 - exp(-(t - sent) / tau))``, tau 15 min, judgement (range
5-45 min: broadcast and social media relay; a cell-broadcast alert is at the short end)."""


class _RegionTimed(Strict):
    at: Duration = 0.0
    """Region time the decision takes effect (from the region's t = 0)."""
    note: str | None = None
    """Why (shown in the event log)."""


class AssignUnits(_RegionTimed):
    """Send free shared units to a site (nearest to it first). What cannot be sent now is queued and sent
    when a unit is released or mutual aid arrives."""

    do: Literal["assign_units"]
    """The verb: ``assign_units``."""
    site: Id
    """The site the units go to."""
    kind: Literal["ambulance", "police"]
    """Which units."""
    count: PositiveCount
    """How many."""


class ReleaseUnits(_RegionTimed):
    """Release a site's shared units. An ambulance finishes the transport it is on (one still on its way turns
    where it is), then is free (for the queue, or the next decision) and drives back to its base; police
    units leave once the site is under control."""

    do: Literal["release_units"]
    """The verb: ``release_units``."""
    site: Id
    """The site whose units are released."""
    kind: Literal["ambulance", "police"] = "ambulance"
    """Which units: ambulances, or police units: guards (a ``posture`` guard) at once, units answering an
    incident once it is contained (the site under control; before that the decision is rejected)."""
    count: PositiveCount
    """How many (the units assigned last go first)."""


class ReassignUnits(_RegionTimed):
    """Move shared ambulances from one site to another: released from ``from``, each drives straight on to ``to``."""

    do: Literal["reassign_units"]
    """The verb: ``reassign_units``."""
    from_: Id = Field(alias="from")
    """The site giving the units."""
    to: Id
    """The site receiving them."""
    count: PositiveCount
    """How many ambulances."""


class RegionMutualAid(_RegionTimed):
    """Ask for units from outside the region: they join the pool at ``base`` after ``delay`` and serve the queue
    first."""

    do: Literal["mutual_aid"]
    """The verb: ``mutual_aid``."""
    kind: Literal["ambulance", "police"]
    """Which units."""
    count: PositiveCount
    """How many."""
    delay: Duration = MUTUAL_AID_DELAY_S
    """Time from the request to the units being available at ``base`` (default :data:`MUTUAL_AID_DELAY_S`)."""
    base: Id | None = None
    """Ambulance base or police station where they join (default: the first of their kind)."""
    armed: bool = False
    """Police only: whether the units can contain an incident."""


class RegionDistribution(_RegionTimed):
    """Change the hospital distribution policy of every site from now on."""

    do: Literal["distribution"]
    """The verb: ``distribution``."""
    policy: Literal["nearest", "balanced", "by_trauma_level"]
    """The policy (see ``distribution`` of the region)."""


class Divert(_RegionTimed):
    """Divert a hospital: ambulances of every site take no new patients there while another hospital is not
    diverted (``on: false`` lifts it). Walk-ins still come unless public information reaches them."""

    do: Literal["divert"]
    """The verb: ``divert``."""
    hospital: Id
    """The regional hospital."""
    on: bool = True
    """``false``: end the diversion."""


class Posture(_RegionTimed):
    """Raise the protective posture of venues (usually the quiet ones): through each venue's own actions,
    ``lockdown`` locks every zone (people stay inside), ``close`` and ``postpone`` send everyone out (the
    venue's evacuation, an alert first for ``postpone``), ``guard`` sends ``units`` shared police units to
    stand at the venue (they are then not free for other sites)."""

    do: Literal["posture"]
    """The verb: ``posture``."""
    sites: Annotated[list[Id], Field(min_length=1)]
    """The venues."""
    measure: Literal["lockdown", "close", "postpone", "guard"]
    """What they do."""
    units: PositiveCount = 1
    """``guard`` only: police units per venue."""


class RegionPublicInformation(_RegionTimed):
    """A public information message to the region's public. Its reach grows over time (:data:`INFO_REACH_MAX`,
    :data:`INFO_REACH_TAU_S`); a self-presenting casualty it has reached avoids the ``hospitals`` it names (to
    the nearest other one with a free bed) and the people of the ``sites`` it names who have not set out stay
    away (the site's families, through its ``public_information`` action when it has a reunification site)."""

    do: Literal["public_information"]
    """The verb: ``public_information``."""
    hospitals: list[Id] = Field(default_factory=list)
    """Hospitals the message asks people to avoid (diverted or full)."""
    sites: list[Id] = Field(default_factory=list)
    """Sites the message asks people to stay away from."""
    reach: Annotated[float, Field(gt=0.0, le=1.0)] = INFO_REACH_MAX
    """Share of the public reached in the end."""
    tau: Duration = INFO_REACH_TAU_S
    """Time constant of the reach."""

    @model_validator(mode="after")
    def _says_something(self) -> Self:
        if not self.hospitals and not self.sites:
            raise ValueError("a public information message names hospitals or sites to avoid")
        return self


TRANSFER_LOAD_S = 600.0
"""Time at the sending hospital to prepare a patient for a secondary transfer and load them: 10 min, judgement
(range 5-20 min: a stable patient's notes, drugs and handover to the crew; inter-facility transfer guidance asks
for a documented clinical handover, e.g. Intensive Care Society 2019 for the critically ill, longer)."""

TRANSFER_HANDOVER_S = 600.0
"""Handover at the receiving hospital before the ambulance is free again: 10 min, judgement (range 5-20 min, as
:data:`TRANSFER_LOAD_S`)."""


class Transfer(_RegionTimed):
    """Secondary transfer: make room at a hospital at capacity (every bed taken or promised to a patient on the
    way, or more: corridor beds) by moving patients to hospitals with a free bed, one patient per shared ambulance. Only stable patients go (delayed and minor ones: the critical stay
    in the critical-care line, judgement); the latest admitted first. Each transfer takes the free ambulance
    nearest to the sending hospital; what cannot be sent now (no free ambulance, no free bed) is not queued and
    the decision records how many went."""

    do: Literal["transfer"]
    """The verb: ``transfer``."""
    from_: Id = Field(alias="from")
    """The hospital at capacity."""
    to: Id | None = None
    """The receiving hospital (default: the nearest by road from ``from`` with a free bed, then the next)."""
    count: PositiveCount
    """Most patients to move."""


class SiteAction(_RegionTimed):
    """A venue action (any ``do`` of a scenario's ``actions``) at one site, on the region's clock."""

    do: Literal["site"]
    """The verb: ``site``."""
    site: Id
    """The site."""
    action: dict[str, Any]
    """The venue action (its ``at`` is ignored: the decision's ``at`` applies)."""


RegionAction = Annotated[
    AssignUnits | ReleaseUnits | ReassignUnits | RegionMutualAid | RegionDistribution | Divert | Posture
    | RegionPublicInformation | Transfer | SiteAction,
    Field(discriminator="do"),
]
"""One regional decision, chosen by its ``do`` key."""


class RegionLanguages(Strict):
    """The languages of a region file's ``names:`` (the shape of an exercise's ``languages:``)."""

    fallback: str = "en"
    """The language of the file's own names (``name:`` fields); every mapping of ``names`` must have it."""
    covers: list[str] = Field(default_factory=list)
    """Languages the file claims to name everything in (checked at load)."""


class Region(Strict):
    """A region file: several venues in one simulated time, sharing police, ambulances and hospitals."""

    name: str
    """The region's (and its exercise's) name."""
    description: str | None = None
    """What the region exercise is about."""
    sites: list[Site] = Field(min_length=1)
    """The venues."""
    roads: Roads
    """The road network with driving times."""
    hospitals: list[RegionHospital] = Field(default_factory=list)
    """Hospitals shared by every site (empty: each site keeps its scenario's own)."""
    ambulance_bases: list[AmbulanceBase] = Field(default_factory=list)
    """Ambulance bases shared by every site (empty: each site keeps its scenario's own ambulances)."""
    police: list[PoliceStation] = Field(default_factory=list)
    """Police shared by every site (empty: each site keeps its scenario's own police units)."""
    distribution: Literal["nearest", "balanced", "by_trauma_level"] | None = None
    """Which hospital an ambulance takes a patient to, at every site: ``nearest``, ``balanced`` (earliest
    expected start of care) or ``by_trauma_level`` (critical to a major trauma centre); default: each site's own."""
    coordination: Coordination | None = None
    """The regional coordination centre and exercise teams."""
    duration: Duration | None = None
    """Region time to simulate (default: the longest site's shifted duration)."""
    variants: dict[str, RegionVariant] = Field(default_factory=dict)
    """Named response options of the region."""
    actions: list[RegionAction] = Field(default_factory=list)
    """Scripted regional decisions (the coordination centre's plan, or an exercise's decision set)."""
    languages: RegionLanguages | None = None
    """The languages of ``names``: the file's own (``fallback``) and those it claims to cover."""
    names: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    """Display names per language (:mod:`simsoft.region.names`): a site, hospital, ambulance base, police station
    or coordination team id, or ``region`` / ``coordination``, to ``{en: ..., fr: ..., ar: ...}``. The run never
    reads them; the exercise's pages, console, figures and documents show them in the reader's language."""
