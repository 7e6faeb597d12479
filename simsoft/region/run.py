"""One seeded regional run: every site's :class:`~simsoft.engine.Simulation` in one SimPy environment.

Each site is the venue's own simulation (egress, incident script, on-site response, medical, recovery),
built on the region's environment and lent the region's shared resources (:mod:`simsoft.region.pool`).
The region drives the environment to its end, then closes every site's records.

Seeds: site ``s`` of a run with region seed ``S`` runs with seed :func:`site_seed` ``(S, s)``, the first
32-bit word of ``SeedSequence(S, spawn_key=stream_key("region.site." + s))``; inside the site, every decision
point has its named stream as in any run. So a site's draws never depend on which other sites there are,
and a region of one site with the site's own resources reproduces ``run(scenario, seed=site_seed(S, s))``.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import simpy

from simsoft.engine import RunResult, Simulation
from simsoft.records import Event, Recorder
from simsoft.region.loader import LoadedRegion, apply_region_variant
from simsoft.region.network import RoadNetwork
from simsoft.region.pool import RegionalPool
from simsoft.rng import DEFAULT_SEED, stream_key
from simsoft.schema import Scenario
from simsoft.schema.medical import Hospital

__all__ = ["RegionResult", "RegionView", "HospitalState", "RegionalRun", "run_region", "site_seed"]


def site_seed(seed: int, site: str) -> int:
    """The seed site ``site`` runs with in a region run seeded ``seed`` (deterministic, documented above).

    >>> site_seed(1, "cathedral") == site_seed(1, "cathedral") != site_seed(1, "station")
    True
    """
    seq = np.random.SeedSequence(entropy=int(seed), spawn_key=stream_key(f"region.site.{site}"))
    return int(seq.generate_state(1, dtype=np.uint32)[0])


@dataclass(frozen=True)
class RegionResult:
    """What a regional run produced: each site's records, the region's own records and regional metrics."""

    loaded: LoadedRegion
    seed: int
    variant: str | None
    sites: dict[str, RunResult]
    """Site id -> that site's run (records on the region's clock, metrics as for one venue)."""
    events: tuple[Event, ...]
    """The region's own records (``region.*``: units assigned, shortfalls, run start and end)."""
    metrics: dict[str, Any] = field(default_factory=dict)
    seeds: dict[str, int] = field(default_factory=dict)
    """Site id -> the seed it ran with."""

    def all_events(self) -> list[tuple[str, Event]]:
        """Every record with its site (``""`` for the region's own), ordered by time, then region first,
        then by site in file order, each site's records in their own order."""
        order = {"": 0} | {s.id: i + 1 for i, s in enumerate(self.loaded.region.sites)}
        rows = [("", e) for e in self.events] + [(sid, e) for sid, r in self.sites.items() for e in r.events]
        return sorted(rows, key=lambda r: (r[1].t_s, order[r[0]]))


@dataclass(frozen=True)
class HospitalState:
    """One shared hospital now, as every site sees it."""

    beds: int
    beds_used: int
    en_route: int
    backlog: float
    diverted: bool

    @property
    def at_capacity(self) -> bool:
        """Every bed taken or promised to a patient on the way."""
        return self.beds_used + self.en_route >= self.beds


@dataclass(frozen=True)
class RegionView:
    """A frozen snapshot of the region now, for a regional exercise's views and state triggers (a hospital
    reaching capacity, units exhausted); each site's own view is ``sites[id]`` (:class:`simsoft.Observation`)."""

    t_s: float
    hospitals: dict[str, HospitalState]
    units_free: dict[str, int]
    """Kind -> shared units free now (including those driving home)."""
    units_total: dict[str, int]
    queued: dict[str, int]
    """Kind -> units wanted by requests still waiting."""
    sites: dict[str, Any]

    def units_exhausted(self, kind: str) -> bool:
        """The region has units of ``kind`` and none is free."""
        return self.units_total.get(kind, 0) > 0 and self.units_free.get(kind, 0) == 0


class RegionalRun:
    """A region being simulated: the shared environment, network, pool and the sites' simulations."""

    def __init__(self, loaded: LoadedRegion, *, seed: int = DEFAULT_SEED, lean: bool = False) -> None:
        region = loaded.region
        self.loaded = loaded
        self.seed = int(seed)
        self.env = simpy.Environment()
        self.recorder = Recorder()
        self.network = RoadNetwork(region)
        self.pool = RegionalPool(region, env=self.env, network=self.network, recorder=self.recorder)
        lends = bool(region.hospitals or region.ambulance_bases or region.police or region.distribution)
        self.recorder.emit(0.0, "region.start", "", seed=self.seed, variant=loaded.variant,
                           sites=[s.id for s in region.sites])
        self.seeds = {s.id: site_seed(self.seed, s.id) for s in region.sites}
        self.sims: dict[str, Simulation] = {}
        for s in region.sites:
            scenario = self._with_region_hospitals(loaded.scenarios[s.id], s.id)
            self.sims[s.id] = Simulation(scenario, seed=self.seeds[s.id], env=self.env, lean=lean,
                                         shared=self.pool.for_site(s.id) if lends else None)
        from simsoft.region.decisions import RegionalDecisions

        self.decisions = RegionalDecisions(self)
        """Regional decisions (scripted ``actions``, or an exercise's teams)."""
        for action in region.actions:
            self.decisions.apply(action, source="region")
        self.horizon = float(region.duration if region.duration is not None
                             else max(sim.scenario.duration for sim in self.sims.values()))

    def _with_region_hospitals(self, scenario: Scenario, site: str) -> Scenario:
        """The site's scenario naming the region's hospitals (travel: free-flow road time from the site) instead
        of its own, so that its records, metrics and actions speak of the hospitals the patients go to."""
        hospitals = self.loaded.region.hospitals
        if not hospitals or scenario.medical is None:
            return scenario
        own = [Hospital.model_validate({**h.model_dump(exclude={"location", "travel"}),
                                        "travel": self.network.free_flow_s(site, h.id)}) for h in hospitals]
        return scenario.model_copy(update={"medical": scenario.medical.model_copy(update={"hospitals": own})}
                                   ).with_names_of_its_places()

    def run_until(self, t_s: float) -> None:
        """Advance every site to region time ``t_s`` (no further than the horizon); records stay open, so an
        exercise can look (:meth:`observe`), decide (``decisions.apply``) and go on; :meth:`run_to_end` closes."""
        target = min(float(t_s), self.horizon)
        if target > self.env.now:
            self.env.run(until=target)

    def observe(self) -> RegionView:
        """The region now: shared hospitals, free, total and queued units, and every site's observation."""
        pool = self.pool
        now = float(self.env.now)
        hospitals = {}
        for h in self.loaded.region.hospitals:
            load = pool.loads[h.id]
            model = next((m for sim in self.sims.values() if sim.medical is not None
                          for m in sim.medical.hospitals if m.id == h.id), None)
            hospitals[h.id] = HospitalState(beds=h.bed_count, beds_used=load.beds_used, en_route=load.en_route,
                                            backlog=round(model.backlog(now), 3) if model is not None else 0.0,
                                            diverted=bool(load.diverted))
        kinds = ("ambulance", "police")
        free = {k: sum(1 for u in pool.units.values() if u.kind == k and u.site is None) for k in kinds}
        total = {k: sum(1 for u in pool.units.values() if u.kind == k) for k in kinds}
        queued = {k: sum(int(q[2]) for q in pool.queue if q[1] == k) for k in kinds}
        return RegionView(t_s=now, hospitals=hospitals, units_free=free, units_total=total, queued=queued,
                          sites={sid: sim.observe() for sid, sim in self.sims.items()})

    def run_to_end(self) -> None:
        """Run every site until nothing more is scheduled or the region's horizon, then close the records."""
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            queue, step, inf = self.env._queue, self.env.step, float("inf")
            while True:
                nxt = queue[0][0] if queue else inf
                if nxt == inf:
                    reason = "settled"
                    break
                if nxt > self.horizon:
                    if self.env.now < self.horizon:
                        self.env.run(until=self.horizon)
                    reason = "duration"
                    break
                step()
        finally:
            if gc_was_enabled:
                gc.enable()
        for sim in self.sims.values():
            sim.egress.finalize()
            sim.recorder.emit(self.env.now, "run.end", "", reason=reason)
        self.recorder.emit(self.env.now, "region.end", "", reason=reason)

    def result(self) -> RegionResult:
        """The records so far with the regional metrics."""
        from simsoft.region.metrics import region_metrics

        sites = {sid: sim.result() for sid, sim in self.sims.items()}
        partial = RegionResult(loaded=self.loaded, seed=self.seed, variant=self.loaded.variant, sites=sites,
                               events=tuple(self.recorder.events), seeds=dict(self.seeds))
        return RegionResult(loaded=self.loaded, seed=self.seed, variant=self.loaded.variant, sites=sites,
                            events=partial.events, seeds=dict(self.seeds), metrics=region_metrics(partial))


def run_region(loaded: LoadedRegion, *, seed: int = DEFAULT_SEED, variant: str | None = None,
               lean: bool = False) -> RegionResult:
    """Simulate the region (with ``variant`` applied) from t = 0 to its end and return the records."""
    if variant:
        loaded = apply_region_variant(loaded, variant)
    run = RegionalRun(loaded, seed=seed, lean=lean)
    run.run_to_end()
    return run.result()
