"""A read-only, frozen snapshot of a running simulation: what every view of the exercise shows.

The facilitator's situation reports, inject templates, web map and key numbers read an
:class:`Observation` (or the records), never a model's internals, so that every screen shows the
same counts at the same moment. A snapshot is a copy: it never changes when the simulation goes on,
and nothing done to it reaches the simulation.

>>> from simsoft import Simulation, load_scenario
>>> sim = Simulation(load_scenario("scenarios/community-hall-incident.yaml"), seed=1)
>>> sim.run_until(120.0)
>>> seen = sim.observe()
>>> seen.t_s, seen.population
(120.0, 450)
>>> round(seen.inside + seen.exited + seen.removed) == seen.population
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

__all__ = ["Observation", "IncidentView", "HospitalView"]


@dataclass(frozen=True)
class IncidentView:
    """The incident's ground truth at the snapshot's time."""

    started: bool
    """Whether the scripted incident has begun."""
    affected_now: tuple[str, ...]
    """Zones the incident is in right now (script order)."""
    ever_affected: tuple[str, ...]
    """Zones the incident has been in so far."""
    contained: bool
    """Whether the incident has been contained."""
    all_clear: bool
    """Whether the all clear has been declared."""
    over: bool
    """Whether the incident has ended (by containment or its scripted end)."""
    known_by: tuple[str, ...]
    """Roles (``venue_control``, ``police``, ``ems``) that know of the incident."""


@dataclass(frozen=True)
class HospitalView:
    """One hospital's load at the snapshot's time."""

    beds_used: int
    """Casualties admitted and still occupying a bed."""
    waiting: int
    """Casualties at the hospital waiting to be seen."""
    en_route: int
    """Casualties on their way to it."""
    full_plan: bool
    """Whether its full major-incident plan is running."""


@dataclass(frozen=True)
class Observation:
    """What the simulation looks like at ``t_s`` (ground truth; views delay and round it for teams)."""

    t_s: float
    """Simulated time of the snapshot (s)."""
    population: int
    """People in the venue at the start."""
    occupancy: Mapping[str, float]
    """People in each zone, by zone id in declaration order (fluid counts: not rounded)."""
    inside: float
    """People still inside (zones and the corridors and stairs between them)."""
    exited: float
    """People who have left through an exit."""
    exited_by_exit: Mapping[str, float]
    """People out through each exit, by exit id."""
    removed: float
    """People taken out of the crowd where they fell (casualties), so that inside + exited + removed =
    population (up to the rounding of the fluid counts)."""
    casualties: int
    """Casualties recorded so far."""
    closed: Mapping[str, tuple[str, ...]]
    """Connections closed now, by id, with what closed them (``closed``, ``lockdown:<zone>``)."""
    sheltering: frozenset[str]
    """Zones sheltering now."""
    locked: frozenset[str]
    """Zones under lockdown now."""
    incident: IncidentView | None
    """The incident's state; ``None`` when the scenario has no incident."""
    units: Mapping[str, str]
    """Response units that have been sent, by id: ``en route`` or ``on scene``."""
    cordons: Mapping[str, str]
    """Cordon level by zone (``hot``, ``warm``)."""
    hospitals: Mapping[str, HospitalView]
    """Hospital load by hospital id (empty without a medical block)."""
    settled: bool
    """True when nothing more is scheduled: nothing can happen without a new action."""


def freeze(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy of ``mapping`` (insertion order kept)."""
    return MappingProxyType(dict(mapping))
