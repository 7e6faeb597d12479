"""Ambulances: arrival at the scene, loading at the casualty collection point, the cycle to hospital.

Each ambulance is a SimPy process: it takes the highest-priority casualty waiting at the CCP (class
order of ``medical.transport_order``, then time ready), loads for ``load_time``, takes one stretcher
case or up to ``walking_load`` minor casualties, drives to the hospital the distribution policy picks,
stays for ``handover_time`` and drives back (the same travel time). With every casualty ready at once
the scene clears on the fixed cycle of the reference notes' section 7, case 19.

Once a major incident is declared (:mod:`simsoft.models.medical.major_incident`) the fleet runs in the
mass-casualty mode of ``medical.ambulances.mci``: an ambulance takes up to ``patients_per_vehicle``
stretcher patients already waiting (else one stretcher patient and ``walking_with_stretcher`` walking
casualties), stays ``mci.handover`` at hospital, and other vehicles (:class:`OtherVehicle`) take walking
casualties. Until then nothing of that mode runs, so a run without a declaration is unchanged.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

import simpy

from simsoft.models.medical.hospitals import HospitalModel, choose_hospital
from simsoft.models.medical.survival import Casualty
from simsoft.records import Recorder
from simsoft.schema.medical import Ambulances, MassCasualtyMode, OtherVehicles

__all__ = ["CollectionPoint", "AmbulanceFleet", "OtherVehicle"]


class CollectionPoint:
    """Casualties waiting for transport, served by priority."""

    def __init__(self, env: simpy.Environment, rank: dict[str, int]) -> None:
        self.env = env
        self.rank = rank
        self.store = simpy.PriorityStore(env)
        self._waiters: list[simpy.Event] = []

    def ready(self, c: Casualty) -> None:
        """``c`` is ready to be loaded."""
        self.store.put(simpy.PriorityItem((self.rank[c.cls], float(self.env.now), c.index), c))
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for event in waiters:
                event.succeed()

    def take(self, n: int, accept: Callable[[Casualty], bool]) -> list[Casualty]:
        """Up to ``n`` living casualties already waiting that ``accept`` admits, in priority order (no wait)."""
        items = self.store.items
        if n <= 0 or not items:
            return []
        chosen = [it for it in sorted(items) if not it.item.dead and accept(it.item)][:n]
        if chosen:
            gone = {id(it) for it in chosen}
            items[:] = [it for it in items if id(it) not in gone]
            heapq.heapify(items)
        return [it.item for it in chosen]

    def changed(self) -> simpy.Event:
        """An event that succeeds the next time a casualty becomes ready (for vehicles that pick, not queue)."""
        event = self.env.event()
        self._waiters.append(event)
        return event

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
        self.mci: MassCasualtyMode | None = None
        """The mass-casualty mode once a major incident is declared (``None``: normal operation)."""
        self.first_arrival = env.event()
        """Succeeds when the first ambulance (its crew: the first medics) reaches the scene."""
        self._working: set[str] = set()
        """Vehicles at work for this scene (arrived, not released)."""
        self._released: set[str] = set()
        """Vehicles released and not yet gone (regional reassignment; never in a venue run)."""
        self._wake: dict[str, simpy.Event] = {}
        """Vehicle id -> the event that wakes it while it waits (on its way, for the scene to open, at the loading
        point) to be released."""
        self._proc: dict[str, simpy.Process] = {}
        """Regional vehicle id -> its process (interrupted when it is released before it is at work)."""
        self._coming: set[str] = set()
        """Regional vehicles sent and not yet at work (on their way, or waiting for the scene to open)."""
        self.on_released: Callable[[str], None] | None = None
        """Called with a vehicle's id when it leaves the fleet after :meth:`release` (a region frees the unit)."""

    def send(self, delay_s: float, *, source: str, start: simpy.Event | None = None, vid: str | None = None) -> str:
        """An ambulance that reaches the scene after ``delay_s`` and starts work once ``start`` has happened;
        ``vid`` names it (a regional unit), else it is ``amb<n>``."""
        self.count += 1
        aid = f"amb{self.count}" if vid is None else vid
        proc = self.env.process(self._run(aid, delay_s, source, start))
        if self.on_released is not None:
            self._proc[aid] = proc
        return aid

    def release(self, vid: str) -> bool:
        """Release vehicle ``vid`` from this scene: it finishes the transport it is on (or stops waiting at the
        loading point, or turns where it is on its way here), records ``medical.ambulance_released`` and leaves
        the fleet, then :attr:`on_released` is called. ``False`` if it is not sent here or already released."""
        if (vid not in self._working and vid not in self._coming) or vid in self._released:
            return False
        self._released.add(vid)
        if vid in self._coming:
            proc = self._proc.get(vid)
            if proc is not None and proc.is_alive and proc.target is not None:
                proc.interrupt("released")
            return True
        wake = self._wake.pop(vid, None)
        if wake is not None and not wake.triggered:
            wake.succeed()
        return True

    def _run(self, aid: str, delay_s: float, source: str, start: simpy.Event | None):
        env, cfg = self.env, self.cfg
        regional = self.on_released is not None
        if regional:
            # A regional vehicle can be released before it is at work: it turns on its way (the region knows
            # where it is), or leaves while the scene is still closed. A venue's own vehicles never are. It is
            # interrupted (release()), so a vehicle that is not released waits exactly as a venue's does.
            self._coming.add(aid)
        try:
            if delay_s > 0:
                yield env.timeout(delay_s)
        except simpy.Interrupt:
            self._gone(aid, en_route=True)
            return
        self.arrived += 1
        self.recorder.emit(env.now, "medical.ambulance_arrived", aid, source=source)
        if not self.first_arrival.triggered:
            self.first_arrival.succeed(env.now)
        try:
            if start is not None and not start.triggered:
                yield start
        except simpy.Interrupt:
            self._gone(aid)
            return
        if regional:
            self._coming.discard(aid)
            if aid in self._released:
                self._gone(aid)
                return
        self._working.add(aid)
        while True:
            if aid in self._released:
                break
            get = self.ccp.store.get()
            if self.on_released is not None:
                # A regional vehicle can be released while it waits; a venue's own never is.
                wake = self._wake[aid] = self.env.event()
                yield get | wake
                self._wake.pop(aid, None)
                if not get.triggered:
                    get.cancel()
                    break
                item = get.value
            else:
                item = yield get
            first: Casualty = item.item
            if first.dead:
                continue
            load = [first]
            mci = self.mci
            if mci is not None and first.cls != "minor":
                load += self.ccp.take(mci.patients_per_vehicle - 1, lambda c: c.cls != "minor")
                if len(load) == 1:
                    load += self.ccp.take(mci.walking_with_stretcher, lambda c: c.cls == "minor")
            elif first.cls == "minor" and cfg.walking_load > 1:
                load += self.ccp.take_walking(cfg.walking_load - 1)
            yield env.timeout(cfg.load_time)
            load = [c for c in load if not c.dead]
            if not load:
                continue
            lead = min(load, key=lambda c: (self.ccp.rank[c.cls], c.index))
            hosp = choose_hospital(self.hospitals, lead, policy=self.policy())
            depart(self, aid, load, hosp)
            yield from deliver(self, aid, load, hosp)
            handover = cfg.handover_time if self.mci is None else self.mci.handover
            yield env.timeout(handover + hosp.travel_s)
            self.recorder.emit(env.now, "medical.ambulance_back", aid)
        self._working.discard(aid)
        self._gone(aid)

    def _gone(self, aid: str, *, en_route: bool = False) -> None:
        """Vehicle ``aid`` leaves the fleet (released): recorded, then the region is told."""
        self._coming.discard(aid)
        self._proc.pop(aid, None)
        self._wake.pop(aid, None)
        self._released.discard(aid)
        if en_route:
            self.recorder.emit(self.env.now, "medical.ambulance_released", aid, en_route=True)
        else:
            self.recorder.emit(self.env.now, "medical.ambulance_released", aid)
        if self.on_released is not None:
            self.on_released(aid)


def deliver(fleet: AmbulanceFleet, vid: str, load: list[Casualty], hosp: HospitalModel):
    """Drive ``load`` to ``hosp`` and admit them (a SimPy sub-process of a vehicle)."""
    yield fleet.env.timeout(hosp.travel_s)
    hosp.en_route -= len(load)
    hosp.en_route_critical -= sum(1 for c in load if c.critical)
    for c in load:
        hosp.admit(c, via=vid)


def depart(fleet: AmbulanceFleet, vid: str, load: list[Casualty], hosp: HospitalModel) -> None:
    """Book ``load`` on its way to ``hosp`` and record the departure."""
    hosp.en_route += len(load)
    hosp.en_route_critical += sum(1 for c in load if c.critical)
    for c in load:
        c.place = "transport"
        if fleet.on_depart is not None:
            fleet.on_depart(c)
    fleet.recorder.emit(fleet.env.now, "medical.transport", vid, hospital=hosp.id, patients=[c.id for c in load],
                        triage=[c.cls for c in load])


class OtherVehicle:
    """A bus, patient-transport vehicle or police car taking walking casualties from the CCP under a declared
    major incident: it picks up to ``capacity`` casualties of its ``classes`` already waiting (never a stretcher
    case), loads, drives to the hospital the distribution policy picks, hands over and comes back."""

    def __init__(self, spec: OtherVehicles, fleet: AmbulanceFleet, *, vid: str) -> None:
        self.spec = spec
        self.fleet = fleet
        self.vid = vid

    def run(self, delay_s: float):
        """The vehicle's SimPy process: arrive after ``delay_s``, then shuttle until the run ends."""
        fleet, env = self.fleet, self.fleet.env
        classes = set(self.spec.classes)
        if delay_s > 0:
            yield env.timeout(delay_s)
        fleet.recorder.emit(env.now, "medical.vehicle_arrived", self.vid, capacity=self.spec.capacity)
        while True:
            load = fleet.ccp.take(self.spec.capacity, lambda c: c.cls in classes)
            if not load:
                yield fleet.ccp.changed()
                continue
            yield env.timeout(fleet.cfg.load_time)
            load = [c for c in load if not c.dead]
            if not load:
                continue
            lead = min(load, key=lambda c: (fleet.ccp.rank[c.cls], c.index))
            hosp = choose_hospital(fleet.hospitals, lead, policy=fleet.policy())
            depart(fleet, self.vid, load, hosp)
            yield from deliver(fleet, self.vid, load, hosp)
            mci = fleet.mci
            handover = fleet.cfg.handover_time if mci is None else mci.handover
            yield env.timeout(handover + hosp.travel_s)
            fleet.recorder.emit(env.now, "medical.vehicle_back", self.vid)
