"""The incident model: plays the scripted incident, exposes occupants, and draws casualties.

It never chooses where the incident goes: it follows ``scenario.incident.affected`` in order. Harm is
an expected rate per exposed person-minute (a scenario input); casualties are Poisson draws from the
run's ``incident.casualties`` stream. Protective measures change exposure:

- people who have left a zone are not exposed, and people on their way out go round the zone where
  harm is happening (``alerting.harm_detour``) unless every other way is much longer;
- a zone in lockdown whose every way in is lockable keeps the incident out with probability
  ``alerting.protection.lockdown_integrity``, drawn once per zone and run (``incident.lockdown_integrity``);
- each vehicle barrier on a zone or on a connection into it stops a ``vehicle`` incident at that zone
  with its effectiveness, drawn once per barrier and run (``incident.vehicle_barrier``);
- access control keeps the incident out of inner zones with its probability, drawn once per measure
  and run (``incident.access_control``);
- when the ways in of ``incident.enters_via`` are all closed and lockable at its start, the incident is
  kept out of the venue with the first zone's lockdown-integrity draw, and the script ends there;
- when every connection from the zone it is in into the next zone of the script is closed and lockable,
  the next zone is kept out with that zone's lockdown-integrity draw (``doors_closed``).

Every draw is made when the run is built, in declaration order, whether or not the measure is ever
tested, so a variant that adds or moves a measure keeps the other draws (common random numbers). A
measure that was there and did not keep the incident out is recorded as ``incident.protection_failed``.

Crowd crush is modelled apart (:mod:`.crush`): person-minutes in dense queue fronts at doors produce
injuries, so a response that jams or closes an exit while a crowd presses can itself cause harm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import simpy

from simsoft.models.incident.crush import CRUSH_DENSITY_P_M2, DANGER_DENSITY_P_M2, CrushWatch
from simsoft.models.incident.situation import Situation
from simsoft.records import Recorder
from simsoft.rng import Streams
from simsoft.schema import Scenario
from simsoft.schema.incident import IncidentKind
from simsoft.schema.venue import AssetKind

if TYPE_CHECKING:
    from simsoft.models.egress import EgressModel

__all__ = ["IncidentModel", "CRUSH_DENSITY_P_M2", "DANGER_DENSITY_P_M2"]


class IncidentModel:
    """Plays the incident script against the live occupancy of the egress model."""

    def __init__(
        self,
        *,
        scenario: Scenario,
        env: simpy.Environment,
        streams: Streams,
        recorder: Recorder,
        egress: "EgressModel",
        situation: Situation,
    ) -> None:
        if scenario.incident is None:
            raise ValueError("the scenario has no incident")
        self.scenario = scenario
        self.incident = scenario.incident
        self.env = env
        self.recorder = recorder
        self.egress = egress
        self.situation = situation
        self.rng = streams.stream("incident.casualties")
        self.crush = CrushWatch(scenario=scenario, env=env, egress=egress, rng=streams.stream("incident.crowd_crush"),
                                harm=lambda zone, n: self._harm(zone, n, "crowd_crush"))
        self.dt = scenario.egress.time_step
        venue = scenario.venue
        self.zone_kind = {z.id: z.kind.value for z in venue.zones}
        self.zone_area = {z.id: z.area_m2 for z in venue.zones}
        self.neighbours: dict[str, list[str]] = defaultdict(list)
        self.into: dict[str, list] = defaultdict(list)
        for c in venue.connections:
            self.neighbours[c.from_].append(c.to)
            self.neighbours[c.to].append(c.from_)
            self.into[c.to].append(c)
            if not c.one_way:
                self.into[c.from_].append(c)
        protection = scenario.alerting.protection
        self.barrier_at: set[str] = set()
        """Zones with a vehicle barrier in them or on a connection into them."""
        self.barred: set[str] = set()
        """Zones where at least one of those barriers works in this run."""
        ends = {c.id: (c.from_, c.to) for c in venue.connections}
        draw = streams.stream("incident.vehicle_barrier")
        for a in venue.assets:
            if a.kind is not AssetKind.vehicle_barrier:
                continue
            p = a.effectiveness if a.effectiveness is not None else (
                protection.vehicle_barrier if a.rated else protection.vehicle_barrier_unrated)
            zones = {a.zone} if a.zone else set(ends.get(a.connection or "", ()))
            self.barrier_at.update(zones)
            if draw.random() < p:
                self.barred.update(zones)
        draw = streams.stream("incident.lockdown_integrity")
        self.lock_holds = {z.id: bool(draw.random() < protection.lockdown_integrity) for z in venue.zones}
        """Whether each zone's lockdown keeps the incident out in this run (if it is locked down in time)."""
        draw = streams.stream("incident.access_control")
        self.access_at: set[str] = set()
        self.kept_out: set[str] = set()
        for ac in self.incident.access_control:
            p = ac.keep_out_probability if ac.keep_out_probability is not None else protection.access_control
            self.access_at.update(ac.zones)
            if draw.random() < p:
                self.kept_out.update(ac.zones)
        self.casualties = 0
        self.crush_casualties = 0
        self.exposed_person_min = 0.0
        self.next_id = 1
        self.ended = env.event()
        self._slots: dict[str, int] | None = None
        self.casualty_listeners: list[Callable[[str, str, str], None]] = []
        """Called with (casualty id, zone, cause) as each casualty is recorded (the medical and recovery models listen)."""

    # -- processes ---------------------------------------------------------------------------
    def start(self) -> None:
        """Register the script and the crowd-crush watch."""
        self.env.process(self._script())
        self.wake()

    def wake(self) -> None:
        """(Re)start the crowd-crush watch after an action set people moving again."""
        self.crush.wake()

    def _lockable(self, zone: str) -> bool:
        """A zone in lockdown whose every way in is lockable (and so closed)."""
        return zone in self.situation.locked and all(c.lockable for c in self.into[zone])

    def _entry_closed(self, zone: str) -> bool:
        """Whether every way in of ``incident.enters_via`` is closed and lockable now and holds for ``zone`` this run."""
        via = self.incident.enters_via
        if not via:
            return False
        closed = self.egress.closed_connections()
        lockable = {c.id: c.lockable for c in self.scenario.venue.connections}
        if not all(closed.get(c) and lockable.get(c, False) for c in via):
            return False
        return self.lock_holds[zone]

    def _doors_closed(self, zone: str) -> str | None:
        """``doors_closed`` when every connection from the zone the incident is in now into ``zone`` is closed and
        lockable and holds this run (the zone's lockdown-integrity draw); the script then passes ``zone`` by."""
        if not self.situation.ever_affected:
            return None
        here = self.situation.ever_affected[-1]
        ways = [c for c in self.into[zone] if here in (c.from_, c.to)]
        if not ways:
            return None
        closed = self.egress.closed_connections()
        if all(c.lockable and closed.get(c.id) for c in ways) and self.lock_holds[zone]:
            return "doors_closed"
        return None

    def _blocked(self, zone: str) -> str | None:
        if zone in self.kept_out:
            return "access_control"
        if self.incident.kind is IncidentKind.vehicle and zone in self.barred:
            return "vehicle_barrier"
        if self._lockable(zone) and self.lock_holds[zone]:
            return "lockdown"
        return None

    def _failed(self, zone: str) -> list[str]:
        """Measures that stood in the way at ``zone`` and did not keep the incident out this run (sorted)."""
        failed = []
        if zone in self.access_at:
            failed.append("access_control")
        if self._lockable(zone):
            failed.append("lockdown")
        if self.incident.kind is IncidentKind.vehicle and zone in self.barrier_at:
            failed.append("vehicle_barrier")
        return failed

    def _rate(self, zone: str) -> float:
        intensity = self.incident.intensity
        return intensity.by_zone_kind.get(self.zone_kind[zone], intensity.casualties_per_exposed_person_minute)

    def _script(self):
        inc = self.incident
        sit = self.situation
        if inc.starts_at > 0:
            yield self.env.timeout(inc.starts_at)
        self.recorder.emit(self.env.now, "incident.start", "", label=inc.label, incident_kind=inc.kind.value)
        end_at = None
        if inc.ends.at_latest is not None:
            end_at = inc.starts_at + inc.ends.at_latest
        for zone, start, stop in inc.windows():
            if end_at is not None:
                stop = min(stop, end_at)
            if start > self.env.now:
                yield self.env.timeout(start - self.env.now)
            if self._over(end_at):
                break
            if not sit.ever_affected and self._entry_closed(zone):
                self.recorder.emit(self.env.now, "incident.kept_out", zone, reason="entry_closed",
                                   via=list(self.incident.enters_via))
                break
            reason = self._blocked(zone) or self._doors_closed(zone)
            if reason:
                self.recorder.emit(self.env.now, "incident.kept_out", zone, reason=reason)
                continue
            failed = self._failed(zone)
            if failed:
                self.recorder.emit(self.env.now, "incident.protection_failed", zone, measures=failed)
            sit.affected_now = [zone]
            if zone not in sit.ever_affected:
                sit.ever_affected.append(zone)
            self.recorder.emit(self.env.now, "incident.zone_affected", zone, until_s=stop)
            self.egress.avoid([zone], detour_s=self.scenario.alerting.harm_detour)
            self.on_zone_affected(zone)
            while self.env.now < stop - 1e-9 and not self._over(end_at):
                step = min(self.dt, stop - self.env.now)
                yield self.env.timeout(step)
                self._expose(zone, step)
            sit.affected_now = []
            self.egress.avoid([], detour_s=0.0)
            self.recorder.emit(self.env.now, "incident.zone_clear", zone)
            if self._over(end_at):
                break
        if end_at is not None and self.env.now < end_at and not sit.contained.triggered:
            pass  # the script ran out before its latest end: harm stops here
        reason = "contained" if sit.contained.triggered else ("scripted_end" if end_at is not None and self.env.now >= end_at - 1e-9 else "script_complete")
        sit.affected_now = []
        sit.mark(sit.incident_over, "incident.end", "", reason=reason, casualties=self.casualties,
                 exposed_person_min=round(self.exposed_person_min, 3))
        self.ended.succeed(self.env.now)

    def _over(self, end_at: float | None) -> bool:
        if self.situation.contained.triggered:
            return True
        return end_at is not None and self.env.now >= end_at - 1e-9

    def on_zone_affected(self, zone: str) -> None:
        """Hook for the detection model (set by the engine)."""

    def _zone_slots(self) -> dict[str, int]:
        """Zone id -> its index in ``egress.occupancy_nodes()`` (zones come first, in ``occupancy()`` order).

        The per-step reads below index that array instead of building the ``occupancy()`` dict of
        every zone each time; the values are the same floats.
        """
        if self._slots is None:
            self._slots = {z: i for i, z in enumerate(self.egress.occupancy())}
        return self._slots

    def _expose(self, zone: str, step_s: float) -> None:
        slot = self._zone_slots().get(zone)
        present = 0.0 if slot is None else float(self.egress.occupancy_nodes()[slot])
        if present <= 0:
            return
        person_min = present * step_s / 60.0
        self.exposed_person_min += person_min
        expected = self._rate(zone) * person_min
        if expected <= 0:
            return
        n = int(self.rng.poisson(expected))
        cap = self.incident.intensity.max_casualties
        if cap is not None:
            n = min(n, cap - self.casualties)
        n = min(n, int(np.floor(present)))
        if n > 0:
            self._harm(zone, n, "incident")

    def _harm(self, zone: str, n: int, cause: str) -> None:
        removed = int(self.egress.remove_people(zone, n))
        for _ in range(removed):
            cid = f"c{self.next_id}"
            self.recorder.emit(self.env.now, "casualty.injured", cid, zone=zone, cause=cause)
            self.next_id += 1
            for listener in self.casualty_listeners:
                listener(cid, zone, cause)
        if cause == "incident":
            self.casualties += removed
        else:
            self.crush_casualties += removed
