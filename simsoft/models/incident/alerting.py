"""Alerting and the venue's protective-action plan.

Once venue control knows, each notification channel sounds after its activation delay and alerts the
share ``reach`` of the occupants of its zones, scaling their pre-movement by the channel's factor.

Occupants react to what they perceive, without a message (effects only):

- in an affected zone they perceive the incident after ``occupant_cue_delay`` (seconds) and flee with
  a short pre-movement (``occupant_pre_movement_factor``), away from other affected zones, whatever
  they were told (``occupants.self_evacuate``, cue ``direct``);
- in a zone next to it they notice by sound or sight with ``adjacent_cue.probability`` after
  ``adjacent_cue.delay`` and leave with ``adjacent_cue.pre_movement_factor`` (``occupants.self_evacuate``,
  cue ``adjacent``), or hide where the plan shelters or locks down their zone (``occupants.hide``); an
  order their zone already has (evacuate, shelter, lockdown) is kept (``occupants.noticed``);
- zones farther away react only to messages and the plan.
Plan rules fire on milestones (incident known, police on scene, contained, all clear) and become
protective actions applied through the engine, exactly like a team's decision, unless the scenario
leaves the plan to the people deciding (``automatic.venue_plan: false``, as exercises do): then no
rule fires and nobody hides by a plan they were never given.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

from simsoft.distributions import sample
from simsoft.models.incident.situation import Situation
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario
from simsoft.schema.response import PlanStep

if TYPE_CHECKING:
    from simsoft.models.egress import EgressModel

__all__ = ["AlertingModel", "resolve_zones", "exits_away_from"]


def resolve_zones(selection: Any, *, scenario: Scenario, affected: list[str]) -> list[str]:
    """Zone ids for a plan selection: a list, ``all``, ``affected``, ``adjacent`` or ``others``."""
    zones = [z.id for z in scenario.venue.zones]
    if isinstance(selection, list):
        return list(selection)
    if selection == "all":
        return zones
    if selection == "affected":
        return [z for z in zones if z in affected]
    near: set[str] = set()
    for c in scenario.venue.connections:
        if c.from_ in affected:
            near.add(c.to)
        if c.to in affected:
            near.add(c.from_)
    if selection == "adjacent":
        return [z for z in zones if z in near and z not in affected]
    if selection == "others":
        return [z for z in zones if z not in affected]
    raise ValueError(f"unknown zone selection {selection!r}")


def exits_away_from(scenario: Scenario, zone: str, affected: list[str]) -> list[str] | None:
    """Exits ``zone`` can reach without passing through an affected zone (``None``: no restriction).

    A pure function of the venue's connections, the zone and the affected zones, asked for every
    zone of every plan step and cue (about ninety times a stadium run): the answers are kept per
    venue (see :func:`_venue_reach`), so the search runs once per (zone, affected set) in a process.
    """
    if not affected:
        return None
    succ, memo = _venue_reach(scenario.venue)
    blocked = frozenset(a for a in affected if a != zone)
    key = (zone, blocked)
    if key not in memo:
        memo[key] = _reachable_exits(scenario, succ, zone, blocked)
    exits = memo[key]
    return None if exits is None else list(exits)


_REACH: dict[int, tuple[weakref.ref, dict[str, list[str]], dict]] = {}
"""id(venue) -> (the venue, its successor lists, answers of :func:`exits_away_from`): venues are frozen."""


def _venue_reach(venue: Any) -> tuple[dict[str, list[str]], dict]:
    """Successors of every connected zone or exit (the directed graph of the connections) and the answers so far."""
    entry = _REACH.get(id(venue))
    if entry is None or entry[0]() is not venue:
        if len(_REACH) >= 64:  # a long session loads a few venues; never grow without bound
            _REACH.clear()
        succ: dict[str, list[str]] = {}
        for c in venue.connections:
            succ.setdefault(c.from_, []).append(c.to)
            succ.setdefault(c.to, [])
            if not c.one_way:
                succ[c.to].append(c.from_)
        entry = _REACH[id(venue)] = (weakref.ref(venue), succ, {})
    return entry[1], entry[2]


def _reachable_exits(scenario: Scenario, succ: dict[str, list[str]], zone: str,
                     blocked: frozenset[str]) -> tuple[str, ...] | None:
    """The venue's exits, in their order, reachable from ``zone`` through no ``blocked`` zone (``None`` if none)."""
    if zone not in succ:  # no connection touches it
        return None
    seen = {zone}
    todo = [zone]
    while todo:
        for nxt in succ[todo.pop()]:
            if nxt not in seen and nxt not in blocked:
                seen.add(nxt)
                todo.append(nxt)
    seen.discard(zone)
    exits = tuple(e.id for e in scenario.venue.exits if e.id in seen)
    return exits or None


class AlertingModel:
    """Channels and the plan, driven by the situation's milestones."""

    def __init__(self, *, scenario: Scenario, env: simpy.Environment, streams: Streams, recorder: Recorder,
                 situation: Situation, egress: "EgressModel", apply: Callable[[dict[str, Any], str], object]) -> None:
        self.scenario = scenario
        self.cfg = scenario.alerting
        self.env = env
        self.streams = streams
        self.recorder = recorder
        self.situation = situation
        self.egress = egress
        self.apply = apply
        self.alerted_at: dict[str, float] = {}
        self.plan: list[PlanStep] = list(self.cfg.plan) if scenario.automatic.venue_plan else []
        """The plan rules the engine applies itself: none when teams decide (``automatic.venue_plan: false``)."""

    def start(self) -> None:
        """Register channels and plan rules."""
        for i, channel in enumerate(self.cfg.channels):
            self.env.process(self._channel(i, channel))
        by_trigger: dict[str, list[PlanStep]] = defaultdict(list)
        for step in self.plan:
            by_trigger[step.when].append(step)
        for trigger, steps in by_trigger.items():
            self.env.process(self._plan(trigger, steps))

    def occupant_cue(self, zone: str) -> None:
        """The incident reached ``zone``: its occupants, and perhaps those next door, react (called by the incident model).

        Every draw is made now, in sorted zone order, whether or not it is used, so that the streams stay
        aligned across variants (common random numbers).
        """
        delay = float(sample(self.cfg.occupant_cue_delay, rng=self.streams.stream("alerting.occupant_cue"), n=1)[0])
        self.env.process(self._cue(zone, delay))
        adjacent = self.cfg.adjacent_cue
        notice = self.streams.stream("alerting.adjacent_cue")
        delays = self.streams.stream("alerting.adjacent_cue_delay")
        for near in resolve_zones("adjacent", scenario=self.scenario, affected=[zone]):
            noticed = bool(notice.random() < adjacent.probability)
            wait = float(sample(adjacent.delay, rng=delays, n=1)[0])
            if noticed:
                self.env.process(self._adjacent_cue(near, zone, wait))

    def _cue(self, zone: str, delay: float):
        yield self.env.timeout(delay)
        others = [z for z in self.situation.affected_now if z != zone]
        self.egress.alert([zone], pre_movement_factor=self.cfg.occupant_pre_movement_factor)
        self.egress.wake()
        self.recorder.emit(self.env.now, "occupants.self_evacuate", zone, cue="direct", people=self._people(zone),
                           pre_movement_factor=self.cfg.occupant_pre_movement_factor)
        self.apply({"do": "evacuate", "zones": [zone], "via": exits_away_from(self.scenario, zone, others),
                    "note": "occupants see the incident"}, "occupants")

    def _adjacent_cue(self, zone: str, source: str, delay: float):
        yield self.env.timeout(delay)
        sit = self.situation
        if zone in sit.ever_affected:
            return  # the incident reached it meanwhile: its occupants reacted to it directly
        factor = self.cfg.adjacent_cue.pre_movement_factor
        self.egress.alert([zone], pre_movement_factor=factor)
        self.egress.wake()
        if self._ordered(zone):
            self.recorder.emit(self.env.now, "occupants.noticed", zone, cue="adjacent", near=source,
                               people=self._people(zone), pre_movement_factor=factor)
            return
        if self._plan_hides(zone, source):
            self.recorder.emit(self.env.now, "occupants.hide", zone, cue="adjacent", near=source, people=self._people(zone))
            self.apply({"do": "shelter", "zones": [zone], "note": "occupants hear or see the incident next door"},
                       "occupants")
            return
        self.recorder.emit(self.env.now, "occupants.self_evacuate", zone, cue="adjacent", near=source,
                           people=self._people(zone), pre_movement_factor=factor)
        affected = list(dict.fromkeys([*sit.affected_now, source]))
        self.apply({"do": "evacuate", "zones": [zone], "via": exits_away_from(self.scenario, zone, affected),
                    "note": "occupants hear or see the incident next door"}, "occupants")

    def _people(self, zone: str) -> int:
        """People in ``zone`` now (whole persons, for the records)."""
        return int(round(float(self.egress.occupancy().get(zone, 0.0))))

    def _ordered(self, zone: str) -> bool:
        """Whether ``zone`` already has an order (evacuate, shelter or lockdown) that its occupants keep."""
        sit = self.situation
        if zone in sit.sheltering or zone in sit.locked:
            return True
        # A read of the crowd state (zones come first among the egress nodes); nothing is changed.
        zone_nodes = self.egress.net.node_ids[: self.egress.net.n_zones]
        return bool(self.egress.state.evacuating[list(zone_nodes).index(zone)])

    def _plan_hides(self, zone: str, affected: str) -> bool:
        """Whether the plan's first rule for ``zone`` once the incident is known shelters or locks it down."""
        steps = [s for s in self.plan if s.when == "incident_known"]
        named = {z for s in steps if isinstance(s.zones, list) for z in s.zones}
        for step in sorted(steps, key=lambda s: s.delay):
            zones = resolve_zones(step.zones, scenario=self.scenario, affected=[affected])
            if not isinstance(step.zones, list):
                zones = [z for z in zones if z not in named]
            if zone in zones:
                return step.action in ("shelter", "lockdown")
        return False

    def _channel(self, index: int, channel):
        sit = self.situation
        yield sit.known["venue_control"]
        yield self.env.timeout(channel.activation)
        zones = self._channel_zones(channel.zones)
        self.egress.alert(zones, share=channel.reach, pre_movement_factor=channel.pre_movement_factor)
        for z in zones:
            self.alerted_at.setdefault(z, float(self.env.now))
        self.recorder.emit(self.env.now, "alert.sent", channel.kind.value, channel=index, zones=zones,
                           reach=channel.reach, pre_movement_factor=channel.pre_movement_factor)
        self.egress.wake()

    def _channel_zones(self, selection: Any) -> list[str]:
        venue = self.scenario.venue
        if selection == "all":
            return [z.id for z in venue.zones]
        if selection == "pa_coverage":
            covered = {a.zone for a in venue.assets if a.kind.value == "public_address" and a.zone}
            return [z.id for z in venue.zones if z.id in covered]
        return list(selection)

    def _trigger(self, name: str) -> simpy.Event:
        sit = self.situation
        return {
            "incident_known": sit.known["venue_control"],
            "police_on_scene": sit.police_on_scene,
            "contained": sit.contained,
            "all_clear": sit.all_clear,
        }[name]

    def _plan(self, trigger: str, steps: list[PlanStep]):
        yield self._trigger(trigger)
        # Zones a rule names explicitly are left out of the generic selections (all, others,
        # adjacent, affected) of the other rules on the same trigger: "lock down the side room,
        # evacuate the others" means what it says.
        named = {z for step in steps if isinstance(step.zones, list) for z in step.zones}
        for step in sorted(steps, key=lambda s: s.delay):
            if step.delay > 0 and self.env.now < self._t0(trigger) + step.delay:
                yield self.env.timeout(self._t0(trigger) + step.delay - self.env.now)
            self._apply_step(step, exclude=set() if isinstance(step.zones, list) else named)

    def _t0(self, trigger: str) -> float:
        return float(self._trigger(trigger).value)

    def _apply_step(self, step: PlanStep, *, exclude: set[str]) -> None:
        sit = self.situation
        known = sit.knowledge["venue_control"]
        # Venue control acts on what it knows: without an exact location, 'affected' means nowhere known.
        affected = list(sit.affected_now or sit.ever_affected[-1:]) if known.location_exact else []
        zones = [z for z in resolve_zones(step.zones, scenario=self.scenario, affected=affected) if z not in exclude]
        if not zones:
            self.recorder.emit(self.env.now, "plan.skipped", step.action, reason="no zones known for the rule", when=step.when)
            return
        if step.action == "evacuate" and step.away_from_affected and affected:
            for zone in zones:
                via = exits_away_from(self.scenario, zone, [a for a in affected if a != zone])
                self.apply({"do": "evacuate", "zones": [zone], "via": via, "note": f"plan: {step.when}"}, "plan")
        else:
            self.apply({"do": step.action, "zones": zones, "note": f"plan: {step.when}"}, "plan")
