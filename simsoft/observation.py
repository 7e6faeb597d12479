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

Every view counts whole people through :func:`count_people` (or :func:`counts_from_samples` for a
past moment a delayed report describes): inside and out are rounded by largest remainder to the
population less the casualties, then the zones (and the corridors between them) to inside and the
exits to out, so that the parts always add up to the population, exactly, on every screen.

>>> counts = count_people(seen, sim.recorder.events)
>>> counts.inside + counts.out + counts.casualties == counts.population == 450
True
>>> sum(counts.zones.values()) + counts.between_zones == counts.inside
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from simsoft.records import Event, Timeseries

__all__ = ["Observation", "IncidentView", "HospitalView", "Counts", "CASUALTY_STATES", "count_people",
           "counts_from_samples", "casualty_states", "whole_parts"]


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


CASUALTY_STATES = ("at scene", "at casualty collection point", "en route to hospital", "at hospital", "died")
"""Where a casualty is, in the order a casualty passes through them (read from the medical records)."""


@dataclass(frozen=True)
class Counts:
    """Whole people at one moment, the parts adding up to the population exactly.

    Every view of an exercise (situation reports, inject texts, the map, the key numbers) shows
    these numbers, so that no screen contradicts another. ``inside + out + casualties ==
    population`` always holds; the dead are casualties, sheltered and locked-down people are inside.
    """

    t_s: float
    """The moment counted (s): the snapshot's time, or the sample time of a past moment."""
    population: int
    """People in the venue at the start."""
    zones: Mapping[str, int]
    """People in each zone (declaration order)."""
    between_zones: int
    """People in the corridors and stairs between zones (inside, but in no zone)."""
    exits: Mapping[str, int]
    """People out through each exit (declaration order)."""
    casualties_by_state: Mapping[str, int]
    """Casualties by :data:`CASUALTY_STATES` (all ``at scene`` when no medical records are read)."""

    @property
    def inside(self) -> int:
        """People still inside (zones and between them)."""
        return sum(self.zones.values()) + self.between_zones

    @property
    def out(self) -> int:
        """People who have left through an exit."""
        return sum(self.exits.values())

    @property
    def casualties(self) -> int:
        """Casualties taken out of the crowd (all states, the dead included)."""
        return sum(self.casualties_by_state.values())


def whole_parts(parts: Mapping[str, float], total: int) -> dict[str, int]:
    """Round ``parts`` to whole numbers that add up to ``total`` (largest remainder, Hamilton's method).

    The fluid crowd model holds fractions of people; each part is scaled so that the parts add up to
    ``total``, then floored, and the people left over go one each to the parts with the largest
    fractions (ties to the earlier part), so rounding never creates or loses a person.

    >>> whole_parts({"hall": 2.5, "foyer": 2.5, "yard": 5.0}, 10)
    {'hall': 3, 'foyer': 2, 'yard': 5}
    >>> whole_parts({"a": 0.4, "b": 0.4, "c": 0.2}, 1)
    {'a': 1, 'b': 0, 'c': 0}
    """
    if total < 0:
        raise ValueError(f"cannot share {total} people (a count is never negative)")
    clean = {k: max(0.0, float(v)) if math.isfinite(v) else 0.0 for k, v in parts.items()}
    if not clean:
        if total:
            raise ValueError(f"cannot share {total} people among no parts")
        return {}
    whole = sum(clean.values())
    if whole <= 0.0:
        first = next(iter(clean))
        return {k: (total if k == first else 0) for k in clean}
    quota = {k: v * total / whole for k, v in clean.items()}
    out = {k: int(math.floor(q)) for k, q in quota.items()}
    left = total - sum(out.values())
    # sorted() is stable: equal fractions go to the earlier part.
    for k in sorted(quota, key=lambda k: math.floor(quota[k]) - quota[k])[:left]:
        out[k] += 1
    return out


def casualty_states(events: Iterable[Event], *, until_s: float = math.inf) -> dict[str, str]:
    """Where each casualty is at ``until_s``, by casualty id, from the records (see :data:`CASUALTY_STATES`).

    >>> from simsoft.records import Event
    >>> casualty_states([Event(1.0, "casualty.injured", "c1"), Event(2.0, "casualty.injured", "c2"),
    ...                  Event(9.0, "medical.transport", "amb1", {"patients": ["c1"]}),
    ...                  Event(12.0, "medical.died", "c2")], until_s=10.0)
    {'c1': 'en route to hospital', 'c2': 'at scene'}
    """
    state: dict[str, str] = {}
    for e in events:
        if e.t_s > until_s:
            break
        k = e.kind
        if k == "casualty.injured":
            state[e.subject] = "at scene"
        elif not k.startswith("medical."):
            continue
        elif k == "medical.died":
            if e.subject in state:
                state[e.subject] = "died"
        else:
            where = {"medical.at_ccp": "at casualty collection point", "medical.self_presented": "en route to hospital",
                     "medical.at_hospital": "at hospital"}.get(k)
            ids = [e.subject] if where else []
            if k == "medical.transport":
                where, ids = "en route to hospital", [str(p) for p in e.values.get("patients", ())]
            for cid in ids:
                if cid in state and state[cid] != "died":
                    state[cid] = where  # type: ignore[assignment]
    return state


def _by_state(events: Iterable[Event] | None, casualties: int, until_s: float) -> dict[str, int]:
    out = dict.fromkeys(CASUALTY_STATES, 0)
    states = casualty_states(events or (), until_s=until_s)
    for where in states.values():
        out[where] += 1
    # The records and the snapshot agree (one record per casualty taken from the crowd); if a
    # caller passes no records, every casualty is counted where it fell.
    out["at scene"] += max(0, casualties - len(states))
    return out


def _counts(t_s: float, population: int, zones: Mapping[str, float], inside: float, exits: Mapping[str, float],
            by_state: dict[str, int]) -> Counts:
    # Rounded top-down: first the people not hurt into inside and out (each within one person of the
    # fluid total), then inside into zones and between them, and out into exits; so the totals
    # everyone reads are the nearest whole numbers and their parts still add up to them.
    casualties = min(sum(by_state.values()), population)
    between = max(0.0, float(inside) - sum(zones.values()))
    top = whole_parts({"inside": sum(zones.values()) + between, "out": sum(exits.values())}, population - casualties)
    where = whole_parts({**{f"z:{k}": v for k, v in zones.items()}, "between": between}, top["inside"])
    by_exit = whole_parts(dict(exits), top["out"]) if exits else {}
    return Counts(t_s=float(t_s), population=population,
                  zones=MappingProxyType({k: where[f"z:{k}"] for k in zones}), between_zones=where["between"],
                  exits=MappingProxyType(by_exit), casualties_by_state=MappingProxyType(by_state))


def count_people(seen: Observation, events: Sequence[Event] | None = None) -> Counts:
    """The whole-person counts of snapshot ``seen`` (casualties by state from ``events``, the run's records).

    This is the one source of counts of every view of a running exercise.
    """
    by_state = _by_state(events, seen.casualties, seen.t_s)
    return _counts(seen.t_s, seen.population, seen.occupancy, seen.inside, seen.exited_by_exit, by_state)


def counts_from_samples(timeseries: Timeseries, events: Sequence[Event], *, t_s: float, population: int,
                        zones: Sequence[str], exits: Sequence[str]) -> Counts | None:
    """The whole-person counts of the last time-series sample at or before ``t_s`` (``None`` before the first).

    A delayed report describes a past moment: the crowd model samples its state every
    ``record_every``, and the sample is counted exactly as :func:`count_people` counts a snapshot.
    """
    at: float | None = None
    values: dict[tuple[str, str], float] = {}
    wanted = {"occupants", "exited", "inside"}
    for t, q, s, v in timeseries.rows():
        if t > t_s:
            break
        if q not in wanted:
            continue
        if at is None or t > at:
            at = t
        values[(q, s)] = v
    if at is None:
        return None
    # Only the sample at ``at`` itself: every quantity is written at each sample time.
    occ = {z: values.get(("occupants", z), 0.0) for z in zones}
    out = {x: values.get(("exited", x), 0.0) for x in exits}
    inside = values.get(("inside", ""), sum(occ.values()))
    casualties = sum(1 for e in events if e.kind == "casualty.injured" and e.t_s <= at)
    return _counts(at, population, occ, inside, out, _by_state(events, casualties, at))
