"""A session conducted over a region (:class:`simsoft.region.RegionalRun`), journaled and replayed like a venue session.

:class:`RegionalSession` is a :class:`facilitator.conduct.session.Session` whose world is a regional run: the
same phases, journal entries, write-ahead rule and replay; what it changes is where the world is read:

- the engine is :class:`RegionClock`, the regional run seen through the few calls a session makes
  (``now_s``, ``run_until``, ``settled``, ``check``, ``apply``, ``run_to_end``);
- a decision is a regional action (:mod:`simsoft.region.decisions`), recorded as ``region.decision``;
- an inject's venue trigger and placeholders read its site (``site:``), a region trigger the
  :class:`simsoft.region.run.RegionView` (a hospital at capacity, units exhausted, requests queued);
- ``events.jsonl`` is the regional run's (every record with its ``site``, as ``simsoft region run`` writes it);
- the situation report is the region's picture in plain words: sites, shared hospitals, shared units.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from simsoft.observation import count_people
from simsoft.region import RegionalRun, RegionResult, RegionView, region_events_jsonl

from facilitator.conduct.figures import FigureWorker, _Process
from facilitator.conduct.injects import InjectState, fires
from facilitator.conduct.regional_lines import region_report_lines, site_name
from facilitator.conduct.sitrep import key_numbers, render_lines, values_of
from facilitator.conduct.session import Session
from facilitator.exercise.regional import LoadedRegionalExercise, default_site
from facilitator.exercise.schema import HospitalAtCapacity, QueuedAbove, UnitsExhausted

__all__ = ["RegionClock", "RegionalSession", "RegionalFigureWorker", "region_fires", "regional_report",
           "regional_findings", "regional_key_numbers"]


class RegionClock:
    """A regional run seen through the calls a :class:`Session` makes of its engine."""

    def __init__(self, run: RegionalRun, *, site: str) -> None:
        self.run = run
        self.site = site
        """The site a venue-only view (the console's key numbers) reads through :meth:`observe` and :attr:`recorder`."""
        self.recorder = run.sims[site].recorder
        self._ended = False

    @property
    def now_s(self) -> float:
        """Region time in seconds."""
        return float(self.run.env.now)

    @property
    def settled(self) -> bool:
        """Nothing more is scheduled anywhere in the region."""
        return self.run.env.peek() == float("inf")

    def run_until(self, t_s: float) -> None:
        """Advance every site to ``t_s`` (no further than the region's horizon)."""
        self.run.run_until(t_s)

    def run_to_end(self) -> None:
        """Run the region to its end and close the records (once)."""
        if not self._ended:
            self.run.run_to_end()
            self._ended = True

    def observe(self) -> Any:
        """The observation of :attr:`site` now (the region's view is :meth:`RegionalRun.observe`)."""
        return self.run.sims[self.site].observe()

    def check(self, action: dict[str, Any]) -> Any:
        """The region's check of a regional action (:class:`simsoft.errors.ActionError` when it cannot be taken)."""
        return self.run.decisions.check(action)

    def apply(self, action: dict[str, Any], *, source: str) -> Any:
        """Schedule a regional action at its ``at``."""
        return self.run.decisions.apply(action, source=source)


def region_fires(trigger: Any, view: RegionView, run: RegionalRun, site: str) -> bool:
    """Whether ``trigger`` holds: a region trigger on ``view``, a venue trigger on ``site``'s view and records."""
    if isinstance(trigger, HospitalAtCapacity):
        state = view.hospitals.get(trigger.hospital_at_capacity)
        return state is not None and state.at_capacity
    if isinstance(trigger, UnitsExhausted):
        return view.units_exhausted(trigger.units_exhausted)
    if isinstance(trigger, QueuedAbove):
        return view.queued.get(trigger.kind, 0) > trigger.queued_above
    return fires(trigger, view.sites[site], run.sims[site].recorder.events)


_POSTURE = {"lockdown": "lockdown", "close": "evacuate", "postpone": "evacuate"}
"""The venue order a regional ``posture`` gives every zone of a site (:mod:`simsoft.region.decisions`)."""


class RegionalSession(Session):
    """A session over a regional run (build it with :func:`facilitator.conduct.store.start_session`)."""

    loaded: LoadedRegionalExercise

    def __post_init__(self) -> None:
        assert self.loaded.region is not None
        self.run = RegionalRun(self.loaded.region, seed=self.loaded.seed)
        self.sim = RegionClock(self.run, site=default_site(self.loaded.region))  # type: ignore[assignment]
        self.injects = [InjectState(i) for i in self.loaded.exercise.msel]
        self._replaying = None
        self._plan = None
        self._ahead = None

    def _site_of(self, s: InjectState) -> str:
        return s.inject.site or default_site(self.run.loaded)

    def _fires(self, s: InjectState, snapshot: list[Any]) -> bool:
        """Whether ``s``'s trigger holds in the region now (one :class:`RegionView` per stop, in ``snapshot``)."""
        if not snapshot:
            snapshot.append(self.run.observe())
        return region_fires(s.inject.when, snapshot[0], self.run, self._site_of(s))

    def _world_of(self, s: InjectState) -> tuple[Any, Any]:
        """An inject's text reads its site (``site:``, default the first site with an incident)."""
        sim = self.run.sims[self._site_of(s)]
        return sim.observe(), sim.recorder.events

    def venue_worlds(self) -> list[Any]:
        """Every site as the contrary-action rules read a venue (:class:`facilitator.evaluation.contrary.World`): its
        scenario, its records, and the decisions that applied a venue action there (``site``; ``posture``
        ``lockdown`` as a lockdown of every zone, ``close`` and ``postpone`` as an evacuation of every zone)."""
        from facilitator.evaluation.contrary import World

        out = []
        for sid, sim in self.run.sims.items():
            mine = []
            for d in self.decisions:
                a = d.action
                if a.get("do") == "site" and a.get("site") == sid:
                    mine.append(dataclasses.replace(d, action=dict(a.get("action") or {})))
                elif a.get("do") == "posture" and sid in (a.get("sites") or []) and a.get("measure") in _POSTURE:
                    mine.append(dataclasses.replace(d, action={"do": _POSTURE[a["measure"]], "zones": "all"}))
            out.append(World(sid, _site_name(self.run, sid), sim.scenario, sim.recorder, mine))
        return out

    def key_numbers(self, local: Any = None) -> list[str]:
        """Every site's numbers (inside, out, casualties, units on scene), then the shared hospitals and units (in
        ``local``'s language when given: :func:`regional_key_numbers`)."""
        return regional_key_numbers(self.run, self.run.observe(), local=local)

    def figure_worker(self, *, folder: Path, lang: str = "en") -> "RegionalFigureWorker":
        """The region's map, drawn in the console's background figure worker in ``lang``."""
        return RegionalFigureWorker(self.run, folder=folder, lang=lang)

    def events_text(self) -> str:
        """Every record of the region so far with its ``site`` (the format of ``simsoft region run``)."""
        return region_events_jsonl(_partial(self.run))

    def sitrep_lines(self, team_id: str | None) -> list[Any]:
        """The region's situation report, line by line in any language (the same picture for every team: sites,
        hospitals, units, recent decisions; :mod:`facilitator.conduct.regional_lines`), with the orders a site's
        world did not follow."""
        from facilitator.conduct.sitrep import override_lines
        from facilitator.evaluation.contrary import overrides

        team = self.loaded.exercise.team(team_id) if team_id else None
        return region_report_lines(self.run, self.run.observe()) + override_lines(overrides(self), team=team,
                                                                                  now_s=self.now_s)

    def summary_lines(self) -> list[str]:
        """The session log, with the regional findings once play has ended."""
        lines = super().summary_lines()
        if self.phase in ("hot_wash", "evaluation", "closed"):
            lines += regional_findings(self.run) + [""]
        return lines


def _partial(run: RegionalRun) -> Any:
    """The records so far as a result without metrics (metrics are computed once, at the end)."""
    return RegionResult(loaded=run.loaded, seed=run.seed, variant=run.loaded.variant,
                        sites={sid: sim.result() for sid, sim in run.sims.items()},
                        events=tuple(run.recorder.events), seeds=dict(run.seeds))


class RegionalFigureWorker(FigureWorker):
    """:class:`~facilitator.conduct.figures.FigureWorker` for a regional run: each figure is the region's map
    (:func:`simsoft.plots.region_map`) of the moment, drawn from a slim copy of the regional result (the region,
    its own records and the regional metrics so far; no site records travel)."""

    def __init__(self, run: RegionalRun, *, folder: Path, lang: str = "en") -> None:
        super().__init__(run, folder=folder, lang=lang)  # type: ignore[arg-type]
        self.run = run

    def _state_key(self) -> tuple[float, int, int]:
        run = self.run
        return (float(run.env.now), len(run.recorder.events) + sum(len(s.recorder.events) for s in run.sims.values()),
                sum(len(s.recorder.timeseries) for s in run.sims.values()))

    def _submit(self, key: tuple[float, int, int], path: Path) -> Any:
        if self._worker is None:
            self._worker = _Process()
        full = self.run.result()
        slim = RegionResult(loaded=dataclasses.replace(full.loaded, scenarios={}, data={}), seed=full.seed,
                            variant=full.variant, sites={}, events=(), metrics=dict(full.metrics))
        events = [(e.t_s, e.kind, e.subject, dict(e.values)) for e in full.events]  # records' values do not pickle
        return self._worker.submit(len(self._jobs), {"key": key, "path": str(path), "region": (slim, events),
                                                          "lang": self.lang})


def regional_key_numbers(run: RegionalRun, view: RegionView, *, local: Any = None) -> list[str]:
    """The numbers a facilitator watches in a region: one line per site, then hospitals and units.

    Each site line is the venue console's (:func:`facilitator.conduct.sitrep.key_numbers`) after the site's name;
    ``local`` (a :class:`facilitator.i18n.exercise.Local` of another language) says them in its language, the
    places by the region file's names in that language."""
    if local is not None and local.lang != "en":
        return _local_key_numbers(run, view, local)
    out = []
    for sid, sim in run.sims.items():
        values = values_of(count_people(view.sites[sid], sim.recorder.events), sim.recorder.events)
        out.append(f"{_site_name(run, sid)}: {key_numbers(values)}")
    names = {h.id: h.name or h.id for h in run.loaded.region.hospitals}
    beds = [f"{names[hid]} {h.beds_used}/{h.beds}" + (" AT CAPACITY" if h.at_capacity else "")
            + (" diverted" if h.diverted else "") for hid, h in view.hospitals.items()]
    units = [f"{kind} {view.units_free.get(kind, 0)}/{view.units_total[kind]} free"
             + (f" ({view.queued[kind]} queued)" if view.queued.get(kind) else "")
             for kind in ("ambulance", "police") if view.units_total.get(kind)]
    if beds or units:
        out.append("  ".join([*(["beds used: " + ", ".join(beds)] if beds else []), *units]))
    return out


def _local_key_numbers(run: RegionalRun, view: RegionView, local: Any) -> list[str]:
    """:func:`regional_key_numbers` in ``local``'s language (the same numbers, words from the catalogs)."""
    tr, n = local.tr, local.tr.format_number
    out = []
    for sid, sim in run.sims.items():
        values = values_of(count_people(view.sites[sid], sim.recorder.events), sim.recorder.events)
        out.append(f"{local.place(sid, _site_name(run, sid))}: {local.key_numbers({**values, 't_s': view.t_s})}")
    beds = []
    for hid, h in view.hospitals.items():
        said = tr.gettext("%(hospital)s %(used)s/%(beds)s", hospital=local.place(hid, hid), used=n(h.beds_used),
                          beds=n(h.beds))
        flags = [tr.gettext(w) for w, on in (("AT CAPACITY", h.at_capacity), ("diverted", h.diverted)) if on]
        beds.append(" ".join([said, *flags]))
    units = []
    for kind in ("ambulance", "police"):
        if not view.units_total.get(kind):
            continue
        said = tr.gettext("%(kind)s %(free)s/%(total)s free", kind=tr.gettext(kind), free=n(view.units_free.get(kind, 0)),
                          total=n(view.units_total[kind]))
        if view.queued.get(kind):
            said += " " + tr.gettext("(%(n)s queued)", n=n(view.queued[kind]))
        units.append(said)
    if beds or units:
        out.append("  ".join([*([tr.gettext("beds used: %(beds)s", beds=tr.join(beds))] if beds else []), *units]))
    return out


def _site_name(run: RegionalRun, sid: str) -> str:
    return site_name(run, sid)


def regional_report(run: RegionalRun, view: RegionView) -> list[str]:
    """The region now in plain English words (:func:`~facilitator.conduct.regional_lines.region_report_lines`)."""
    return render_lines(region_report_lines(run, view))


def regional_findings(run: RegionalRun) -> list[str]:
    """Regional findings of the played run (Markdown): deaths by site, hospital peak loads, units."""
    m = run.result().metrics
    out = ["## Regional findings (the played run, one seed)", "",
           "| site | casualties | deaths | preventable deaths | at hospital | time to hospital median |",
           "|---|---:|---:|---:|---:|---:|"]
    for s in run.loaded.region.sites:
        k = f"site.{s.id}."
        median = m.get(k + "time_to_hospital_median_min")
        out.append(f"| {_site_name(run, s.id)} | {m.get(k + 'casualties', 0)} | {m.get(k + 'deaths', 0)} | "
                   f"{m.get(k + 'preventable_deaths', 0)} | {m.get(k + 'at_hospital', 0)} | "
                   f"{'-' if median is None else f'{median:.0f} min'} |")
    out += ["", "| hospital | beds | peak beds used | peak load vs beds | admissions over capacity |", "|---|---:|---:|---:|---:|"]
    for h in run.loaded.region.hospitals:
        k = f"hospital.{h.id}."
        load = m.get(k + "peak_load_vs_beds")
        out.append(f"| {h.name or h.id} | {m.get(k + 'beds', '-')} | {m.get(k + 'peak_beds_used', '-')} | "
                   f"{'-' if load is None else f'{load:.2f}'} | {m.get(k + 'over_capacity', 0)} |")
    out += ["", "| units | total | committed | idle | shortfall |", "|---|---:|---:|---:|---:|"]
    for kind in ("ambulance", "police"):
        k = f"units.{kind}."
        if m.get(k + "total"):
            out.append(f"| {kind} | {m.get(k + 'total')} | {m.get(k + 'committed', 0)} | {m.get(k + 'idle', 0)} | "
                       f"{m.get(k + 'shortfall', 0)} |")
    out += ["", "The figures above are one seeded run; `simsoft exercise evaluate` and `report` compare these decisions "
                "with doctrine and no action over replications of the region."]
    return out
