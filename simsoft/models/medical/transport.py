"""Ambulances: arrival at the scene, loading at the casualty collection point, the cycle to hospital.

Each ambulance is a SimPy process: it takes the highest-priority casualty waiting at the CCP (class
order of ``medical.transport_order``, then time ready), loads for ``load_time``, takes one stretcher
case or up to ``walking_load`` minor casualties, drives to the hospital the distribution policy picks,
stays for ``handover_time`` and drives back (the same travel time). With every casualty ready at once
the scene clears on the fixed cycle of the reference notes' section 7, case 19.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import simpy

from simsoft.models.medical.hospitals import HospitalModel, choose_hospital
from simsoft.models.medical.survival import Casualty
from simsoft.records import Recorder
from simsoft.schema.medical import Ambulances

__all__ = ["CollectionPoint", "AmbulanceFleet"]


class CollectionPoint:
    """Casualties waiting for transport, served by priority."""

    def __init__(self, env: simpy.Environment, rank: dict[str, int]) -> None:
        self.env = env
        self.rank = rank
        self.store = simpy.PriorityStore(env)

    def ready(self, c: Casualty) -> None:
        """``c`` is ready to be loaded."""
        self.store.put(simpy.PriorityItem((self.rank[c.cls], float(self.env.now), c.index), c))

    def take_walking(self, n: int) -> list[Casualty]:
        """Up to ``n`` more minor casualties already waiting (no wait)."""
        out: list[Casualty] = []
        items = self.store.items
        while items and len(out) < n and items[0].item.cls == "minor":
            out.append(heapq.heappop(items).item)
        return out


class AmbulanceFleet:
    """All ambulances of a run."""

    def __init__(self, cfg: Ambulances, *, env: simpy.Environment, recorder: Recorder, ccp: CollectionPoint,
                 hospitals: list[HospitalModel], policy: Callable[[], str],
                 on_depart: Callable[[Casualty], None] | None = None) -> None:
        self.cfg = cfg
        self.env = env
        self.recorder = recorder
        self.ccp = ccp
        self.hospitals = hospitals
        self.policy = policy
        self.on_depart = on_depart
        self.count = 0
        self.arrived = 0
        self.first_arrival = env.event()
        """Succeeds when the first ambulance (its crew: the first medics) reaches the scene."""

    def send(self, delay_s: float, *, source: str, start: simpy.Event | None = None) -> str:
        """An ambulance that reaches the scene after ``delay_s`` and starts work once ``start`` has happened."""
        self.count += 1
        aid = f"amb{self.count}"
        self.env.process(self._run(aid, delay_s, source, start))
        return aid

    def _run(self, aid: str, delay_s: float, source: str, start: simpy.Event | None):
        env, cfg = self.env, self.cfg
        if delay_s > 0:
            yield env.timeout(delay_s)
        self.arrived += 1
        self.recorder.emit(env.now, "medical.ambulance_arrived", aid, source=source)
        if not self.first_arrival.triggered:
            self.first_arrival.succeed(env.now)
        if start is not None and not start.triggered:
            yield start
        while True:
            item = yield self.ccp.store.get()
            first: Casualty = item.item
            if first.dead:
                continue
            load = [first]
            if first.cls == "minor" and cfg.walking_load > 1:
                load += self.ccp.take_walking(cfg.walking_load - 1)
            yield env.timeout(cfg.load_time)
            load = [c for c in load if not c.dead]
            if not load:
                continue
            lead = min(load, key=lambda c: (self.ccp.rank[c.cls], c.index))
            hosp = choose_hospital(self.hospitals, lead, policy=self.policy())
            hosp.en_route += len(load)
            hosp.en_route_critical += sum(1 for c in load if c.critical)
            for c in load:
                c.place = "transport"
                if self.on_depart is not None:
                    self.on_depart(c)
            self.recorder.emit(env.now, "medical.transport", aid, hospital=hosp.id, patients=[c.id for c in load],
                               triage=[c.cls for c in load])
            yield env.timeout(hosp.spec.travel)
            hosp.en_route -= len(load)
            hosp.en_route_critical -= sum(1 for c in load if c.critical)
            for c in load:
                hosp.admit(c, via=aid)
            yield env.timeout(cfg.handover_time + hosp.spec.travel)
            self.recorder.emit(env.now, "medical.ambulance_back", aid)
