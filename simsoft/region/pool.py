"""The region's shared units and hospitals, and what each site borrows from them.

- **Hospitals**: one :class:`~simsoft.models.medical.hospitals.HospitalLoad` per regional hospital, bound to
  every site's view of it (its travel time from that site on the road graph), so beds, the critical-care
  line and its backlog hold region-wide.
- **Ambulances and police units**: each is one record here, with the one place it is at. A site's
  request takes the free units nearest to it (shortest driving time now, then id); a unit assigned to
  a site stays with that site until the run ends (reassignment is a regional decision, not built yet),
  so a unit is never in two places. What cannot be met is recorded as ``region.shortfall``.
"""

from __future__ import annotations

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

    def has(self, kind: str) -> bool:
        """Whether the region has units of ``kind`` at all."""
        return any(u.kind == kind for u in self.units.values())

    def for_site(self, site: str) -> SiteResources:
        """What site ``site`` borrows."""
        return SiteResources(self, site)

    def assign(self, site: str, kind: str, count: int) -> list[tuple[Unit, float]]:
        """Assign up to ``count`` free units of ``kind`` to ``site``, nearest first; ``(unit, travel_s)`` each."""
        now = float(self.env.now)
        free = [u for u in self.units.values() if u.kind == kind and u.site is None]
        ranked = sorted(((self.net.travel_s(u.home, site, now_s=now), u.id, u) for u in free), key=lambda r: (r[0], r[1]))
        out = []
        for travel, _, u in ranked[:count]:
            u.site = site
            out.append((u, travel))
            self.recorder.emit(now, "region.unit_assigned", u.id, site=site, unit_kind=kind, home=u.home,
                               mobilise_s=u.mobilise_s, travel_s=round(travel, 3))
        if len(out) < count:
            self.recorder.emit(now, "region.shortfall", site, unit_kind=kind, wanted=count, sent=len(out))
        return out


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
        """Send the nearest free shared ambulances to this site's fleet."""
        if not self.pool.has("ambulance"):
            return False
        for unit, travel in self.pool.assign(self.site, "ambulance", count):
            fleet.send(unit.mobilise_s + travel, source=f"region:{source}", vid=unit.id)
        return True

    def police(self, *, count: int) -> list[PoliceAssignment] | None:
        """Assign the nearest free shared police units to this site (``count=0`` asks whether there are any)."""
        if not self.pool.has("police"):
            return None
        return [PoliceAssignment(unit=u.id, can_contain=u.can_contain, dispatch_s=u.mobilise_s, travel_s=travel)
                for u, travel in self.pool.assign(self.site, "police", count)] if count > 0 else []
