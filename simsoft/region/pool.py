"""The region's shared units and hospitals, and what each site borrows from them.

- **Hospitals**: one :class:`~simsoft.models.medical.hospitals.HospitalLoad` per regional hospital, bound to
  every site's view of it (its travel time from that site on the road graph), so beds, the critical-care
  line and its backlog hold region-wide.
- **Ambulances and police units**: each is one record here, with the one place it is at. A site's
  request takes the free units nearest to it (shortest driving time from where each is now, then id); a
  unit works for that site until a regional decision releases it (:mod:`simsoft.region.decisions`), so a
  unit is never in two places. Each unit keeps its last trip (from, to, departure, driving time), so its
  position is known on the road too: a unit released on its way (or driving home) turns where it is
  (:meth:`RegionalPool.route`). What cannot be met is recorded as ``region.shortfall`` and queued: the
  request is served (``region.request_served``) when a unit is released or mutual aid arrives.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import simpy

from simsoft.models.medical.hospitals import HospitalLoad, HospitalModel
from simsoft.models.medical.survival import Casualty
from simsoft.models.medical.transport import AmbulanceFleet
from simsoft.models.shared import PoliceAssignment
from simsoft.records import Recorder
from simsoft.region.network import RoadNetwork
from simsoft.region.schema import Region

__all__ = ["RegionalPool", "SiteResources", "Unit"]


@dataclass
class Unit:
    """A shared vehicle: where it is (a place of the network) and the site it works for (``None``: free)."""

    id: str
    kind: str  # "ambulance" or "police"
    home: str  # base or station id
    mobilise_s: float
    can_contain: bool = False
    site: str | None = None
    place: str = ""
    """Where it is now (a site, base or station id): its home until it moves; a released unit counts from the
    site it leaves until it is back home."""
    on_road: bool = False
    """Assigned while on the road (released elsewhere): it drives off at once, without mobilising."""
    role: str = "response"
    """``response`` (at an incident site's disposal) or ``guard`` (standing at a venue, a posture decision)."""
    trip: tuple[str, str, float, float] | None = None
    """Its last trip: ``(from place, to place, departure s, driving s)``; between departure and arrival the unit
    is that fraction of the way along (``None``: it is at ``place``)."""

    def __post_init__(self) -> None:
        self.place = self.place or self.home


class RegionalPool:
    """Shared hospitals and units of one regional run."""

    def __init__(self, region: Region, *, env: simpy.Environment, network: RoadNetwork, recorder: Recorder) -> None:
        self.region = region
        self.env = env
        self.net = network
        self.recorder = recorder
        self.loads = {h.id: HospitalLoad(env) for h in region.hospitals}
        for h in region.hospitals:
            network.add_place(h.id, h.location)
        self.units: dict[str, Unit] = {}
        for b in region.ambulance_bases:
            network.add_place(b.id, b.location)
            for k in range(1, b.vehicles + 1):
                uid = f"{b.id}-{k}"
                self.units[uid] = Unit(uid, "ambulance", b.id, b.mobilise)
        for p in region.police:
            network.add_place(p.id, p.location)
            for k in range(1, p.units + 1):
                uid = f"{p.id}-{k}"
                self.units[uid] = Unit(uid, "police", p.id, p.mobilise, can_contain=p.armed)
        self.queue: list[list] = []
        """Requests not yet met, oldest first: ``[site, kind, still wanted, source]``."""
        self.sites: dict[str, SiteResources] = {}
        self.fleets: dict[str, AmbulanceFleet] = {}
        """Site id -> its ambulance fleet (bound by the run), where released vehicles are sent from."""
        self.police_sink: dict[str, Callable[[list[PoliceAssignment]], None]] = {}
        """Site id -> where its police assignments go (its response model), bound by the run."""
        self.messages: list[tuple[float, float, float, frozenset[str]]] = []
        """Public information messages about hospitals: ``(sent_s, reach, tau_s, hospitals)``."""
        self.aid_count = {"ambulance": 0, "police": 0}

    def has(self, kind: str) -> bool:
        """Whether the region has units of ``kind`` at all."""
        return any(u.kind == kind for u in self.units.values())

    def for_site(self, site: str) -> SiteResources:
        """What site ``site`` borrows."""
        self.sites[site] = SiteResources(self, site)
        return self.sites[site]

    def assign(self, site: str, kind: str, count: int, *, queue: bool = True, source: str = "request",
               role: str = "response") -> list[tuple[Unit, float]]:
        """Assign up to ``count`` free units of ``kind`` to ``site``, nearest first; ``(unit, travel_s)`` each.
        What cannot be sent is recorded (``region.shortfall``) and, with ``queue``, waits for a free unit."""
        now = float(self.env.now)
        free = [u for u in self.units.values() if u.kind == kind and u.site is None]
        ranked = sorted(((self.route(u, site, now)[0], u.id, u) for u in free), key=lambda r: (r[0], r[1]))
        out = []
        for travel, _, u in ranked[:count]:
            _, via, via_s = self.route(u, site, now)
            turned = self.position(u, now)
            u.site, u.role = site, role
            # A unit leaving its home mobilises first; one already on the road (released elsewhere) drives on.
            u.on_road = not (u.trip is None and u.place == u.home)
            out.append((u, travel))
            extra: dict = {"from": u.place} if u.on_road else {}
            if turned is not None:  # on the road between two places: it turns there, by the quicker way
                extra.update({"from": turned[0], "toward": turned[1], "fraction": round(turned[2], 4), "via": via})
            self.recorder.emit(now, "region.unit_assigned", u.id, site=site, unit_kind=kind, home=u.home,
                               mobilise_s=self.mobilise(u), travel_s=round(travel, 3), **extra)
            u.place = site
            u.trip = (via, site, now + self.mobilise(u) + via_s, travel - via_s)
        if len(out) < count:
            self.recorder.emit(now, "region.shortfall", site, unit_kind=kind, wanted=count, sent=len(out))
            if queue:
                self.queue.append([site, kind, count - len(out), source, role])
        return out

    def position(self, u: Unit, now: float) -> tuple[str, str, float] | None:
        """Where ``u`` is on the road: ``(from, to, fraction of the way)``, or ``None`` when it is at a place
        (not yet left, or arrived)."""
        if u.trip is None:
            return None
        a, b, dep, drive = u.trip
        if now <= dep or now >= dep + drive or drive <= 0:
            return None
        return a, b, (now - dep) / drive

    def route(self, u: Unit, dest: str, now: float) -> tuple[float, str, float]:
        """``(driving s to dest, the place it goes through, s to that place)`` for ``u`` leaving now.

        At a place: the road time from there. On the road a fraction ``f`` of the way from ``a`` to ``b``
        (a trip of ``T`` s): the quicker of turning back (``f T`` to ``a``, then on) and driving on (``(1 - f) T``
        to ``b``, then on): the shortest way from a point of the road it is on, since that road is the shortest
        path from ``a`` to ``b``. Not yet left ``a`` (a ``from`` it is heading to): the time to get there, then on.
        """
        if u.trip is None:
            return self.net.travel_s(u.place, dest, now_s=now), u.place, 0.0
        a, b, dep, drive = u.trip
        if now >= dep + drive:
            return self.net.travel_s(b, dest, now_s=now), b, 0.0
        if now <= dep:
            wait = dep - now if a != u.home else 0.0  # mobilising at home is not driving
            return wait + self.net.travel_s(a, dest, now_s=now), a, wait
        f = (now - dep) / drive
        back = f * drive + self.net.travel_s(a, dest, now_s=now)
        on = (1.0 - f) * drive + self.net.travel_s(b, dest, now_s=now)
        return (back, a, f * drive) if back < on else (on, b, (1.0 - f) * drive)

    @staticmethod
    def mobilise(u: Unit) -> float:
        """Time before ``u`` drives off when assigned now (0 when it is already on the road)."""
        return 0.0 if u.on_road else float(u.mobilise_s)

    def deliver(self, site: str, kind: str, units: list[tuple[Unit, float]], *, source: str) -> None:
        """Hand assigned units to the site's models (its fleet, its response); guards only stand at the venue."""
        if kind == "ambulance" and units:
            fleet = self.fleets.get(site)
            if fleet is not None:
                for u, travel in units:
                    fleet.send(self.mobilise(u) + travel, source=f"region:{source}", vid=u.id)
        elif kind == "police" and units:
            sink = self.police_sink.get(site)
            assignments = [PoliceAssignment(unit=u.id, can_contain=u.can_contain, dispatch_s=self.mobilise(u),
                                            travel_s=t) for u, t in units if u.role == "response"]
            if sink is not None and assignments:
                sink(assignments)

    def stop(self, unit: Unit, *, place: str) -> dict:
        """``unit`` stops working for its site now: at ``place`` (the site), or, released on its way there,
        where it is on the road (a unit still mobilising never left home). Returns what to record of it."""
        now = float(self.env.now)
        values: dict = {}
        trip = unit.trip
        if trip is not None and now < trip[2] + trip[3]:
            if now <= trip[2] and trip[0] == unit.home:
                unit.trip, place = None, unit.home
            else:
                where = self.position(unit, now)
                values = ({"on_road": True, "from": where[0], "toward": where[1], "fraction": round(where[2], 4)}
                          if where is not None else {"on_road": True, "toward": trip[0]})
        else:
            unit.trip = None
        unit.site, unit.place, unit.role = None, place, "response"
        return values

    def freed(self, unit: Unit, *, place: str) -> None:
        """``unit`` is free now (see :meth:`stop`): it serves the oldest queued request of its kind, else drives
        home."""
        values = self.stop(unit, place=place)
        self.recorder.emit(float(self.env.now), "region.unit_free", unit.id, unit_kind=unit.kind, at=unit.place,
                           **values)
        self.serve_queue(unit.kind)
        if unit.site is None and not (unit.trip is None and unit.place == unit.home):
            self.env.process(self._home(unit))

    def _home(self, unit: Unit):
        now = float(self.env.now)
        travel, via, via_s = self.route(unit, unit.home, now)
        unit.trip = trip = (via, unit.home, now + via_s, travel - via_s)
        yield self.env.timeout(travel)
        if unit.site is None and unit.trip is trip:
            unit.place, unit.trip = unit.home, None
            self.recorder.emit(float(self.env.now), "region.unit_home", unit.id, unit_kind=unit.kind, home=unit.home)

    def serve_queue(self, kind: str) -> None:
        """Send free units of ``kind`` to the queued requests, oldest first."""
        for req in list(self.queue):
            site, k, wanted, source, role = req
            if k != kind:
                continue
            got = self.assign(site, kind, wanted, queue=False, source=source, role=role)
            if not got:
                break
            self.recorder.emit(float(self.env.now), "region.request_served", site, unit_kind=kind, sent=len(got),
                               still_wanted=wanted - len(got))
            self.deliver(site, kind, got, source=source)
            req[2] -= len(got)
            if req[2] <= 0:
                self.queue.remove(req)

    def add_units(self, kind: str, count: int, *, home: str, armed: bool = False) -> list[Unit]:
        """Mutual-aid units joining the pool at ``home`` now; queued requests are served first."""
        out = []
        for _ in range(count):
            self.aid_count[kind] += 1
            uid = f"aid-{'amb' if kind == 'ambulance' else 'pol'}-{self.aid_count[kind]}"
            u = Unit(uid, kind, home, 0.0, can_contain=armed)
            self.units[uid] = u
            out.append(u)
            self.recorder.emit(float(self.env.now), "region.mutual_aid_arrived", uid, unit_kind=kind, home=home)
        self.serve_queue(kind)
        return out

    def reach(self, now: float, hospital: str) -> float:
        """Share of the public reached by now by a message asking them to avoid ``hospital`` (the largest)."""
        best = 0.0
        for sent, share, tau, named in self.messages:
            if hospital in named and now >= sent:
                best = max(best, share * (1.0 - math.exp(-(now - sent) / tau if tau > 0 else -math.inf)))
        return best


class SiteResources:
    """One site's view of the regional pool (implements :class:`simsoft.models.shared.SharedResources`)."""

    def __init__(self, pool: RegionalPool, site: str) -> None:
        self.pool = pool
        self.site = site
        self.distribution = pool.region.distribution

    def hospitals(self, *, recorder: Recorder,
                  on_care: Callable[[Casualty, HospitalModel], None]) -> list[HospitalModel] | None:
        """The shared hospitals as this site sees them (travel from the site now, shared load)."""
        pool = self.pool
        if not pool.region.hospitals:
            return None
        net, site = pool.net, self.site

        def travel(hid: str) -> Callable[[float], float]:
            return lambda now: net.travel_s(site, hid, now_s=now)

        return [HospitalModel(h, env=pool.env, recorder=recorder, on_care=on_care, load=pool.loads[h.id],
                              travel=travel(h.id)) for h in pool.region.hospitals]

    def send_ambulances(self, fleet: AmbulanceFleet, *, count: int, source: str) -> bool:
        """Send the nearest free shared ambulances to this site's fleet (what is short is queued)."""
        if not self.pool.has("ambulance"):
            return False
        self.pool.fleets.setdefault(self.site, fleet)
        self.pool.deliver(self.site, "ambulance", self.pool.assign(self.site, "ambulance", count, source=source),
                          source=source)
        return True

    def police(self, *, count: int) -> list[PoliceAssignment] | None:
        """Assign the nearest free shared police units to this site (``count=0`` asks whether there are any)."""
        if not self.pool.has("police"):
            return None
        if count <= 0:
            return []
        out = []
        for u, travel in self.pool.assign(self.site, "police", count):
            out.append(PoliceAssignment(unit=u.id, can_contain=u.can_contain, dispatch_s=self.pool.mobilise(u),
                                        travel_s=travel))
        return out

    def walk_in(self, hospitals: list[HospitalModel], *, nearest: HospitalModel,
                draw: Callable[[], float]) -> HospitalModel:
        """A self-presenting casualty reached by a message naming ``nearest`` goes to the nearest hospital the
        message does not name that has a free bed (else the nearest it does not name), else ``nearest``."""
        pool = self.pool
        if not pool.messages:
            return nearest
        share = pool.reach(float(pool.env.now), nearest.id)
        if share <= 0.0 or draw() >= share:
            return nearest
        named = set().union(*(m[3] for m in pool.messages if m[0] <= pool.env.now))
        others = [h for h in hospitals if h.id not in named]
        if not others:
            return nearest
        open_ = [h for h in others if not h.full] or others
        return min(open_, key=lambda h: (h.travel_s, h.id))
